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


def test_a_product_of_symbols_prints_as_sympys_own_product():
    """The short path for products of plain symbols gives SymPy's ``_print_Mul`` output exactly: name
    order, separators, and ``\\cdot`` between two printed numbers (a name printed as a number)."""
    import random

    from sympy.printing.latex import LatexPrinter

    rng = random.Random(4)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "b", "L", "price", "z1_2_s3", "lambda1", "e")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("\u2202a1_3"), sp.Symbol("x1")]  # adjoints; an x1 of other assumptions
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "b": "2", "x1": "x_{1}", "\u2202z2_9": "0.001179"}
    compared = 0
    for _ in range(400):
        expr = sp.Mul(*rng.sample(pool, rng.randint(2, 4)))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}, {"names": numbers, "mul_symbol": "dot"}])
        printer = SymbackLatexPrinter(settings)
        if isinstance(expr, sp.Mul):
            compared += 1
            assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr), expr
    assert compared > 300
    assert latex(sym("a1_15") * sp.Symbol("\u2202z2_9"), names={"\u2202z2_9": r"\delta"}) == r"a^{(1)}_{15} \delta"


def test_a_product_of_symbols_and_sums_prints_as_sympys_own_product():
    """The short path for products of symbols and sums (a graph's closed forms, y (1 - y) (y - t))
    gives SymPy's ``_print_Mul`` output exactly, and steps aside for a number factor or a power."""
    import random

    from sympy.printing.latex import LatexPrinter

    from symback.documents import printing

    rng = random.Random(6)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "y2", "L", "price", "z1_2_s3", "e")]
    pool.append(sp.Symbol("\u2202z2_9"))
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "y2": "2", "\u2202z2_9": "0.001179"}

    def factor():
        kind = rng.randrange(6)
        if kind < 2:
            return rng.choice(pool)
        if kind == 2:
            return 1 - rng.choice(pool)
        if kind == 3:
            return rng.choice(pool) - rng.choice(pool)
        if kind == 4:
            return rng.choice(pool) * rng.choice(pool) + sp.Rational(rng.randint(-3, 3), rng.randint(1, 2))
        return rng.choice([sp.Integer(2), rng.choice(pool) ** 2, sp.Rational(1, 2)])

    short = compared = 0
    for _ in range(600):
        expr = sp.Mul(*(factor() for _ in range(rng.randint(2, 4))))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}, {"names": numbers, "mul_symbol": "dot"}])
        printer = SymbackLatexPrinter(settings)
        if isinstance(expr, sp.Mul):
            compared += 1
            short += printing._product_of_sums(expr)
            assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr), expr
    assert compared > 400 and 100 < short < compared


def test_a_signed_sum_prints_as_sympys_print_of_its_ordered_terms():
    """_print_Add writes SymPy's loop over the ordered terms itself, where it used to build an
    unevaluated Add of them for SymPy's _print_Add: the same text for random signed sums."""
    import random

    from sympy.printing.latex import LatexPrinter

    from symback.documents import printing

    class Before(SymbackLatexPrinter):  # the former last step, as the oracle
        def _print_Add(self, expr, order=None):
            chosen = order or self.order
            terms = self._as_ordered_terms(expr, order=order) if chosen in ("old", "none") \
                else printing._ordered_terms(expr, chosen)
            if printing._symbols_and_products(terms):
                return " + ".join(self._print(t) for t in terms)
            if chosen != "none":
                terms = sorted(terms, key=lambda term: term.could_extract_minus_sign())
            return LatexPrinter._print_Add(self, sp.Add(*terms, evaluate=False), order="none")

    rng = random.Random(8)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "y2", "price", "e")]
    leaves = pool + [sp.Integer(2), sp.Rational(-3, 4), sp.Float("0.5", 10)]

    def term():
        kind = rng.randrange(6)
        if kind == 0:
            return rng.choice(leaves)
        if kind == 1:
            return -rng.choice(pool)
        if kind == 2:
            return rng.choice(leaves) * rng.choice(pool)
        if kind == 3:
            return rng.choice(pool) ** rng.choice([2, -1, sp.Rational(1, 2)])
        if kind == 4:
            return sp.exp(-rng.choice(pool)) * rng.choice([1, -2])
        return -(rng.choice(pool) + rng.choice(leaves)) * rng.choice(pool)

    for _ in range(500):
        expr = sp.Add(*(term() for _ in range(rng.randint(2, 5))))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": {"t": r"\left(-0.3\right)", "x1": "0.25"}}])
        assert SymbackLatexPrinter(settings).doprint(expr) == Before(settings).doprint(expr), expr


def test_a_sum_of_symbol_products_prints_as_sympys_own_sum():
    """The short path for sums of symbols and symbol products (sum_k w_kj delta_k, a neuron's input)
    gives what SymPy's ``_print_Add`` gives on the same ordered terms."""
    import random

    from sympy.printing.latex import LatexPrinter

    rng = random.Random(6)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "w2_10_15", "x1", "t", "b", "price", "lambda1")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("\u2202z2_10")]
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "b": "2", "\u2202z2_9": "0.001179"}
    shortcut = 0
    for _ in range(300):
        terms = [sp.Mul(*rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(2, 8))]
        if rng.random() < 0.2:
            terms.append(rng.choice([sp.Integer(-1), sp.Rational(1, 2), -pool[0], 2 * pool[1]]))  # the long path
        expr = sp.Add(*terms)
        if not isinstance(expr, sp.Add):
            continue
        printer = SymbackLatexPrinter(rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}]))
        ordered = sorted(expr.as_ordered_terms(), key=lambda term: term.could_extract_minus_sign())
        expected = LatexPrinter._print_Add(printer, sp.Add(*ordered, evaluate=False), order="none")
        assert printer.doprint(expr) == expected, expr
        shortcut += all(t.is_Symbol or t.is_Mul and all(a.is_Symbol for a in t.args) for t in expr.args)
    assert shortcut > 150


def test_term_order_of_symbol_sums_is_sympys():
    """The kept term order computes SymPy's lex order for sums of symbols and symbol products itself;
    it must be ``as_ordered_terms()`` exactly (prefixes, names that sort by their digits, adjoint names)."""
    import random

    from symback.documents.printing import _monomial_names, _ordered_terms

    rng = random.Random(12)
    pool = [sym(n) for n in ("a", "a1", "a1_15", "a1_2", "w2_9_15", "w2_10_15", "x1", "x10", "x2", "b", "Z")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("dL/dz2_10"), sp.Symbol("x1")]  # the last: x1 of other assumptions
    computed = 0
    for _ in range(1500):
        expr = sp.Add(*(sp.Mul(*rng.sample(pool, rng.randint(1, 4))) for _ in range(rng.randint(2, 9))))
        if not isinstance(expr, sp.Add):
            continue
        computed += _monomial_names(expr) is not None
        assert _ordered_terms(expr, None) == tuple(expr.as_ordered_terms()), expr
    assert computed > 800
