"""Batch normalisation in training mode against torch.nn.functional.batch_norm (float64 autograd, 200 random
networks), its nodes over the batch, and its one-line refusals."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.errors import SpecError
from symback.engine.graph import build_graph

@CASES
@given(networks("batchnorm"))
def test_batchnorm_vs_torch_autograd(case):
    layers, values = case
    spec = {"network": {"layers": layers, "loss": "half_sse", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "half_sse"))


def _spec(layers, x, **values):
    return symback.spec_from_dict({"network": {"layers": layers, "loss": "half_sse",
                                               "values": {"x": x, "t": [[0.0]] * len(x), **values}}})


def test_mean_and_variance_are_nodes_over_the_batch():
    """mu and var of feature j use every sample's value: the samples are coupled through them."""
    graph = build_graph(_spec([1, {"batchnorm": {}}, {"dense": 1}], [[1.0], [2.0], [4.0]], W2=[[1.0]], b2=[0.0]))
    node = graph.node
    assert set(node("mu1_1").parents) == {"x1_s1", "x1_s2", "x1_s3"}
    assert set(node("var1_1").parents) == {"x1_s1", "x1_s2", "x1_s3", "mu1_1"}
    assert set(node("xh1_1_s2").parents) == {"x1_s2", "mu1_1", "var1_1"}
    assert set(node("n1_1_s2").parents) == {"xh1_1_s2", "gamma1_1", "beta1_1"}


def test_gamma_and_beta_default_to_ones_and_zeros():
    graph = build_graph(_spec([1, {"batchnorm": {}}, {"dense": 1}], [[1.0], [2.0]], W2=[[1.0]], b2=[0.0]))
    assert (graph.point["gamma1_1"], graph.point["beta1_1"]) == (1, 0)


@pytest.mark.parametrize("layers, x, where, fix", [
    ([1, {"batchnorm": {}}, {"dense": 1}], [[1.0]], "network.layers[1].batchnorm", "at least 2 samples"),
    ([1, {"batchnorm": {"eps": 0}}, {"dense": 1}], [[1.0], [2.0]], "network.layers[1].batchnorm.eps", "1e-5"),
    ([1, {"batchnorm": {"momentum": 0.1}}, {"dense": 1}], [[1.0], [2.0]], "network.layers[1].batchnorm.momentum", "eps"),
])
def test_refusals_name_the_entry_and_the_fix(layers, x, where, fix):
    with pytest.raises(SpecError) as error:
        _spec(layers, x, W2=[[1.0]], b2=[0.0])
    assert error.value.where.endswith(where) and fix in error.value.fix


@pytest.mark.parametrize("name", ["batchnorm", "layernorm"])
def test_the_textbook_identity_agrees_with_the_neuron_level_entry_by_entry(name):
    """∂L/∂x_i = (γ/(Nσ)) (N ∂L/∂y_i − Σ_k ∂L/∂y_k − x̂_i Σ_k ∂L/∂y_k x̂_k) against the reverse walk's ∂L/∂x."""
    from symback.engine.layers.base import Place

    solution = symback.solve(symback.load_example(name))
    net, graph = solution.spec.network, solution.graph
    m = len(net.x)
    suffixes = tuple("" if m == 1 else f"_s{s + 1}" for s in range(m))
    layer = net.layers[1]
    rows = layer.identity(Place(2, suffixes, None, last=False), graph, solution.values, solution.gradients)
    assert len(rows) == m * layer.shape_in[0]
    for entry in rows:
        assert entry.name.startswith("z1_")
        assert abs(entry.value - entry.neuron) <= sp.Float("1e-40") * max(abs(entry.neuron), 1), entry
    assert any(abs(entry.neuron) > sp.Float("1e-3") for entry in rows)  # not all trivially zero
