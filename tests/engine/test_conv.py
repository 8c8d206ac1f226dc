"""Convolutional networks: the spec reader's shape errors, the neuron-level graph (exact, checked by
mpmath central differences), the compiled NumPy path against torch autograd, max-pool ties, XOR."""
from __future__ import annotations

import random

import numpy
import pytest

from symback.engine.conv_compile import conv_arrays, conv_forward_backward
from symback.engine.errors import SpecError
from symback.engine.examples import load_example
from symback.engine.solution import solve_spec
from symback.engine.spec_reader import spec_from_dict


def _spec(layers, values, loss="half_sse", **net):
    return spec_from_dict({"network": {"layers": layers, "loss": loss, "values": values, **net}})


@pytest.mark.parametrize("layers, fragment", [
    ([[1, 3, 3], {"conv2d": {"out": 1, "kernel": 4}}, "flatten"], "the kernel 4x4 is larger than its input 3x3"),
    ([[1, 5], {"conv1d": {"out": 1, "kernel": 2, "stride": 2}}, "flatten"], "stride 2 does not divide the input 5 minus the kernel 2"),
    ([[1, 4, 4], {"conv2d": {"out": 1, "kernel": 3}}, {"maxpool": {"size": 3}}, "flatten"], "the window 3x3 is larger than its input 2x2"),
    ([[1, 4, 4], {"conv2d": {"in": 2, "out": 1, "kernel": 2}}, "flatten"], "in = 2 but the layer's input 1x4x4 has 1 channels"),
    ([[1, 4, 4], {"conv2d": {"out": 1, "kernel": 2}}, 1], 'put "flatten" before it'),
    ([[1, 4, 4], {"conv1d": {"out": 1, "kernel": 2}}, "flatten"], "conv1d needs a 1-D input, got shape 1x4x4"),
    ([[1, 2, 2], {"conv2d": {"out": 1, "kernel": 3, "padding": 1}}, "flatten"], None),
])
def test_shape_errors_are_one_line_and_name_both_shapes(layers, fragment):
    values = {"x": [[0.0] * 2] * 2, "t": [0.0] * 4, "K1": [[[[0.0] * 3] * 3]], "b1": [0.0]}
    if fragment is None:  # kernel 3 fits the 2x2 input padded to 4x4: no error
        assert _spec(layers, values).network.layers[0].shape_out == (1, 2, 2)
        return
    with pytest.raises(SpecError) as info:
        _spec(layers, values)
    line = info.value.line() if callable(getattr(info.value, "line", None)) else str(info.value)
    assert fragment in str(info.value) and "\n" not in line


def test_conv_examples_exact_and_checked_by_mpmath_central_differences():
    for name in ("conv1d", "conv2d_pool"):
        sol = solve_spec(load_example(name))
        assert sol.numbers.check, name
        assert max(c.relative_error for c in sol.numbers.check.values()) < 1e-25


def test_conv1d_example_by_hand():
    """z_i = Σ_p k_p x_(i+p) + b and dL/dk_p = Σ_i (z_i - t_i) x_(i+p): written out independently."""
    sol = solve_spec(load_example("conv1d"))
    x, k, b, t = [1, 2, -1, 0.5, 3], [0.5, -0.25, 1], 0.1, [1, 0, 2]
    z = [sum(k[p] * x[i + p] for p in range(3)) + b for i in range(3)]
    assert [float(sol.values[f"z1_1_{i}"]) for i in (1, 2, 3)] == pytest.approx(z, abs=1e-15)
    for p in range(3):
        assert float(sol.gradients[f"k1_1_1_{p + 1}"]) == pytest.approx(sum((z[i] - t[i]) * x[i + p] for i in range(3)), abs=1e-14)
    assert float(sol.gradients["b1_1"]) == pytest.approx(sum(zi - ti for zi, ti in zip(z, t)), abs=1e-14)


@pytest.mark.parametrize("name", ["conv1d", "conv2d_pool"])
def test_compiled_path_matches_the_exact_graph(name):
    spec = load_example(name)
    sol = solve_spec(spec)
    loss, grads = conv_forward_backward(spec.network, *conv_arrays(spec.network))
    assert loss == pytest.approx(float(sol.loss), rel=1e-12)
    kernel = grads["K1"].reshape(-1)
    names = [p for p in spec.network.parameter_names if p.startswith("k1_")]
    assert kernel.tolist() == pytest.approx([float(sol.gradients[n]) for n in names], rel=1e-12, abs=1e-15)


def _random_net(rng: random.Random, dims: int, pool: str):
    """Layers and zero values of a random conv network: the padded input fits the kernel and the stride."""
    channels, out = rng.randint(1, 3), rng.randint(1, 3)
    kernel, stride, padding, r = rng.randint(1, 3), rng.choice([1, 2]), rng.randint(0, 1), rng.randint(1, 3)
    n = kernel - 2 * padding + stride * r
    while n < 1 or (n + 2 * padding - kernel) % stride:
        n += 1
    conv = {"in": channels, "out": out, "kernel": kernel, "stride": stride, "padding": padding,
            "activation": rng.choice(["identity", "tanh", "sigmoid"])}
    spatial = (n + 2 * padding - kernel) // stride + 1
    layers = [[channels] + [n] * dims, {f"conv{dims}d": conv}]
    if pool and spatial >= 2:
        layers.append({pool: {"size": 2, "stride": 1}})
        spatial -= 1
    layers += ["flatten", 2]
    dense = len(layers) - 1
    values = {"x": numpy.zeros([channels] + [n] * dims).tolist(), "t": [0.0, 0.0],
              "K1": numpy.zeros((out, channels) + (kernel,) * dims).tolist(), "b1": [0.0] * out,
              f"W{dense}": numpy.zeros((2, out * spatial ** dims)).tolist(), f"b{dense}": [0.0, 0.0]}
    return layers, conv, values


@pytest.mark.parametrize("seed", range(6))
def test_compiled_gradients_match_torch_autograd_on_random_shapes(seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = random.Random(seed)
    dims, pool = 1 + seed % 2, ["maxpool", "avgpool", ""][seed % 3]
    layers, first, values = _random_net(rng, dims, pool)
    spec = spec_from_dict({"network": {"layers": layers, "loss": "half_sse", "activation": "sigmoid", "values": values}})
    net = spec.network
    gen = numpy.random.default_rng(seed)
    m = 3
    X = gen.normal(size=(m,) + net.input_shape)
    T = gen.normal(size=(m, 2))
    params = {k: gen.normal(size=numpy.shape(v)) for k, v in conv_arrays(net)[2].items()}
    loss, grads = conv_forward_backward(net, X, T, params)

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    conv = F.conv1d if dims == 1 else F.conv2d
    h = conv(torch.tensor(X), tp["K1"], tp["b1"], stride=first["stride"], padding=first["padding"])
    h = {"identity": lambda a: a, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[first["activation"]](h)
    if any(isinstance(e, dict) and "maxpool" in e for e in layers):
        h = (F.max_pool1d if dims == 1 else F.max_pool2d)(h, 2, 1)
    if any(isinstance(e, dict) and "avgpool" in e for e in layers):
        h = (F.avg_pool1d if dims == 1 else F.avg_pool2d)(h, 2, 1)
    dense = len(layers) - 1
    y = torch.sigmoid(torch.flatten(h, 1) @ tp[f"W{dense}"].T + tp[f"b{dense}"])
    torch_loss = (0.5 * ((y - torch.tensor(T)) ** 2).sum(1)).mean()
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for k, v in tp.items():
        numpy.testing.assert_allclose(grads[k], v.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)


def test_max_pool_tie_convention_against_torch():
    """A two-way tie: symback's max rule gives each tied entry 1/2; PyTorch gives all to the first arg-max."""
    torch = pytest.importorskip("torch")
    spec = _spec([[1, 2, 2], {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [1, 2]], "t": [0]}, loss="sse")
    sol = solve_spec(spec)  # L = (max - 0)^2 = 9, dL/dmax = 6
    assert [sol.gradients[f"x_1_1_{j}"] for j in (1, 2)] == [3, 3]
    x = torch.tensor([[[[3.0, 3.0], [1.0, 2.0]]]], requires_grad=True)
    (torch.nn.functional.max_pool2d(x, 2) ** 2).sum().backward()
    assert x.grad.flatten().tolist() == [6.0, 0.0, 0.0, 0.0]


def test_xor_step_network_truth_table_and_zero_gradients():
    sol = solve_spec(load_example("xor"))
    xor = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    for s, (pair, expected) in enumerate(xor.items(), 1):
        assert (sol.values[f"x1_s{s}"], sol.values[f"x2_s{s}"]) == pair
        assert sol.values[f"y1_s{s}"] == expected
    assert sol.loss == 0
    assert all(sol.gradients[p] == 0 for p in sol.graph.params)
    assert any("0 almost everywhere" in n.note for n in sol.derivation.notes)


def test_xor_sigmoid_training_matches_torch_and_falls():
    torch = pytest.importorskip("torch")
    sol = solve_spec(load_example("xor_sigmoid"))
    history = sol.history
    assert history[-1] < history[0] / 20
    X = torch.tensor([[0.0, 0], [0, 1], [1, 0], [1, 1]])
    T = torch.tensor([[0.0], [1], [1], [0]])
    W1 = torch.tensor([[1.0, 1.2], [-1.1, -0.9]], dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor([-0.5, 1.5], dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor([[1.0, 1.0]], dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor([-1.0], dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(500):
        y = torch.sigmoid(torch.sigmoid(X.double() @ W1.T + b1) @ W2.T + b2)
        loss = ((y - T.double()) ** 2).mean()
        losses.append(loss.item())
        for p in (W1, b1, W2, b2):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in (W1, b1, W2, b2):
                p -= 4 * p.grad
    assert history[0] == pytest.approx(losses[0], rel=1e-12)
    assert history[-2] == pytest.approx(losses[-1], rel=1e-9)


def test_a_three_way_max_pool_tie_shares_the_whole_gradient():
    """After a ReLU, windows of equal zeros are common: the tied entries must share 1 between them (1/3 each)."""
    spec = _spec([[1, 2, 2], {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [3, 2]], "t": [0]}, loss="sse")
    sol = solve_spec(spec)  # L = (max - 0)^2 = 9, dL/dmax = 6: three tied entries get 2 each, the fourth 0
    grads = [sol.gradients[f"x_1_{i}_{j}"] for i in (1, 2) for j in (1, 2)]
    assert grads == [2, 2, 2, 0] and sum(grads) == 6


def test_compiled_max_pool_shares_a_three_way_tie_like_the_engine():
    """A 1x1 convolution (weight 1, no bias) before the pool: dL/dk = dL/dp * (sum of the tied inputs) / 3."""
    spec = _spec([[1, 2, 2], {"conv2d": {"out": 1, "kernel": 1, "bias": False}}, {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [3, 2]], "t": [0], "K1": [[[[1]]]]}, loss="sse")
    sol = solve_spec(spec)
    assert sol.gradients["k1_1_1_1_1"] == 6 * (3 + 3 + 3) // 3  # dL/dp = 2 * 3; shares 1/3 on the three 3s
    loss, grads = conv_forward_backward(spec.network, *conv_arrays(spec.network))
    assert float(grads["K1"].ravel()[0]) == pytest.approx(18.0, rel=1e-12)
