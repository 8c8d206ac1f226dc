"""checking.mutations: each mutation of the engine's derivation gives the number the student's mistake gives.

The oracle is written out here by hand with mpmath, sharing nothing with symback: the seed 000 neuron
(l1 = w1 i1 + w2 i2, o = σ(l1), L = (t − o)²) and Mazur's 2-2-2 network (Nielsen's δ recursion), each with
the mistake made as a student makes it on paper. The broad statistical test (hundreds of random networks and
graphs) is test_misconceptions.py.
"""
import mpmath
import pytest

import symback
from symback.checking.mutations import MAX_MUTATIONS, mutations
from symback.checking.sweep import Quantity, Sweep

mpmath.mp.dps = 40


def sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def mutated(example: str, name: str) -> dict:
    """code (with what it is about) -> dL/d(name) computed with that mutation, by symback's sweep."""
    solution = symback.solve(symback.load_example(example))
    sweep = Sweep(solution.derivation)
    found = {}
    for mutation in mutations(sweep, name):
        m = mutation.misconception
        key = (m.code,) + tuple(str(m.params[k]) for k in ("child", "at") if k in m.params) \
            + ((m.params["used"],) if isinstance(m.params.get("used"), str) else ())
        found[key] = sweep.run(solution.graph.point, None, change=mutation.change)[Quantity("gradient", name, "L")]
    return found


def test_the_neurons_mutations_are_the_students_mistakes():
    i1, i2, t, w1, w2 = 2, 5, 0, mpmath.mpf("0.5"), mpmath.mpf("0.1")
    l1 = w1 * i1 + w2 * i2
    o = sigmoid(l1)
    dl_do = 2 * (o - t)
    expected = {
        ("wrong_input", "i2"): dl_do * o * (1 - o) * i2,                        # dl1/dw1 taken as i2
        ("missing_activation_derivative",): dl_do * i1,                         # σ' left out
        ("wrong_activation_derivative", "tanh"): dl_do * (1 - o ** 2) * i1,     # tanh' for a sigmoid unit
        ("derivative_at_wrong_point", "activation"): dl_do * sigmoid(o) * (1 - sigmoid(o)) * i1,  # σ'(o)
        ("derivative_at_wrong_point", "input"): dl_do * l1 * (1 - l1) * i1,    # a(1 − a) with a = l1
        ("missing_inner_derivative",): -dl_do * o * (1 - o) * i1,              # d(t − o)/do = −1 dropped
    }
    found = mutated("neuron", "w1")
    for key, value in expected.items():
        assert mpmath.almosteq(found[key], value, rel_eps=mpmath.mpf(10) ** -25), key


def test_mazurs_network_mutations_miss_a_path_swap_an_index_and_use_updated_weights():
    x, t = [mpmath.mpf("0.05"), mpmath.mpf("0.10")], [mpmath.mpf("0.01"), mpmath.mpf("0.99")]
    W1 = [[mpmath.mpf(v) for v in row] for row in (("0.15", "0.20"), ("0.25", "0.30"))]
    W2 = [[mpmath.mpf(v) for v in row] for row in (("0.40", "0.45"), ("0.50", "0.55"))]
    b1, b2, rate = mpmath.mpf("0.35"), mpmath.mpf("0.60"), mpmath.mpf("0.5")
    a1 = [sigmoid(W1[j][0] * x[0] + W1[j][1] * x[1] + b1) for j in range(2)]
    y = [sigmoid(W2[j][0] * a1[0] + W2[j][1] * a1[1] + b2) for j in range(2)]
    d2 = [(y[j] - t[j]) * y[j] * (1 - y[j]) for j in range(2)]                 # half SSE: δ = (y − t) σ'
    s1 = a1[0] * (1 - a1[0])

    def dw111(weights, paths=(0, 1)):  # dL/dw1_1_1 = x1 δ1_1, δ1_1 = Σ_j W2[j][0] δ2_j σ'(z1_1)
        return x[0] * sum(weights[j][0] * d2[j] for j in paths) * s1

    assert mpmath.nstr(dw111(W2), 6) == "0.000438568"  # Mazur's ∂E/∂w1
    updated = [[W2[j][k] - rate * d2[j] * a1[k] for k in range(2)] for j in range(2)]
    swapped = [[W2[0][0], W2[0][1]], [W2[0][1], W2[1][1]]]                    # w2_1_2 used for w2_2_1
    expected = {
        ("missing_path", "z2_1"): dw111(W2, paths=(1,)),
        ("missing_path", "z2_2"): dw111(W2, paths=(0,)),
        ("transposed_index", "w2_1_2"): dw111(swapped),
        ("updated_weights_used",): dw111(updated),
    }
    found = mutated("mazur_222", "w1_1_1")
    for key, value in expected.items():
        assert mpmath.almosteq(found[key], value, rel_eps=mpmath.mpf(10) ** -25), key


@pytest.mark.parametrize("example", ["mazur_222", "neuron"])
def test_every_mutation_changes_a_gradient_and_the_list_is_capped(example):
    solution = symback.solve(symback.load_example(example))
    sweep = Sweep(solution.derivation)
    right = sweep.run(solution.graph.point, None)
    for name in solution.graph.params:
        found = list(mutations(sweep, name))
        assert found and len(found) <= MAX_MUTATIONS + 8
        changed = [any(not mpmath.almosteq(v, right[q], rel_eps=mpmath.mpf(10) ** -20)
                       for q, v in sweep.run(solution.graph.point, None, change=m.change).items()
                       if q.kind == "gradient" and q.name in solution.graph.params) for m in found]
        assert sum(changed) >= len(found) - 1, name  # at most one mutation is harmless at this point
