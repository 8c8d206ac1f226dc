"""Convolutional network specs: the layer kinds of a ``[network]`` table beyond dense layers.

A ``[network]`` whose ``layers`` list holds anything but integers is a convolutional network
(:class:`ConvNetworkSpec`). The list starts with the **input shape** ``[channels, length]`` (1-D)
or ``[channels, height, width]`` (2-D), then one entry per layer::

    layers = [[1, 4, 4],
              { conv2d = { out = 1, kernel = 2, stride = 1, padding = 0 } },   # also: in, bias, activation
              { maxpool = { size = 2, stride = 1 } },                          # avgpool alike; stride = size by default
              "flatten",
              1]                                                               # dense layers as today

``conv1d`` / ``conv2d`` keys: ``out`` (output channels, required), ``kernel`` (required), ``in``
(checked against the input's channels), ``stride`` (1), ``padding`` (0, zeros on every side),
``bias`` (true: one per output channel), ``activation`` ("identity"). ``kernel``, ``stride``,
``padding`` and ``size`` are a number or one number per spatial dimension. Dense layers after a
convolution or pooling need ``"flatten"`` first; they take ``network.activation`` and
``network.bias`` as in dense networks. Layer l is the l-th entry after the input shape, so the
values are ``K<l>`` (kernel ``[out][in][kh][kw]``), ``b<l>`` (conv: one per output channel) and
``W<l>``/``b<l>`` (dense). Shapes that do not fit are one-line errors naming both shapes.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import prod

import sympy as sp

from symback.engine.conv_names import layer_parameter_names
from symback.engine.layers.base import Shape

CONV_KINDS = ("conv1d", "conv2d")
POOL_KINDS = ("maxpool", "avgpool")
CONV_KEYS = ("in", "out", "kernel", "stride", "padding", "bias", "activation")
POOL_KEYS = ("size", "stride")


@dataclass(frozen=True)
class ConvLayer:
    """A 1-D or 2-D cross-correlation (PyTorch's convolution) with zero padding and a bias per output channel."""

    in_channels: int
    out_channels: int
    kernel: Shape
    stride: Shape
    padding: Shape
    bias: bool
    activation: str
    shape_in: Shape     #: (channels, *spatial)
    shape_out: Shape
    kind: str = "conv"


@dataclass(frozen=True)
class PoolLayer:
    """Max or average pooling per channel over ``size`` windows moved by ``stride``."""

    mode: str           #: "max" or "avg"
    size: Shape
    stride: Shape
    shape_in: Shape
    shape_out: Shape
    kind: str = "pool"


@dataclass(frozen=True)
class FlattenLayer:
    """Row-major flattening (channel, then position), as ``torch.flatten``."""

    shape_in: Shape
    shape_out: Shape
    kind: str = "flatten"


@dataclass(frozen=True)
class DenseLayer:
    """A dense layer of ``size`` neurons after a flatten (or another dense layer)."""

    size: int
    activation: str
    bias: str           #: "none" | "neuron" | "shared"
    shape_in: Shape
    shape_out: Shape
    kind: str = "dense"


ConvNetLayer = ConvLayer | PoolLayer | FlattenLayer | DenseLayer


@dataclass(frozen=True)
class ConvNetworkSpec:
    """A convolutional network: input shape, layers, loss, samples and parameter values (exact).

    ``values`` maps ``K<l>``, ``b<l>``, ``W<l>`` to flat row-major tuples of the shapes in
    :meth:`value_shapes`; ``x`` holds one flat tuple per sample, ``t`` one tuple of targets.
    """

    input_shape: Shape
    layers: tuple[ConvNetLayer, ...]
    loss: str
    x: tuple[tuple[sp.Rational, ...], ...]
    t: tuple[tuple[sp.Rational, ...], ...]
    values: tuple[tuple[str, tuple[sp.Rational, ...]], ...]

    @property
    def value(self) -> dict[str, tuple[sp.Rational, ...]]:
        return dict(self.values)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Every parameter's name, layer by layer (see :mod:`symback.engine.conv_names`)."""
        return tuple(n for l, layer in enumerate(self.layers, 1) for n in layer_parameter_names(l, layer))

    @property
    def size(self) -> int:
        """The number of names the neuron-level graph has (checked before it is built)."""
        per_sample = prod(self.input_shape) + sum(prod(layer.shape_out) * (2 if getattr(layer, "activation", "identity") != "identity" else 1)
                                                  for layer in self.layers if layer.kind != "flatten")
        return len(self.x) * (per_sample + self.outputs + 1) + len(self.parameter_names) + 1

    @property
    def outputs(self) -> int:
        return prod(self.layers[-1].shape_out)


def value_shapes(layers: tuple[ConvNetLayer, ...]) -> dict[str, Shape]:
    """The shape of every value key (``K<l>``, ``b<l>``, ``W<l>``) of a layer list."""
    shapes: dict[str, Shape] = {}
    for l, layer in enumerate(layers, 1):
        if isinstance(layer, ConvLayer):
            shapes[f"K{l}"] = (layer.out_channels, layer.in_channels) + layer.kernel
            if layer.bias:
                shapes[f"b{l}"] = (layer.out_channels,)
        elif isinstance(layer, DenseLayer):
            shapes[f"W{l}"] = (layer.size, layer.shape_in[0])
            if layer.bias != "none":
                shapes[f"b{l}"] = () if layer.bias == "shared" else (layer.size,)
    return shapes


def is_conv_layers(layers) -> bool:
    """True when a ``network.layers`` list uses the convolutional form (anything but integers)."""
    return isinstance(layers, list) and any(type(n) is not int for n in layers)


def depth(value) -> int:
    return 1 + depth(value[0]) if isinstance(value, list) and value else (1 if isinstance(value, list) else 0)


def shape_of(value) -> Shape | None:
    if not isinstance(value, list):
        return ()
    inner = {shape_of(v) for v in value}
    if len(inner) != 1 or None in inner:
        return None if value else (0,)
    return (len(value),) + inner.pop()


def describe(value) -> str:
    shape = shape_of(value)
    return f"shape {shape_text(shape)}" if shape else ("ragged lists" if shape is None else "a number")


def shape_text(shape) -> str:
    return "x".join(map(str, shape))
