"""checking.latex_commands: functions, fractions, derivative notation, and what is refused with its reason."""
import pytest
import sympy as sp

from symback.checking.latex_reader import read_latex
from symback.checking.notation import Vocabulary, derivative_functions
from symback.engine import functions as fn
from symback.engine.errors import FormulaError
from symback.engine.expr import symbol


def test_declared_functions_may_be_applied():
    formula = read_latex("f(g(x))", Vocabulary({"x": symbol("x")}, derivative_functions(["f", "g"])), "c")
    f, g = sp.Function("f", real=True), sp.Function("g", real=True)
    assert formula.expr == f(g(symbol("x")))
    with pytest.raises(FormulaError, match="reads as a call of a function g"):
        read_latex("f(g(x))", Vocabulary({"x": symbol("x")}, derivative_functions(["f"])), "c")


def test_derivative_notation_in_a_derivation():
    x = symbol("x")
    vocabulary = Vocabulary(None, derivative_functions(["f"]))
    assert read_latex(r"\frac{d}{dx} x^2", vocabulary, "c").expr == sp.Derivative(x ** 2, x)
    assert read_latex(r"\frac{d}{dx}\left(x^3 + x\right) - 1", vocabulary, "c").expr == sp.Derivative(x ** 3 + x, x) - 1
    assert read_latex(r"\frac{d^2}{dx^2} x^3", vocabulary, "c").expr == sp.Derivative(x ** 3, (x, 2))
    f = sp.Function("f", real=True)
    assert read_latex(r"f'(x)", vocabulary, "c").echo == "f'(x)"
    assert read_latex(r"f'(x)", vocabulary, "c").expr.doit() == sp.Derivative(f(x), x).doit()


def test_sigma_alone_is_a_user_name_or_refused():
    assert read_latex(r"\sigma(x) + \sigma", Vocabulary({"x": symbol("x"), "sigma": symbol("sigma")}), "c").expr == \
        fn.sigmoid(symbol("x")) + symbol("sigma")
    with pytest.raises(FormulaError, match="without an argument"):
        read_latex(r"\sigma \cdot (1 - \sigma)", Vocabulary(), "c")
