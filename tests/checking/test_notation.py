"""Student notation: each way of writing a formula, against a parse written out by hand in SymPy."""
import pytest
import sympy as sp

from symback.checking.notation import Vocabulary, derivative_functions, read_formula
from symback.engine import functions as fn
from symback.engine.errors import FormulaError
from symback.engine.expr import symbol

NAMES = ["w1", "w2", "i1", "i2", "l1", "o", "t", "L", "h1", "z2_1", "a1_1", "w2_1_1", "b1"]
S = {n: symbol(n) for n in NAMES}
w1, w2, i1, i2, l1, o, t, L, h1 = (S[n] for n in ("w1", "w2", "i1", "i2", "l1", "o", "t", "L", "h1"))


def quantity(kind, name, child, where):
    """A quantity's stand-in symbol, named after what the reader asked for."""
    if kind == "updated" and name not in ("w1", "w2"):
        return None
    return sp.Symbol(f"{kind}:{name}:{child}", real=True)


PROBLEM = Vocabulary(S, derivative_functions([]), quantity, sp.Rational(1, 2))
D = lambda name, child="L": sp.Symbol(f"derivative:{name}:{child}", real=True)  # noqa: E731


@pytest.mark.parametrize("text, expected", [
    ("2(0.8176)", 2 * sp.Rational(8176, 10000)),
    ("w1 i1 + w2 i2", w1 * i1 + w2 * i2),
    ("w1\u2009i1", w1 * i1),                                   # a thin space
    ("w1\u202fi1 +\u00a0w2 i2", w1 * i1 + w2 * i2),            # narrow and no-break spaces
    ("o(1 − o)", o * (1 - o)),                                 # o is a name, not a function; U+2212 minus
    ("o (1 - o)", o * (1 - o)),
    ("(1 - o)o", (1 - o) * o),
    ("(o - t)(o + t)", (o - t) * (o + t)),
    ("h1²", h1 ** 2),
    ("h1³ + 2h1", h1 ** 3 + 2 * h1),
    ("w1⁻¹", 1 / w1),
    ("0.2439 · 2", sp.Rational(2439, 10000) * 2),
    ("0.2439 ⋅ 2 × w1", sp.Rational(2439, 10000) * 2 * w1),
    ("1 ÷ 4 − w1", sp.Rational(1, 4) - w1),
    ("2σ(l1)", 2 * fn.sigmoid(l1)),
    ("σ(l1)(1 − σ(l1))", fn.sigmoid(l1) * (1 - fn.sigmoid(l1))),
    ("sigmoid(w1 i1 + w2 i2)", fn.sigmoid(w1 * i1 + w2 * i2)),
    ("tanh(l1)^2", sp.tanh(l1) ** 2),
    ("[1 - o]{o}", (1 - o) * o),
    ("2 (o - t) o", 2 * (o - t) * o),
    ("dL/dw1", D("w1")),
    ("∂L/∂w1", D("w1")),
    ("dL / dw1", D("w1")),
    ("d(L)/d(w1)", D("w1")),
    ("d(L) / d(w1) · i1", D("w1") * i1),
    ("dL/dl1 · i1", D("l1") * i1),
    ("do/dl1", D("l1", "o")),
    ("dL/do · do/dl1", D("o") * D("l1", "o")),
    ("2dL/dw1", 2 * D("w1")),
    ("δ2_1 w2_1_1", sp.Symbol("delta:2_1:", real=True) * S["w2_1_1"]),
    ("delta2_1", sp.Symbol("delta:2_1:", real=True)),
    ("δ_o", sp.Symbol("delta:o:", real=True)),
    ("w1'", sp.Symbol("updated:w1:", real=True)),
    ("w1’", sp.Symbol("updated:w1:", real=True)),
    ("w1⁺", sp.Symbol("updated:w1:", real=True)),
    ("w1_new - w1", sp.Symbol("updated:w1:", real=True) - w1),
    ("w1 - η dL/dw1", w1 - sp.Rational(1, 2) * D("w1")),
    ("w1 - eta·dL/dw1", w1 - sp.Rational(1, 2) * D("w1")),
    ("w1 - lr*dL/dw1", w1 - sp.Rational(1, 2) * D("w1")),
    ("d/dw1 (w1 i1 + w2 i2)", sp.Derivative(w1 * i1 + w2 * i2, w1)),
    ("d/dl1 σ(l1)", sp.Derivative(fn.sigmoid(l1), l1)),
])
def test_a_problems_notation(text, expected):
    assert read_formula(text, PROBLEM, "line 1") == expected


def test_without_a_problem_names_are_new_symbols_and_calls_stay_calls():
    free = Vocabulary(None, derivative_functions(["f"]))
    x, y = symbol("x"), symbol("y")
    f = sp.Function("f", real=True)
    assert read_formula("2x y²", free, "l") == 2 * x * y ** 2
    assert read_formula("f(x)(1 - x)", free, "l") == f(x) * (1 - x)
    assert read_formula("dL/dw1", free, "l") == symbol("dL") / symbol("dw1")  # no problem: a division, as before
    with pytest.raises(FormulaError, match="unknown function 'h'"):
        read_formula("h(x)", free, "l")
    with pytest.raises(FormulaError, match="derivative of a problem's quantity"):
        read_formula("d(L)/d(w1)", free, "l")


def test_derivation_notation():
    free = Vocabulary(None, derivative_functions(["f", "g"]))
    x = symbol("x")
    f, g = sp.Function("f", real=True), sp.Function("g", real=True)
    assert read_formula("d/dx(x^3)", free, "l") == sp.Derivative(x ** 3, x)
    assert read_formula("d/dx x^3 + 1", free, "l") == sp.Derivative(x ** 3, x) + 1
    assert read_formula("(x^3)''", free, "l") == sp.Derivative(x ** 3, (x, 2))
    assert read_formula("{f(g(x))}'", free, "l") == sp.Derivative(f(g(x)), x)
    assert read_formula("f'(g(x))·g'(x)", free, "l").doit() == sp.diff(f(g(x)), x).doit()


@pytest.mark.parametrize("text, message", [
    ("o(", "never closed"),
    ("o)", "never opened"),
    ("2 $ 3", "cannot read '$'"),
    ("o'", "a prime"),
    ("q(1 - o)", "unknown name 'q'"),
    ("tanh'(l1)", "not a declared function"),
    ("9**9**9**9", "too large"),
])
def test_refused_in_one_line(text, message):
    with pytest.raises(FormulaError) as info:
        read_formula(text, PROBLEM, "line 3")
    assert message in str(info.value) and "\n" not in str(info.value) and str(info.value).startswith("line 3: ")


def test_an_error_quotes_the_formula_as_written():
    with pytest.raises(FormulaError) as info:
        read_formula("o(1 − q)", PROBLEM, "line 3")
    assert "'o(1 − q)'" in str(info.value)
