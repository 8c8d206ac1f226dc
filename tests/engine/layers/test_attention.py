"""Single-head self-attention against softmax(Q Kᵀ/√d) V written in torch (float64 autograd, 200 random
sequence networks), its nodes, and its one-line refusals."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given
from layers_torch import CASES, assert_matches, solve_cached
from sequence_torch import sequence_networks, torch_sequence

import symback
from symback.engine.errors import SpecError
from symback.engine.expr import symbol
from symback.engine.graph import build_graph


@CASES
@given(sequence_networks("attention"))
def test_attention_vs_torch_autograd(case):
    layers, values, loss = case
    spec = {"network": {"layers": layers, "loss": loss, "values": values}}
    assert_matches(solve_cached(spec), torch_sequence(layers, values, loss))


def _spec(entry, **values):
    base = {"x": [[1.0], [2.0]], "t": [0.0], "Wq1": [[0.5], [1.0]], "Wk1": [[0.25], [0.5]], "Wv1": [[1.0], [-1.0]],
            "W3": [[1.0, 1.0]], "b3": [0.0]}
    return symback.spec_from_dict({"network": {"layers": [{"sequence": [2, 1]}, entry, "mean", {"dense": 1}],
                                               "loss": "half_sse", "values": {**base, **values}}})


def test_scores_are_scaled_dot_products_and_weights_a_softmax_over_the_keys():
    graph = build_graph(_spec({"attention": {"dim": 2}}))
    node = graph.node
    assert node("s1_2_t1").expr == (symbol("q1_1_t1") * symbol("k1_1_t2")
                                    + symbol("q1_2_t1") * symbol("k1_2_t2")) / sp.sqrt(2)
    assert set(node("a1_1_t2").parents) == {"s1_1_t2", "s1_2_t2"}
    assert set(node("h1_2_t1").parents) == {"a1_1_t1", "a1_2_t1", "v1_2_t1", "v1_2_t2"}
    assert set(node("mean2_1").parents) == {"h1_1_t1", "h1_1_t2"}


@pytest.mark.parametrize("entry, where, fix", [
    ({"attention": {}}, "network.layers[1].attention.dim", "dim = d"),
    ({"attention": {"dim": 2.5}}, "network.layers[1].attention.dim", "dim = 2"),
    ({"attention": {"dim": 2, "heads": 2}}, "network.layers[1].attention.heads", ""),
])
def test_refusals_name_the_entry_and_the_fix(entry, where, fix):
    with pytest.raises(SpecError) as error:
        _spec(entry)
    assert error.value.where.endswith(where) and fix in error.value.fix
