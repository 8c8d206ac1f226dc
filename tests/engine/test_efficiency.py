"""Operation counts of "why backpropagation": the counter against SymPy's count_ops and hand counts,
the three counts on seed 000's neuron written out by hand, and the ratios of relu_identity and mazur_222."""
from __future__ import annotations

import random

import pytest
import sympy as sp

from symback.engine.efficiency import OpCount, count_operations, efficiency
from symback.engine.examples import load_example
from symback.engine.functions import sigmoid
from symback.engine.solution import solve_spec


def _random_sum_of_products(rng: random.Random, symbols) -> sp.Expr:
    terms = []
    for _ in range(rng.randint(1, 5)):
        factors = rng.sample(symbols, rng.randint(1, 4))
        terms.append(rng.choice([1, -1, 3]) * sp.Mul(*factors))
    return sp.Add(*terms)


def test_counter_agrees_with_sympy_count_ops_without_powers():
    """On sums of products of distinct symbols, additions = ADD + SUB and multiplications = MUL (count_ops)."""
    rng = random.Random(4)
    symbols = list(sp.symbols("a b c d e f"))
    for _ in range(200):
        expr = _random_sum_of_products(rng, symbols)
        visual = sp.count_ops(expr, visual=True)
        ops = {s.name: int(visual.coeff(s)) for s in visual.free_symbols} if visual != 0 else {}
        counted = count_operations(expr)
        assert counted.additions == ops.get("ADD", 0) + ops.get("SUB", 0), expr
        assert counted.multiplications == ops.get("MUL", 0), expr


def test_counter_by_hand():
    x, y = sp.symbols("x y")
    assert count_operations(x * (1 - x)) == OpCount(1, 1, 0)
    assert count_operations(x**3 / y) == OpCount(3, 0, 0)          # x·x·x, then one division
    assert count_operations(sp.exp(x * y) + 1) == OpCount(1, 1, 1)


def test_neuron_counts_by_hand():
    """Seed 000: L = (t − o)², o = σ(l1), l1 = w1 i1 + w2 i2. The rule table gives the locals
    ∂L/∂o = 2o − 2t (2 mults, 1 add), ∂o/∂l1 = o(1 − o) (1, 1), ∂l1/∂w = i (0, 0).
    Backprop: δo (2, 1); δl1 = δo·o(1 − o) (2, 1); ∂L/∂w1 = δl1·i1 (1, 0); ∂L/∂w2 (1, 0): 6 mults, 2 adds.
    Separately: each w recomputes δl1 = (2, 1) + (2, 1), then ·i: (5, 2) each, (10, 4) for both."""
    counted = efficiency(solve_spec(load_example("neuron")).derivation)
    assert (counted.backprop.multiplications, counted.backprop.additions) == (6, 2)
    assert (counted.separate.multiplications, counted.separate.additions) == (10, 4)
    assert counted.ratio == pytest.approx(14 / 8)
    assert [(f.node, f.users) for f in counted.shared] == [("l1", ("w1", "w2"))]


def test_composed_count_is_of_sympy_diff_of_the_composed_loss():
    counted = efficiency(solve_spec(load_example("neuron")).derivation)
    i1, i2, w1, w2, t = sp.symbols("i1 i2 w1 w2 t")
    loss = (t - sigmoid(w1 * i1 + w2 * i2)) ** 2
    expected = count_operations(sp.diff(loss, w1)) + count_operations(sp.diff(loss, w2))
    assert counted.composed == expected


@pytest.mark.parametrize("name, low", [("relu_identity", 1.5), ("mazur_222", 3.0)])
def test_backprop_shares_and_costs_less(name, low):
    counted = efficiency(solve_spec(load_example(name)).derivation)
    assert counted.ratio > low
    assert counted.composed_ratio > counted.ratio
    # δ of every hidden pre-activation is reused by the weights into that neuron
    shared = {f.node: f.users for f in counted.shared}
    assert set(shared["z1_1"]) >= {"w1_1_1", "w1_1_2"}
