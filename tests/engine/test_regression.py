"""Linear regression (seed 003 §1): closed form and gradient descent against independent answers."""
import json
import re
import subprocess
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import symback
from symback.cli import main
from symback.documents.catalogue import LANGUAGES, messages
from symback.engine.regression import RegressionSolution

EXAMPLE = symback.load_example("regression")


def spec(**regression):
    return symback.spec_from_dict({"title": "t", "regression": regression}, source="reg.toml")


def random_problem(seed: int, n: int = 12, k: int = 2, **settings):
    rng = np.random.default_rng(seed)
    x = [[round(float(v), 2) for v in row] for row in rng.normal(size=(n, k))]
    y = [round(float(v), 2) for v in rng.normal(size=n)]
    return symback.solve(spec(x=x, y=y, learning_rate=0.01, steps=50, **settings))


def design(x, intercept=True) -> np.ndarray:
    x = np.array(x, dtype=float).reshape(len(x), -1)
    return np.hstack([np.ones((len(x), 1)), x]) if intercept else x


# -- the closed form ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("settings", [{}, {"intercept": False}, {"cost": "mse"}])
def test_closed_form_equals_lstsq_and_the_normal_equations(seed, settings):
    sol = random_problem(seed, **settings)
    reg = sol.regression
    X = design([[float(v) for v in row] for row in reg.x], reg.intercept)
    y = np.array([float(v) for v in reg.y])
    expected, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert np.allclose(sol.numpy(), expected, rtol=1e-10, atol=1e-12)
    # exact: sympy.diff of the cost written as a sum, every partial set to zero, solved by linsolve
    b = sp.symbols(f"b0:{X.shape[1]}")
    rows = [([1] if reg.intercept else []) + list(r) for r in reg.x]
    cost = sum((yi - sum(v * bj for v, bj in zip(row, b))) ** 2 for row, yi in zip(rows, reg.y))
    (exact,) = sp.linsolve([sp.diff(cost, bj) for bj in b], b)
    assert list(sol.beta_hat) == list(exact)
    residual = y - X @ expected
    scale = 1 / len(y) if reg.cost == "mse" else 1
    assert float(sol.cost_at_beta_hat) == pytest.approx(scale * residual @ residual, rel=1e-10)


def test_example_closed_form_and_r_squared():
    sol = symback.solve(EXAMPLE)
    assert isinstance(sol, RegressionSolution)
    x = np.array([1, 2, 3, 4, 5.0])
    y = np.array([2.1, 3.9, 6.2, 7.8, 10.1])
    slope, intercept = np.polyfit(x, y, 1)
    assert np.allclose(sol.numpy(), [intercept, slope], rtol=1e-12)
    r2 = 1 - np.sum((y - intercept - slope * x) ** 2) / np.sum((y - y.mean()) ** 2)
    assert float(sol.r_squared) == pytest.approx(r2, rel=1e-12)
    # exact rationals: beta_hat solves X^T X beta = X^T Y with no rounding at all
    assert sol.xtx * sol.beta_hat == sol.xty and all(v.is_Rational for v in sol.beta_hat)


def test_intercept_flag_equals_an_explicit_ones_column():
    x, y = [[1.0, 2.0], [2.0, 0.5], [3.0, 1.0], [4.0, 3.0]], [1.0, 2.0, 2.5, 4.0]
    with_flag = symback.solve(spec(x=x, y=y, learning_rate=0.01))
    explicit = symback.solve(spec(x=[[1.0] + r for r in x], y=y, intercept=False, learning_rate=0.01))
    assert with_flag.beta_hat == explicit.beta_hat
    flat = symback.solve(spec(x=[1, 2, 3], y=[1, 2, 2], learning_rate=0.01))
    nested = symback.solve(spec(x=[[1], [2], [3]], y=[1, 2, 2], learning_rate=0.01))
    assert flat.beta_hat == nested.beta_hat


# -- the gradient ------------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [{}, {"cost": "mse"}, {"intercept": False}])
def test_symbolic_gradient_equals_the_matrix_form_at_random_points(settings):
    sol = random_problem(7, n=6, k=3, **settings)
    assert sol.gradient_checked
    X = sp.Matrix([[Fraction(str(v)) for v in row] for row in np.array(sol.X.tolist(), dtype=object)])
    Y = sp.Matrix(list(sol.regression.y))
    c = sp.Rational(1, len(Y)) if sol.regression.cost == "mse" else 1
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = [sp.Rational(int(v), 7) for v in rng.integers(-50, 50, size=X.cols)]
        expected = -2 * c * X.T * (Y - X * sp.Matrix(point))
        at = dict(zip(sol.betas, point))
        assert [g.xreplace(at) for g in sol.gradient] == list(expected)
    assert set(sol.gradient_rules) >= {"power rule", "sum rule"}


def test_gradient_is_derived_by_the_rule_table(monkeypatch):
    calls = []
    import symback.engine.regression as regression
    original = regression.differentiate
    monkeypatch.setattr(regression, "differentiate", lambda *a: calls.append(a) or original(*a))
    sol = symback.solve(EXAMPLE)
    assert len(calls) == sol.X.cols and sol.gradient_checked


# -- gradient descent --------------------------------------------------------------------------

def numpy_descent(X, y, rate, steps, scale=1.0):
    beta = np.zeros(X.shape[1])
    path = [beta]
    for _ in range(steps):
        beta = beta - rate * (-2 * scale * X.T @ (y - X @ beta))
        path.append(beta)
    return np.array(path)


def test_descent_converges_to_the_closed_form_and_matches_a_plain_loop():
    sol = symback.solve(EXAMPLE)
    reg = sol.regression
    X, y = design([float(r[0]) for r in reg.x]), np.array([float(v) for v in reg.y])
    path = numpy_descent(X, y, float(reg.learning_rate), reg.steps)
    got = np.array([it.beta for it in sol.iterations])
    assert got.shape == path.shape and np.allclose(got, path, rtol=1e-12, atol=1e-14)
    distances = [it.distance for it in sol.iterations]
    assert all(b < a for a, b in zip(distances, distances[1:]))          # ρ < 1: shrinks every step
    assert distances[-1] < 1e-6 * distances[0]
    assert np.allclose(got[-1], sol.numpy(), atol=1e-6)
    lam = np.linalg.eigvalsh(2 * X.T @ X)
    assert sol.converges and sol.descent.max_rate == pytest.approx(2 / lam.max())
    assert sol.descent.contraction == pytest.approx(max(abs(1 - float(reg.learning_rate) * lam)))
    assert [float(v) for v in sol.descent.first] == pytest.approx(list(path[1]), rel=1e-14)  # exact first step


def test_mse_descent_matches_a_plain_loop():
    sol = random_problem(3, cost="mse")
    X, y = design([[float(v) for v in r] for r in sol.regression.x]), np.array([float(v) for v in sol.regression.y])
    path = numpy_descent(X, y, 0.01, 50, scale=1 / len(y))
    assert np.allclose([it.beta for it in sol.iterations], path, rtol=1e-12, atol=1e-14)


def test_divergent_learning_rate_is_reported():
    sol = symback.solve(spec(x=[1, 2, 3, 4, 5], y=[2.1, 3.9, 6.2, 7.8, 10.1], learning_rate=0.02, steps=30))
    X = design([1, 2, 3, 4, 5.0])
    assert 0.02 > 2 / np.linalg.eigvalsh(2 * X.T @ X).max()
    assert not sol.converges and sol.descent.steps_to_tolerance is None
    distances = [it.distance for it in sol.iterations]
    assert distances[-1] > 100 * distances[0]
    for lang in LANGUAGES:
        text = sol.markdown(lang)
        assert messages(lang)["regression.diverges"].split("{")[0].strip() in text
        assert "nan" not in text and "inf" not in text.replace("\\infty", "")


def test_overflow_stops_the_table():
    sol = symback.solve(spec(x=[1, 2, 3, 4, 5], y=[2.1, 3.9, 6.2, 7.8, 10.1], learning_rate=1, steps=2000))
    assert sol.descent.diverged_at is not None and len(sol.iterations) == sol.descent.diverged_at
    assert all(np.isfinite(it.cost) for it in sol.iterations)
    text = sol.markdown()
    assert f"step ${sol.descent.diverged_at}$" in text and "nan" not in text
    data = sol.to_json()
    json.dumps(data, allow_nan=False)   # no NaN or Infinity in the JSON either
    assert data["gd"]["diverged_at"] == sol.descent.diverged_at and data["converges"] is False


def test_operation_counts():
    sol = random_problem(1, n=10, k=3)
    n, p = 10, 4
    assert sol.flops["closed_form"] == n * p * p + n * p + p ** 3 + p * p
    assert sol.flops["gd_per_step"] == 2 * n * p + p and sol.flops["gd"] == 50 * (2 * n * p + p)


# -- bad input ---------------------------------------------------------------------------------

GOOD = """title = "r"
[regression]
x = [[1.0], [2.0], [3.0], [4.0]]
y = [2.0, 4.1, 5.9, 8.2]
learning_rate = 0.01
"""

BAD = [
    ("unknown key", GOOD.replace("learning_rate", "learning_rat"), "regression.learning_rat: unknown key; did you mean 'learning_rate'?"),
    ("y too short", GOOD.replace("y = [2.0, 4.1, 5.9, 8.2]", "y = [2.0, 4.1, 5.9]"),
     "regression.y: has 3 values but regression.x has 4 rows; give one y per row of x"),
    ("y missing", GOOD.replace("y = [2.0, 4.1, 5.9, 8.2]\n", ""), "regression.y: missing; give one target per row of x"),
    ("x missing", GOOD.replace("x = [[1.0], [2.0], [3.0], [4.0]]\n", ""), "regression.x: missing; give one row per observation"),
    ("ragged x", GOOD.replace("[3.0]", "[3.0, 1.0]"), "regression.x[2]: row 3 has 2 features but row 1 has 1; give every row"),
    ("text in x", GOOD.replace("[3.0]", '["3"]'), "regression.x[2][0]: expected a number"),
    ("text in y", GOOD.replace("5.9", '"5.9"'), "regression.y[2]: expected a number"),
    ("collinear", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]]"),
     "regression.x: column 2 of x is a linear combination of the column of ones, column 1 of x (collinear columns)"),
    ("constant feature", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[2.0], [2.0], [2.0], [2.0]]"),
     "column 1 of x is a linear combination of the column of ones"),
    ("too few rows", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[1.0, 5.0], [2.0, 1.0]]").replace(
        "[2.0, 4.1, 5.9, 8.2]", "[2.0, 4.1]"), "regression.x: 2 rows for 3 coefficients, so XᵀX is singular"),
    ("negative rate", GOOD.replace("0.01", "-0.5"), "regression.learning_rate: must be positive"),
    ("missing rate", GOOD.replace("learning_rate = 0.01\n", ""), "regression.learning_rate: missing; add e.g. learning_rate ="),
    ("steps 0", GOOD + "steps = 0\n", "regression.steps: expected a whole number from 1 to 10000"),
    ("start size", GOOD + "start = [0]\n", "regression.start: expected 2 numbers (β0 .. β1)"),
    ("unknown cost", GOOD + 'cost = "mae"\n', "regression.cost: unknown cost 'mae'; use \"sse\""),
    ("intercept text", GOOD + 'intercept = "yes"\n', "regression.intercept: expected true or false"),
    ("top-level rate", "learning_rate = 0.1\n" + GOOD, "learning_rate: a regression sets gradient descent inside [regression]; move it to regression.learning_rate"),
    ("two forms", GOOD + "[nodes]\nf = \"x\"\n", "nodes: a spec has one of [regression], [network] or a graph"),
    ("too large", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", str([[float(i), float(i * i % 7)] for i in range(600)])).replace(
        "[2.0, 4.1, 5.9, 8.2]", str([1.0] * 600)), "600 rows and 3 coefficients are too many"),
    ("not a table", 'regression = 3\n', "regression: expected a table"),
]


@pytest.mark.parametrize("name,text,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_naming_the_key_and_the_fix(name, text, expected, tmp_path, capsys):
    path = tmp_path / "reg.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["derive", str(path), "--format", "all", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"symback: {path}: ") and expected in err, err
    assert not (tmp_path / "out").exists()


def test_missing_rate_suggests_one_that_converges(tmp_path, capsys):
    path = tmp_path / "reg.toml"
    path.write_text(GOOD.replace("learning_rate = 0.01\n", ""), encoding="utf-8")
    assert main(["derive", str(path), "-o", "-"]) == 2
    suggested = float(re.search(r"learning_rate = ([0-9.e-]+)", capsys.readouterr().err).group(1))
    X = design([1, 2, 3, 4.0])
    assert 0 < suggested < 2 / np.linalg.eigvalsh(2 * X.T @ X).max()
    path.write_text(GOOD.replace("learning_rate = 0.01", f"learning_rate = {suggested}"), encoding="utf-8")
    assert symback.solve(path).converges


# -- outputs -----------------------------------------------------------------------------------

def test_cli_json(tmp_path, capsys):
    assert main(["derive", "--example", "regression", "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "regression.json").read_text())
    sol = symback.solve(EXAMPLE)
    assert data["kind"] == "regression" and data["beta_hat"] == [float(v) for v in sol.beta_hat]
    assert data["exact"]["beta_hat"] == ["1/20", "199/100"] and data["converges"] is True
    assert len(data["gd"]["history"]) == sol.regression.steps + 1 and data["gd"]["final"] == list(sol.iterations[-1].beta)
    assert data["gradient"]["matches_matrix_form"] is True and data["hessian"]["max_learning_rate"] == sol.descent.max_rate
    assert set(data) >= {"cost_at_beta_hat", "r_squared", "normal_equations", "flops", "X", "Y"}


def math_blocks(text: str) -> list[str]:
    return re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S) + re.findall(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$", text)


def test_documents_share_the_mathematics_and_typeset_matrices_with_shapes():
    sol = symback.solve(EXAMPLE)
    en, ko = sol.markdown("en"), sol.markdown("ko")
    assert math_blocks(en) == math_blocks(ko)
    assert r"\underset{5 \times 2}{\begin{bmatrix} 1 & 1 \\ 1 & 2" in en and r"\underset{2 \times 1}" in en
    assert "## 경사 하강법" in ko and "## Gradient descent" in en
    assert r"\frac{\partial E}{\partial \beta_{0}} &= 10 \beta_{0} + 30 \beta_{1} - 60.2" in en  # 2XᵀXβ − 2XᵀY, row 1
    for block in math_blocks(en):
        assert block.count("{") == block.count("}") and r"\begin{eqnarray}" not in block
    assert "\\$" not in en  # no math escaped into text


def test_data_on_a_rounding_tie_reads_the_same_in_the_cost_and_in_y():
    """Y to 1 digit, data on ties: the cost's terms and the matrix Y round each value the same way,
    half to even from the exact decimal (the cost printed Floats of the data: 0.55 became 0.5 there, 0.6 in Y)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    ys = ["0.55", "0.65", "0.45", "0.85", "2.5"]
    text = symback.solve(spec(x=[1, 2, 3, 4, 5], y=[float(v) for v in ys], learning_rate=0.01, steps=5)).markdown(digits=1)
    expected = [str(Decimal(v).quantize(Decimal(1).scaleb(Decimal(v).adjusted()), ROUND_HALF_EVEN)) for v in ys]
    assert expected == ["0.6", "0.6", "0.4", "0.8", "2"]
    assert r"Y = \underset{5 \times 1}{\begin{bmatrix} " + r" \\ ".join(expected) + r" \end{bmatrix}}" in text
    cost = text[text.index(r"E\left(\beta\right) &="):text.index(r"\end{aligned}")]
    assert re.findall(r"\\left\(([0-9.]+) - \\beta_\{0\}", cost) == expected


def test_user_text_in_the_title_is_escaped():
    sol = symback.solve(symback.spec_from_dict({"title": r"$x$ \input{/etc/passwd} *b*", "regression":
                                                {"x": [1, 2, 3], "y": [1, 2, 2], "learning_rate": 0.01}}))
    assert sol.markdown().splitlines()[0] == r"# \$x\$ \\input{/etc/passwd} \*b\*"
    assert r"\textbackslash{}input\{/etc/passwd\}" in sol.latex()


needs_tex = pytest.mark.needs("pdflatex", "pdftotext")  # tests/conftest.py skips without them


@needs_tex
@pytest.mark.parametrize("lang", LANGUAGES)
def test_example_pdf(lang, tmp_path, capsys):
    assert main(["derive", "--example", "regression", "--format", "pdf", "--lang", lang, "-o", str(tmp_path)]) == 0
    pdf = tmp_path / f"regression{'' if lang == 'en' else '.' + lang}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    t = messages(lang)
    for key in ("problem", "regression.closed_form", "regression.descent", "regression.costs", "summary"):
        assert t[key] in text, key
    for number in ("0.05", "1.99", "0.9973", "0.0169"):
        assert number in text, number
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]
