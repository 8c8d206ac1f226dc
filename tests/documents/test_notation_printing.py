"""How the printer writes calls: activations, abstract functions, and numbers standing in for symbols."""
from __future__ import annotations

import pytest
import sympy as sp

from symback.documents.printing import latex
from symback.engine import functions as fn


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


X, Z, Y, T, O = (sym(n) for n in ("x", "z", "y", "t", "o"))

FUNCTIONS = [
    (fn.sigmoid(Z), r"\sigma\left(z\right)"),
    (fn.sigmoid(sym("z1_2")), r"\sigma\left(z^{(1)}_{2}\right)"),
    (fn.relu(Z), r"\operatorname{ReLU}\left(z\right)"),
    (fn.Indicator(X, 0), r"\mathbf{1}\left[x > 0\right]"),
    (fn.Indicator(X, sp.Rational(1, 2)), r"\mathbf{1}\left[x > 0\right]"),
    (fn.softmax(2, sym("z1"), sym("z2"), sym("z3")),
     r"\operatorname{softmax}_{2}\left(z_{1}, z_{2}, z_{3}\right)"),
    (fn.leaky_relu(Z, sp.Rational(1, 100)), r"\operatorname{LeakyReLU}_{0.01}\left(z\right)"),
    (fn.leaky_relu(Z, sp.Rational(1, 3)), r"\operatorname{LeakyReLU}_{\frac{1}{3}}\left(z\right)"),
    (fn.softplus(Z), r"\operatorname{softplus}\left(z\right)"),
    (fn.step(Z), r"\operatorname{step}\left(z\right)"),
    (sp.tanh(Z), r"\tanh\left(z\right)"),
    (1 - sp.tanh(Z) ** 2, r"1 - \tanh\left(z\right)^{2}"),
    (sp.exp(-Z), r"e^{- z}"),
    (sp.exp(Z) ** 2, r"e^{2 z}"),
    (sp.log(Y), r"\log\left(y\right)"),
    (fn.sigmoid(Z) * (1 - fn.sigmoid(Z)), r"\left(1 - \sigma\left(z\right)\right) \sigma\left(z\right)"),
    (fn.sigmoid(Z) ** 2, r"\sigma\left(z\right)^{2}"),
    (-T * sp.log(Y), r"- t \log\left(y\right)"),
]


@pytest.mark.parametrize("expr, expected", FUNCTIONS, ids=[str(e) for e, _ in FUNCTIONS])
def test_function_notation(expr, expected):
    assert latex(expr) == expected


def test_printer_notation_wins_over_the_classes_latex_methods():
    # leaky_relu's own _latex prints the slope as \frac{1}{100}; the printer prints 0.01
    assert "0.01" in latex(fn.leaky_relu(Z, sp.Rational(1, 100)))
    assert latex(sp.log(Y), ln_notation=True) == r"\ln\left(y\right)"


def test_abstract_functions_print_like_the_built_in_ones():
    """A derivation's f and g read f(g(x)) and f'(g(x)), not SymPy's f{(...)} braces."""
    f, g, x = sp.Function("f"), sp.Function("g"), sp.Symbol("x")
    assert latex(f(g(x)) ** 2) == r"f\left(g\left(x\right)\right)^{2}"
    assert latex(sp.Derivative(g(x), x)) == r"g'\left(x\right)"
    assert latex(sp.Derivative(g(x), x, 2)) == r"g''\left(x\right)"
    assert latex(sp.Function("f_1")(x)) == r"f_{1}\left(x\right)"
    assert latex(fn.sigmoid(x)) == r"\sigma\left(x\right)"  # built-in functions keep their own names



NUMBERS = {"x": "-0.15", "z": "-0.3", "w": "2", "y": "-1.2 \\times 10^{-5}", "o": "0.5"}
SUBSTITUTED = [
    # a negative number is bracketed where it stands in a product, a sum or a power
    (sym("w") * X, r"2 \cdot \left(-0.15\right)"),
    (O + Z, r"0.5 + \left(-0.3\right)"),
    (Z ** 2, r"\left(-0.3\right)^{2}"),
    # as a call's only argument its brackets are the call's own
    (sp.tanh(X), r"\tanh\left(-0.15\right)"),
    (fn.sigmoid(Z), r"\sigma\left(-0.3\right)"),
    (fn.relu(Z), r"\operatorname{ReLU}\left(-0.3\right)"),
    (fn.step(Y), r"\operatorname{step}\left(-1.2 \times 10^{-5}\right)"),
    (fn.leaky_relu(Z, sp.Rational(1, 100)), r"\operatorname{LeakyReLU}_{0.01}\left(-0.3\right)"),
    (sp.log(Z), r"\log\left(-0.3\right)"),
    (fn.Indicator(Z, 0), r"\mathbf{1}\left[-0.3 > 0\right]"),
    (sp.sign(Z), r"\operatorname{sign}{\left(-0.3 \right)}"),
    (sp.Derivative(sp.Function("f")(Z), Z), r"f'\left(-0.3\right)"),
    # only a lone number: an argument that is a product keeps its factors' brackets
    (sp.tanh(sym("w") * X), r"\tanh\left(2 \cdot \left(-0.15\right)\right)"),
    (fn.sigmoid(sp.tanh(Z)) ** 2, r"\sigma\left(\tanh\left(-0.3\right)\right)^{2}"),
    (fn.softmax(1, Z, X), r"\operatorname{softmax}_{1}\left(\left(-0.3\right), \left(-0.15\right)\right)"),
    (sp.Max(Z, X), r"\max\left(\left(-0.15\right), \left(-0.3\right)\right)"),
]


@pytest.mark.parametrize("expr, expected", SUBSTITUTED, ids=[str(e) for e, _ in SUBSTITUTED])
def test_a_number_shown_for_a_symbol_is_bracketed_once(expr, expected):
    assert latex(expr, numbers=NUMBERS, mul_symbol="dot") == expected


def test_names_win_over_numbers_and_other_symbols_keep_their_names():
    assert latex(sp.tanh(Z), numbers=NUMBERS, names={"z": r"\zeta"}) == r"\tanh\left(\zeta\right)"
    assert latex(sp.tanh(T) * Z, numbers=NUMBERS) == r"\left(-0.3\right) \tanh\left(t\right)"
    assert latex(sp.tanh(X)) == r"\tanh\left(x\right)"
