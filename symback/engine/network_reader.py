"""Reading the ``[network]`` table of a spec: layers, activations, bias, loss and the values.

:class:`NetworkTables` is a part of the spec reader (:mod:`symback.engine.spec_reader`): it uses the
reader's ``fail``, ``keys`` and ``number``.
"""
from __future__ import annotations

from typing import Any, Mapping

import sympy as sp

from symback.engine.conv_reader import ConvTables
from symback.engine.conv_spec import is_conv_layers
from symback.engine.errors import did_you_mean
from symback.engine import limits
from symback.engine.layers import LayersSpec, is_layers_list, read_layers
from symback.engine.losses import LAYERS_ONLY, LOSSES
from symback.engine.activations import ACTIVATIONS
from symback.engine.spec import BIAS_MODES, NETWORK_KEYS, Matrix, NetworkSpec


class NetworkTables(ConvTables):
    """The network part of the spec reader (a mixin of its ``_Reader``); convolutional layers in :class:`ConvTables`."""

    def network(self, net: Mapping, weight_decay: sp.Rational | None = None) -> NetworkSpec | LayersSpec:
        for key in ("layers", "loss", "values"):
            if key not in net:
                raise self.fail(f"network.{key}", "missing", _NETWORK_HINTS[key])
        layers = net["layers"]
        if is_layers_list(layers):
            return read_layers(self, net, weight_decay)
        self.keys(net, NETWORK_KEYS, "network")
        if weight_decay is not None:
            raise self.fail("weight_decay", "needs a network in layers-list form",
                            "write the layers as e.g. layers = [2, { dense = 2 }, \"sigmoid\", { dense = 1 }, \"sigmoid\"]")
        if isinstance(net["loss"], str) and net["loss"] in LAYERS_ONLY:
            raise self.fail("network.loss", f"{net['loss']} needs a network in layers-list form",
                            "write the layers as e.g. layers = [2, { dense = 3 }] (input width first)")
        if is_conv_layers(layers):
            return self.conv_network(net, self.activations)
        if (not isinstance(layers, list) or len(layers) < 2
                or not all(type(n) is int and 1 <= n <= 4096 for n in layers)):
            raise self.fail("network.layers", "expected a list of at least 2 layer sizes (1 to 4096)",
                            "write e.g. layers = [2, 2, 2] (input layer first)")
        layers = tuple(layers)
        activations = self.activations(net.get("activation", "sigmoid"), len(layers) - 1)
        bias = net.get("bias", "neuron")
        if not isinstance(bias, str) or bias not in BIAS_MODES:
            raise self.fail("network.bias", f"unknown bias mode {bias!r}", did_you_mean(str(bias), BIAS_MODES))
        loss = net["loss"]
        if not isinstance(loss, str):
            raise self.fail("network.loss", f"expected the name of a loss as text, got {kind_of(loss)}",
                            'write e.g. loss = "half_sse" (one of: ' + ", ".join(sorted(LOSSES)) + ")")
        if loss not in LOSSES:
            raise self.fail("network.loss", f"unknown loss {loss!r}", did_you_mean(str(loss), LOSSES))
        if loss == "softmax_cross_entropy":
            if isinstance(net.get("activation"), list) and activations[-1] not in ("softmax", "identity"):
                raise self.fail("network.activation", f"softmax_cross_entropy applies softmax itself, but the output activation is {activations[-1]!r}",
                                "make the last activation 'softmax', or use loss = \"cross_entropy\"")
            activations = activations[:-1] + ("softmax",)
        values = net["values"]
        if not isinstance(values, Mapping):
            raise self.fail("network.values", f"expected a table, got {kind_of(values)}", "write [network.values] with x, t, W1, ...")
        return self.network_values(values, layers, activations, bias, loss)

    def activations(self, value, count: int) -> tuple[str, ...]:
        names = [value] * count if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(a, str) for a in names):
            raise self.fail("network.activation", "expected an activation name or a list of them",
                            'write e.g. activation = "sigmoid" or ["relu", "identity"]')
        if len(names) != count:
            raise self.fail("network.activation", f"{len(names)} activations for {count} non-input layers",
                            f"give one activation per layer after the input ({count})")
        for a in names:
            if a not in ACTIVATIONS:
                raise self.fail("network.activation", f"unknown activation {a!r}", did_you_mean(a, ACTIVATIONS))
        return tuple(names)

    def network_values(self, values, layers, activations, bias, loss) -> NetworkSpec:
        depth = len(layers) - 1
        allowed = ["x", "t"] + [f"W{l}" for l in range(1, depth + 1)] + \
                  ([f"b{l}" for l in range(1, depth + 1)] if bias != "none" else [])
        for key in values:
            if key not in allowed:
                fix = "remove it (bias = \"none\")" if key.startswith("b") and bias == "none" else \
                    (did_you_mean(key, allowed) or "remove it")
                raise self.fail(f"network.values.{key}", "unknown key", fix)
        for key in allowed:
            if key not in values:
                raise self.fail(f"network.values.{key}", "missing", _value_hint(key, layers))
        x = self.samples(values["x"], layers[0], "network.values.x")
        t = self.samples(values["t"], layers[-1], "network.values.t")
        if len(t) != len(x):
            raise self.fail("network.values.t", f"{len(t)} target rows for {len(x)} samples", "give one target per sample")
        weights = tuple(self.matrix(values[f"W{l}"], layers[l], layers[l - 1], f"network.values.W{l}")
                        for l in range(1, depth + 1))
        biases = tuple(self.bias(values.get(f"b{l}"), bias, layers[l], f"network.values.b{l}")
                       for l in range(1, depth + 1))
        return NetworkSpec(layers, activations, bias, loss, x, t, weights, biases)

    def samples(self, value, size: int, key: str) -> Matrix:
        if not isinstance(value, list):
            value = [value]
        rows = value if value and all(isinstance(r, list) for r in value) else [value]
        if len(rows) > limits.current().samples:
            over = limits.refuse("samples", key, len(rows))
            raise self.fail(key, over.message, over.fix)
        result = []
        for i, row in enumerate(rows):
            if len(row) != size:
                raise self.fail(key, f"sample {i + 1} has {len(row)} values, the layer has {size}",
                                f"give {size} values per sample (a list of lists for a minibatch)")
            result.append(tuple(self.number(v, f"{key}[{i}]") for v in row))
        return tuple(result)

    def matrix(self, value, rows: int, cols: int, key: str) -> Matrix:
        shape_ok = (isinstance(value, list) and len(value) == rows
                    and all(isinstance(r, list) and len(r) == cols for r in value))
        if not shape_ok:
            raise self.fail(key, f"expected a {rows}x{cols} matrix, got {_shape(value)}",
                            f"give {rows} rows of {cols} numbers (row j holds the weights into neuron j)")
        return tuple(tuple(self.number(v, f"{key}[{j}][{k}]") for k, v in enumerate(r)) for j, r in enumerate(value))

    def bias(self, value, mode: str, size: int, key: str) -> tuple[sp.Rational, ...]:
        if mode == "none":
            return ()
        if mode == "shared":
            if isinstance(value, list):
                raise self.fail(key, "bias = \"shared\" takes one number per layer", "write e.g. b1 = 0.35, or use bias = \"neuron\"")
            return (self.number(value, key),)
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(key, f"expected {size} biases, got {_shape(value)}",
                            f"give a list of {size} numbers, or use bias = \"shared\" for one per layer")
        return tuple(self.number(v, f"{key}[{j}]") for j, v in enumerate(value))


_NETWORK_HINTS = {
    "layers": "write e.g. layers = [2, 2, 2] (input layer first)",
    "loss": 'write e.g. loss = "half_sse"',
    "values": "add a [network.values] table with x, t, W1, ...",
}


def _value_hint(key: str, layers) -> str:
    if key == "x":
        return f"give the input, a list of {layers[0]} numbers"
    if key == "t":
        return f"give the target, a list of {layers[-1]} numbers"
    l = int(key[1:])
    if key.startswith("W"):
        return f"give a {layers[l]}x{layers[l - 1]} matrix (row j: weights into neuron j of layer {l})"
    return f"give the bias of layer {l}"


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) < 30 else "text"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _shape(value: Any) -> str:
    if not isinstance(value, list):
        return kind_of(value)
    if value and all(isinstance(r, list) for r in value):
        widths = sorted({len(r) for r in value})
        return f"{len(value)} rows of {'/'.join(map(str, widths))}"
    return f"a list of {len(value)}"
