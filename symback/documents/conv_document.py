"""The layer-level section of a convolutional network's worked solution: ∂L/∂K, ∂L/∂X, ∂L/∂b as arrays.

:func:`build_conv_section` prints the identities of :mod:`symback.engine.conv_identities` with their
shapes, the arrays substituted (one line per output/input channel pair) and whether every entry
equals the neuron-level gradient. 1-D arrays print as one-row matrices, 2-D ones as matrices.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from symback.documents.notation import Entries, Layered, Partial
from symback.documents.printing import latex
from symback.documents.tex import Tex, format_number
from symback.engine.conv_spec import ConvNetworkSpec, PoolLayer

if TYPE_CHECKING:
    import numpy

    from symback.engine.conv_identities import ConvLayerIdentities
    from symback.engine.solution import Solution


PADDED, DILATED = Tex(r"\tilde X"), Tex(r"\hat\delta")  #: the padded input, the dilated delta
DELTA = Tex(r"\delta = \partial L / \partial Z")          #: what delta stands for here
STAR, TEXT_SUM_I = r" \star ", Tex(r"\textstyle\sum_{i}")  #: correlation; the sum over positions


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
    legend = ((PADDED, t["conv.padded"]), (Tex(r"\star"), t["conv.correlation"]), (DELTA, t["conv.delta"]),
              (DILATED, t["conv.dilated"]), (Tex("*"), t["conv.full"]))
    return ConvSection(legend, layers, t["conv.pooling"] if pools else "", all(layer.agrees for layer in layers))


def _layer(ids: ConvLayerIdentities, t: Mapping[str, str], digits: int, m: int) -> ConvLayerSection:
    from symback.engine.conv_identities import dilate, pad, rot180  # lazy: start-up time (NumPy)

    layer, l = ids.spec, ids.layer
    dims = len(layer.kernel)
    size = "x".join

    def shape(dims_: tuple[int, ...]) -> Tex:
        return Tex(r" \times ".join(map(str, dims_)))

    def arr(a: numpy.ndarray) -> Tex:
        return latex(Entries(tuple(map(tuple, a.reshape(1, -1) if a.ndim == 1 else a)), digits))

    heading = t["conv.layer"].format(layer=l, kind=f"conv{dims}d", inputs=layer.in_channels, outputs=layer.out_channels,
                                     kernel=size(map(str, layer.kernel)), stride=_uniform(layer.stride),
                                     padding=_uniform(layer.padding))
    padded = tuple(n + 2 * p for n, p in zip(layer.shape_in[1:], layer.padding))
    shapes = ((PADDED, shape((layer.in_channels,) + padded)),
              (Tex("K"), shape((layer.out_channels, layer.in_channels) + layer.kernel)),
              (Tex("b"), shape((layer.out_channels,))),
              (DELTA, shape(layer.shape_out)))
    single = m == 1
    K = ids.kernel
    kernel_lines, input_lines = [], []
    for o in range(layer.out_channels):
        for c in range(layer.in_channels):
            lhs = latex(Partial("L", Layered("K", index=(o + 1, c + 1))))
            if single:  # dL/dK = X~ * delta^ (correlation), with the arrays
                correlation = STAR.join((latex(Layered(PADDED, index=c + 1)), latex(Layered(DILATED, index=o + 1))))
                arrays = STAR.join((arr(ids.padded[0][c]), arr(dilate(ids.delta[0][o], layer.stride))))
                kernel_lines.append(Tex(" = ".join((lhs, correlation, arrays, arr(ids.grad_kernel[o, c])))))
            else:
                kernel_lines.append(Tex(" = ".join((lhs, arr(ids.grad_kernel[o, c])))))
    for c in range(layer.in_channels):
        if single:  # dL/dX~ = sum over outputs of pad(delta^) * rot180(K), with the arrays
            terms = " + ".join(STAR.join((arr(pad(dilate(ids.delta[0][o], layer.stride), tuple(k - 1 for k in layer.kernel))),
                                          arr(rot180(K[o, c])))) for o in range(layer.out_channels))
            line = " = ".join((latex(Partial("L", Layered(PADDED, index=c + 1))), terms, arr(ids.grad_padded[0][c])))
            if any(layer.padding):
                line = r",\quad ".join((line, " = ".join((latex(Partial("L", Layered("X", index=c + 1))),
                                                           arr(ids.grad_input[0][c])))))
            input_lines.append(Tex(line))
        else:
            first = Layered("X", index=c + 1, sample=1)  # the first sample's channel c
            input_lines.append(Tex(" = ".join((latex(Partial("L", first)), arr(ids.grad_input[0][c])))))
    bias_lines = tuple(Tex(" = ".join((latex(Partial("L", Layered("b", index=o + 1))),
                                       " ".join((TEXT_SUM_I, latex(Layered("delta", index=(o + 1, "i"))))),
                                       format_number(v, digits))))
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
