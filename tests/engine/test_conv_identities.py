"""conv_identities: the layer-level identities of a convolution, checked entry by entry against the neuron level
(a corrupted value is caught), against torch autograd with stride and padding, and by hand."""
import numpy
import pytest
import sympy as sp

import symback
from symback.engine.conv_identities import conv_identities, correlate, rot180
from symback.engine.spec_reader import spec_from_dict


STRIDED = {"network": {
    "layers": [[2, 5, 5], {"conv2d": {"out": 2, "kernel": 3, "stride": 2, "padding": 1, "activation": "tanh"}},
               {"avgpool": {"size": 3}}, "flatten", 1],
    "loss": "half_sse", "activation": "identity",
    "values": {"x": [[[0.1 * (i + 2 * j - c) for j in range(5)] for i in range(5)] for c in range(2)], "t": [1],
               "K1": [[[[0.1 * (o + c + p - q) for q in range(3)] for p in range(3)] for c in range(2)] for o in range(2)],
               "b1": [0.1, -0.2], "W4": [[0.5, -0.5]], "b4": [0.0]}}}


def test_identities_agree_with_the_neuron_level_and_catch_a_wrong_entry():
    sol = symback.solve(spec_from_dict(STRIDED))
    (ids,) = conv_identities(sol.spec.network, sol.values, sol.gradients)
    assert ids.agrees and ids.checked == 2 * 2 * 9 + 2 * 25 + 2
    wrong = dict(sol.gradients)
    wrong["k1_2_1_3_1"] += sp.Rational(1, 10**30)
    (bad,) = conv_identities(sol.spec.network, sol.values, wrong)
    assert not bad.agrees


def test_identities_match_torch_autograd_with_stride_and_padding():
    torch = pytest.importorskip("torch")
    sol = symback.solve(spec_from_dict(STRIDED))
    (ids,) = conv_identities(sol.spec.network, sol.values, sol.gradients)
    values = STRIDED["network"]["values"]
    x = torch.tensor([values["x"]], dtype=torch.float64, requires_grad=True)
    K = torch.tensor(values["K1"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(values["b1"], dtype=torch.float64, requires_grad=True)
    z = torch.nn.functional.conv2d(x, K, b, stride=2, padding=1)
    y = torch.flatten(torch.nn.functional.avg_pool2d(torch.tanh(z), 3), 1) @ torch.tensor([[0.5, -0.5]], dtype=torch.float64).T
    (0.5 * (y - 1) ** 2).sum().backward()
    numpy.testing.assert_allclose(ids.grad_kernel.astype(float), K.grad.numpy(), rtol=1e-12)
    numpy.testing.assert_allclose(ids.grad_input[0].astype(float), x.grad.numpy()[0], rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(numpy.array(ids.grad_bias, dtype=float), b.grad.numpy(), rtol=1e-12)


def test_correlate_and_rot180_by_hand():
    a = numpy.array([[1, 2, 3], [4, 5, 6]], dtype=object)
    k = numpy.array([[1, 0], [0, -1]], dtype=object)
    assert correlate(a, k).tolist() == [[1 - 5, 2 - 6]]
    assert rot180(k).tolist() == [[-1, 0], [0, 1]]
