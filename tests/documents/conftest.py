"""What the document tests share: random expressions, token soups, the gallery's lines, an exercise."""
import random
from pathlib import Path

import mpmath
import pytest
import sympy as sp

import symback
from symback.engine.functions import sigmoid

OUTPUT = Path(__file__).resolve().parents[2] / "output"


def random_expression(rng: random.Random, depth: int) -> sp.Expr:
    """A random expression over the shapes the printer meets: sums, products, fractions, powers, exp, σ."""
    names = sp.symbols("x1 w1_2_3 t a2_1 z1_1 delta3", real=True)
    if depth == 0 or rng.random() < 0.2:
        return rng.choice([*names, sp.Integer(rng.randint(-5, 9)) or sp.S.One, sp.Rational(rng.randint(1, 7), 8),
                           sp.Float(rng.uniform(-2, 2), 5)])
    parts = [random_expression(rng, depth - 1) for _ in range(rng.randint(2, 6))]
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


_SOUP = ["\\left(", "\\right)", "\\left", "\\right", "\\leftarrow", " ", "  ", "{", "}", " + ", " - ", " \\cdot ",
         "a", "1", "^", "_", "\\frac", "\\", "\\{", "\\}", "\\\\", "x_{1}", "\\frac{a}{b}", "\\text{a b}",
         "\\mathrm{price}", "\\operatorname{ReLU}", "\n", "&", "λ", "가", "\\sigma", "\\quad", "\\,", "^{(2)}",
         "\\partial ", "\\begin{aligned}"]


def token_soup(seed: int, count: int) -> list[str]:
    """Random token soups: unbalanced braces, commands whose arguments follow a space, escaped braces."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_SOUP) for _ in range(rng.randint(0, 25))) for _ in range(count)]


def gallery_tex_lines() -> list[str]:
    """Every line of the committed gallery's LaTeX, and its pieces between ``=``."""
    lines = [line for p in sorted(OUTPUT.glob("*.tex")) for line in p.read_text(encoding="utf-8").splitlines()]
    return lines + [piece for line in lines for piece in line.split(" = ")]


@pytest.fixture(scope="session")
def random_expr():
    """``random_expr(rng, depth)``: a random expression over the shapes the printer meets."""
    return random_expression


@pytest.fixture(scope="session")
def soup():
    """``soup(seed, count)``: random token soups (unbalanced braces, arguments after a space, escapes)."""
    return token_soup


@pytest.fixture(scope="session")
def gallery_lines():
    """Every line of the committed gallery's LaTeX, and its pieces between ``=``."""
    return gallery_tex_lines()


@pytest.fixture(scope="module")
def exercise():
    """Three variants of the built-in exercise_neuron, seed 5."""
    return symback.exercise(symback.example_path("exercise_neuron"), variants=3, seed=5, name="example:exercise_neuron")


@pytest.fixture(scope="session")
def mazur_by_hand():
    """Mazur's 2-2-2 forward and δs computed independently with mpmath (not through symback): x, a, δ(1), δ(2)."""
    sig = lambda z: 1 / (1 + mpmath.exp(-z))
    x, t = [mpmath.mpf("0.05"), mpmath.mpf("0.10")], [mpmath.mpf("0.01"), mpmath.mpf("0.99")]
    w1 = [[mpmath.mpf("0.15"), mpmath.mpf("0.20")], [mpmath.mpf("0.25"), mpmath.mpf("0.30")]]
    w2 = [[mpmath.mpf("0.40"), mpmath.mpf("0.45")], [mpmath.mpf("0.50"), mpmath.mpf("0.55")]]
    a = [sig(w1[j][0] * x[0] + w1[j][1] * x[1] + mpmath.mpf("0.35")) for j in range(2)]
    y = [sig(w2[j][0] * a[0] + w2[j][1] * a[1] + mpmath.mpf("0.60")) for j in range(2)]
    d2 = [(y[j] - t[j]) * y[j] * (1 - y[j]) for j in range(2)]
    d1 = [a[k] * (1 - a[k]) * (w2[0][k] * d2[0] + w2[1][k] * d2[1]) for k in range(2)]
    return x, a, d1, d2
