"""LaTeX input: what it reads (checked against the plain-syntax parser), what it refuses, and how fast."""
import json
import time

import pytest
import sympy as sp

from symback.checking.latex_reader import read_latex
from symback.checking.notation import Vocabulary
from symback.engine.errors import FormulaError
from symback.engine.expr import parse_formula, symbol

NAMES = ["x", "y", "t", "b", "w", "x_1", "y_j", "w12", "lr", "delta_j", "lambda", "o"]
SYMBOLS = {n: symbol(n) for n in NAMES}
VOCABULARY = Vocabulary(SYMBOLS)

# (LaTeX, the same formula in plain syntax: the independent reference)
ACCEPTED = [
    (r"\sigma(x)(1-\sigma(x))", "sigmoid(x)*(1 - sigmoid(x))"),
    (r"\sigma\left(x\right)\left(1-\sigma\left(x\right)\right)", "sigmoid(x)*(1 - sigmoid(x))"),
    (r"\frac{1}{1+e^{-x}}", "1/(1 + e^(-x))"),
    (r"-\frac{2}{1}(0 - 0.818)", "-2/1*(0 - 0.818)"),
    (r"\frac{e^{-x}}{(1+e^{-x})^2}", "e^(-x)/(1 + e^(-x))^2"),
    (r"(y - t) \cdot x_1", "(y - t)*x_1"),
    (r"y_j \cdot (1-y_j)", "y_j*(1 - y_j)"),
    (r"y_{j}[1-y_{j}]", "y_j*(1 - y_j)"),
    (r"\left(1 - y_j\right) y_j", "(1 - y_j)*y_j"),
    (r"\tanh(w x + b)", "tanh(w*x + b)"),
    (r"1 - \tanh^2 x", "1 - tanh(x)^2"),
    (r"\ln(y) + \log x + \log_2 t", "log(y) + log(x) + log(t)/log(2)"),
    (r"\exp(-x) \times 2", "exp(-x)*2"),
    (r"\sqrt{x} + \frac12", "sqrt(x) + 1/2"),
    (r"\max(0, x) - \min(x, y)", "max(0, x) - min(x, y)"),
    (r"\left|x\right| + |y|", "abs(x) + abs(y)"),
    (r"w_{12} x_1", "w12*x_1"),
    (r"\mathit{lr} \cdot \delta_j", "lr*delta_j"),
    (r"\lambda + \pi + e", "lambda + pi + e"),
    (r"x \div 4 + 0.05", "x/4 + 0.05"),
    (r"\frac{1}{2}(y - t)^{2}", "1/2*(y - t)^2"),
    (r"2x + 3 \, y", "2*x + 3*y"),
    # what students write most, which the antlr parser refused (issue 26)
    (r"o(1-o)", "o*(1 - o)"),
    (r"y_j(1-y_j)", "y_j*(1 - y_j)"),
    (r"y_j\left(1-y_j\right)", "y_j*(1 - y_j)"),
    (r"x_1 (x_1 + 2)", "x_1*(x_1 + 2)"),
    (r"\operatorname{ReLU}(x) + \mathrm{relu}(y)", "relu(x) + relu(y)"),
    (r"\operatorname{softplus}(x)", "softplus(x)"),
    (r"2 \cdot \left[ 1 - o \right] o", "2*(1 - o)*o"),
    (r"\dfrac{x}{y + 1} + \tfrac{1}{2}", "x/(y + 1) + 1/2"),
    (r"\sqrt[3]{x}", "x^(1/3)"),
    (r"|x|^2", "abs(x)^2"),
    (r"lr\,x", "lr*x"),
    (r"x_{1}^{2}", "x_1^2"),
    (r"x^{2}_{1}", "x_1^2"),                    # TeX's order too
    (r"e^{\left(x\right)}", "exp(x)"),
    (r"\exp{-x} + \exp x", "exp(-x) + exp(x)"),
    (r"2\left\{x + 1\right\}", "2*(x + 1)"),
    (r"x \; \cdot \! y \quad + \qquad 1", "x*y + 1"),
    (r"&x \\", "x"),
]


@pytest.mark.parametrize("index", range(len(ACCEPTED)))
def test_accepted_forms_match_the_plain_parser(index):
    latex, plain = ACCEPTED[index]
    formula = read_latex(latex, VOCABULARY, f"line {index}")
    assert formula.expr == parse_formula(plain, SYMBOLS).expr
    assert parse_formula(formula.echo, SYMBOLS).expr == formula.expr  # the echo can be re-entered


def test_everything_reads_in_process_and_fast():
    started = time.perf_counter()
    for _ in range(20):
        for latex, _ in ACCEPTED:
            read_latex(latex, VOCABULARY, "c")
    assert time.perf_counter() - started < 5  # 800 formulas; the antlr child took 1 s to start


def test_echo_is_the_plain_notation_as_written():
    """The echo keeps the student's numbers and order (no 409/250 for -2/1 (0 - 0.818))."""
    def echo(latex):
        return read_latex(latex, VOCABULARY, "c").echo

    assert echo(r"\sigma(x)(1-\sigma(x))") == "sigmoid(x)*(1 - sigmoid(x))"
    assert echo(r"\frac{1}{1+e^{-x}}") == "1/(1 + e^(-x))"
    assert echo(r"-\frac{2}{1}(0 - 0.818)") == "-2/1*(0 - 0.818)"
    assert echo(r"\frac{x+y}{t\,w}") == "(x + y)/(t*w)"


def test_free_names_and_constants():
    formula = read_latex(r"e^{x} + E + i^2 + e", Vocabulary(), "c")
    assert formula.expr == sp.exp(symbol("x")) + symbol("E") + symbol("i") ** 2 + sp.E
    assert all(s.is_real for s in formula.expr.free_symbols)


def refused(text, names=NAMES):
    with pytest.raises(FormulaError) as info:
        read_latex(text, Vocabulary({n: symbol(n) for n in names}), "claims.line 2")
    error = info.value
    assert "\n" not in str(error) and str(error).startswith("claims.line 2: ") and error.fix
    return str(error)


@pytest.mark.parametrize("text, reason", [
    (r"\int x dx", "no integrals"),
    (r"\sum_{i=1}^{n} x_i", "no integrals"),
    (r"\frac{\partial L}{\partial w}", "derivative of a problem's quantity"),
    (r"\begin{matrix}1\end{matrix}", "no matrices"),
    (r"\input{/etc/passwd}", r"\input is not supported"),
    (r"\text{x}", "is text"),
    ("__import__('os').system('true')", "script"),
    (r"w^{(1)}_{1,1}'", "double superscript"),
    ("(x)^{2}_{1}", "second script"),
    ("a^b^c", "second script"),
    ("x_12", "brace it: x_{12}"),
    ("x_{1}2 + x_ 12", "brace it: x_{12}"),
    ("f|_{x=1}", "script"),
    ("1,000", "thousands separator"),
    ("f'(x)", "reads as a call of a function f"),
    (r"x^{\infty}", "no integrals"),
    ("", "empty"),
    ("   ", "empty"),
    ("x+" * 1000 + "x", "longer than 2000"),
    ("x_2", "unknown name 'x_2' in 'x_2' (read as x_2); define it under [inputs], [params] or [nodes] "
            "(did you mean 'x_1'?)"),
    ("q", "unknown name 'q'"),
    ("x < y", "'=' or an inequality"),
    (r"x \leq y", "'=' or an inequality"),
    (r"\frac{d}{dx} x^2", "derivative notation"),
    (r"\frac{1}{0}", "undefined"),
    (r"\sigma(x, y)", "sigmoid() takes 1 arguments, got 2"),
    ("x!", "factorial is not supported"),
    ("x + )", "unmatched ')'"),
    ("(x", "never closed"),
    ("(" * 200 + "x" + ")" * 200, "nested more than 100 levels"),
    (r"\log_{0}(x)", "base"),
    (r"\tanh", "without an argument"),
])
def test_refused_with_the_reason_and_a_fix(text, reason):
    started = time.perf_counter()
    assert reason in refused(text)
    assert time.perf_counter() - started < 0.5


def test_huge_power_is_refused_fast():
    started = time.perf_counter()
    assert "exponent 1099511627776 is too large" in refused("2^{2^{40}}")
    assert time.perf_counter() - started < 1.0


def test_payloads_execute_nothing(tmp_path):
    marker = tmp_path / "pwned"
    for payload in (f"__import__('os').system('touch {marker}')", "x_{" + f"__import__('os').system('touch {marker}')" + "}",
                    r"\mathrm{" + f"__import__('os').system('touch {marker}')" + "}"):
        refused(payload)
    assert not marker.exists()


def test_steps_echo_latex_lines_in_text_and_json(tmp_path, capsys):
    """The CLI shows how each LaTeX line was read; the file may come after the options."""
    from symback.cli import main

    path = tmp_path / "sigma.txt"
    path.write_text("\\sigma(x)\n= \\frac{1}{1+e^{-x}}\n", encoding="utf-8")
    assert main(["verify", "steps", "--latex", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read as sigmoid(x)" in out and "read as 1/(1 + e^(-x))" in out
    assert main(["verify", "steps", str(path), "--latex", "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["read_as"] for s in steps] == ["sigmoid(x)", "1/(1 + e^(-x))"]
    assert [s["verdict"] for s in steps] == ["given", "proved"]
