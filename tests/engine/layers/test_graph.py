"""The walk over the layers: the loss nodes, and weight decay as its own term (λ/2) Σ w² over the weights only,
against torch (the gradient of PyTorch's ``weight_decay``: dL/dw + λ w) on 200 random networks."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.errors import SpecError
from symback.engine.graph import build_graph


@CASES
@given(networks("batchnorm"), st.sampled_from([0.01, 0.5, 2.0]))
def test_weight_decay_vs_torch(case, decay):
    layers, values = case
    spec = {"weight_decay": decay, "network": {"layers": layers, "loss": "half_sse", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "half_sse", decay))


def test_weight_decay_is_a_term_of_the_loss_over_the_weights_only():
    spec = symback.spec_from_dict({"weight_decay": 0.1, "network": {
        "layers": [1, {"dense": 1}, {"batchnorm": {}}, {"dense": 1}], "loss": "half_sse",
        "values": {"x": [[1.0], [2.0]], "t": [[0.0], [1.0]], "W1": [[2.0]], "b1": [1.0], "W3": [[3.0]], "b3": [0.0]}}})
    graph = build_graph(spec)
    w11, w31, E, R = (sp.Symbol(n, real=True) for n in ("w1_1_1", "w3_1_1", "E", "R"))
    assert graph.node("R").expr == sp.Rational(1, 20) * (w11 ** 2 + w31 ** 2)
    assert graph.node("L").expr == E + R
    assert set(graph.node("E").parents) == {"L_s1", "L_s2"}


def test_weight_decay_needs_a_layers_list():
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"weight_decay": 0.1, "network": {"layers": [1, 1], "loss": "sse",
                                                                 "values": {"x": [1.0], "t": [1.0], "W1": [[1.0]], "b1": [0]}}})
    assert error.value.where.endswith("weight_decay")
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"weight_decay": 0.1, "loss": "f", "inputs": {"x": 1}, "nodes": {"f": "x"}})
    assert error.value.where.endswith("weight_decay")


def test_a_layers_list_network_is_solved_node_by_node_and_at_layer_level():
    solution = symback.solve(symback.load_example("batchnorm"))
    assert solution.matrix("row").consistent  # each layer's identity, entry by entry (tests/engine/test_layer_level.py)
    program = solution.compiled_network()
    assert program(*program.arrays(solution.spec.network))[0] == pytest.approx(float(solution.loss), rel=1e-12)
    loss, grads = solution.compiled()({n: float(v) for n, v in solution.graph.point.items()})
    assert float(loss) == pytest.approx(float(solution.loss), rel=1e-12)
    assert float(grads["gamma2_2"]) == pytest.approx(float(solution.gradients["gamma2_2"]), rel=1e-10)
