"""Linear regression (seed 003 §1): closed form and gradient descent against independent answers (the spec's
errors: tests/engine/test_regression_spec.py; the documents: tests/documents/test_regression_document.py)."""
import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import symback
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
