"""network_reader: a [network] table read into a NetworkSpec (layers, activations, biases, samples), every
problem one line naming the key path."""
import pytest
import sympy as sp

from symback.engine.errors import SpecError
from symback.engine.spec_reader import spec_from_dict


def network(**changes):
    net = {"layers": [2, 2], "activation": "sigmoid", "bias": "neuron", "loss": "mse",
           "values": {"x": [1, 2], "t": [0, 1], "W1": [[0.1, 0.2], [0.3, 0.4]], "b1": [0.5, 0.5]}}
    values = {k: v for k, v in {**net["values"], **changes.pop("values", {})}.items() if v is not None}  # None: left out
    return spec_from_dict({"network": {**net, **changes, "values": values}}, source="net.toml").network


def test_values_are_exact_and_one_sample_is_a_minibatch_of_one():
    net = network()
    assert net.layers == (2, 2) and net.activations == ("sigmoid",) and net.bias == "neuron"
    assert net.x == ((1, 2),) and net.weights[0][1] == (sp.Rational(3, 10), sp.Rational(2, 5))
    assert net.biases == ((sp.Rational(1, 2), sp.Rational(1, 2)),)
    batch = network(values={"x": [[1, 2], [3, 4]], "t": [[0, 1], [1, 0]]})
    assert batch.x == ((1, 2), (3, 4)) and len(batch.t) == 2


def test_bias_modes_and_one_activation_per_layer():
    assert network(bias="shared", values={"b1": 0.25}).biases == ((sp.Rational(1, 4),),)
    assert network(bias="none", values={"b1": None}).biases == ((),)
    deep = network(layers=[2, 3, 2], activation=["relu", "identity"],
                   values={"W1": [[1, 0], [0, 1], [1, 1]], "b1": [0, 0, 0], "W2": [[1, 0, 0], [0, 1, 0]], "b2": [0, 0]})
    assert deep.activations == ("relu", "identity")
    # softmax_cross_entropy applies softmax itself: the output layer is softmax
    assert network(loss="softmax_cross_entropy").activations == ("softmax",)


@pytest.mark.parametrize("changes, where, fragment", [
    ({"activations": "sigmoid"}, "network.activations", "did you mean 'activation'?"),
    ({"activation": "sigmod"}, "network.activation", "did you mean 'sigmoid'?"),
    ({"activation": ["relu", "relu"]}, "network.activation", "2 activations for 1 non-input layers"),
    ({"bias": "each"}, "network.bias", "unknown bias mode 'each'"),
    ({"loss": "hinge"}, "network.loss", "unknown loss 'hinge'"),
    ({"values": {"W1": [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]]}}, "network.values.W1",
     "expected a 2x2 matrix, got 2 rows of 3; give 2 rows of 2 numbers"),
    ({"values": {"x": [1, 2, 3]}}, "network.values.x", "sample 1 has 3 values"),
    ({"loss": "softmax_cross_entropy", "activation": ["relu"]}, "network.activation",
     "softmax_cross_entropy applies softmax itself"),
])
def test_each_problem_is_one_line_naming_the_key(changes, where, fragment):
    with pytest.raises(SpecError) as refused:
        network(**changes)
    line = refused.value.line()
    assert refused.value.where == f"net.toml: {where}" and fragment in line and "\n" not in line


def test_missing_weights_are_named():
    with pytest.raises(SpecError, match="net.toml: network.values.W1: missing"):
        spec_from_dict({"network": {"layers": [2, 2], "loss": "mse", "values": {"x": [1, 2], "t": [0, 1]}}},
                       source="net.toml")
