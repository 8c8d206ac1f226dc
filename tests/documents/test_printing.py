"""The LaTeX printer: settings, textbook order, numbers, escaping, and its short paths against SymPy's own."""
from __future__ import annotations

import re

import pytest
import sympy as sp

import symback
from symback.documents.printing import SettingError, SymbackLatexPrinter, latex, name_latex
from symback.documents.tex import Tex, escape_latex


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


X, Z, Y, T, O = (sym(n) for n in ("x", "z", "y", "t", "o"))

def test_textbook_order():
    assert latex(-T + Y) == "y - t"
    assert latex(sp.Add(Y, -T)) == latex(sp.Add(-T, Y)) == "y - t"
    assert latex(2 * (T - O)) == "2 t - 2 o"
    assert latex(1 - O) == "1 - o"
    assert latex((Y - T) ** 2 / 2) == r"\frac{\left(y - t\right)^{2}}{2}"
    assert latex(2 * sym("i1") * O * (1 - O) * (O - T)) == r"2 i_{1} o \left(1 - o\right) \left(o - t\right)"
    assert latex(-T - 1) == "- t - 1"  # no positive term: SymPy's order
    assert latex(-T * sp.log(Y) - O * sp.log(Z)) == r"- o \log\left(z\right) - t \log\left(y\right)"
    assert latex(O - T + Y) == "o + y - t"
    assert latex(sp.Add(-T, Y, evaluate=False), order="none") == "- t + y"  # 'none': as given


def test_numbers():
    assert latex(sp.Rational(1, 2)) == r"\frac{1}{2}"
    assert latex(sp.Rational(-11, 5) * X) == r"- \frac{11 x}{5}"
    g = sp.Float("0.48775332971017105", 50)
    assert latex(g, digits=4) == "0.4878"
    assert latex(g * X, digits=3) == "0.488 x"
    assert latex(sp.Float("0.5")) == "0.5"
    assert latex(sp.Float(220)) == "220" and latex(sp.Float("1234.5678"), digits=4) == "1235"
    assert latex(sp.Float(2) * X) == "2 x"
    assert latex(sp.Float(1.0e-32), digits=2) == r"1 \times 10^{-32}"  # the documents' one form (issue 20)
    assert latex(3) == "3" and latex(0.25) == "0.25"


def test_tex_type():
    for value in (latex(X), name_latex("w1"), escape_latex("a & b"), latex(2)):
        assert type(value) is Tex and isinstance(value, str)
    assert not isinstance(sp.latex(X), Tex)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="unknown LaTeX setting 'digit'; did you mean 'digits'"):
        latex(X, digit=3)
    with pytest.raises(TypeError):  # as SymPy's own printers do
        latex(X, bogus=True)
    with pytest.raises(ValueError, match="digits"):
        latex(X, digits=0)
    with pytest.raises(ValueError, match="digits"):
        latex(X, digits=True)
    with pytest.raises(ValueError, match="names"):
        latex(X, names={"x": 1})
    with pytest.raises(ValueError, match="numbers"):
        latex(X, numbers={"x": 0.5})
    with pytest.raises(ValueError, match="mode"):  # SymPy's checks still run
        latex(X, mode="bogus")
    assert issubclass(SettingError, TypeError) and issubclass(SettingError, ValueError)
    assert SymbackLatexPrinter({"digits": 2, "order": "lex"}).doprint(sp.Float("0.123") * X) == "0.12 x"
    with pytest.raises(TypeError, match="escape_latex"):
        latex("x + 1")


ESCAPES = [
    ("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("$", r"\$"), ("&", r"\&"), ("#", r"\#"),
    ("^", r"\textasciicircum{}"), ("_", r"\_"), ("%", r"\%"), ("~", r"\textasciitilde{}"),
    ("<", r"\textless{}"), (">", r"\textgreater{}"), ("|", r"\textbar{}"),
    ("\n\t\x00", "   "),
    ("café", r"caf{\'e}"), ("naïve", r'na{\"\i}ve'), ("Çe", r"{\c C}e"), ("Dvořák", r"Dvo{\v r}{\'a}k"),
    ("역전파 예제", "역전파 예제"), ("誤差逆伝播法", "誤差逆伝播法"), ("ß ø æ α € ½", r"ß ø æ \ensuremath{\alpha} € ½"),  # Greek as math: text fonts lack it
    ("plain text, 1.5 (ok) [x] 'q' \"q\" ! ? @ * + - = / ;", "plain text, 1.5 (ok) [x] 'q' \"q\" ! ? @ * + - = / ;"),
    ("\\\\", r"\textbackslash{}\textbackslash{}"), (r"\{}", r"\textbackslash{}\{\}"),
]


@pytest.mark.parametrize("text, expected", ESCAPES)
def test_escape_latex(text, expected):
    assert escape_latex(text) == expected


INERT = re.compile(
    r"(?:\\textbackslash\{\}|\\text(?:asciicircum|asciitilde|less|greater|bar)\{\}|\\[{}$&#_%]"
    r"|\{\\(?:[`'^\"~=.]|[uvHckdbrt] )(?:\\[ij]|[A-Za-z])\}|[^\\{}$&#^_%~<>|])*")


def balanced(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\.|[{}]", tex, flags=re.DOTALL):
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("text", [
    r"\input{/etc/passwd}", r"\def\a{\a}\a", r"x}\def", "$\\jobname$ & #1 ^^5c % ~", r"\end{document}",
    "".join(chr(c) for c in range(0x20, 0x7F)), "\\\\}\\{{", "한글 \\input{é}",
])
def test_escaped_text_is_inert(text):
    tex = escape_latex(text)
    assert INERT.fullmatch(tex), tex
    assert balanced(tex)
    assert "\\input" not in tex and "\\def" not in tex


def test_odd_names_are_inert():
    tex = name_latex("x}\\def\\input{/etc/passwd}")
    assert tex.startswith(r"\text{") and tex.endswith("}")
    assert INERT.fullmatch(tex[len(r"\text{"):-1])
    assert balanced(tex)


def example_formulas():
    for name in symback.example_names():
        if symback.load_example(name).regression is not None:  # no graph: tests/test_regression.py
            continue
        sol = symback.solve(symback.load_example(name), check=False)
        for node in sol.graph.nodes:
            yield f"{name}: d/d{node.name}", sol.gradient(node.name)
            if not node.is_leaf:
                yield f"{name}: {node.name}", node.expr


def test_every_example_prints_cleanly():
    count = 0
    for where, expr in example_formulas():
        tex = latex(expr)
        assert balanced(tex), (where, tex)
        for leak in ("sigmoid", "Indicator", "Heaviside", r"\theta", "operatorname{relu}", "{s1}", "{1 1}"):
            assert leak not in tex, (where, leak, tex)
        assert latex(expr) == tex, where  # deterministic
        count += 1
    assert count > 200


def test_examples_in_textbook_form():
    sol = symback.solve(symback.load_example("softmax_233"), check=False)
    assert latex(sol.gradient("z2_1")) == "y_{1} - t_{1}"
    assert latex(sol.graph.node("y1").expr) == (
        r"\operatorname{softmax}_{1}\left(z^{(2)}_{1}, z^{(2)}_{2}, z^{(2)}_{3}\right)")
    neuron = symback.solve(symback.load_example("neuron"), check=False)
    assert latex(neuron.gradient("w1")) == r"2 i_{1} o \left(1 - o\right) \left(o - t\right)"
    assert latex(neuron.gradient("t")) == r"2 \left(t - o\right)"
    relu = symback.solve(symback.load_example("relu_identity"), check=False)
    assert latex(relu.gradient("z1_1")) == (
        r"w^{(2)}_{1,1} \left(y_{1} - t_{1}\right) \mathbf{1}\left[z^{(1)}_{1} > 0\right]")


def test_latex_printer_prints_as_latex_does_and_a_users_e_stays_its_own():
    """The kept printer gives what latex() gives, call after call; a user's ``e`` in one expression
    does not turn Euler's number into ``\\exp(1)`` in the next."""
    from symback.documents.printing import latex_printer

    x, e = sp.symbols("x e", real=True)
    show = latex_printer(mul_symbol="dot", names={"x": r"\xi"})
    for expr in (sp.exp(x), e * sp.exp(x), sp.E * x, x / (1 + x), sp.exp(x)):
        assert show(expr) == latex(expr, mul_symbol="dot", names={"x": r"\xi"})
    assert show(sp.E * x) == r"\mathrm{e} \cdot \xi" and show(e * sp.E).startswith(r"\exp\left(1\right)")


def test_an_unordered_product_of_symbols_keeps_its_stored_order():
    """With order "none" (or "old") SymPy prints a product's factors as stored, which is not name order
    when their assumptions differ (an adjoint symbol has none): the short paths do the same."""
    from sympy.printing.latex import LatexPrinter

    from symback.documents.plain import plain

    expr = sym("a") * sp.Symbol("\u2202z2_9")
    for order in ("none", "old"):
        printer = SymbackLatexPrinter({"order": order})
        assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr)
        assert plain(expr, order=order) == sp.sstr(expr, order=order)
    assert latex(expr) == r"a \text{\ensuremath{\partial}z2\_9}"
