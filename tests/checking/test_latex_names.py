"""checking.latex_names: LaTeX names read back as the problem's names (scripts, layer indices, primes, spelling)."""
import pytest
import sympy as sp

from symback.checking.latex_reader import latex_to_plain, read_latex
from symback.checking.notation import Vocabulary
from symback.engine.expr import symbol


def test_a_user_name_e_is_not_eulers_number():
    formula = read_latex(r"e^{x} + \exp(1)", Vocabulary({"e": symbol("e"), "x": symbol("x")}), "c")
    assert formula.expr == symbol("e") ** symbol("x") + sp.E
    assert formula.echo == "e^x + exp(1)"


def test_subscripts_prefer_the_underscore_spelling():
    assert read_latex("w_{12}", Vocabulary({"w_12": symbol("w_12"), "w12": symbol("w12")}), "c").expr == symbol("w_12")
    assert read_latex("w_{12}", Vocabulary({"w12": symbol("w12")}), "c").expr == symbol("w12")


@pytest.mark.parametrize("latex, name", [
    ("w_1", "w1"), ("i_{1}", "i1"), (r"w^{(1)}_{2,1}", "w1_2_1"), (r"w_{2,1}^{(1)}", "w1_2_1"),
    (r"a^{(1)}_{2}", "a1_2"), (r"z^{(2)}_1", "z2_1"), ("y_1", "y1"), (r"b^{(2)}", "b2"), (r"\mathit{lr}", "lr"),
])
def test_names_map_back_to_the_problems_names(latex, name):
    names = ["w1", "i1", "w1_2_1", "a1_2", "z2_1", "y1", "b2", "lr"]
    assert latex_to_plain(latex, names, "c") == name


@pytest.mark.parametrize("latex, plain", [
    (r"\frac{\partial L}{\partial w_1}", "(d(L)/d(w1))"),
    (r"\frac{dL}{dw_1}", "(d(L)/d(w1))"),
    (r"dL/dw_1 \cdot i_1", "(d(L)/d(w1))*i1"),
    (r"\delta^{(2)}_{1} w^{(2)}_{1,1}", "delta2_1*w2_1_1"),
    (r"w_1'", "w1'"), (r"w_1^{new}", "w1'"), (r"w_{1}^{+}", "w1'"), (r"w_1^{\prime}", "w1'"),
    (r"w_{1,\text{new}}", "w1'"), (r"\eta \cdot x", "eta*x"),
])
def test_quantities_are_written_for_the_homework_reader(latex, plain):
    assert latex_to_plain(latex, ["L", "w1", "i1", "w2_1_1", "z2_1", "x"], "c") == plain
