"""The numeric sweep behind the verifier: exact adjoints, and the rounding a hand computation does.

The oracle is seed 000's neuron computed by hand with mpmath, not symback's own numbers.
"""
import mpmath
import pytest

import symback
from symback.checking.sweep import Quantity, Sweep, round_significant


@pytest.fixture(scope="module")
def sweep():
    return Sweep(symback.solve(symback.load_example("neuron")).derivation)


def by_hand(digits=None):
    """l1 = 2*0.5 + 5*0.1, o = sigmoid(l1), L = (t - o)^2, rounding each written value to ``digits``."""
    keep = (lambda v: v) if digits is None else (lambda v: round_significant(v, digits))
    with mpmath.workdps(40):
        l1 = keep(mpmath.mpf(2) * mpmath.mpf("0.5") + 5 * mpmath.mpf("0.1"))
        o = keep(1 / (1 + mpmath.exp(-l1)))
        d_o = keep(2 * (o - 0))
        d_l1 = keep(d_o * o * (1 - o))
        return {"o": o, "dL/do": d_o, "dL/dl1": d_l1, "dL/dw1": d_l1 * 2}


def close(a, b) -> bool:
    with mpmath.workdps(40):
        return abs(a - b) <= mpmath.mpf(10) ** -30 * max(1, abs(b))


def test_exact_sweep_matches_the_hand_computation(sweep):
    values, expected = sweep.run(dict(sweep.graph.point), None), by_hand()
    assert close(values[Quantity("value", "o")], expected["o"])
    assert close(values[Quantity("gradient", "w1", "L")], expected["dL/dw1"])
    with mpmath.workdps(40):
        assert close(values[Quantity("updated", "w1")], mpmath.mpf("0.5") - expected["dL/dw1"])


@pytest.mark.parametrize("digits", [2, 3, 4])
def test_rounded_sweep_is_what_a_student_writes(sweep, digits):
    """Each quantity is the value computed from rounded inputs, before its own rounding."""
    values, expected = sweep.run(dict(sweep.graph.point), digits), by_hand(digits)
    with mpmath.workdps(40):
        assert close(round_significant(values[Quantity("gradient", "o", "L")], digits), expected["dL/do"])
        assert close(round_significant(values[Quantity("gradient", "l1", "L")], digits), expected["dL/dl1"])
    if digits == 3:
        assert mpmath.nstr(values[Quantity("gradient", "o", "L")], 4) == "1.636"   # 2 x 0.818


def test_undefined_points_give_none():
    solution = symback.solve({"loss": "f", "inputs": {"x": 2}, "params": {"w": 3}, "nodes": {"f": "log(w*x)"}})
    sweep = Sweep(solution.derivation)
    assert sweep.evaluate({"x": 0, "w": 3}) is None
    assert sweep.evaluate({"x": 2, "w": 3})["d:w"] == pytest.approx(1 / 3)
