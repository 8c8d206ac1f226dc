"""breaking: the width floor never claims too much, widths add up, and layouts fit."""
import functools
import random
import re
from pathlib import Path

import pytest
import sympy as sp

from symback.documents.breaking import TEXT_WIDTH, Equation, _raw, aligned_lines, exceeds, tex_width
from symback.documents.printing import latex
from symback.engine.examples import example_names
from symback.engine.functions import sigmoid

OUTPUT = Path(__file__).resolve().parents[2] / "output"


def _random_expr(rng: random.Random, depth: int) -> sp.Expr:
    """A random expression over the shapes the printer meets: sums, products, fractions, powers, exp, σ."""
    names = sp.symbols("x1 w1_2_3 t a2_1 z1_1 delta3", real=True)
    if depth == 0 or rng.random() < 0.2:
        return rng.choice([*names, sp.Integer(rng.randint(-5, 9)) or sp.S.One, sp.Rational(rng.randint(1, 7), 8),
                           sp.Float(rng.uniform(-2, 2), 5)])
    parts = [_random_expr(rng, depth - 1) for _ in range(rng.randint(2, 6))]
    shape = rng.choice(["add", "add", "mul", "div", "pow", "exp", "sigmoid", "neg"])
    if shape == "add":
        return sp.Add(*parts)
    if shape == "mul":
        return sp.Mul(*parts)
    if shape == "div":
        return parts[0] / (parts[1] + 2)
    if shape == "pow":
        return parts[0] ** rng.choice([2, 3, -1, -2, sp.Rational(1, 2), parts[1]])
    if shape == "exp":
        return sp.exp(parts[0])
    if shape == "sigmoid":
        return sigmoid(parts[0])
    return -parts[0] + parts[1]


@pytest.fixture(scope="module")
def example_exprs(solved) -> list[sp.Expr]:
    """Every closed form, local derivative and node formula of the built-in examples."""
    exprs = []
    for name in example_names():
        solution = solved(name)
        derivation = getattr(solution, "derivation", None)
        if derivation is None:
            continue
        for step in derivation.steps:
            exprs.append(step.closed)
            exprs.extend(term.local for term in step.terms)
        exprs.extend(n.expr for n in solution.graph.nodes if n.expr is not None)
    return exprs


@pytest.mark.parametrize("budget", [120.0, TEXT_WIDTH])
def test_exceeds_is_a_floor_of_the_printed_width(budget, example_exprs):
    """exceeds(e) says "too wide" only when the printed LaTeX is wider: it may skip printing safely."""
    rng = random.Random(7)
    exprs = [_random_expr(rng, rng.randint(1, 4)) for _ in range(600)] + example_exprs
    xs, ys = sp.symbols("x1:80", real=True), sp.symbols("y1:80", real=True)
    for k in range(2, 80, 3):  # what prints narrower than its leaves: fractions, exponents, exp
        top, bottom = sp.Add(*xs[:k]), sp.Add(*ys[:k])
        exprs += [top / bottom, sp.Symbol("q") ** top, sp.exp(top), 3 * sp.exp(-top) / (1 + bottom)]
    said_wide = 0
    for expr in exprs:
        if exceeds(expr, budget):
            said_wide += 1
            assert tex_width(_printed(expr)) > budget, expr
    assert said_wide >= 10  # the floor is not vacuous


def test_exceeds_a_huge_sum_without_printing_it():
    huge = sp.Add(*sp.symbols("x1:20001"))
    assert exceeds(huge) and not exceeds(sp.Symbol("x"))


@functools.lru_cache(maxsize=None)
def _printed(expr: sp.Expr) -> str:
    return latex(expr)


def _gallery_math() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(OUTPUT.glob("*.tex"))[:6])
    return [m for m in re.findall(r"\$([^$\n]+)\$", text) if m.count("{") == m.count("}")]


def test_widths_add_up_over_a_space():
    """The layout adds widths instead of measuring ever longer lines: that must be the same number."""
    pieces = _gallery_math()
    assert len(pieces) > 50
    rng = random.Random(3)
    for _ in range(500):
        a, b = rng.choice(pieces), rng.choice(pieces)
        assert _raw(f"{a} {b}") == pytest.approx(_raw(a) + _raw(b), abs=1e-9)
        assert _raw(f"{a} = {b}") == pytest.approx(_raw(a) + _raw("=") + _raw(b), abs=1e-9)


def test_every_laid_out_line_fits():
    rng = random.Random(11)
    terms = [latex(_random_expr(rng, 2)) for _ in range(60)]
    rows = [Equation(latex(sp.Symbol(f"d{i}")), (" + ".join(terms[i:i + 12]), " \\cdot ".join(terms[i:i + 5]), "0.25"))
            for i in range(0, 40, 4)]
    for line in aligned_lines(rows):
        assert tex_width(line.replace("&", "")) <= TEXT_WIDTH + tex_width("= "), line


_SOUP = ["\\left(", "\\right)", "\\left", "\\right", "\\leftarrow", " ", "  ", "{", "}", " + ", " - ", " \\cdot ",
         "a", "1", "^", "_", "\\frac", "\\", "\\{", "\\}", "\\\\", "x_{1}", "\\frac{a}{b}", "\\text{a b}",
         "\\mathrm{price}", "\\operatorname{ReLU}", "\n", "&", "λ", "가", "\\sigma", "\\quad", "\\,", "^{(2)}",
         "\\partial ", "\\begin{aligned}"]


def _soup(seed: int, count: int) -> list[str]:
    """Random token soups: unbalanced braces, commands whose arguments follow a space, escaped braces."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_SOUP) for _ in range(rng.randint(0, 25))) for _ in range(count)]


def _gallery_lines() -> list[str]:
    lines = [line for p in sorted(OUTPUT.glob("*.tex")) for line in p.read_text(encoding="utf-8").splitlines()]
    return lines + [piece for line in lines for piece in line.split(" = ")]


def test_a_width_by_pieces_is_the_width_of_the_whole():
    """_raw sums the widths of a string's pieces between top-level spaces; _measure reads the whole
    string token by token, as the estimate is defined: they agree on every gallery line and on soups
    built to break the cut (an argument after a space, \\frac with one argument in each piece, ``\\ ``)."""
    from symback.documents.breaking import _measure, _pieces

    strings = _gallery_lines() + _soup(5, 15000)
    cut = 0
    for tex in strings:
        assert _raw(tex) == pytest.approx(_measure(tex), abs=1e-9), tex
        cut += (_pieces(tex) or [None]).__len__() > 1
    assert cut > 1000  # the pieces path is the one exercised
    for tex in (r"\frac\partial \}", r"\right  \}", r"x^ {2} y", r"\text{(sum rule, product rule)}", "a\\ b"):
        assert _raw(tex) == pytest.approx(_measure(tex), abs=1e-9), tex


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


def test_split_at_top_level_separators_matches_the_character_scan():
    from symback.documents.breaking import _split_top

    for tex in _gallery_lines()[::3] + _soup(9, 8000):
        for separators in ((" + ", " - "), (r" \cdot ",)):
            assert _split_top(tex, separators) == _split_top_by_characters(tex, separators), tex


def test_a_new_piece_is_parsed_and_measured_once_whatever_its_type():
    """Tex is a str subclass, and functools caches key a Tex and an equal str apart: a weight's name
    arrives as both, and was measured twice. A new piece is also parsed once for both readers."""
    from symback.documents import breaking
    from symback.documents.tex import Tex

    name = r"w^{(7)}_{93,41}"  # a piece no other test measures
    measured, parsed = breaking._measure.cache_info().currsize, breaking._parse_kept.cache_info().misses
    width = tex_width(Tex(name))
    assert tex_width(name) == width and tex_width(Tex(name)) == width
    assert breaking._measure.cache_info().currsize == measured + 1
    assert breaking._parse_kept.cache_info().misses == parsed + 1  # (_state, then _measure)
    assert breaking._parsed("x" * (breaking._KEPT_LENGTH + 1)) == (list("x" * (breaking._KEPT_LENGTH + 1)), {})
    assert breaking._parse_kept.cache_info().misses == parsed + 1  # a long piece is not kept


def test_blocks_that_fit_on_one_line_are_laid_out_as_the_general_path_lays_them_out(monkeypatch):
    """The one-line short cut of aligned_lines gives exactly the lines of the part-by-part layout,
    for blocks near the width (both sides of it), with notes, repeated and empty parts."""
    from symback.documents import breaking

    rng = random.Random(5)
    terms = [latex(_random_expr(rng, rng.choice([1, 2]))) for _ in range(80)]
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


def test_a_number_is_measured_and_closed_as_its_tokens_are():
    """The short cut for number pieces (most new pieces of a worked solution) gives the general
    estimate, bit for bit, and says a number closes; anything number-like but not plain is left alone."""
    from symback.documents import breaking

    rng = random.Random(9)
    numbers = ["0", "-0", "10", "-3.25", "0.0001234", "123456789012345"]
    for _ in range(2000):
        whole = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        fraction = "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        numbers.append(rng.choice(["", "-"]) + whole + rng.choice(["", fraction]))
    for text in numbers:
        tokens, partner = breaking._parse(text)
        assert breaking._DECIMAL.match(text)
        assert breaking._measure.__wrapped__(text) == breaking._width(tokens, partner, 0, len(tokens)), text
        assert breaking._state.__wrapped__(text) == 0
    for text in ("1.", ".5", "1e5", "1.5 \\cdot 2", "-", "1,5", "\\left(-0.5\\right)"):
        assert not breaking._DECIMAL.match(text), text
