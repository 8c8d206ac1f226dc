"""The lecture's notation objects, each printed by the one printer: expected LaTeX written out by hand."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest
import sympy as sp

import symback.documents

from symback.documents.notation import (Activation, Bias, Bracketed, Call, Delta, Entries, Fraction, Gradient,
                                        Layered, Norm, Partial, Power, Shaped, Summed, Transposed, Updated,
                                        WeightEntry, dotted, factor)
from symback.documents.printing import latex, name_latex
from symback.documents.tex import Tex

NOTATION = [
    # partial derivatives: names by the name rules, any notation object, or printed LaTeX
    (Partial("L", "w1"), r"\frac{\partial L}{\partial w_{1}}"),
    (Partial("L", "w2_1_3"), r"\frac{\partial L}{\partial w^{(2)}_{1,3}}"),
    (Partial("L_s2", "y1_s2"), r"\frac{\partial L^{[2]}}{\partial y^{[2]}_{1}}"),
    (Partial("L", "z1_2", slash="/"), r"\partial L/\partial z^{(1)}_{2}"),
    (Partial("L", Layered("Z", 2), slash=" / "), r"\partial L / \partial Z^{(2)}"),
    (Partial(Layered("L", index="x"), Activation(1, 3)), r"\frac{\partial L_{x}}{\partial A^{(1)}}"),
    (Partial("E", Tex(r"\beta_{0}")), r"\frac{\partial E}{\partial \beta_{0}}"),
    # a neuron's delta: layer, index, one sample or the samples summed over
    (Delta(2), r"\delta^{(2)}"),
    (Delta(2, 1), r"\delta^{(2)}_{1}"),
    (Delta(1, 2, 3), r"\delta^{(1)[3]}_{2}"),
    (Delta("l", "j"), r"\delta^{(l)}_{j}"),
    (Delta("l+1", "k"), r"\delta^{(l+1)}_{k}"),
    (Delta("l", "j", "x"), r"\delta^{x,(l)}_{j}"),
    (Delta(3, sample="x"), r"\delta^{x,(3)}"),
    # biases: one per layer (shared) or one per neuron
    (Bias(2, True), r"b_{2}"),
    (Bias(2, True, "j"), r"b_{2}"),
    (Bias("l", True), r"b_{l}"),
    (Bias(2, False), r"b^{(2)}"),
    (Bias(2, False, "j"), r"b^{(2)}_{j}"),
    (Bias(1, False, 3), r"b^{(1)}_{3}"),
    # a layer's values: X at the input, Y at the output, A between; a neuron's in lower case
    (Activation(0, 2), "X"), (Activation(1, 2), r"A^{(1)}"), (Activation(2, 2), "Y"),
    (Activation(0, 3, "k"), r"x_{k}"), (Activation(2, 3, "j"), r"a^{(2)}_{j}"), (Activation(3, 3, "j"), r"y_{j}"),
    # weights: the matrix, its entry in either convention, a neuron's weight
    (Layered("W", 2), r"W^{(2)}"),
    (WeightEntry(2, "row"), r"W^{(2)}_{k,j}"),
    (WeightEntry("l", "column"), r"W^{(l)}_{j,k}"),
    (Layered("w", "l", ("j", "k")), r"w^{(l)}_{j,k}"),
    (Layered("w", "l+1", ("k", "j")), r"w^{(l+1)}_{k,j}"),
    (Layered("a", "l-1", "k", "x"), r"a^{x,(l-1)}_{k}"),
    (Layered("z", 1, 2, 3), r"z^{(1)[3]}_{2}"),
    (Layered(Tex(r"\tilde X"), index=2), r"\tilde X_{2}"),
    (Layered("K", index=(1, 2)), r"K_{1,2}"),
    (Layered("beta", "t+1"), r"\beta^{(t+1)}"),
    # matrices: shape, entries, transposes, updates
    (Shaped(Layered("W", 1), 2, 3), r"\underset{2 \times 3}{W^{(1)}}"),
    (Shaped(Tex(r"\mathbf{1}"), 4, 1), r"\underset{4 \times 1}{\mathbf{1}}"),
    (Entries(((1, sp.Rational(1, 3)), (sp.Float("-0.125"), 2)), 2),
     r"\begin{bmatrix} 1 & 0.33 \\ -0.12 & 2 \end{bmatrix}"),
    (Transposed(Activation(0, 2)), r"{X}^{\top}"),
    (Transposed(Layered("W", 2)), r"{W^{(2)}}^{\top}"),
    (Transposed(Entries(((1, 2),), 3)), r"\begin{bmatrix} 1 & 2 \end{bmatrix}^{\top}"),
    (Updated("w1"), r"{w_{1}}'"),
    (Updated(Bias(2, False)), r"{b^{(2)}}'"),
    # composites
    (Call(Tex(r"\sigma'"), (Layered("Z", 1),)), r"\sigma'\left(Z^{(1)}\right)"),
    (Call("E", (Tex(r"\hat{\beta}"),)), r"E\left(\hat{\beta}\right)"),
    (Bracketed(Tex("y - t")), r"\left(y - t\right)"),
    (Gradient("E"), r"\nabla E"), (Gradient(Layered("L", index="x"), Layered("Z", 2)), r"\nabla_{Z^{(2)}} L_{x}"),
    (WeightEntry(1, "column", updated=True), r"{W^{(1)}}'_{j,k}"),
    (Summed(("x", "j"), (Delta(2, "j", "x"),)), r"\sum_{x} \sum_{j} \delta^{x,(2)}_{j}"),
    (Summed(("k",), (Layered("w", "l+1", ("k", "j")), Delta("l+1", "k"))),
     r"\sum_{k} w^{(l+1)}_{k,j} \delta^{(l+1)}_{k}"),
    (Fraction(2, 4), r"\frac{2}{4}"),
    (Fraction(1, "m"), r"\frac{1}{m}"),
    (Power(10, -8), r"10^{-8}"),
    (Norm(Tex(r"\beta^{(3)} - \hat{\beta}")), r"\left\lVert \beta^{(3)} - \hat{\beta} \right\rVert"),
]


@pytest.mark.parametrize("item, expected", NOTATION, ids=[repr(i) for i, _ in NOTATION])
def test_notation(item, expected):
    assert latex(item) == expected
    assert type(latex(item)) is Tex


@pytest.mark.parametrize("item, name", [
    (Delta(1, 2), "delta1_2"), (Delta(1, 2, 3), "delta1_2_s3"), (Layered("z", 2, 1), "z2_1"),
    (Layered("z", 1, 2, 3), "z1_2_s3"), (Bias(1, True), "b1"), (Bias(1, False, 2), "b1_2"),
    (Layered("w", 2, (1, 3)), "w2_1_3"), (Activation(1, 2, 2), "a1_2"), (Activation(2, 2, 1), "y1"),
    (Activation(0, 2, 3), "x3"),
])
def test_a_neurons_notation_is_how_its_name_prints(item, name):
    """The network's names (z1_2, b1, w2_1_3) and the lecture's notation for the same quantity agree."""
    assert latex(item) == name_latex(name)


def test_names_in_notation_follow_the_names_setting():
    assert latex(Partial("L", "w1"), names={"w1": r"\omega"}) == r"\frac{\partial L}{\partial \omega}"
    assert latex(Partial("L", "w1"), names={"L": "E"}) == r"\frac{\partial E}{\partial w_{1}}"


def test_entries_of_a_matrix_and_a_column():
    m = sp.Matrix([[sp.Rational(1, 2), -3], [sp.Float("0.0001234"), 10**20]])
    assert latex(Entries.of(m, 3)) == r"\begin{bmatrix} 0.5 & -3 \\ 0.000123 & 1 \times 10^{20} \end{bmatrix}"
    assert latex(Entries.column([1, sp.Rational(-1, 4)], 4)) == r"\begin{bmatrix} 1 \\ -0.25 \end{bmatrix}"


def test_a_product_written_out_brackets_its_sums_and_negatives():
    y, t = sp.symbols("y t")
    assert factor(Tex("y - t"), y - t) == r"\left(y - t\right)" and factor(Tex("- t"), -t) == r"\left(- t\right)"
    assert factor(Tex("y"), y) == "y" and type(factor(Tex("y"), y)) is Tex
    assert dotted(factor(Tex("2"), sp.Integer(2)), factor(Tex("y - t"), y - t)) == r"2 \cdot \left(y - t\right)"
    assert dotted("0.5") == "0.5" and type(dotted("a", "b")) is Tex


def test_printed_latex_passes_and_text_is_refused():
    assert latex(Tex(r"\alpha")) == r"\alpha"
    with pytest.raises(TypeError, match="escape_latex"):
        latex("w1")


# -- notation lives in the printer ------------------------------------------------------------------

DOCUMENTS = Path(symback.documents.__file__).parent
#: the printer's own modules write LaTeX: that is where the notation is decided (printing and its
#: parts, notation's symbols and the join of a product written out), how user text is escaped and a
#: matrix or a "× 10^k" is set (tex)
PRINTER = {"printing", "notation_printing", "latex_names", "elementwise", "tex", "notation"}
#: breaking lays printed pieces out as aligned lines: it writes the lines' own marks (a
#: continuation's "&\quad", a rule's note as \text{(...)}); width reads printed LaTeX token by token
#: to measure it, as diagram_parts does for a label's width; none of them prints a quantity
LAYOUT = {"breaking", "width", "diagram_parts"}
_COMMAND = re.compile(r"\\[A-Za-z]")  # a LaTeX command in a string's text


def _formatted_latex(source: str) -> list[tuple[int, str]]:
    """(line, string) of each string that formats LaTeX: an f-string with a command or a literal
    brace ({{), or a string with a command given to % or .format()."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING:
            continue
        prefix = re.match(r"[A-Za-z]*", tok.string).group(0).lower()
        text = tok.string[len(prefix):]
        after = [t.string for t in tokens[i + 1:i + 3]]
        if "f" in prefix and (_COMMAND.search(text) or "{{" in text) or \
                (after[:1] == ["%"] or after == [".", "format"]) and _COMMAND.search(text):
            found.append((tok.start[0], tok.string))
    return found


def _latex_patterns(source: str) -> list[tuple[int, str]]:
    """(line, pattern) of each regular expression that matches LaTeX (a backslash command in it)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                re.search(r"\\\\[A-Za-z(\[]", node.args[0].value):
            found.append((node.lineno, node.args[0].value))
    return found


def _builders() -> list[Path]:
    return [p for p in sorted(DOCUMENTS.glob("*.py")) if p.stem not in PRINTER | LAYOUT | {"__init__"}]


def test_no_document_builds_latex_in_format_strings():
    """Documents print through the printer and join printed pieces; none formats LaTeX itself.

    (The check itself must find what it looks for: the matrix view's old bias choice and the δ rule.)
    """
    assert _formatted_latex('b = f"b^{{({l})}}"\nd = rf"\\delta_{{{j}}}"\ns = r"\\frac{%s}" % x\n') == \
        [(1, 'f"b^{{({l})}}"'), (2, 'rf"\\delta_{{{j}}}"'), (3, 'r"\\frac{%s}"')]
    assert _formatted_latex('t = f"n = {n}"\nk = f"matrix.softmax_{c}"\nj = " = ".join(parts)\n') == []
    assert len(_builders()) >= 20
    for path in _builders():
        assert _formatted_latex(path.read_text()) == [], path.name


def test_no_document_rewrites_printed_latex_with_regular_expressions():
    """The substituted form is printed right the first time: no regex takes brackets out afterwards."""
    assert _latex_patterns('_DOUBLE = re.compile(r"\\\\left\\(\\\\left\\((-[^\\\\]*)\\\\right\\)")') != []
    for path in _builders():
        assert _latex_patterns(path.read_text()) == [], path.name
