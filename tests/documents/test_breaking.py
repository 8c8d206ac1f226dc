"""breaking: the width floor never claims too much, widths add up, and layouts fit."""
import functools
import random
import re
from pathlib import Path

import pytest
import sympy as sp

from symback.documents.breaking import TEXT_WIDTH, Line, _raw, aligned_lines, exceeds, tex_width
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
    rows = [Line(latex(sp.Symbol(f"d{i}")), (" + ".join(terms[i:i + 12]), " \\cdot ".join(terms[i:i + 5]), "0.25"))
            for i in range(0, 40, 4)]
    for line in aligned_lines(rows):
        assert tex_width(line.replace("&", "")) <= TEXT_WIDTH + tex_width("= "), line
