"""Inverted dropout with a given mask against torch (float64 autograd, 200 random networks); the mask as
inputs r<l>_<j> of the graph, and its refusals."""
from __future__ import annotations

import pytest
from hypothesis import given
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.errors import SpecError
from symback.engine.graph import build_graph


@CASES
@given(networks("dropout"))
def test_dropout_vs_torch_autograd(case):
    layers, values = case
    spec = {"network": {"layers": layers, "loss": "half_sse", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "half_sse"))


def _spec(dropout, x=((1.0, 2.0),)):
    return symback.spec_from_dict({"network": {"layers": [2, {"dropout": dropout}, {"dense": 1}], "loss": "half_sse",
                                               "values": {"x": [list(r) for r in x], "t": [[0.0]] * len(x),
                                                          "W2": [[1.0, 1.0]], "b2": [0.0]}}})


def test_the_mask_is_an_input_and_kept_units_are_scaled():
    graph = build_graph(_spec({"p": 0.5, "mask": [1, 0]}))
    assert (graph.point["r1_1"], graph.point["r1_2"]) == (1, 0)
    assert "r1_1" in graph.inputs
    x1, r1 = graph.symbols["x1"], graph.symbols["r1_1"]
    assert graph.node("d1_1").expr == 2 * r1 * x1


@pytest.mark.parametrize("dropout, x, where, fix", [
    ({"p": 1, "mask": [1, 0]}, ((1.0, 2.0),), "network.layers[1].dropout.p", "p = 0.5"),
    ({"p": 0.5, "mask": [1, 2]}, ((1.0, 2.0),), "network.layers[1].dropout.mask[0]", "1 to keep"),
    ({"p": 0.5, "mask": [1]}, ((1.0, 2.0),), "network.layers[1].dropout.mask[0]", "1 to keep"),
    ({"p": 0.5, "mask": [1, 0]}, ((1.0, 2.0), (3.0, 4.0)), "network.layers[1].dropout.mask", "one row"),
    ({"mask": [1, 0]}, ((1.0, 2.0),), "network.layers[1].dropout.p", "p = 0.5"),
])
def test_refusals_name_the_entry_and_the_fix(dropout, x, where, fix):
    with pytest.raises(SpecError) as error:
        _spec(dropout, x)
    assert error.value.where.endswith(where) and fix in error.value.fix


def test_the_dropout_example_gives_the_dropped_unit_and_its_weights_no_gradient():
    solution = symback.solve(symback.load_example("dropout"))
    assert solution.values["d3_2"] == 0
    assert all(solution.gradients[n] == 0 for n in ("w1_2_1", "w1_2_2", "b1_2", "w4_1_2"))
    assert all(solution.gradients[n] != 0 for n in ("w1_1_1", "w1_3_2", "w4_1_3"))
