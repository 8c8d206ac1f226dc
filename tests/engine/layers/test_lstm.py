"""The LSTM layer against torch.nn.LSTM (float64 autograd, 200 random sequence networks, gates in PyTorch's
order i, f, g, o), its cell path through time, and its one-line refusals."""
from __future__ import annotations

import pytest
from hypothesis import given
from layers_torch import CASES, assert_matches, solve_cached
from sequence_torch import sequence_networks, torch_sequence

import symback
from symback.engine.errors import SpecError
from symback.engine.graph import build_graph


@CASES
@given(sequence_networks("lstm"))
def test_lstm_vs_torch_autograd(case):
    layers, values, loss = case
    spec = {"network": {"layers": layers, "loss": loss, "values": values}}
    assert_matches(solve_cached(spec), torch_sequence(layers, values, loss))


def _spec(entry, **values):
    base = {"x": [[1.0], [2.0]], "t": [0.0], "Wx1": [[0.5]] * 4, "Wh1": [[0.25]] * 4, "b1": [0.0] * 4,
            "W3": [[1.0]], "b3": [0.0]}
    return symback.spec_from_dict({"network": {"layers": [{"sequence": [2, 1]}, entry, "last", {"dense": 1}],
                                               "loss": "half_sse", "values": {**base, **values}}})


def test_the_cell_carries_through_the_forget_gate_and_the_gates_share_one_pre_activation():
    graph = build_graph(_spec({"lstm": {"hidden": 1}}, c01=[0.5]))
    node = graph.node
    assert set(node("c1_1_t2").parents) == {"f1_1_t2", "c1_1_t1", "i1_1_t2", "g1_1_t2"}
    assert set(node("h1_1_t2").parents) == {"o1_1_t2", "c1_1_t2"}
    assert set(node("zg1_1_t2").parents) == {"wx1_3_1", "x1_t2", "wh1_3_1", "h1_1_t1", "b1_3"}  # row 2H + j: g
    assert graph.point["c1_1_t0"] == sp_half()


def sp_half():
    import sympy as sp

    return sp.Rational(1, 2)


@pytest.mark.parametrize("entry, where, fix", [
    ({"lstm": {}}, "network.layers[1].lstm.hidden", "hidden = H"),
    ({"lstm": {"hidden": 1, "activation": "tanh"}}, "network.layers[1].lstm.activation", ""),
])
def test_refusals_name_the_entry_and_the_fix(entry, where, fix):
    with pytest.raises(SpecError) as error:
        _spec(entry)
    assert error.value.where.endswith(where) and fix in error.value.fix


def test_the_gate_rows_are_four_per_unit():
    with pytest.raises(SpecError) as error:
        _spec({"lstm": {"hidden": 1}}, Wx1=[[0.5]])
    assert error.value.where.endswith("network.values.Wx1") and "4x1" in error.value.message
