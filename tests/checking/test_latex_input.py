"""LaTeX input: what it accepts (checked against the plain-syntax parser), what it refuses, and how fast."""
import time

import pytest
import sympy as sp

from symback.engine import functions as fn
from symback.checking import latex_child, latex_input
from symback.engine.errors import FormulaError
from symback.engine.expr import parse_formula, symbol
from symback.checking.latex_input import ANTLR_INSTALL, TIMEOUT, parse_latex_formulas

NAMES = ["x", "y", "t", "b", "w", "x_1", "y_j", "w12", "lr", "delta_j", "lambda"]
SYMBOLS = {n: symbol(n) for n in NAMES}


def parse_latex_formula(text, names, where, timeout=TIMEOUT, functions=()):
    """One formula: a batch of one."""
    return parse_latex_formulas([(where, text)], names, timeout, functions)[0]


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
]


@pytest.fixture(scope="module")
def accepted():
    pytest.importorskip("antlr4")
    started = time.perf_counter()
    formulas = parse_latex_formulas([(f"line {i}", latex) for i, (latex, _) in enumerate(ACCEPTED)], SYMBOLS)
    return formulas, time.perf_counter() - started


@pytest.mark.parametrize("index", range(len(ACCEPTED)))
def test_accepted_forms_match_the_plain_parser(accepted, index):
    formula = accepted[0][index]
    assert formula.expr == parse_formula(ACCEPTED[index][1], SYMBOLS).expr
    assert parse_formula(formula.echo, SYMBOLS).expr == formula.expr  # the echo can be re-entered


def test_a_batch_starts_one_child(accepted):
    assert accepted[1] < 10


def test_echo_is_plain_syntax(accepted):
    assert accepted[0][0].echo == "(1 - sigmoid(x))*sigmoid(x)"
    assert accepted[0][2].echo == "1/(1 + exp(-x))"
    assert accepted[0][3].echo == "409/250"


def test_free_names_and_constants(antlr):
    formula = parse_latex_formula(r"e^{x} + E + i^2 + e", None, "c")
    assert formula.expr == sp.exp(symbol("x")) + symbol("E") + symbol("i") ** 2 + sp.E
    assert all(s.is_real for s in formula.expr.free_symbols)


def test_a_user_name_e_is_not_eulers_number(antlr):
    formula = parse_latex_formula(r"e^{x} + \exp(1)", ["e", "x"], "c")
    assert formula.expr == symbol("e") ** symbol("x") + sp.E
    assert formula.echo == "e**x + exp(1)"


def test_subscripts_prefer_the_underscore_spelling(antlr):
    assert parse_latex_formula("w_{12}", ["w_12", "w12"], "c").expr == symbol("w_12")
    assert parse_latex_formula("w_{12}", ["w12"], "c").expr == symbol("w12")


def test_declared_functions_may_be_applied(antlr):
    formula = parse_latex_formula("f(g(x))", ["x"], "c", functions=["f", "g"])
    f, g = sp.Function("f", real=True), sp.Function("g", real=True)
    assert formula.expr == f(g(symbol("x")))
    with pytest.raises(FormulaError, match="reads as a call of a function g"):
        parse_latex_formula("f(g(x))", ["x"], "c")


def test_sigma_alone_is_a_user_name_or_refused(antlr):
    assert parse_latex_formula(r"\sigma(x) + \sigma", ["x", "sigma"], "c").expr == \
        fn.sigmoid(symbol("x")) + symbol("sigma")
    with pytest.raises(FormulaError, match="without an argument"):
        parse_latex_formula(r"\sigma \cdot (1 - \sigma)", None, "c")


def refused(text, names=NAMES, timeout=20.0):
    with pytest.raises(FormulaError) as info:
        parse_latex_formula(text, names, "claims.line 2", timeout=timeout)
    error = info.value
    assert "\n" not in str(error) and str(error).startswith("claims.line 2: ") and error.fix
    return str(error)


@pytest.mark.serial
@pytest.mark.parametrize("text, reason", [
    (r"\operatorname{ReLU}(x)", "product of letters"),
    (r"\mathrm{relu}(x)", "product of letters"),
    (r"\int x dx", "no integrals"),
    (r"\sum_{i=1}^{n} x_i", "no integrals"),
    (r"\frac{\partial L}{\partial w}", "derivative notation"),
    (r"\begin{matrix}1\end{matrix}", "no matrices"),
    (r"\input{/etc/passwd}", r"\input is not supported"),
    ("__import__('os').system('true')", "subscript"),
    ("x^{2}_{1}", "second script"),
    ("a^b^c", "second script"),
    ("x_{ab}", "x_{a*b}"),
    ("x_12", "write x_{12}"),
    ("x_{1}2 + x_ 12", "write x_{12}"),
    ("w^{(1)}_{12}", "layer index"),
    (r"e^{\left(x\right)}", "layer index"),
    ("|x|^2", "(|x|)^{2}"),
    ("f|_{x=1}", "evaluation bar"),
    ("1,000", "thousands separator"),
    ("f'(x)", "prime"),
    (r"x^{\infty}", "no integrals"),
    ("", "empty"),
    ("   ", "empty"),
    ("x+" * 1000 + "x", "longer than 2000"),
])
def test_refused_before_parsing(antlr, text, reason):
    started = time.perf_counter()
    assert reason in refused(text)
    assert time.perf_counter() - started < 0.1  # no child process was needed


@pytest.mark.parametrize("text, reason", [
    ("y_j(1-y_j)", r"'y_j(...)' reads as a call of a function y_j"),
    (r"y_j\left(1-y_j\right)", "reads as a call"),
    ("x_2", "unknown name 'x_2' in 'x_2'; define it, or write a multi-letter name as \\mathit{lr} "
            "(did you mean 'x_1'?)"),
    ("lr", "did you mean 'lr'?"),
    ("x < y", "'=' or an inequality"),
    (r"\frac{d}{dx} x^2", "derivative notation"),
    (r"\frac{1}{0}", "undefined"),
    (r"\sigma(x, y)", "sigmoid() got 2 arguments"),
    ("x!", "factorial is not supported"),
    ("x + )", "cannot parse 'x + )'"),
    ("0." + "0" * 70 + "1", "too many digits"),
    ("(" * 200 + "x" + ")" * 200, "nested too deeply"),
])
def test_refused_after_parsing(antlr, text, reason):
    assert reason in refused(text)


@pytest.mark.serial
def test_huge_power_is_refused_fast(antlr):
    started = time.perf_counter()
    assert "exponent 1099511627776 is too large" in refused("2^{2^{40}}", timeout=20.0)
    assert time.perf_counter() - started < 6.0


@pytest.mark.serial
def test_timeout(antlr):
    latex_child._stop_child()  # the timeout covers a new child's start (a running child may parse x in 0.01 s)
    assert "did not parse within 0.01 s" in refused("x", timeout=0.01)


def test_a_crashed_worker_is_reported(antlr, monkeypatch, tmp_path):
    monkeypatch.setattr(latex_input, "_WORKER", tmp_path / "missing.py")
    assert "the LaTeX parser stopped" in refused("x")


def test_missing_runtime_names_the_install_command(monkeypatch):
    def absent(name):
        raise latex_input.PackageNotFoundError(name)

    monkeypatch.setattr(latex_input, "version", absent)
    message = refused("x")
    assert "antlr4-python3-runtime 4.11 (found none)" in message and ANTLR_INSTALL in message


def test_payloads_execute_nothing(antlr, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    refused(payload)
    results = latex_input._run_worker([payload, "x_{" + payload + "}"], 10.0, "w")  # past the screen
    assert all("error" in r for r in results)
    assert not marker.exists()


def test_steps_echo_latex_lines_in_text_and_json(antlr, tmp_path, capsys):
    """The CLI shows how each LaTeX line was read; the file may come after the options."""
    import json

    from symback.cli import main

    path = tmp_path / "sigma.txt"
    path.write_text("\\sigma(x)\n= \\frac{1}{1+e^{-x}}\n", encoding="utf-8")
    assert main(["verify", "steps", "--latex", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read as sigmoid(x)" in out and "read as 1/(1 + exp(-x))" in out
    assert main(["verify", "steps", str(path), "--latex", "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["read_as"] for s in steps] == ["sigmoid(x)", "1/(1 + exp(-x))"]
    assert [s["verdict"] for s in steps] == ["given", "proved"]
