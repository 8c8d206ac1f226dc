"""The compiled layer-level program of layers-list networks: loss and every parameter's gradient equal the exact
(neuron-level) ones on random networks of every layer kind, batch normalisation included, with each loss and
weight decay; a missing value is refused in one line."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from layers_torch import networks, solve_cached

import symback
from symback.engine.errors import SymbackError
from symback.engine.layer_program import compile_layers
from symback.engine.spec_reader import spec_from_dict

KINDS = ("batchnorm", "layernorm", "dropout", "activation")


def _assert_exact(net, program, exact, rtol=1e-10):
    loss, grads = program(*program.arrays(net))
    assert abs(loss - float(exact.loss)) <= rtol * abs(float(exact.loss)) + 1e-15
    floor = rtol * max(1e-3, *(abs(float(v)) for v in exact.gradients.values()))
    for name, (key, i) in net.parameter_slots().items():
        got, want = grads[key].reshape(-1)[i], float(exact.gradients.get(name, 0))
        assert abs(got - want) <= rtol * abs(want) + floor, f"dL/d{name}: compiled {got!r}, exact {want!r}"


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(KINDS), st.sampled_from(["half_sse", "softmax_cross_entropy", "multiclass_hinge"]),
       st.sampled_from([None, 0.5]), st.data())
def test_compiled_gradients_equal_the_exact_ones(kind, loss, decay, data):
    layers, values = data.draw(networks(kind, loss))
    spec = {"network": {"layers": layers, "loss": loss, "values": values}}
    if decay:
        spec["weight_decay"] = decay
    net = spec_from_dict(spec).network
    _assert_exact(net, compile_layers(net), solve_cached(spec))


@pytest.mark.parametrize("name", ["batchnorm", "layernorm", "dropout", "hinge", "adam"])
def test_the_examples_compile_through_the_solution(name):
    solution = symback.solve(symback.load_example(name))
    _assert_exact(solution.spec.network, solution.compiled_network(), solution)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity", "softmax"])
def test_every_activation_prints_its_derivative(activation):
    spec = {"network": {"layers": [2, {"dense": 3}, activation, {"dense": 2}], "loss": "mse",
                        "values": {"x": [[0.5, -1.0], [1.5, 0.25]], "t": [[0.0, 1.0], [1.0, 0.0]],
                                   "W1": [[0.5, -0.25], [0.75, 0.5], [-1.0, 0.25]], "b1": [0.1, -0.2, 0.0],
                                   "W3": [[1.0, -0.5, 0.25], [0.5, 0.5, -1.0]], "b3": [0.0, 0.25]}}}
    net = spec_from_dict(spec).network
    _assert_exact(net, compile_layers(net), solve_cached(spec))


def test_a_missing_value_is_refused_naming_it():
    net = symback.load_example("batchnorm").network
    program = compile_layers(net)
    X, T, values = program.arrays(net)
    del values["gamma2"]
    with pytest.raises(SymbackError) as error:
        program(X, T, values)
    assert "gamma2" in error.value.message
