"""Numbers: exact where rational, high precision otherwise, updates, gradient check, errors."""
import pytest
import sympy as sp

import symback
from symback.engine.errors import EvaluationError
from symback.engine.examples import example_names


def test_precision_is_carried_and_configurable():
    s = symback.solve(symback.load_example("neuron"), precision=80)
    o = s.values["o"]
    exact = 1 / (1 + sp.exp(-sp.Rational(3, 2)))
    assert abs(o - exact.evalf(90)) < sp.Float(10) ** -78


def test_update_uses_old_gradients_and_respects_frozen():
    spec = {"loss": "L", "learning_rate": 0.25, "frozen": ["b"], "inputs": {"x": 2}, "params": {"w": 1, "b": 1},
            "nodes": {"L": "(w*x + b)^2"}}
    s = symback.solve(spec)
    # dL/dw = 2(wx + b)x = 12, dL/db = 2(wx + b) = 6
    assert s.gradients["w"] == 12 and s.gradients["b"] == 6
    assert s.updated == {"w": 1 - sp.Rational(1, 4) * 12, "b": 1}


def test_gradient_check_covers_every_leaf():
    s = symback.solve(symback.load_example("softmax_233_graph"))
    assert set(s.numbers.check) == set(s.graph.inputs + s.graph.params)
    assert max(c.relative_error for c in s.numbers.check.values()) < 1e-20


@pytest.mark.parametrize("formula, message", [("log(x - 2)", "undefined"), ("1/(x - 2)", "undefined"),
                                              ("sqrt(1 - x)", "not a real number")])
def test_undefined_values_name_the_node(formula, message):
    with pytest.raises(EvaluationError) as info:
        symback.solve({"loss": "L", "inputs": {"x": 2}, "nodes": {"L": formula}})
    assert info.value.line().startswith("<spec>: nodes.L: ") and message in info.value.line()


def test_relu_at_zero_convention_reaches_the_numbers():
    base = {"loss": "L", "inputs": {"x": 0}, "params": {"w": 1}, "nodes": {"a": "relu(w*x) + w", "L": "a"}}
    assert symback.solve(base).gradients["x"] == 0
    assert symback.solve(base | {"relu_at_zero": 0.5}).gradients["x"] == sp.Rational(1, 2)


def _mlp(n: int, seed: int = 0) -> dict:
    """An [n, n, n] sigmoid MLP spec with seeded values (more leaves than a per-leaf check takes)."""
    import random
    rng = random.Random(seed)
    u = lambda: round(rng.uniform(-1, 1), 3)
    values = {"x": [u() for _ in range(n)], "t": [abs(u()) for _ in range(n)]}
    for l in (1, 2):
        values[f"W{l}"] = [[u() for _ in range(n)] for _ in range(n)]
        values[f"b{l}"] = [u() for _ in range(n)]
    return {"network": {"layers": [n, n, n], "activation": "sigmoid", "bias": "neuron", "loss": "half_sse",
                        "values": values}}


@pytest.mark.parametrize("name", [n for n in example_names() if n not in ("regression",)] + ["mlp8"])
def test_compiled_evaluator_matches_the_exact_forward_pass(name):
    """The loss program (leaves as one vector, sums and products of symbols printed directly) against
    SymPy's exact forward pass at 80 digits, on every example and an 8-8-8 network."""
    import mpmath
    from symback.engine.mp_program import leaf_order, mp_point, mpmath_loss
    spec = symback.spec_from_dict(_mlp(8)) if name == "mlp8" else symback.load_example(name)
    s = symback.solve(spec, precision=80, check=False)
    if getattr(s, "graph", None) is None:
        pytest.skip(f"{name} has no graph")
    with mpmath.workdps(60):
        value = mpmath_loss(s.graph)(*mp_point(s.graph, s.graph.point, 60))
        exact = s.numbers.values[s.graph.loss]  # SymPy's evaluation of the same point (substitute, 80 digits)
        exact = mpmath.mpf(exact.p) / exact.q if exact.is_Rational else mpmath.mpf(exact._mpf_)
        assert abs(value - exact) <= mpmath.mpf(10) ** -55 * (1 + abs(exact))
    assert leaf_order(s.graph) == s.graph.inputs + s.graph.params


def test_large_graph_check_is_directional_and_sampled():
    from symback.engine.substitute import DIRECTIONS, PER_LEAF_LEAVES, SAMPLED_LEAVES
    s = symback.solve(_mlp(8))
    leaves = s.graph.inputs + s.graph.params
    assert len(leaves) > PER_LEAF_LEAVES
    assert len(s.numbers.directions) == DIRECTIONS and len(s.numbers.check) == SAMPLED_LEAVES
    assert set(s.numbers.check) <= set(leaves)
    assert max(c.relative_error for c in (*s.numbers.check.values(), *s.numbers.directions)) < 1e-20
    data = s.to_json()["gradient_check"]
    assert data["agrees"] and len(data["directions"]) == DIRECTIONS and "random directions" in data["method"]


@pytest.mark.parametrize("leaf, factor", [("w1_3_5", 1 + 1e-6), ("b2_7", -1), ("x2", 1.001)])
def test_check_catches_one_wrong_gradient_in_a_large_graph(leaf, factor):
    from symback.engine.derivation import CHECK_TOLERANCE
    from symback.engine.substitute import check_gradients
    s = symback.solve(_mlp(8), check=False)
    right, directions = check_gradients(s.graph, s.gradients)
    assert leaf not in right  # not in the random sample: the directions alone must catch it
    assert max(c.relative_error for c in (*right.values(), *directions)) < 1e-20
    wrong = dict(s.gradients)
    wrong[leaf] = wrong[leaf] * sp.Float(factor, 50)
    assert wrong[leaf] != s.gradients[leaf]
    per_leaf, directions = check_gradients(s.graph, wrong)
    caught = [c for c in directions if c.relative_error > CHECK_TOLERANCE]
    assert len(caught) == len(directions)  # every direction sees it
