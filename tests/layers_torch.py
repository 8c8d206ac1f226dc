"""An independent reference for networks in layers-list form: the same spec written in torch (float64).

``torch_layers(layers, values, loss, weight_decay)`` builds the network from the spec's own dictionary with
``torch.nn.functional`` (``linear``, ``batch_norm`` in training mode, ``layer_norm``, the dropout mask,
``multi_margin_loss``, ``cross_entropy``) and returns the loss and dL/d(name) by autograd, with the names
of README "Network names". Nothing here calls symback.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def _tensor(torch, value, requires_grad=True):
    return torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)


def _rows(value):
    return value if isinstance(value[0], list) else [value]


def torch_layers(layers, values, loss, weight_decay=0.0):
    """(loss, {name: dL/dname}) of the network by torch autograd (float64)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda h: h,
            "softplus": F.softplus, "leaky_relu": lambda h: F.leaky_relu(h, 0.01), "softmax": lambda h: torch.softmax(h, 1)}
    X = _tensor(torch, _rows(values["x"]))
    T = _tensor(torch, _rows(values["t"]), requires_grad=False)
    m, leaves, weights = X.shape[0], {"x": X}, []
    h = X
    for l, entry in enumerate(layers[1:], 1):
        if isinstance(entry, str):
            h = acts[entry](h)
            continue
        (kind, o), = entry.items()
        if kind == "dense":
            bias = not isinstance(o, dict) or o.get("bias", True)
            W = leaves[f"W{l}"] = _tensor(torch, values[f"W{l}"])
            b = leaves[f"b{l}"] = _tensor(torch, values[f"b{l}"]) if bias else None
            weights.append(W)
            h = F.linear(h, W, b)
        elif kind in ("batchnorm", "layernorm"):
            n = h.shape[1]
            gamma = leaves[f"gamma{l}"] = _tensor(torch, values.get(f"gamma{l}", [1.0] * n))
            beta = leaves[f"beta{l}"] = _tensor(torch, values.get(f"beta{l}", [0.0] * n))
            eps = o.get("eps", 1e-5)
            h = F.batch_norm(h, None, None, gamma, beta, training=True, eps=eps) if kind == "batchnorm" \
                else F.layer_norm(h, (n,), gamma, beta, eps)
        elif kind == "dropout":
            h = h * _tensor(torch, _rows(o["mask"]), requires_grad=False) / (1 - o["p"])
        else:
            raise ValueError(kind)
    n_out = h.shape[1]
    per_sample = {
        "half_sse": lambda: 0.5 * ((h - T) ** 2).sum(1),
        "sse": lambda: ((h - T) ** 2).sum(1),
        "mse": lambda: ((h - T) ** 2).mean(1),
        "softmax_cross_entropy": lambda: F.cross_entropy(h, T, reduction="none"),
        "multiclass_hinge": lambda: F.multi_margin_loss(h, T.argmax(1), margin=1.0, reduction="none") * n_out,
    }[loss]()
    total = per_sample.mean() + weight_decay / 2 * sum((W ** 2).sum() for W in weights)
    total.backward()
    grads = {}
    for key, leaf in leaves.items():
        if leaf is None:
            continue
        g = leaf.grad
        stem = {"W": "w", "x": "x"}.get(key[0], key.rstrip("0123456789"))
        layer = key[len(stem):] if key != "x" else ""
        if key == "x":
            for s in range(m):
                for k in range(g.shape[1]):
                    grads[f"x{k + 1}{'' if m == 1 else f'_s{s + 1}'}"] = g[s, k].item()
        elif g.dim() == 2:
            for j in range(g.shape[0]):
                for k in range(g.shape[1]):
                    grads[f"w{layer}_{j + 1}_{k + 1}"] = g[j, k].item()
        else:
            for j in range(g.shape[0]):
                grads[f"{stem}{layer}_{j + 1}"] = g[j].item()
    return total.item(), grads


def assert_matches(solution, reference, rtol=1e-10):
    """symback's loss and every gradient the reference has, to ``rtol`` relative; a gradient that is 0 exactly
    (a normalisation's cancelling sums) is compared at ``rtol`` times the largest gradient, torch's rounding."""
    loss, grads = reference
    got = float(solution.loss)
    floor = rtol * max([1e-3, *map(abs, grads.values())])
    assert abs(got - loss) <= rtol * abs(loss) + 1e-15, f"loss: symback {got!r}, torch {loss!r}"
    for name, want in grads.items():
        value = float(solution.gradients[name])
        assert math.isfinite(value) and abs(value - want) <= rtol * max(abs(value), abs(want)) + floor, \
            f"dL/d{name}: symback {value!r}, torch {want!r}"


# --- random networks with one layer kind under test, and symback solved at them ------------------------------

def numbers(draw, st, count):
    """``count`` numbers in [-2, 2] with three decimals (exact in the spec, float64 in torch)."""
    return [draw(st.integers(-2000, 2000)) / 1000 for _ in range(count)]


def matrix(draw, st, rows, cols):
    return [numbers(draw, st, cols) for _ in range(rows)]


def one_hot(draw, st, m, n):
    rows = []
    for _ in range(m):
        k = draw(st.integers(0, n - 1))
        rows.append([1 if j == k else 0 for j in range(n)])
    return rows


_DERIVED: dict = {}


def solve_cached(spec_dict):
    """symback's exact solution of a spec dictionary: the symbolic derivation once per network shape, the
    numbers at the spec's own values (as ``solve`` computes them, without the mpmath check)."""
    import json

    from symback.engine.backprop import backprop
    from symback.engine.graph import build_graph
    from symback.engine.spec_reader import spec_from_dict
    from symback.engine.substitute import substitute

    spec = spec_from_dict(spec_dict)
    graph = build_graph(spec)
    net = spec_dict["network"]
    shape = [{k: ({**o, "mask": len(o["mask"])} if k == "dropout" else o) for k, o in e.items()} if isinstance(e, dict) else e
             for e in net["layers"]]
    key = json.dumps([shape, net["loss"], len(spec.network.x), spec_dict.get("weight_decay")])
    if key not in _DERIVED:
        _DERIVED[key] = backprop(graph)
    derivation = substitute(_DERIVED[key], graph.point, check=False)
    numbers_ = derivation.numbers
    return type("Solved", (), {"loss": numbers_.values[graph.loss], "gradients": numbers_.gradients})


CASES = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def middle(draw, kind, width, m):
    """The entry of the layer kind under test, with its options drawn."""
    if kind in ("batchnorm", "layernorm"):
        return {kind: {"eps": draw(st.sampled_from([1e-5, 1e-3, 0.1]))}}
    if kind == "dropout":
        return {"dropout": {"p": draw(st.sampled_from([0.0, 0.25, 0.5])),
                            "mask": [[draw(st.integers(0, 1)) for _ in range(width)] for _ in range(m)]}}
    return draw(st.sampled_from(["tanh", "sigmoid", "relu", "leaky_relu", "softplus", "identity"]))


@st.composite
def networks(draw, kind, loss="half_sse"):
    """[n, dense h, <kind>, activation, dense k] with a batch of 1-3 samples (2-3 for batch normalisation);
    a normalisation's γ, β and ε drawn too. ``loss`` needs one-hot targets when it is a classification loss."""
    n, h, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(2 if loss != "half_sse" else 1, 3))
    m = draw(st.integers(2 if kind == "batchnorm" else 1, 3))
    activation = draw(st.sampled_from(["tanh", "sigmoid", "identity", "softplus"]))
    layers = [n, {"dense": h}, middle(draw, kind, h, m), activation, {"dense": k}]
    targets = matrix(draw, st, m, k) if loss == "half_sse" else one_hot(draw, st, m, k)
    values = {"x": matrix(draw, st, m, n), "t": targets,
              "W1": matrix(draw, st, h, n), "b1": numbers(draw, st, h), "W4": matrix(draw, st, k, h), "b4": numbers(draw, st, k)}
    if kind in ("batchnorm", "layernorm") and draw(st.booleans()):
        values.update({"gamma2": numbers(draw, st, h), "beta2": numbers(draw, st, h)})
    return layers, values
