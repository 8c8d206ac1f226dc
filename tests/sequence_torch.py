"""An independent reference for sequence networks: the same spec written in torch (float64).

``torch_sequence(layers, values, loss)`` builds the network from the spec's own dictionary with
``torch.nn.RNN``, ``torch.nn.LSTM`` (their weights given by ``torch.func.functional_call``, the second bias 0),
sigmoid units as a written loop, attention written as softmax(Q Kᵀ/√d) V, ``"last"``, ``"mean"`` and dense
layers at every step; the loss is summed over the steps of a sequence output and averaged over the samples.
It returns the loss and dL/d(name) by autograd with the names of README "Sequences". Nothing here calls symback.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import strategies as st
from layers_torch import matrix, numbers, one_hot


def _tensor(torch, value, requires_grad=True):
    return torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)


def _batch(value):
    """A [T][D] sample or a list of them, as a list of samples."""
    return value if isinstance(value[0][0], list) else [value]


def _recurrent(torch, kind, options, X, leaves, l, values):
    """The states of an RNN or LSTM layer over X (N, T, D), by torch.nn.RNN / torch.nn.LSTM (or a loop for sigmoid)."""
    N, _, D = X.shape
    H = options["hidden"]
    Wx, Wh, b = (leaves.setdefault(f"{k}{l}", _tensor(torch, values[f"{k}{l}"])) for k in ("Wx", "Wh", "b"))
    states = {s: leaves.setdefault(f"{s}0{l}", _tensor(torch, values.get(f"{s}0{l}", [0.0] * H)))
              for s in (("h", "c") if kind == "lstm" else ("h",))}
    start = [states[s].expand(1, N, H) for s in states]
    zeros = torch.zeros(b.shape, dtype=torch.float64)
    if kind == "rnn" and options.get("activation", "tanh") == "sigmoid":
        h, out = start[0][0], []
        for t in range(X.shape[1]):
            h = torch.sigmoid(X[:, t] @ Wx.T + h @ Wh.T + b)
            out.append(h)
        return torch.stack(out, 1)
    if kind == "rnn":
        module = torch.nn.RNN(D, H, nonlinearity=options.get("activation", "tanh"), batch_first=True, dtype=torch.float64)
    else:
        module = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    weights = {"weight_ih_l0": Wx, "weight_hh_l0": Wh, "bias_ih_l0": b, "bias_hh_l0": zeros}
    out, _ = torch.func.functional_call(module, weights, (X, start[0] if kind == "rnn" else tuple(start)))
    return out


def torch_sequence(layers, values, loss):
    """(loss, {name: dL/dname}) of a sequence network by torch autograd (float64)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda h: h,
            "softmax": lambda h: torch.softmax(h, -1)}
    X = _tensor(torch, _batch(values["x"]))
    leaves, h = {"x": X}, X
    for l, entry in enumerate(layers[1:], 1):
        if entry in ("last", "mean"):
            h = h[:, -1] if entry == "last" else h.mean(1)
        elif isinstance(entry, str):
            h = acts[entry](h)
        else:
            (kind, o), = entry.items()
            if kind in ("rnn", "lstm"):
                h = _recurrent(torch, kind, o, h, leaves, l, values)
            elif kind == "attention":
                Q, K, V = (h @ leaves.setdefault(f"W{p}{l}", _tensor(torch, values[f"W{p}{l}"])).T for p in "qkv")
                h = torch.softmax(Q @ K.transpose(1, 2) / math.sqrt(o["dim"]), -1) @ V
            else:
                W, b = (leaves.setdefault(f"{k}{l}", _tensor(torch, values[f"{k}{l}"])) for k in ("W", "b"))
                h = F.linear(h, W, b)
    target = values["t"]
    T = _tensor(torch, _batch(target) if h.dim() == 3 else (target if isinstance(target[0], list) else [target]),
                requires_grad=False)
    if loss == "half_sse":
        per_sample = 0.5 * ((h - T) ** 2).reshape(h.shape[0], -1).sum(1)
    else:
        logits = h.reshape(-1, h.shape[-1])
        per_sample = F.cross_entropy(logits, T.reshape(-1, h.shape[-1]).argmax(1), reduction="none")
        per_sample = per_sample.reshape(h.shape[0], -1).sum(1)
    total = per_sample.mean()
    total.backward()
    return total.item(), _names(leaves, X.shape[0])


def _names(leaves, m):
    """dL/d(name) with symback's scalar names (README "Sequences")."""
    grads = {}
    suffix = ["" if m == 1 else f"_s{s + 1}" for s in range(m)]
    for key, leaf in leaves.items():
        g = leaf.grad
        if key == "x":
            for s, t, k in ((s, t, k) for s in range(m) for t in range(g.shape[1]) for k in range(g.shape[2])):
                grads[f"x{k + 1}_t{t + 1}{suffix[s]}"] = g[s, t, k].item()
        elif key[:2] in ("h0", "c0"):
            for j in range(g.shape[0]):
                grads[f"{key[0]}{key[2:]}_{j + 1}_t0"] = g[j].item()
        elif g.dim() == 2:
            stem = key[:2].lower() if key[1] in "xhqkv" else "w"
            for j in range(g.shape[0]):
                for k in range(g.shape[1]):
                    grads[f"{stem}{key[len(stem):]}_{j + 1}_{k + 1}"] = g[j, k].item()
        else:
            for j in range(g.shape[0]):
                grads[f"b{key[1:]}_{j + 1}"] = g[j].item()
    return grads


def sequence(draw, m, steps, width):
    return [matrix(draw, st, steps, width) for _ in range(m)]


@st.composite
def sequence_networks(draw, kind):
    """[sequence T x D, <kind>, head] with a batch of 1-2 samples; the head is "last" or "mean" and a dense
    layer, or a dense layer at every step (many-to-many); half_sse or softmax cross-entropy."""
    T, D = draw(st.integers(1, 2 if kind == "lstm" else 3)), draw(st.integers(1, 2))
    small = kind == "lstm" and T == 2  # an LSTM's two steps of two units in a batch of two take seconds to derive
    H, m = draw(st.integers(1, 1 if small else 2)), draw(st.integers(1, 1 if small else 2))
    loss = draw(st.sampled_from(["half_sse", "softmax_cross_entropy"]))
    k = draw(st.integers(1 if loss == "half_sse" else 2, 2))
    values = {"x": sequence(draw, m, T, D)}
    if kind == "attention":
        entry = {"attention": {"dim": H}}
        values.update({f"W{p}1": matrix(draw, st, H, D) for p in "qkv"})
    else:
        gates = 4 if kind == "lstm" else 1
        entry = {kind: {"hidden": H}}
        if kind == "rnn":
            entry[kind]["activation"] = draw(st.sampled_from(["tanh", "relu", "sigmoid"]))
        values.update({"Wx1": matrix(draw, st, gates * H, D), "Wh1": matrix(draw, st, gates * H, H),
                       "b1": numbers(draw, st, gates * H)})
        for state in ("h", "c") if kind == "lstm" else ("h",):
            if draw(st.booleans()):
                values[f"{state}01"] = numbers(draw, st, H)
    head = draw(st.sampled_from(["last", "mean", "steps"]))
    if head == "steps":
        layers = [{"sequence": [T, D]}, entry, {"dense": k}]
        values.update({"W2": matrix(draw, st, k, H), "b2": numbers(draw, st, k)})
        rows = [one_hot(draw, st, T, k) if loss != "half_sse" else matrix(draw, st, T, k) for _ in range(m)]
        values["t"] = rows if m > 1 else rows[0]
    else:
        layers = [{"sequence": [T, D]}, entry, head, {"dense": k}]
        values.update({"W3": matrix(draw, st, k, H), "b3": numbers(draw, st, k)})
        values["t"] = one_hot(draw, st, m, k) if loss != "half_sse" else matrix(draw, st, m, k)
    return layers, values, loss
