"""Probes and proofs: wrong is found with a counterexample, proved needs a proof, budgets hold."""
import time

import mpmath
import pytest
import sympy as sp

from symback.checking import equivalence
from symback.checking.equivalence import NUMERIC, UNDECIDED, WRONG, probe, prove_equal
from symback.engine.functions import sigmoid

x = sp.Symbol("x", real=True)
POINTS = [{"x": mpmath.mpf(v) / 4} for v in (-7, -3, 1, 2, 5, 9)]


def test_probe_finds_a_counterexample_and_the_slip():
    result = probe(lambda p: -2 * p["x"], lambda p: 2 * p["x"], POINTS)
    assert result.verdict == WRONG and result.left == -result.right and result.slip == ("slip.sign", {})
    assert probe(lambda p: p["x"] + 1, lambda p: p["x"], POINTS).slip == ("slip.constant", {"value": "1"})
    assert probe(lambda p: p["x"] / 2, lambda p: p["x"], POINTS).slip == ("slip.factor", {"factor": "1/2"})


def test_small_coefficients_cannot_hide():
    # 1e-12 relative: far below float noise in some tools, far above the 40-digit probes
    assert probe(lambda p: p["x"] * (1 + mpmath.mpf("1e-12")), lambda p: p["x"], POINTS).verdict == WRONG


def test_undefined_points_are_skipped_and_too_few_are_undecided():
    assert probe(lambda p: mpmath.log(p["x"]), lambda p: mpmath.log(p["x"]), POINTS).verdict == NUMERIC
    assert probe(lambda p: 1 / (p["x"] - p["x"]), lambda p: 0, POINTS).verdict == UNDECIDED


def test_prove_equal_proves_and_never_claims_a_false_proof():
    assert prove_equal(sigmoid(x) * (1 - sigmoid(x)), sp.exp(-x) / (1 + sp.exp(-x)) ** 2, budget=30)
    assert not prove_equal(sigmoid(x), sp.exp(-x) / (1 + sp.exp(-x)) ** 2, budget=30)


@pytest.mark.serial
def test_a_proof_that_hangs_is_cut_off_at_its_budget(monkeypatch):
    monkeypatch.setattr(equivalence, "_prove_in_child", lambda connection, difference: time.sleep(60))
    start = time.perf_counter()
    assert prove_equal(x**2, x * x + sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, budget=1) is False
    assert time.perf_counter() - start < 1 + 1


@pytest.mark.parametrize("budget", [0, -1])
def test_no_budget_no_proof(budget):
    assert prove_equal(x + 1, 1 + x, budget) is True  # structurally equal needs no child
    assert prove_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.S.One, budget) is False


def test_a_factor_that_is_no_binary_fraction_is_named():
    """A constant factor that is no binary fraction (1/3, 7/10) is recognised and named exactly."""
    for factor, name in ((sp.Rational(1, 3), "1/3"), (sp.Rational(7, 10), "7/10")):
        left = lambda p, f=factor: mpmath.mpf(f.p) / f.q * mpmath.exp(p["x"]) * mpmath.sin(p["x"]) ** 2
        right = lambda p: mpmath.exp(p["x"]) * mpmath.sin(p["x"]) ** 2
        points = [{"x": sp.Rational(k, 7)} for k in range(1, 9)]
        points = [{"x": mpmath.mpf(p["x"].p) / p["x"].q} for p in points]
        comparison = probe(left, right, points)
        assert comparison.verdict == WRONG and comparison.slip == ("slip.factor", {"factor": name})


def test_a_failing_simplification_does_not_stop_the_next(monkeypatch):
    """cancel raises PolynomialError on some expressions; the attempts after it must still run."""
    def refuses(difference):
        raise sp.PolynomialError("not a polynomial")

    x = sp.Symbol("x", real=True)
    monkeypatch.setattr(equivalence, "ATTEMPTS", (refuses, sp.simplify))   # the forked child inherits it
    assert prove_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.S.One, budget=30)
    monkeypatch.setattr(equivalence, "ATTEMPTS", (refuses,))
    assert not prove_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.S.One, budget=30)


def test_a_tower_of_exponentials_is_undefined_at_once_not_computed_for_minutes():
    """exp(exp(exp(exp(x)))) at x = 3: the outer exp's argument has 7.6e8 bits; mpmath would reduce it for minutes."""
    x = sp.Symbol("x", real=True)
    tower = equivalence.lambdify_mp([x], sp.exp(sp.exp(sp.exp(sp.exp(x)))))
    start = time.perf_counter()
    assert equivalence.call(lambda p: tower(p["x"]), {"x": mpmath.mpf(3)}) is None
    assert time.perf_counter() - start < 1
    assert equivalence.call(lambda p: tower(p["x"]), {"x": mpmath.mpf(-3)}) is not None  # small arguments: computed


def test_a_program_is_compiled_once_per_arguments_and_formula():
    y = sp.Symbol("y", real=True)
    first = equivalence.lambdify_mp([x, y], sigmoid(x) * y)
    assert equivalence.lambdify_mp((x, y), sigmoid(x) * y) is first  # another variant, another row: the same program
    assert first(mpmath.mpf(0), mpmath.mpf(3)) == mpmath.mpf(3) / 2
    assert equivalence.lambdify_mp([y, x], sigmoid(x) * y) is not first
    own = equivalence.lambdify_mp([x], sigmoid(x), {"sigmoid": lambda v: v + 1})  # a namespace: its own program
    assert own(mpmath.mpf(2)) == 3
    assert equivalence.lambdify_mp([x], sigmoid(x))(mpmath.mpf(0)) == mpmath.mpf(1) / 2
