"""The layer-level section of a convolutional network's worked solution: ∂L/∂K, ∂L/∂X, ∂L/∂b as arrays.

:func:`build_conv_section` prints the identities of :mod:`symback.engine.conv_identities` with their
shapes, the arrays substituted (one line per output/input channel pair) and whether every entry
equals the neuron-level gradient. 1-D arrays print as one-row matrices, 2-D ones as matrices.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from symback.documents.tex import Tex, bmatrix, format_number
from symback.engine.conv_spec import ConvNetworkSpec, PoolLayer

if TYPE_CHECKING:
    import numpy

    from symback.engine.conv_identities import ConvLayerIdentities
    from symback.engine.solution import Solution


@dataclass(frozen=True)
class ConvIdentityLines:
    """One identity: its sentence, the general formula with shapes, the substituted lines."""

    text: str
    formula: Tex
    lines: tuple[Tex, ...]


@dataclass(frozen=True)
class ConvLayerSection:
    """One conv layer: heading, shapes, the three identities and the check."""

    heading: str
    shapes: tuple[tuple[Tex, Tex], ...]
    identities: tuple[ConvIdentityLines, ...]
    check: str
    agrees: bool


@dataclass(frozen=True)
class ConvSection:
    """Every conv layer's identities, and the pooling sentence when the network pools."""

    legend: tuple[tuple[Tex, str], ...]   #: (symbol, what it means)
    layers: tuple[ConvLayerSection, ...]
    pooling: str
    agrees: bool


def build_conv_section(solution: "Solution", t: Mapping[str, str], digits: int) -> ConvSection | None:
    """The layer-level convolution section of a solved convolutional network (None for other problems)."""
    net = solution.spec.network
    if not isinstance(net, ConvNetworkSpec):
        return None
    from symback.engine.conv_identities import conv_identities  # lazy: start-up time (NumPy; conv specs only)

    layers = tuple(_layer(ids, t, digits, len(net.x)) for ids in conv_identities(net, solution.values, solution.gradients))
    pools = any(isinstance(layer, PoolLayer) for layer in net.layers)
    legend = ((Tex(r"\tilde X"), t["conv.padded"]), (Tex(r"\star"), t["conv.correlation"]),
              (Tex(r"\delta = \partial L / \partial Z"), t["conv.delta"]), (Tex(r"\hat\delta"), t["conv.dilated"]),
              (Tex("*"), t["conv.full"]))
    return ConvSection(legend, layers, t["conv.pooling"] if pools else "", all(layer.agrees for layer in layers))


def _layer(ids: ConvLayerIdentities, t: Mapping[str, str], digits: int, m: int) -> ConvLayerSection:
    from symback.engine.conv_identities import dilate, pad, rot180  # lazy: start-up time (NumPy)

    layer, l = ids.spec, ids.layer
    dims = len(layer.kernel)
    size = "x".join

    def shape(dims_: tuple[int, ...]) -> Tex:
        return Tex(r" \times ".join(map(str, dims_)))

    def arr(a: numpy.ndarray) -> Tex:
        rows = a.reshape(1, -1) if a.ndim == 1 else a
        return bmatrix([[format_number(v, digits) for v in row] for row in rows])

    heading = t["conv.layer"].format(layer=l, kind=f"conv{dims}d", inputs=layer.in_channels, outputs=layer.out_channels,
                                     kernel=size(map(str, layer.kernel)), stride=_uniform(layer.stride),
                                     padding=_uniform(layer.padding))
    padded = tuple(n + 2 * p for n, p in zip(layer.shape_in[1:], layer.padding))
    shapes = ((Tex(r"\tilde X"), shape((layer.in_channels,) + padded)),
              (Tex("K"), shape((layer.out_channels, layer.in_channels) + layer.kernel)),
              (Tex("b"), shape((layer.out_channels,))),
              (Tex(r"\delta = \partial L / \partial Z"), shape(layer.shape_out)))
    single = m == 1
    K = ids.kernel
    kernel_lines, input_lines = [], []
    for o in range(layer.out_channels):
        for c in range(layer.in_channels):
            lhs = rf"\frac{{\partial L}}{{\partial K_{{{o + 1},{c + 1}}}}}"
            if single:
                kernel_lines.append(Tex(rf"{lhs} = \tilde X_{{{c + 1}}} \star \hat\delta_{{{o + 1}}} = "
                                        rf"{arr(ids.padded[0][c])} \star {arr(dilate(ids.delta[0][o], layer.stride))} = {arr(ids.grad_kernel[o, c])}"))
            else:
                kernel_lines.append(Tex(rf"{lhs} = {arr(ids.grad_kernel[o, c])}"))
    for c in range(layer.in_channels):
        lhs = rf"\frac{{\partial L}}{{\partial \tilde X_{{{c + 1}}}}}"
        if single:
            terms = " + ".join(rf"{arr(pad(dilate(ids.delta[0][o], layer.stride), tuple(k - 1 for k in layer.kernel)))} \star "
                               rf"{arr(rot180(K[o, c]))}" for o in range(layer.out_channels))
            line = rf"{lhs} = {terms} = {arr(ids.grad_padded[0][c])}"
            if any(layer.padding):
                line += rf",\quad \frac{{\partial L}}{{\partial X_{{{c + 1}}}}} = {arr(ids.grad_input[0][c])}"
            input_lines.append(Tex(line))
        else:
            input_lines.append(Tex(rf"\frac{{\partial L}}{{\partial X_{{{c + 1}}}^{{[1]}}}} = {arr(ids.grad_input[0][c])}"))
    bias_lines = tuple(Tex(rf"\frac{{\partial L}}{{\partial b_{{{o + 1}}}}} = \textstyle\sum_{{i}} \delta_{{{o + 1},i}} = {format_number(v, digits)}")
                       for o, v in enumerate(ids.grad_bias))
    batch = "" if single else " " + t["conv.batch"].format(count=m)
    identities = (
        ConvIdentityLines(t["conv.kernel"] + batch, Tex(r"\frac{\partial L}{\partial K_{o,c}} = \tilde X_c \star \hat\delta_o"), tuple(kernel_lines)),
        ConvIdentityLines(t["conv.input"], Tex(r"\frac{\partial L}{\partial \tilde X_c} = \sum_o \hat\delta_o * K_{o,c}"
                                               r" = \sum_o \operatorname{pad}(\hat\delta_o) \star \operatorname{rot180}(K_{o,c})"), tuple(input_lines)),
    )
    if layer.bias:
        identities += (ConvIdentityLines(t["conv.bias"] + batch, Tex(r"\frac{\partial L}{\partial b_o} = \sum_{i} \delta_{o,i}"), bias_lines),)
    check = t["conv.agrees" if ids.agrees else "conv.differs"].format(count=ids.checked)
    return ConvLayerSection(heading, shapes, identities, check, ids.agrees)


def _uniform(values: tuple[int, ...]) -> str:
    """``1`` for (1, 1), ``1x2`` otherwise."""
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))
