"""Reading a ``[network]`` whose ``layers`` list is in ``nn.Sequential`` order into a :class:`LayersSpec`.

:func:`read_layers` is called by the spec reader's network part with the reader itself (its ``fail``,
``keys``, ``number``, ``samples`` and ``array``); each entry is read by its registered layer kind.
"""
from __future__ import annotations

from typing import Any, Mapping

import sympy as sp

from symback.engine import limits
from symback.engine.activations import ACTIVATIONS
from symback.engine.errors import did_you_mean
from symback.engine.layers.activation import ActivationLayer
from symback.engine.layers.base import LAYER_KINDS, Layer, Shape
from symback.engine.layers.sequence import is_sequence, is_sequence_input, per_step, per_step_entry, read_input
from symback.engine.layers.spec import LayersSpec
from symback.engine.losses import LOSSES

KEYS = ("layers", "loss", "values")


def is_layers_list(layers: Any) -> bool:
    """True for the ``nn.Sequential`` form: an input width (or ``{ sequence = [T, D] }``), then entries that are
    not all numbers."""
    return (isinstance(layers, list) and len(layers) >= 2 and (type(layers[0]) is int or is_sequence_input(layers[0]))
            and any(type(entry) is not int for entry in layers[1:]))


def read_layers(reader, net: Mapping, weight_decay: sp.Rational | None) -> LayersSpec:
    """The network of a ``layers`` list of named entries (``{ dense = 4 }``, ``"relu"``, ``{ batchnorm = {} }``)."""
    for key in net:
        if key not in KEYS:
            fix = "name each activation in the layers list, e.g. \"relu\"" if key == "activation" else \
                "write { dense = { out = N, bias = false } } for a layer without biases" if key == "bias" else \
                (did_you_mean(key, KEYS) or "remove it")
            raise reader.fail(f"network.{key}", "not a key of a network in layers-list form", fix)
    raw = net["layers"]
    if is_sequence_input(raw[0]):
        shape: Shape = read_input(reader, raw[0])
    elif not 1 <= raw[0] <= 4096:
        raise reader.fail("network.layers[0]", f"{raw[0]} inputs", "give an input width from 1 to 4096")
    else:
        shape = (raw[0],)
    input_shape = shape
    layers: list[Layer] = []
    for i, entry in enumerate(raw[1:], 1):
        layer = _entry(reader, f"network.layers[{i}]", entry, shape)
        layers.append(layer)
        shape = layer.shape_out
    loss = net["loss"]
    if not isinstance(loss, str) or loss not in LOSSES:
        raise reader.fail("network.loss", f"unknown loss {loss!r}", did_you_mean(str(loss), LOSSES))
    values = net["values"]
    if not isinstance(values, Mapping):
        raise reader.fail("network.values", "expected a table", "write [network.values] with x, t, W1, ...")
    return _values(reader, values, input_shape, tuple(layers), loss, weight_decay)


def _entry(reader, key: str, entry: Any, shape: Shape) -> Layer:
    if per_step_entry(entry, shape):
        return per_step(reader, key, _entry(reader, key, entry, (shape[1],)), shape)
    kinds = [*LAYER_KINDS, *sorted(ACTIVATIONS)]
    if isinstance(entry, str) and entry in LAYER_KINDS:
        return LAYER_KINDS[entry].read(reader, key, {}, shape)
    if isinstance(entry, str):
        if entry not in ACTIVATIONS:
            raise reader.fail(key, f"unknown layer {entry!r}", did_you_mean(entry, kinds) or
                              "name an activation (e.g. \"relu\") or write a table such as { dense = 4 }")
        if len(shape) != 1:
            raise reader.fail(key, f"{entry} after an output of shape {'x'.join(map(str, shape))}", 'put "flatten" before it')
        return ActivationLayer(entry, shape)
    if type(entry) is int:
        raise reader.fail(key, f"a bare number ({entry}) after the input", f"write {{ dense = {entry} }} for a dense layer")
    if not (isinstance(entry, Mapping) and len(entry) == 1):
        raise reader.fail(key, f"unknown layer {entry!r}", "write one kind per entry: " +
                          "; ".join(kind.summary for kind in LAYER_KINDS.values()) + "; or an activation name")
    (name, options), = entry.items()
    if name not in LAYER_KINDS:
        raise reader.fail(key, f"unknown layer kind {name!r}", did_you_mean(name, kinds) or "use one of: " + ", ".join(LAYER_KINDS))
    return LAYER_KINDS[name].read(reader, f"{key}.{name}", options, shape)


def _values(reader, values: Mapping, input_shape: Shape, layers: tuple[Layer, ...], loss: str,
            weight_decay: sp.Rational | None) -> LayersSpec:
    shapes = {k: s for l, layer in enumerate(layers, 1) for k, s in layer.value_shapes(l).items()}
    optional = {k: v for l, layer in enumerate(layers, 1) for k, v in layer.optional_values(l).items()}
    allowed = ["x", "t", *shapes]
    for key in values:
        if key not in allowed:
            raise reader.fail(f"network.values.{key}", "unknown key", did_you_mean(key, allowed) or "remove it")
    for key in allowed:
        if key not in values and key not in optional:
            wanted = "x".join(map(str, shapes[key])) if key in shapes else "the samples"
            raise reader.fail(f"network.values.{key}", "missing", f"give {key} with shape {wanted}")
    x = _samples(reader, values["x"], input_shape, "network.values.x")
    t = _samples(reader, values["t"], layers[-1].shape_out, "network.values.t")
    if len(t) != len(x):
        raise reader.fail("network.values.t", f"{len(t)} target rows for {len(x)} samples", "give one target per sample")
    if LOSSES[loss].one_hot:
        width = layers[-1].shape_out[-1]
        for i, row in enumerate(r[k:k + width] for r in t for k in range(0, len(r), width)):
            if sorted(row) != [0] * (len(row) - 1) + [1]:
                raise reader.fail(f"network.values.t[{i}]", f"{loss} takes one-hot targets, got {[str(v) for v in row]}",
                                  "write 1 at the true class and 0 elsewhere, e.g. t = [0, 1, 0]")
    for l, layer in enumerate(layers, 1):
        layer.check_samples(reader, f"network.layers[{l}].{layer.kind}", len(x))
    read = tuple((k, reader.array(values[k], s, f"network.values.{k}") if k in values else optional[k])
                 for k, s in shapes.items())
    return LayersSpec(input_shape, layers, loss, x, t, read, weight_decay)


def _samples(reader, value: Any, shape: Shape, key: str):
    """x or t: one flat row per sample; a sequence's sample is a ``[T][D]`` list (a list of them for a batch)."""
    if not is_sequence(shape):
        return reader.samples(value, shape[0], key)
    rows = value if isinstance(value, list) and value and all(isinstance(v, list) and v and isinstance(v[0], list)
                                                              for v in value) else [value]
    if len(rows) > limits.current().samples:
        over = limits.refuse("samples", key, len(rows))
        raise reader.fail(key, over.message, over.fix)
    return tuple(reader.array(row, tuple(shape), f"{key}[{i}]" if len(rows) > 1 else key) for i, row in enumerate(rows))
