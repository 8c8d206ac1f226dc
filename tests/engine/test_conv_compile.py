"""conv_compile: the convolutional NumPy path (public: symback.conv_forward_backward, symback.conv_arrays)
against the exact graph and torch autograd."""
import random

import numpy
import pytest

from symback import conv_arrays, conv_forward_backward
from symback.engine.examples import load_example
from symback.engine.solution import solve_spec
from symback.engine.spec_reader import spec_from_dict


def _spec(layers, values, loss="half_sse", **net):
    return spec_from_dict({"network": {"layers": layers, "loss": loss, "values": values, **net}})


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


def test_compiled_max_pool_shares_a_three_way_tie_like_the_engine():
    """A 1x1 convolution (weight 1, no bias) before the pool: dL/dk = dL/dp * (sum of the tied inputs) / 3."""
    spec = _spec([[1, 2, 2], {"conv2d": {"out": 1, "kernel": 1, "bias": False}}, {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [3, 2]], "t": [0], "K1": [[[[1]]]]}, loss="sse")
    sol = solve_spec(spec)
    assert sol.gradients["k1_1_1_1_1"] == 6 * (3 + 3 + 3) // 3  # dL/dp = 2 * 3; shares 1/3 on the three 3s
    loss, grads = conv_forward_backward(spec.network, *conv_arrays(spec.network))
    assert float(grads["K1"].ravel()[0]) == pytest.approx(18.0, rel=1e-12)
