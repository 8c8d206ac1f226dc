"""Reading a layers list: the input entry (a width or a sequence), entries by their registered kinds, per-step
entries on a sequence, and x and t of the shapes the layers give."""
from __future__ import annotations

import pytest

import symback
from symback.engine.errors import SpecError
from symback.engine.layers import is_layers_list
from symback.engine.layers.sequence import PerStep, Steps, is_sequence


@pytest.mark.parametrize("layers, expected", [
    ([2, {"dense": 1}], True), ([{"sequence": [3, 2]}, "last"], True), ([2, 3, 1], False),
    ([{"sequence": [3, 2]}], False), ([[1, 4], {"conv1d": {}}], False), ("2, 1", False),
])
def test_a_layers_list_starts_with_a_width_or_a_sequence(layers, expected):
    assert is_layers_list(layers) is expected


def _read(layers, **values):
    return symback.spec_from_dict({"network": {"layers": layers, "loss": "half_sse", "values": values}}).network


def test_a_sequence_keeps_its_shape_through_the_layers_until_last_or_mean():
    net = _read([{"sequence": [2, 3]}, {"dense": 2}, "tanh", "mean", {"dense": 1}], x=[[1, 2, 3], [4, 5, 6]], t=[0],
                W1=[[0, 0, 0]] * 2, b1=[0, 0], W4=[[1, 1]], b4=[0])
    assert net.input_shape == (2, 3) and is_sequence(net.input_shape) and isinstance(net.input_shape, Steps)
    assert [type(layer).__name__ for layer in net.layers] == ["PerStep", "PerStep", "Pooling", "Dense"]
    assert isinstance(net.layers[0], PerStep) and net.layers[0].shape_out == (2, 2) and is_sequence(net.layers[1].shape_out)
    assert not is_sequence(net.layers[2].shape_out) and net.x == ((1, 2, 3, 4, 5, 6),)


def test_a_batch_of_sequences_is_a_list_of_t_by_d_lists_and_targets_per_step_are_one_hot_at_each_step():
    net = _read([{"sequence": [2, 1]}, {"dense": 2}], x=[[[1], [2]], [[3], [4]]], t=[[[1, 0], [0, 1]], [[0, 1], [0, 1]]],
                W1=[[1], [1]], b1=[0, 0])
    assert net.x == ((1, 2), (3, 4)) and net.t == ((1, 0, 0, 1), (0, 1, 0, 1))
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [{"sequence": [2, 1]}, {"dense": 2}], "loss": "multiclass_hinge",
                                            "values": {"x": [[1], [2]], "t": [[1, 0], [1, 1]], "W1": [[1], [1]], "b1": [0, 0]}}})
    assert error.value.where.endswith("network.values.t[1]") and "one-hot" in error.value.message


def test_too_many_sequences_are_refused_against_the_sample_cap():
    from symback.engine import limits

    with limits.command(limits.Limits(samples=2)), pytest.raises(SpecError) as error:
        _read([{"sequence": [1, 1]}, "last", {"dense": 1}], x=[[[1]], [[2]], [[3]]], t=[[0], [0], [0]], W2=[[1]], b2=[0])
    assert error.value.where.endswith("network.values.x") and "--max-samples" in error.value.fix


def test_an_unknown_entry_on_a_sequence_names_the_kinds():
    with pytest.raises(SpecError) as error:
        _read([{"sequence": [2, 1]}, {"lsmt": {"hidden": 1}}, "last", {"dense": 1}], x=[[1], [2]], t=[0])
    assert error.value.where.endswith("network.layers[1]") and "lstm" in error.value.fix
