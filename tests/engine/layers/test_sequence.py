"""The sequence input, "last" and "mean", layers at every step and the loss summed over the steps."""
from __future__ import annotations

import pytest
import sympy as sp

import symback
from symback.engine import limits
from symback.engine.errors import SpecError
from symback.engine.expr import symbol
from symback.engine.graph import build_graph


def _spec(layers, **values):
    return symback.spec_from_dict({"network": {"layers": layers, "loss": "half_sse", "values": values}})


def test_a_dense_layer_and_an_activation_run_at_every_step_with_the_loss_summed_over_the_steps():
    graph = build_graph(_spec([{"sequence": [2, 1]}, {"dense": 1}, "tanh"], x=[[1.0], [2.0]], t=[[0.5], [0.25]],
                              W1=[[3.0]], b1=[1.0]))
    node, x2 = graph.node, symbol("x1_t2")
    assert node("z1_1_t2").expr == symbol("w1_1_1") * x2 + symbol("b1_1")
    assert node("y1_t1").expr == sp.tanh(symbol("z1_1_t1"))
    half = sp.Rational(1, 2)
    assert sp.expand(node("L").expr - half * ((symbol("y1_t1") - symbol("t1_t1")) ** 2
                                               + (symbol("y1_t2") - symbol("t1_t2")) ** 2)) == 0
    assert graph.point["x1_t2"] == 2 and graph.point["t1_t2"] == sp.Rational(1, 4)


def test_last_takes_the_last_step_and_mean_averages_the_steps():
    values = dict(x=[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], t=[0.0], W2=[[1.0, 1.0]], b2=[0.0])
    last = build_graph(_spec([{"sequence": [3, 2]}, "last", {"dense": 1}], **values))
    assert set(last.node("y1").parents) == {"w2_1_1", "x1_t3", "w2_1_2", "x2_t3", "b2_1"}
    mean = build_graph(_spec([{"sequence": [3, 2]}, "mean", {"dense": 1}], **values))
    assert mean.node("mean1_2").expr == (symbol("x2_t1") + symbol("x2_t2") + symbol("x2_t3")) / 3


def test_a_batch_of_sequences_carries_the_sample_after_the_step():
    graph = build_graph(_spec([{"sequence": [2, 1]}, "mean", {"dense": 1}], x=[[[1.0], [2.0]], [[3.0], [4.0]]],
                              t=[[0.0], [1.0]], W2=[[1.0]], b2=[0.0]))
    assert graph.point["x1_t2_s2"] == 4 and set(graph.node("mean1_1_s2").parents) == {"x1_t1_s2", "x1_t2_s2"}


@pytest.mark.parametrize("layers, values, where, fix", [
    ([{"sequence": [2]}, "last", {"dense": 1}], {}, "network.layers[0].sequence", "[3, 2]"),
    ([{"sequence": [2, 1]}, {"batchnorm": {}}, {"dense": 1}], {}, "network.layers[1].batchnorm", '"last" or "mean"'),
    ([2, "last", {"dense": 1}], {}, "network.layers[1]", "sequence = [T, D]"),
    ([{"sequence": [2, 1]}, {"last": 1}, {"dense": 1}], {}, "network.layers[1].last", '"last"'),
    ([{"sequence": [2, 1]}, "last", {"dense": 1}], {"x": [1.0, 2.0]}, "network.values.x", "shape 2x1"),
    ([{"sequence": [2, 1]}, {"dense": 1}], {"t": [0.0]}, "network.values.t", "shape 2x1"),
    ([{"sequence": [300, 1]}, "last", {"dense": 1}], {}, "network.layers[0].sequence", "256 steps"),
])
def test_refusals_name_the_entry_and_the_fix(layers, values, where, fix):
    base = {"x": [[1.0], [2.0]], "t": [0.0], "W2": [[1.0]], "b2": [0.0], "W1": [[1.0]], "b1": [0.0]}
    keep = {k: v for k, v in {**base, **values}.items() if k in ("x", "t") or k[-1] == str(len(layers) - 1)}
    with pytest.raises(SpecError) as error:
        _spec(layers, **keep)
    assert error.value.where.endswith(where) and fix in error.value.fix, error.value.line()


def test_the_steps_count_against_the_node_cap():
    with limits.command(limits.Limits(nodes=50)), pytest.raises(SpecError) as error:
        _spec([{"sequence": [30, 2]}, "last", {"dense": 1}], x=[[1.0, 1.0]] * 30, t=[0.0], W2=[[1.0, 1.0]], b2=[0.0])
    assert error.value.where.endswith("network.layers[0].sequence") and "30 steps x 2 features" in error.value.message
