"""The recurrent layer against torch.nn.RNN (float64 autograd, 200 random sequence networks: tanh, relu and
sigmoid units, "last", "mean" and many-to-many heads), its nodes through time, and its one-line refusals."""
from __future__ import annotations

import pytest
from hypothesis import given
from layers_torch import CASES, assert_matches, solve_cached
from sequence_torch import sequence_networks, torch_sequence

import symback
from symback.engine.errors import SpecError
from symback.engine.graph import build_graph


@CASES
@given(sequence_networks("rnn"))
def test_rnn_vs_torch_autograd(case):
    layers, values, loss = case
    spec = {"network": {"layers": layers, "loss": loss, "values": values}}
    assert_matches(solve_cached(spec), torch_sequence(layers, values, loss))


def _spec(layers, **values):
    base = {"x": [[1.0], [2.0]], "t": [0.0], "Wx1": [[0.5]], "Wh1": [[0.25]], "b1": [0.0], "W3": [[1.0]], "b3": [0.0]}
    return symback.spec_from_dict({"network": {"layers": layers, "loss": "half_sse", "values": {**base, **values}}})


def test_each_step_uses_the_previous_state_and_the_same_weights():
    graph = build_graph(_spec([{"sequence": [2, 1]}, {"rnn": {"hidden": 1}}, "last", {"dense": 1}]))
    assert set(graph.node("z1_1_t1").parents) == {"wx1_1_1", "x1_t1", "wh1_1_1", "h1_1_t0", "b1_1"}
    assert set(graph.node("z1_1_t2").parents) == {"wx1_1_1", "x1_t2", "wh1_1_1", "h1_1_t1", "b1_1"}
    assert set(graph.node("y1").parents) == {"w3_1_1", "h1_1_t2", "b3_1"}
    assert graph.point["h1_1_t0"] == 0


@pytest.mark.parametrize("entry, where, fix", [
    ({"rnn": {}}, "network.layers[1].rnn.hidden", "hidden = H"),
    ({"rnn": {"hidden": 0}}, "network.layers[1].rnn.hidden", "hidden = 2"),
    ({"rnn": {"hidden": 1, "activation": "tanhh"}}, "network.layers[1].rnn.activation", "tanh"),
    ({"rnn": {"hidden": 1, "activation": "softmax"}}, "network.layers[1].rnn.activation", "tanh"),
    ({"rnn": {"hidden": 1, "bias": False}}, "network.layers[1].rnn.bias", ""),
    ({"rnn": {"hidden": 5000}}, "network.layers[1].rnn.hidden", "hidden = 2"),
])
def test_refusals_name_the_entry_and_the_fix(entry, where, fix):
    with pytest.raises(SpecError) as error:
        _spec([{"sequence": [2, 1]}, entry, "last", {"dense": 1}])
    assert error.value.where.endswith(where) and fix in error.value.fix


def test_a_long_sequence_of_many_units_is_refused_against_the_node_cap():
    from symback.engine import limits

    with limits.command(limits.Limits(nodes=100)), pytest.raises(SpecError) as error:
        _spec([{"sequence": [2, 1]}, {"rnn": {"hidden": 30}}, "last", {"dense": 1}])
    assert error.value.where.endswith("network.layers[1].rnn.hidden")
    assert "2 steps x 30 hidden units" in error.value.message and "--max-nodes" in error.value.fix


def test_an_rnn_needs_a_sequence():
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [2, {"rnn": {"hidden": 1}}, {"dense": 1}], "loss": "half_sse",
                                            "values": {"x": [1.0, 2.0], "t": [0.0]}}})
    assert error.value.where.endswith("network.layers[1].rnn") and "sequence = [T, D]" in error.value.fix
