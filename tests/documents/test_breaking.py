"""breaking: laid-out lines fit the width, a sum is cut at its top-level signs, the one-line short cut."""
import random

import sympy as sp

from symback.documents.breaking import Equation, aligned_lines
from symback.documents.printing import latex
from symback.documents.width import TEXT_WIDTH, tex_width


def test_every_laid_out_line_fits(random_expr):
    rng = random.Random(11)
    terms = [latex(random_expr(rng, 2)) for _ in range(60)]
    rows = [Equation(latex(sp.Symbol(f"d{i}")), (" + ".join(terms[i:i + 12]), " \\cdot ".join(terms[i:i + 5]), "0.25"))
            for i in range(0, 40, 4)]
    for line in aligned_lines(rows):
        assert tex_width(line.replace("&", "")) <= TEXT_WIDTH + tex_width("= "), line


def _split_top_by_characters(tex: str, separators) -> list[str]:
    """The reference: one character at a time (the implementation before the regular expression)."""
    pieces, start, depth, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith(r"\left", i) and not tex[i + 5:i + 6].isalpha():
            depth, i = depth + 1, i + 5
            continue
        if tex.startswith(r"\right", i) and not tex[i + 6:i + 7].isalpha():
            depth, i = depth - 1, i + 6
            continue
        char = tex[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and i > start:
            for sep in separators:
                if tex.startswith(sep, i):
                    pieces.append(tex[start:i].strip())
                    start = i + 1
                    break
        i += 1
    pieces.append(tex[start:].strip())
    return [p for p in pieces if p]


def test_split_at_top_level_separators_matches_the_character_scan(gallery_lines, soup):
    from symback.documents.breaking import _split_top

    for tex in gallery_lines[::3] + soup(9, 8000):
        for separators in ((" + ", " - "), (r" \cdot ",)):
            assert _split_top(tex, separators) == _split_top_by_characters(tex, separators), tex


def test_blocks_that_fit_on_one_line_are_laid_out_as_the_general_path_lays_them_out(monkeypatch, random_expr):
    """The one-line short cut of aligned_lines gives exactly the lines of the part-by-part layout,
    for blocks near the width (both sides of it), with notes, repeated and empty parts."""
    from symback.documents import breaking

    rng = random.Random(5)
    terms = [latex(random_expr(rng, rng.choice([1, 2]))) for _ in range(80)]
    blocks = []
    for _ in range(300):
        rows = []
        for _ in range(rng.randint(1, 4)):
            parts = [" + ".join(rng.sample(terms, rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
            parts += rng.choice([[], [parts[0]], [""], ["0.25"]])
            rows.append(Equation(latex(sp.Symbol(f"d{rng.randint(1, 99)}")), tuple(parts),
                             rng.choice(["", "chain rule", "product rule, sum rule, logistic derivative"])))
        blocks.append((rows, rng.choice([160.0, 240.0, 320.0, TEXT_WIDTH])))
    fast = [aligned_lines(rows, width) for rows, width in blocks]
    monkeypatch.setattr(breaking, "_MARGIN", float("inf"))  # never the short cut
    general = [aligned_lines(rows, width) for rows, width in blocks]
    assert fast == general
    one_line = sum(len(lines) == len(rows) and not any(line.startswith("&") for line in lines)
                   for (rows, _), lines in zip(blocks, fast))
    assert 30 < one_line < 270, one_line  # both paths taken


