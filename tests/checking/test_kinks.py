"""checking.kinks: a formula equal at every probe is believed only if the probes saw both sides of every kink.

The claims are the seed 000 neuron's dL/dw1 = 2(o − t)·o(1 − o)·i1 plus a ReLU that is zero on all
unit-sized probes (i2·w2 never exceeds 4 there) and positive beyond: equal nowhere it matters.
"""
import mpmath
import sympy as sp

import symback
import symback.checking.kinks as kinks_module
from symback.checking.kinks import crossing_points, kinks, sides, uncovered
from symback.engine import functions as fn

RIGHT = "2*(o - t)*o*(1 - o)*i1"
HIDDEN = RIGHT + " + relu(i2*w2 - 7.3)"


def neuron():
    return symback.solve(symback.load_example("neuron"))


def test_kinks_of_every_piecewise_function():
    x, y, z = sp.symbols("x y z", real=True)
    expr = fn.relu(x - 7) + fn.step(y) + sp.Abs(z) + sp.Max(x, y, 3) + fn.Indicator(x * y, 0) + fn.sigmoid(x)
    up_to_sign = lambda es: {frozenset({e, -e}) for e in es}  # noqa: E731 (max's order is SymPy's)
    assert up_to_sign(kinks(expr)) == up_to_sign({x - 7, y, z, x - y, x - 3, y - 3, x * y})
    assert kinks(fn.sigmoid(x) * x + 1) == ()


def test_a_difference_beyond_a_kink_is_found_by_crossing_it():
    report = symback.verify_claims(neuron(), [("dL/dw1", HIDDEN)])
    (result,) = report.results
    assert result.verdict == "wrong" and result.counterexample
    point = {k: mpmath.mpf(str(v)) for k, v in result.counterexample.items()}
    assert point["i2"] * point["w2"] > mpmath.mpf("7.3")  # the counterexample lies beyond the kink


def test_a_kink_the_probes_never_cross_is_unproved_never_right(monkeypatch):
    monkeypatch.setattr(kinks_module, "SCALES", ())       # no wider search: only the unit probes
    report = symback.verify_claims(neuron(), [("dL/dw1", HIDDEN)], budget=1)
    (result,) = report.results
    assert result.verdict == "unproved" and not result.right
    assert result.details[-1][0] == "unproved_kink" and "i2*w2" in result.details[-1][1]["kink"]


def test_equal_formulas_with_kinks_stay_right():
    solution = symback.solve(symback.spec_from_dict({
        "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"z": "w*x", "L": "relu(z)^2"}}))
    report = symback.verify_claims(solution, [("dL/dw", "2*relu(z)*step(z)*x"), ("dL/dz", "2*max(z, 0)")])
    assert [r.verdict for r in report.results] in (["correct", "correct"], ["correct", "numeric"], ["numeric", "numeric"],
                                                   ["numeric", "correct"])


def test_sides_and_crossing_points_search_wider():
    x = sp.Symbol("x", real=True)
    points = [{"x": mpmath.mpf(v)} for v in (-1, 0.5, 2)]
    assert sides(lambda p: p["x"] - 1, points) == {1, -1} and uncovered([x - 10], [x], points) == [x - 10]
    found = crossing_points([x - 10], [x], points, lambda rng, size: {"x": mpmath.mpf(rng.uniform(-2, 2) * size)})
    assert found and uncovered([x - 10], [x], points + found) == []
