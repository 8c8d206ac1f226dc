"""width: the width floor never claims too much, widths add up over pieces, and each piece is measured once."""
import functools
import random
import re
from pathlib import Path

import pytest
import sympy as sp

from symback.documents.printing import latex
from symback.documents.width import TEXT_WIDTH, exceeds, raw_width, tex_width
from symback.engine.examples import example_names

OUTPUT = Path(__file__).resolve().parents[2] / "output"


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
def test_exceeds_is_a_floor_of_the_printed_width(budget, example_exprs, random_expr):
    """exceeds(e) says "too wide" only when the printed LaTeX is wider: it may skip printing safely."""
    rng = random.Random(7)
    exprs = [random_expr(rng, rng.randint(1, 4)) for _ in range(600)] + example_exprs
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
        assert raw_width(f"{a} {b}") == pytest.approx(raw_width(a) + raw_width(b), abs=1e-9)
        assert raw_width(f"{a} = {b}") == pytest.approx(raw_width(a) + raw_width("=") + raw_width(b), abs=1e-9)


def test_a_width_by_pieces_is_the_width_of_the_whole(gallery_lines, soup):
    """raw_width sums the widths of a string's pieces between top-level spaces; _measure reads the whole
    string token by token, as the estimate is defined: they agree on every gallery line and on soups
    built to break the cut (an argument after a space, \\frac with one argument in each piece, ``\\ ``)."""
    from symback.documents.width import _measure, _pieces

    strings = gallery_lines + soup(5, 15000)
    cut = 0
    for tex in strings:
        assert raw_width(tex) == pytest.approx(_measure(tex), abs=1e-9), tex
        cut += (_pieces(tex) or [None]).__len__() > 1
    assert cut > 1000  # the pieces path is the one exercised
    for tex in (r"\frac\partial \}", r"\right  \}", r"x^ {2} y", r"\text{(sum rule, product rule)}", "a\\ b"):
        assert raw_width(tex) == pytest.approx(_measure(tex), abs=1e-9), tex


def test_a_new_piece_is_parsed_and_measured_once_whatever_its_type():
    """Tex is a str subclass, and functools caches key a Tex and an equal str apart: a weight's name
    arrives as both, and was measured twice. A new piece is also parsed once for both readers."""
    from symback.documents import width as measure
    from symback.documents.tex import Tex

    name = r"w^{(7)}_{93,41}"  # a piece no other test measures
    measured, parsed = measure._measure.cache_info().currsize, measure._parse_kept.cache_info().misses
    width = tex_width(Tex(name))
    assert tex_width(name) == width and tex_width(Tex(name)) == width
    assert measure._measure.cache_info().currsize == measured + 1
    assert measure._parse_kept.cache_info().misses == parsed + 1  # (_state, then _measure)
    assert measure._parsed("x" * (measure._KEPT_LENGTH + 1)) == (list("x" * (measure._KEPT_LENGTH + 1)), {})
    assert measure._parse_kept.cache_info().misses == parsed + 1  # a long piece is not kept


def test_a_number_is_measured_and_closed_as_its_tokens_are():
    """The short cut for number pieces (most new pieces of a worked solution) gives the general
    estimate, bit for bit, and says a number closes; anything number-like but not plain is left alone."""
    from symback.documents import width as measure

    rng = random.Random(9)
    numbers = ["0", "-0", "10", "-3.25", "0.0001234", "123456789012345"]
    for _ in range(2000):
        whole = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        fraction = "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        numbers.append(rng.choice(["", "-"]) + whole + rng.choice(["", fraction]))
    for text in numbers:
        tokens, partner = measure._parse(text)
        assert measure._DECIMAL.match(text)
        assert measure._measure.__wrapped__(text) == measure._width(tokens, partner, 0, len(tokens)), text
        assert measure._state.__wrapped__(text) == 0
    for text in ("1.", ".5", "1e5", "1.5 \\cdot 2", "-", "1,5", "\\left(-0.5\\right)"):
        assert not measure._DECIMAL.match(text), text
