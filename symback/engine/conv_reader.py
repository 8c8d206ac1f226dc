"""Reading the convolutional layers of a ``[network]`` table into a :class:`~symback.engine.conv_spec.ConvNetworkSpec`.

:class:`ConvTables` is a part of the spec reader (a mixin, like
:class:`symback.engine.network_reader.NetworkTables`); the layer kinds are documented in
:mod:`symback.engine.conv_spec`.
"""
from __future__ import annotations

from math import prod
from typing import Mapping

import sympy as sp
from symback.engine.conv_spec import (CONV_KEYS, CONV_KINDS, POOL_KEYS, POOL_KINDS, ConvLayer, ConvNetworkSpec, DenseLayer,
                                      FlattenLayer, ConvNetLayer, PoolLayer, Shape, depth, describe, shape_of, shape_text,
                                      value_shapes)
from symback.engine.errors import did_you_mean
from symback.engine.losses import LOSSES
from symback.engine.activations import ACTIVATIONS
from symback.engine.spec import BIAS_MODES


class ConvTables:
    """The convolutional part of the spec reader (a mixin beside ``NetworkTables``: uses ``fail``, ``number``)."""

    def conv_network(self, net: Mapping, activations_of) -> ConvNetworkSpec:
        """Read a convolutional ``[network]`` (``activations_of(value, count)`` reads network.activation)."""
        raw = net["layers"]
        shape = self._input_shape(raw[0])
        entries = raw[1:]
        if not entries:
            raise self.fail("network.layers", "no layers after the input shape", 'add e.g. { conv1d = { out = 1, kernel = 3 } }, "flatten"')
        dense_count = sum(1 for e in entries if type(e) is int)
        dense_acts = iter(activations_of(net.get("activation", "sigmoid"), dense_count) if dense_count else ())
        bias = net.get("bias", "neuron")
        if bias not in BIAS_MODES:
            raise self.fail("network.bias", f"unknown bias mode {bias!r}", did_you_mean(str(bias), BIAS_MODES))
        layers: list[ConvNetLayer] = []
        for l, entry in enumerate(entries, 1):
            layer = self._layer(l, entry, shape, dense_acts, bias)
            layers.append(layer)
            shape = layer.shape_out
        if len(shape) != 1:
            raise self.fail("network.layers", f"the last layer's output has shape {shape_text(shape)}, not a vector",
                            'end with "flatten" (and dense layers, if any)')
        loss = net["loss"]
        if loss not in LOSSES:
            raise self.fail("network.loss", f"unknown loss {loss!r}", did_you_mean(str(loss), LOSSES))
        values = net["values"]
        if not isinstance(values, Mapping):
            raise self.fail("network.values", "expected a table", "write [network.values] with x, t, K1, ...")
        return self._conv_values(values, tuple(layers), loss)

    def _input_shape(self, first) -> Shape:
        if not (isinstance(first, list) and len(first) in (2, 3) and all(type(n) is int and 1 <= n <= 256 for n in first)):
            raise self.fail("network.layers[0]", f"expected the input shape, got {first!r}",
                            "start with [channels, length] (1-D) or [channels, height, width] (2-D), e.g. [1, 4, 4]")
        return tuple(first)

    def _layer(self, l: int, entry, shape: Shape, dense_acts, bias: str) -> ConvNetLayer:
        key = f"network.layers[{l}]"
        if type(entry) is int:
            if len(shape) != 1:
                raise self.fail(key, f"a dense layer after an output of shape {shape_text(shape)}", 'put "flatten" before it')
            if not 1 <= entry <= 4096:
                raise self.fail(key, f"{entry} neurons", "give 1 to 4096 neurons")
            return DenseLayer(entry, next(dense_acts), bias, shape, (entry,))
        if entry == "flatten":
            return FlattenLayer(shape, (prod(shape),))
        if not (isinstance(entry, Mapping) and len(entry) == 1):
            raise self.fail(key, f"unknown layer {entry!r}",
                            'write a number (dense), "flatten", { conv1d = {...} }, { conv2d = {...} }, { maxpool = {...} } or { avgpool = {...} }')
        (kind, options), = entry.items()
        if kind not in CONV_KINDS + POOL_KINDS:
            raise self.fail(key, f"unknown layer kind {kind!r}", did_you_mean(kind, CONV_KINDS + POOL_KINDS + ("flatten",)))
        if not isinstance(options, Mapping):
            raise self.fail(f"{key}.{kind}", "expected a table", f"write {{ {kind} = {{ ... }} }}")
        key = f"{key}.{kind}"
        if len(shape) == 1:
            raise self.fail(key, f"{kind} after a flat output of shape {shape[0]}", "put convolutions and pooling before \"flatten\"")
        self.keys(options, CONV_KEYS if kind in CONV_KINDS else POOL_KEYS, key)
        if kind in CONV_KINDS:
            return self._conv(key, kind, options, shape)
        return self._pool(key, kind, options, shape)

    def _conv(self, key: str, kind: str, o: Mapping, shape: Shape) -> ConvLayer:
        dims = 1 if kind == "conv1d" else 2
        if len(shape) - 1 != dims:
            raise self.fail(key, f"{kind} needs a {dims}-D input, got shape {shape_text(shape)}",
                            f"use conv{len(shape) - 1}d, or an input shape of {dims + 1} numbers")
        for required in ("out", "kernel"):
            if required not in o:
                raise self.fail(f"{key}.{required}", "missing", f"add {required} = ..., e.g. {required} = 2")
        channels = shape[0]
        if "in" in o and o["in"] != channels:
            raise self.fail(f"{key}.in", f"in = {o['in']!r} but the layer's input {shape_text(shape)} has {channels} channels",
                            f"write in = {channels} (or leave it out)")
        out = self._count(o["out"], f"{key}.out", 1, 64)
        kernel = self._dims(o["kernel"], dims, f"{key}.kernel", 1)
        stride = self._dims(o.get("stride", 1), dims, f"{key}.stride", 1)
        padding = self._dims(o.get("padding", 0), dims, f"{key}.padding", 0)
        bias = o.get("bias", True)
        if not isinstance(bias, bool):
            raise self.fail(f"{key}.bias", "expected true or false", "write bias = true (one per output channel) or false")
        activation = o.get("activation", "identity")
        elementwise = [name for name, a in ACTIVATIONS.items() if not a.layerwise]  # a conv layer has no softmax
        if activation not in elementwise:
            raise self.fail(f"{key}.activation", f"unknown activation {activation!r}",
                            did_you_mean(str(activation), elementwise))
        spatial = self._slide(key, "kernel", shape, kernel, stride, padding)
        return ConvLayer(channels, out, kernel, stride, padding, bias, activation, shape, (out,) + spatial)

    def _pool(self, key: str, kind: str, o: Mapping, shape: Shape) -> PoolLayer:
        dims = len(shape) - 1
        if "size" not in o:
            raise self.fail(f"{key}.size", "missing", "add size = 2 (the window)")
        size = self._dims(o["size"], dims, f"{key}.size", 1)
        stride = self._dims(o.get("stride", o["size"]), dims, f"{key}.stride", 1)
        spatial = self._slide(key, "window", shape, size, stride, (0,) * dims)
        return PoolLayer(kind[:3], size, stride, shape, (shape[0],) + spatial)

    def _slide(self, key: str, what: str, shape: Shape, window: Shape, stride: Shape, padding: Shape) -> Shape:
        """Output positions of a window sliding over the padded input; errors name both shapes."""
        padded = tuple(n + 2 * p for n, p in zip(shape[1:], padding))
        uniform = str(padding[0]) if len(set(padding)) == 1 else shape_text(padding)
        pad_text = f" padded by {uniform} ({shape_text(padded)})" if any(padding) else ""
        if any(k > n for k, n in zip(window, padded)):
            more = ", or more padding" if what == "kernel" else " (or pool an earlier, larger layer)"
            raise self.fail(key, f"the {what} {shape_text(window)} is larger than its input {shape_text(shape[1:])}{pad_text}",
                            f"use a {what} of at most {shape_text(padded)}{more}")
        if any((n - k) % s for n, k, s in zip(padded, window, stride)):
            raise self.fail(key, f"stride {shape_text(stride)} does not divide the input {shape_text(padded)}{pad_text} minus the {what} {shape_text(window)}",
                            "choose a stride that divides (input + 2·padding − " + what + "), e.g. stride = 1")
        return tuple((n - k) // s + 1 for n, k, s in zip(padded, window, stride))

    def _count(self, value, key: str, low: int, high: int) -> int:
        if type(value) is not int or not low <= value <= high:
            raise self.fail(key, f"expected a whole number from {low} to {high}, got {value!r}", f"write e.g. {key.rsplit('.', 1)[-1]} = {max(low, 1)}")
        return value

    def _dims(self, value, dims: int, key: str, low: int) -> Shape:
        values = value if isinstance(value, list) else [value] * dims
        if len(values) != dims:
            raise self.fail(key, f"{len(values)} numbers for {dims} dimensions", f"give one number or {dims}")
        return tuple(self._count(v, key, low, 64) for v in values)

    def _conv_values(self, values: Mapping, layers: tuple[ConvNetLayer, ...], loss: str) -> ConvNetworkSpec:
        shapes = value_shapes(layers)
        allowed = ["x", "t"] + list(shapes)
        for key in values:
            if key not in allowed:
                raise self.fail(f"network.values.{key}", "unknown key", did_you_mean(key, allowed) or "remove it")
        for key in allowed:
            if key not in values:
                wanted = shape_text(shapes[key]) if key in shapes else "the samples"
                raise self.fail(f"network.values.{key}", "missing", f"give {key} with shape {wanted}")
        input_shape = layers[0].shape_in
        x = self._samples(values["x"], input_shape, "network.values.x")
        t = self._samples(values["t"], layers[-1].shape_out, "network.values.t")
        if len(t) != len(x):
            raise self.fail("network.values.t", f"{len(t)} target rows for {len(x)} samples", "give one target per sample")
        read = tuple((k, self.array(values[k], s, f"network.values.{k}")) for k, s in shapes.items())
        return ConvNetworkSpec(input_shape, layers, loss, x, t, read)

    def _samples(self, value, shape: Shape, key: str) -> tuple[tuple[sp.Rational, ...], ...]:
        """One sample (full shape, or without the channel axis when it is 1) or a list of samples."""
        levels = depth(value)
        if levels == len(shape) + 1:
            return tuple(self.array(v, shape, f"{key}[{i}]") for i, v in enumerate(value))
        if levels == len(shape) - 1 and shape[0] == 1:
            value = [value]
        return (self.array(value, shape, key),)

    def array(self, value, shape: Shape, key: str) -> tuple[sp.Rational, ...]:
        if not shape:
            return (self.number(value, key),)
        if shape_of(value) != shape:
            raise self.fail(key, f"expected shape {shape_text(shape)}, got {describe(value)}",
                            f"give nested lists of shape {shape_text(shape)}" + (" (out, in, kernel...)" if key.rsplit(".", 1)[-1].startswith("K") else ""))
        flat: list = []

        def walk(v, path):
            if isinstance(v, list):
                for i, w in enumerate(v):
                    walk(w, path + [i])
            else:
                flat.append(self.number(v, key + "".join(f"[{i}]" for i in path)))
        walk(value, [])
        return tuple(flat)


