"""The LaTeX printer: name notation, function notation, textbook order, numbers, escaping."""
from __future__ import annotations

import re

import pytest
import sympy as sp

import symback
from symback.engine import functions as fn
from symback.documents.printing import SettingError, SymbackLatexPrinter, latex, name_latex
from symback.documents.tex import Tex, escape_latex


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


NAMES = [
    # letters + digits: digits as subscript (b1 too: one rule, no guessing a shared bias)
    ("w1", "w_{1}"), ("i1", "i_{1}"), ("x12", "x_{12}"), ("L", "L"), ("o", "o"), ("b1", "b_{1}"),
    # network names: layer in a parenthesized superscript, indices as subscript
    ("w2_1_3", "w^{(2)}_{1,3}"), ("w1_2_3", "w^{(1)}_{2,3}"), ("b1_2", "b^{(1)}_{2}"),
    ("z1_2", "z^{(1)}_{2}"), ("a1_2", "a^{(1)}_{2}"), ("w1_11", "w^{(1)}_{11}"), ("w12_3", "w^{(12)}_{3}"),
    # sample suffix _s<i>: a bracketed superscript
    ("x1_s2", "x^{[2]}_{1}"), ("y1_s2", "y^{[2]}_{1}"), ("z1_2_s3", "z^{(1)[3]}_{2}"),
    ("w1_1_2_s4", "w^{(1)[4]}_{1,2}"), ("L_s2", "L^{[2]}"), ("apple_num_s2", r"\mathrm{apple\_num}^{[2]}"),
    # underscore-separated indices
    ("x_1", "x_{1}"), ("w_i_j", "w_{i,j}"), ("lambda_1", r"\lambda_{1}"),
    # Greek names
    ("alpha", r"\alpha"), ("beta", r"\beta"), ("gamma", r"\gamma"), ("delta", r"\delta"), ("eta", r"\eta"),
    ("lambda", r"\lambda"), ("sigma", r"\sigma"), ("theta", r"\theta"), ("mu", r"\mu"), ("pi", r"\pi"),
    ("lambda1", r"\lambda_{1}"), ("eta12", r"\eta_{12}"), ("Delta", r"\Delta"), ("Omega", r"\Omega"),
    ("Alpha", r"\mathrm{Alpha}"),  # no \Alpha in LaTeX
    # single letters stay the user's italic symbols
    ("E", "E"), ("I", "I"), ("S", "S"), ("N", "N"), ("Q", "Q"), ("e", "e"),
    # other multi-letter names: upright, escaped
    ("apple_num", r"\mathrm{apple\_num}"), ("price", r"\mathrm{price}"), ("Error", r"\mathrm{Error}"),
    ("all_price", r"\mathrm{all\_price}"), ("price2", r"\mathrm{price}_{2}"), ("h1a", r"\mathrm{h1a}"),
    # not a symback name: inert text
    ("x}\\def", r"\text{x\}\textbackslash{}def}"), ("a b$", r"\text{a b\$}"),
]


@pytest.mark.parametrize("name, expected", NAMES)
def test_name_notation(name, expected):
    assert name_latex(name) == expected
    assert latex(sym(name)) == expected


def test_names_setting_overrides_every_rule():
    names = {"w2_1_3": r"\omega", "alpha": "a", "price": r"\$", "x1_s2": "X"}
    assert latex(sym("w2_1_3") * sym("x"), names=names) == r"\omega x"
    assert name_latex("alpha", names=names) == "a"
    assert name_latex("price", names=names) == r"\$"
    assert name_latex("x1_s2", names=names) == "X"
    assert name_latex("x1", names=names) == "x_{1}"
    assert latex(sym("w1"), symbol_names={sym("w1"): "W"}) == "W"  # SymPy's own setting still works


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
    assert latex(sp.Float(1.0e-32), digits=2) == r"1.0 \cdot 10^{-32}"
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


def test_abstract_functions_print_like_the_built_in_ones():
    """A derivation's f and g read f(g(x)) and f'(g(x)), not SymPy's f{(...)} braces."""
    f, g, x = sp.Function("f"), sp.Function("g"), sp.Symbol("x")
    assert latex(f(g(x)) ** 2) == r"f\left(g\left(x\right)\right)^{2}"
    assert latex(sp.Derivative(g(x), x)) == r"g'\left(x\right)"
    assert latex(sp.Derivative(g(x), x, 2)) == r"g''\left(x\right)"
    assert latex(sp.Function("f_1")(x)) == r"f_{1}\left(x\right)"
    assert latex(fn.sigmoid(x)) == r"\sigma\left(x\right)"  # built-in functions keep their own names


def test_latex_printer_prints_as_latex_does_and_a_users_e_stays_its_own():
    """The kept printer gives what latex() gives, call after call; a user's ``e`` in one expression
    does not turn Euler's number into ``\\exp(1)`` in the next."""
    from symback.documents.printing import latex_printer

    x, e = sp.symbols("x e", real=True)
    show = latex_printer(mul_symbol="dot", names={"x": r"\xi"})
    for expr in (sp.exp(x), e * sp.exp(x), sp.E * x, x / (1 + x), sp.exp(x)):
        assert show(expr) == latex(expr, mul_symbol="dot", names={"x": r"\xi"})
    assert show(sp.E * x) == r"e \cdot \xi" and show(e * sp.E).startswith(r"\exp\left(1\right)")


def test_an_unordered_product_of_symbols_keeps_its_stored_order():
    """With order "none" (or "old") SymPy prints a product's factors as stored, which is not name order
    when their assumptions differ (an adjoint symbol has none): the short paths do the same."""
    from sympy.printing.latex import LatexPrinter

    from symback.documents.printing import plain

    expr = sym("a") * sp.Symbol("\u2202z2_9")
    for order in ("none", "old"):
        printer = SymbackLatexPrinter({"order": order})
        assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr)
        assert plain(expr, order=order) == sp.sstr(expr, order=order)
    assert latex(expr) == r"a \text{\ensuremath{\partial}z2\_9}"  # name order otherwise, as SymPy sorts
