"""The textbook identities, checked independently of identities.py's own checker.

Every line is compared with the previous one by SymPy's own ``diff`` of the elementary form
(symback functions rewritten to exp/Piecewise *before* the derivatives are done, so the rule table
is not used) evaluated with mpmath at 50 digits; the results are compared with textbook formulas
written out here.
"""
import random
import time

import mpmath
import pytest
import sympy as sp
from sympy import exp

from symback.engine import functions as fn
from symback.engine.errors import SymbackError
from symback.checking.chain import Identity
from symback.checking.identities import IDENTITIES, derive_identity

NAMES = ["sigmoid", "tanh", "relu", "softplus", "power", "softmax_jacobian", "cross_entropy",
         "softmax_cross_entropy", "bce_sigmoid", "mse"]

BUILT = {name: derive_identity(name) for name in NAMES}


def elementary(expr: sp.Expr) -> sp.Expr:
    """Rewrite first, differentiate after: SymPy's own diff of exp/log/Piecewise forms."""
    return expr.rewrite(exp).rewrite(sp.Piecewise).doit().rewrite(exp).rewrite(sp.Piecewise)


def sample(symbols, rng: random.Random, distribution: bool) -> dict:
    """Random real values (positive where assumed); targets t1..t3 summing to 1 if ``distribution``."""
    point = {s: mpmath.mpf(rng.uniform(0.05, 3)) if s.is_positive else mpmath.mpf(rng.uniform(-3, 3))
             for s in symbols}
    if distribution:
        t = {s.name: s for s in symbols if s.name in ("t1", "t2", "t3")}
        if "t3" in t:
            point[t["t3"]] = 1 - point.get(t.get("t1"), 0) - point.get(t.get("t2"), 0)
    return point


def numeric(expr: sp.Expr):
    """``expr`` as an mpmath function of a point (a dict)."""
    symbols = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(symbols, expr, modules=[fn.MPMATH_NAMESPACE, "mpmath"])
    return lambda point: f(*(point[s] for s in symbols))


def assert_equal(a: sp.Expr, b: sp.Expr, distribution: bool = False, seed: int = 0, probes: int = 6):
    a, b = elementary(a), elementary(b)
    fa, fb = numeric(a), numeric(b)
    rng = random.Random(seed)
    with mpmath.workdps(50):
        for _ in range(probes):
            point = sample(a.free_symbols | b.free_symbols, rng, distribution)
            va, vb = fa(point), fb(point)
            assert abs(va - vb) <= mpmath.mpf("1e-25") * max(1, abs(va)), (a, b, point, va, vb)


def routes(identity: Identity):
    return [(route.title, route.lines) for route in identity.all_routes]


# Textbook results, written out independently, one per route.
x, z, t = (sp.Symbol(n, real=True) for n in "xzt")
xp, n = sp.Symbol("x", positive=True), sp.Symbol("n", real=True)
z1, z2, z3 = sp.symbols("z1:4", real=True)
t1 = sp.Symbol("t1", real=True)
y1p, y1 = sp.Symbol("y1", positive=True), sp.Symbol("y1", real=True)
total = exp(z1) + exp(z2) + exp(z3)
RESULTS = {
    "sigmoid": [exp(-x) / (1 + exp(-x)) ** 2],
    "tanh": [1 / sp.cosh(x) ** 2],
    "relu": [sp.Piecewise((1, x > 0), (0, True))],
    "softplus": [1 / (1 + exp(-x))],
    "power": [n * xp ** (n - 1)],
    "softmax_jacobian": [exp(z1) * (exp(z2) + exp(z3)) / total**2, -exp(z1) * exp(z2) / total**2],
    "cross_entropy": [-t1 / y1p],
    "softmax_cross_entropy": [exp(z1) / total - t1] * 2,
    "bce_sigmoid": [1 / (1 + exp(-z)) - t],
    "mse": [sp.Rational(2, 3) * (y1 - t1)],
}


def test_the_names_are_the_cli_names():
    assert list(IDENTITIES) == NAMES
    assert all(BUILT[name].name == name for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_line_equals_the_previous(name):
    identity = BUILT[name]
    distribution = bool(identity.given)
    for title, lines in routes(identity):
        assert lines[0].reason == "" and all(line.reason for line in lines[1:]), title
        for k in range(1, len(lines)):
            assert_equal(lines[k - 1].expr, lines[k].expr, distribution=distribution, seed=k)


@pytest.mark.parametrize("name", NAMES)
def test_only_the_assumed_steps_need_the_assumptions(name):
    for title, lines in routes(BUILT[name]):
        for k in range(1, len(lines)):
            if not lines[k].assumed:
                assert_equal(lines[k - 1].expr, lines[k].expr, distribution=False, seed=100 + k)


@pytest.mark.parametrize("name", NAMES)
def test_first_line_is_the_lhs_and_the_last_the_textbook_result(name):
    identity = BUILT[name]
    assert identity.lines[0].expr == identity.lhs
    results = RESULTS[name]
    assert len(results) == len(identity.all_routes)
    for (title, lines), result in zip(routes(identity), results):
        assert_equal(lines[-1].expr, result, distribution=bool(identity.given))
        assert_equal(lines[0].expr, result, distribution=bool(identity.given))


def test_the_sigmoid_derivation_has_the_seeds_ten_steps():
    lines = BUILT["sigmoid"].lines
    assert len(lines) == 11
    s = fn.sigmoid(x)
    assert sp.sstr(lines[-1].expr, order="none") == "sigmoid(x)*(1 - sigmoid(x))"
    assert lines[-1].expr.doit() == s * (1 - s)
    assert "add and subtract 1" in [line.reason for line in lines]
    assert sp.sstr(lines[6].expr, order="none") == "(1 + exp(-x) - 1)/(1 + exp(-x))**2"


def test_sigmoid_maximum_is_a_quarter_at_zero():
    d1 = sp.diff(1 / (1 + exp(-x)), x)
    assert sp.simplify(d1.subs(x, 0)) == sp.Rational(1, 4)
    assert sp.simplify(sp.diff(d1, x).subs(x, 0)) == 0
    f = sp.lambdify(x, d1, "mpmath")
    assert max(f(k / 100) for k in range(-2000, 2001)) == pytest.approx(0.25, abs=1e-15)
    assert all(f(k / 100) < 0.25 for k in range(-2000, 2001) if k)
    remarks = " ".join(BUILT["sigmoid"].remarks)
    assert "1/4" in remarks and "4^-L" in remarks and "x = 0" in remarks


def test_relu_convention_at_zero():
    identity = BUILT["relu"]
    assert identity.assumptions == ("ReLU'(0) is taken as relu_at_zero (0 by default, as in PyTorch)",)
    assert identity.lines[-1].expr == fn.Indicator(x, 0)
    assert identity.lines[-1].expr.subs(x, 0) == 0


def test_softmax_cross_entropy_states_and_applies_sum_t_is_one():
    identity = BUILT["softmax_cross_entropy"]
    assert identity.assumptions == ("t1 + t2 + t3 = 1",)
    for _, lines in routes(identity):
        assert [line.reason for line in lines if line.assumed] == ["t1 + t2 + t3 = 1"]
        before, after = lines[-2].expr, lines[-1].expr
        with pytest.raises(AssertionError):  # without the assumption the last step is false
            assert_equal(before, after, distribution=False)
    assert [route.title for route in identity.all_routes] == ["Jacobian sum", "log-sum-exp"]


def test_the_wrong_route_ends_somewhere_else():
    identity = BUILT["softmax_cross_entropy"]
    wrong = identity.wrong
    assert "Wrong!!" in wrong[0].reason
    for k in range(1, len(wrong)):
        assert_equal(wrong[k - 1].expr, wrong[k].expr, seed=k)
    truth = exp(z1) / total - t1
    point = {z1: 0, z2: 0, z3: 0, t1: 0}
    assert truth.subs(point) == sp.Rational(1, 3)
    assert elementary(wrong[-1].expr).subs(point) == 0
    t2, t3 = sp.symbols("t2 t3", real=True)
    assert dict(identity.counterexample) == {**point, t2: 1, t3: 0}
    text = identity.wrong_explanation
    assert "l = j" in text and "every output depends on z_j" in text and "1/3" in text


def test_unknown_identity_names_the_closest():
    with pytest.raises(SymbackError) as caught:
        derive_identity("sigmod")
    assert caught.value.line() == "identity 'sigmod': no such identity; did you mean 'sigmoid'?"
    with pytest.raises(SymbackError, match="expected one of: bce_sigmoid"):
        derive_identity("zzz")


@pytest.mark.serial
def test_all_identities_build_in_under_ten_seconds():
    start = time.perf_counter()
    for build in IDENTITIES.values():
        build()
    assert time.perf_counter() - start < 10
