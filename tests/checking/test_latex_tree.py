"""latex_tree: the child's JSON syntax tree rebuilt through the whitelist (no parser needed: trees written by hand),
and the plain-syntax echo."""
import pytest
import sympy as sp

from symback.checking.latex_tree import PlainPrinter, Rebuilder
from symback.engine import functions as fn
from symback.engine.errors import FormulaError
from symback.engine.expr import parse_formula, symbol

X, Y = symbol("x"), symbol("y_j")


def rebuild(tree, names=("x", "y_j"), functions=()):
    table = None if names is None else {n: symbol(n) for n in names}
    return Rebuilder("text", table, frozenset(functions), "claims.line 1").build(tree)


def sym(name):
    return {"sym": name}


def test_numbers_names_and_operations():
    tree = {"fn": "Add", "args": [{"fn": "Mul", "args": [{"rat": ["1", "2"]}, sym("x")]},
                                  {"fn": "Pow", "args": [sym("y_{j}"), {"int": "2"}]}]}
    assert rebuild(tree) == sp.Rational(1, 2) * X + Y**2  # y_{j} is the user's y_j
    assert rebuild({"fn": "log", "args": [sym("x"), {"const": "E"}]}) == sp.log(X)
    assert rebuild({"fn": "exp", "args": [sym("x")]}) == sp.exp(X)
    assert rebuild({"fn": "Abs", "args": [sym("x")]}) == sp.Abs(X)


def test_sigma_is_the_sigmoid_and_max_takes_two_or_more():
    assert rebuild({"call": "sigma", "args": [sym("x")]}) == fn.sigmoid(X)
    assert rebuild({"call": "max", "args": [{"int": "0"}, sym("x")]}) == sp.Max(0, X)
    with pytest.raises(FormulaError, match=r"max\(\) got 1 arguments"):
        rebuild({"call": "max", "args": [sym("x")]})


def test_a_declared_function_may_be_applied_and_any_other_call_is_refused():
    f = rebuild({"call": "f", "args": [sym("x")]}, functions=("f",))
    assert f == sp.Function("f", real=True)(X)
    with pytest.raises(FormulaError, match=r"'y_j\(\.\.\.\)' reads as a call of a function y_j"):
        rebuild({"call": "y_{j}", "args": [sym("x")]})


@pytest.mark.parametrize("tree, fragment", [
    ({"fn": "Equality", "args": [sym("x"), sym("x")]}, "'=' or an inequality"),
    ({"fn": "Derivative", "args": [sym("x"), sym("x")]}, "derivative notation"),
    ({"fn": "Integral", "args": [sym("x")]}, "Integral is not supported"),
    ({"fn": "log", "args": [sym("x"), {"int": "1"}]}, "has no meaning"),
    ({"fn": "Pow", "args": [{"int": "9"}, {"int": "99999"}]}, "exponent 99999 is too large"),
    ({"int": "1" * 5000}, "too many digits"),
    (sym("q"), "unknown name 'q'"),
    (sym("sigma"), "\\sigma without an argument"),
    (sym("x_1_2"), "the name 'x_1_2' is not supported"),
])
def test_refused_trees_are_one_line_naming_the_place(tree, fragment):
    with pytest.raises(FormulaError) as refused:
        rebuild(tree)
    assert fragment in str(refused.value) and str(refused.value).startswith("claims.line 1: ")


def test_without_names_every_name_is_a_new_symbol_and_e_is_eulers_number():
    assert rebuild(sym("w"), names=None) == symbol("w") and rebuild(sym("e"), names=None) == sp.E
    assert rebuild(sym("e"), names=("e",)) == symbol("e")


def test_the_echo_is_plain_syntax_that_parses_again():
    expr = sp.Abs(X) + sp.Max(X, Y) + sp.E ** X + sp.E
    echo = PlainPrinter("e").doprint(expr)
    assert "abs(x)" in echo and "max(x, y_j)" in echo and "Abs" not in echo
    assert parse_formula(echo, {"x": X, "y_j": Y}).expr == expr  # the plain parser reads it back
    assert PlainPrinter("exp(1)").doprint(sp.E * X) == "exp(1)*x"  # the user has a name e
