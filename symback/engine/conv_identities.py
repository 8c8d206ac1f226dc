"""The layer-level identities of a convolution, computed exactly and checked against the neuron level.

For conv layer l with padded input X̃ (C × n), kernel K (O × C × k), stride s and δ = ∂L/∂Z (O × n')
(δ̂: δ with s − 1 zeros between entries, "dilated"):

* ∂L/∂K[o, c] = X̃[c] ⋆ δ̂[o]                          (cross-correlation of the input with the upstream gradient)
* ∂L/∂X̃[c]   = Σ_o δ̂[o] * K[o, c] = Σ_o pad(δ̂[o], k − 1) ⋆ rot180(K[o, c])   (full convolution)
* ∂L/∂X      = ∂L/∂X̃ without its padding border,   ∂L/∂b[o] = Σ δ[o]

summed over the samples of a minibatch. :func:`conv_identities` evaluates each with the exact numbers of
a solved graph and compares every entry with the gradients the neuron-level backward pass found.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Mapping

import numpy
import sympy as sp

from symback.engine.conv_names import channel_bias_name, channel_input_name, kernel_name, map_name
from symback.engine.conv_spec import ConvLayer, ConvNetworkSpec, PoolLayer
from symback.engine.names import sample_suffix


@dataclass(frozen=True)
class ConvLayerIdentities:
    """One conv layer's arrays (object arrays of exact numbers) at layer level and at neuron level."""

    layer: int
    spec: ConvLayer
    padded: tuple[numpy.ndarray, ...]   #: X̃ per sample (C, *padded)
    delta: tuple[numpy.ndarray, ...]    #: δ = ∂L/∂Z per sample (O, *out)
    kernel: numpy.ndarray               #: K (O, C, *k)
    grad_kernel: numpy.ndarray          #: X̃ ⋆ δ̂, summed over samples
    grad_padded: tuple[numpy.ndarray, ...]  #: Σ_o δ̂ * K per sample (C, *padded)
    grad_input: tuple[numpy.ndarray, ...]   #: the same without the padding border (C, *in)
    grad_bias: tuple[sp.Expr, ...]      #: Σ δ[o]; () without a bias
    neuron_kernel: numpy.ndarray
    neuron_input: tuple[numpy.ndarray, ...]
    neuron_bias: tuple[sp.Expr, ...]

    @property
    def checked(self) -> int:
        """How many entries were compared."""
        return self.grad_kernel.size + sum(g.size for g in self.grad_input) + len(self.grad_bias)

    @property
    def agrees(self) -> bool:
        """Every layer-level entry equals the neuron-level gradient (exactly, or to 40 digits)."""
        pairs = list(zip(self.grad_kernel.flat, self.neuron_kernel.flat)) + list(zip(self.grad_bias, self.neuron_bias))
        for a, b in zip(self.grad_input, self.neuron_input):
            pairs += list(zip(a.flat, b.flat))
        return all(abs(sp.N(x - y, 60)) <= sp.Float("1e-40") * (1 + abs(sp.N(y, 60))) for x, y in pairs)


def correlate(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    """``a ⋆ b`` (valid cross-correlation, stride 1) of two object arrays of the same rank."""
    out_shape = tuple(n - k + 1 for n, k in zip(a.shape, b.shape))
    out = numpy.empty(out_shape, dtype=object)
    for idx in product(*map(range, out_shape)):
        out[idx] = sp.Add(*(a[tuple(i + o for i, o in zip(idx, off))] * b[off] for off in product(*map(range, b.shape))))
    return out


def dilate(a: numpy.ndarray, stride: tuple[int, ...]) -> numpy.ndarray:
    """``a`` with ``s − 1`` zeros between neighbouring entries along each axis."""
    shape = tuple((n - 1) * s + 1 for n, s in zip(a.shape, stride))
    out = numpy.full(shape, sp.S.Zero, dtype=object)
    out[tuple(slice(None, None, s) for s in stride)] = a
    return out


def pad(a: numpy.ndarray, width: tuple[int, ...]) -> numpy.ndarray:
    """``a`` with ``width`` zeros on both sides of each axis."""
    return numpy.pad(a, [(w, w) for w in width], constant_values=sp.S.Zero)


def rot180(a: numpy.ndarray) -> numpy.ndarray:
    """``a`` rotated by 180° (every axis reversed)."""
    return a[tuple(slice(None, None, -1) for _ in a.shape)]


def output_names(l: int, layer, suffix: str) -> numpy.ndarray:
    """The node names of layer l's output (shape ``layer.shape_out``) in a convolutional network."""
    stem = "p" if isinstance(layer, PoolLayer) else ("z" if layer.activation == "identity" else "a")
    names = [map_name(stem, l, c, tuple(idx), suffix) for c, *idx in product(*map(range, layer.shape_out))]
    return numpy.array(names, dtype=object).reshape(layer.shape_out)


def conv_identities(net: ConvNetworkSpec, values: Mapping[str, sp.Expr], gradients: Mapping[str, sp.Expr]) -> tuple[ConvLayerIdentities, ...]:
    """The identities of every conv layer of ``net`` at a solved point (``values``, ``gradients`` by name)."""
    m = len(net.x)
    result = []
    for l, layer in enumerate(net.layers, 1):
        if not isinstance(layer, ConvLayer):
            continue
        offsets = list(product(*map(range, layer.kernel)))
        kernel = numpy.array([values[kernel_name(l, o, c, off)] for o in range(layer.out_channels)
                              for c in range(layer.in_channels) for off in offsets], dtype=object).reshape(
            (layer.out_channels, layer.in_channels) + layer.kernel)
        neuron_kernel = numpy.vectorize(lambda n: gradients[n], otypes=[object])(numpy.array(
            [kernel_name(l, o, c, off) for o in range(layer.out_channels) for c in range(layer.in_channels) for off in offsets],
            dtype=object).reshape(kernel.shape))
        padded, deltas, grads_padded, grads_input, neuron_input = [], [], [], [], []
        grad_kernel = numpy.full(kernel.shape, sp.S.Zero, dtype=object)
        for s in range(m):
            suf = sample_suffix(m, s)
            names = _input_names(net, l, suf)
            x = pad(numpy.vectorize(lambda n: values[n], otypes=[object])(names), (0,) + layer.padding)
            z_names = numpy.array([map_name("z", l, o, tuple(i), suf) for o, *i in product(*map(range, layer.shape_out))],
                                  dtype=object).reshape(layer.shape_out)
            delta = numpy.vectorize(lambda n: gradients[n], otypes=[object])(z_names)
            wide = [dilate(delta[o], layer.stride) for o in range(layer.out_channels)]
            for o, c in product(range(layer.out_channels), range(layer.in_channels)):
                grad_kernel[o, c] = grad_kernel[o, c] + correlate(x[c], wide[o])
            full = numpy.array([sum((correlate(pad(wide[o], tuple(k - 1 for k in layer.kernel)), rot180(kernel[o, c]))
                                     for o in range(layer.out_channels)), numpy.full(x.shape[1:], sp.S.Zero, dtype=object))
                                for c in range(layer.in_channels)], dtype=object).reshape(x.shape)
            crop = (slice(None),) + tuple(slice(p, p + n) for p, n in zip(layer.padding, layer.shape_in[1:]))
            padded.append(x)
            deltas.append(delta)
            grads_padded.append(full)
            grads_input.append(full[crop])
            neuron_input.append(numpy.vectorize(lambda n: gradients.get(n, sp.S.Zero), otypes=[object])(names))
        grad_bias = tuple(sp.Add(*(d[o].sum() for d in deltas)) for o in range(layer.out_channels)) if layer.bias else ()
        neuron_bias = tuple(gradients[channel_bias_name(l, o)] for o in range(layer.out_channels)) if layer.bias else ()
        result.append(ConvLayerIdentities(l, layer, tuple(padded), tuple(deltas), kernel, grad_kernel, tuple(grads_padded),
                                          tuple(grads_input), grad_bias, neuron_kernel, tuple(neuron_input), neuron_bias))
    return tuple(result)


def _input_names(net: ConvNetworkSpec, l: int, suffix: str) -> numpy.ndarray:
    """The names feeding layer l: the network's inputs for the first layer, else the previous layer's outputs."""
    if l == 1:
        names = [channel_input_name(c, tuple(idx), suffix) for c, *idx in product(*map(range, net.input_shape))]
        return numpy.array(names, dtype=object).reshape(net.input_shape)
    return output_names(l - 1, net.layers[l - 2], suffix)
