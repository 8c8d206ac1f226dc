"""Layer normalisation against torch.nn.functional.layer_norm (float64 autograd, 200 random networks) and its
nodes per sample."""
from __future__ import annotations

from hypothesis import given
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.graph import build_graph


@CASES
@given(networks("layernorm"))
def test_layernorm_vs_torch_autograd(case):
    layers, values = case
    spec = {"network": {"layers": layers, "loss": "half_sse", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "half_sse"))


def test_statistics_run_over_the_features_of_each_sample():
    spec = symback.spec_from_dict({"network": {"layers": [2, {"layernorm": {}}, {"dense": 1}], "loss": "half_sse",
                                               "values": {"x": [[1.0, 3.0], [2.0, 5.0]], "t": [[0.0], [1.0]],
                                                          "W2": [[1.0, 1.0]], "b2": [0.0]}}})
    node = build_graph(spec).node
    assert set(node("mu1_s2").parents) == {"x1_s2", "x2_s2"}
    assert set(node("var1_s2").parents) == {"x1_s2", "x2_s2", "mu1_s2"}
    assert set(node("xh1_2_s2").parents) == {"x2_s2", "mu1_s2", "var1_s2"}
