"""Dense and activation entries: the same numbers as the dense form ``layers = [2, 2, 2]``, against torch on
random networks with every elementwise activation, and the entries' refusals."""
from __future__ import annotations

import pytest
from hypothesis import given
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.errors import SpecError

MAZUR = {"x": [0.05, 0.10], "t": [0.01, 0.99], "b1": [0.35, 0.35], "b2": [0.60, 0.60],
         "W1": [[0.15, 0.20], [0.25, 0.30]], "W2": [[0.40, 0.45], [0.50, 0.55]]}


def test_a_layers_list_of_dense_and_activations_gives_the_dense_forms_numbers():
    """Mazur's 2-2-2 network: layer 2 of the dense form is layer 3 of the list (the activation is layer 2)."""
    dense = symback.solve(symback.spec_from_dict({"network": {"layers": [2, 2, 2], "loss": "half_sse", "values": MAZUR}}))
    renamed = {"x": MAZUR["x"], "t": MAZUR["t"], "W1": MAZUR["W1"], "b1": MAZUR["b1"], "W3": MAZUR["W2"], "b3": MAZUR["b2"]}
    listed = symback.solve(symback.spec_from_dict({"network": {
        "layers": [2, {"dense": 2}, "sigmoid", {"dense": {"out": 2}}, "sigmoid"], "loss": "half_sse", "values": renamed}}))
    assert listed.loss == dense.loss
    for j in (1, 2):
        assert listed.values[f"y{j}"] == dense.values[f"y{j}"]
        assert listed.values[f"a2_{j}"] == dense.values[f"a1_{j}"]
        assert listed.gradients[f"b1_{j}"] == dense.gradients[f"b1_{j}"]
        assert listed.gradients[f"b3_{j}"] == dense.gradients[f"b2_{j}"]
        for k in (1, 2):
            assert listed.gradients[f"w1_{j}_{k}"] == dense.gradients[f"w1_{j}_{k}"]
            assert listed.gradients[f"w3_{j}_{k}"] == dense.gradients[f"w2_{j}_{k}"]


@CASES
@given(networks("activation"))
def test_dense_and_activations_vs_torch_autograd(case):
    layers, values = case
    spec = {"network": {"layers": layers, "loss": "half_sse", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "half_sse"))


def test_a_dense_layer_without_biases_takes_no_b():
    spec = symback.spec_from_dict({"network": {"layers": [1, {"dense": {"out": 1, "bias": False}}], "loss": "sse",
                                               "values": {"x": [2.0], "t": [1.0], "W1": [[3.0]]}}})
    assert spec.network.parameter_names == ("w1_1_1",)


@pytest.mark.parametrize("entry, where, fix", [
    ({"dense": 0}, "network.layers[1].dense", "{ dense = 4 }"),
    ({"dense": {"bias": True}}, "network.layers[1].dense.out", "out = N"),
    ({"dense": {"out": 2, "bias": 1}}, "network.layers[1].dense.bias", "true"),
    ({"dense": {"out": 2, "size": 1}}, "network.layers[1].dense.size", "out"),
    ({"dens": 2}, "network.layers[1]", "dense"),
    ("relux", "network.layers[1]", "relu"),
    (3, "network.layers[1]", "{ dense = 3 }"),
])
def test_refusals_name_the_entry_and_the_fix(entry, where, fix):
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [2, entry, {"dense": 1}], "loss": "sse",
                                            "values": {"x": [1.0, 2.0], "t": [1.0]}}})
    assert error.value.where.endswith(where) and fix in error.value.fix, error.value.line()


def test_values_of_the_list_form_are_checked_by_key():
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [2, {"dense": 1}], "loss": "sse",
                                            "values": {"x": [1.0, 2.0], "t": [1.0], "W1": [[1.0, 1.0]], "W2": [[1.0]], "b1": [0]}}})
    assert error.value.where.endswith("network.values.W2")
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [2, {"dense": 1}], "activation": "relu", "loss": "sse",
                                            "values": {"x": [1.0, 2.0], "t": [1.0], "W1": [[1.0, 1.0]], "b1": [0]}}})
    assert error.value.where.endswith("network.activation") and "layers list" in error.value.fix
