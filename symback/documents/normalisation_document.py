"""Batch and layer normalisation at layer level: the textbook identity of the backward pass, entry by entry.

For each normalisation layer of a layers-list network the section writes, per group (a feature over the
batch, or a sample over its features), the identity

    ∂L/∂x_i = 1 / (N σ) · (N g_i − Σ_k g_k − x̂_i Σ_k g_k x̂_k),   g_k = γ_k ∂L/∂y_k,   σ = √(var + ε)

(in batch normalisation γ is one number per group: the textbook's γ/(N σ) (N ∂L/∂y_i − ...))

with the group's numbers substituted, and says whether every entry equals the neuron-level gradient of the
backward pass above (:meth:`symback.engine.layers.batchnorm.Normalisation.identity` computes both).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symback.documents.breaking import Equation, aligned_lines
from symback.documents.notation import Bracketed, Fraction, Partial, dotted
from symback.documents.printing import latex
from symback.documents.tex import Tex, format_number, wrap
from symback.engine.layers import LayersSpec
from symback.engine.layers.base import Place
from symback.engine.layers.batchnorm import IdentityEntry

if TYPE_CHECKING:
    from symback.engine.solution import Solution

#: the identity in general form: the group's size N, σ, and g_k = γ_k ∂L/∂y_k (γ is one number per group in batch
#: normalisation, so it comes out of the bracket there: the textbook's γ/(Nσ) (N ∂L/∂y_i − ...))
IDENTITY = Tex(r"\frac{\partial L}{\partial x_i} = \frac{1}{N \sigma}\left(N g_i - \sum_k g_k - \hat{x}_i \sum_k g_k \hat{x}_k\right),"
               r" \quad g_k = \gamma_k \frac{\partial L}{\partial y_k}, \quad \sigma = \sqrt{\mathrm{var} + \varepsilon}")
AGREE = sp.Float("1e-30")  #: relative difference below which an entry equals the neuron level's


@dataclass(frozen=True)
class NormLayerSection:
    """One normalisation layer: heading, the identity's lines with numbers, and the check against the neuron level."""

    heading: str
    lines: tuple[Tex, ...]
    check: str
    agrees: bool


@dataclass(frozen=True)
class NormSection:
    """Every normalisation layer of a network, with the identity in general form."""

    identity: Tex
    layers: tuple[NormLayerSection, ...]


def build_norm_section(solution: "Solution", t: Mapping[str, str], digits: int) -> NormSection | None:
    """The layer-level section of the batch and layer normalisations of a layers-list network (None without any)."""
    net = solution.spec.network
    if not isinstance(net, LayersSpec):
        return None
    m = len(net.x)
    suffixes = tuple("" if m == 1 else f"_s{s + 1}" for s in range(m))
    layers = []
    for l, layer in enumerate(net.layers, 1):
        if layer.kind not in ("batchnorm", "layernorm"):
            continue
        place = Place(l, suffixes, None, last=l == len(net.layers))
        rows = layer.identity(place, solution.graph, solution.values, solution.gradients)
        agrees = all(abs(e.value - e.neuron) <= AGREE * max(abs(e.neuron), 1) for e in rows)
        lines = aligned_lines(_line(entry, digits) for entry in rows)
        check = t["norm.agrees" if agrees else "norm.differs"].format(count=len(rows))
        layers.append(NormLayerSection(t[f"norm.{layer.kind}"].format(layer=l, count=len(rows) // len(suffixes) if
                                                                        layer.kind == "batchnorm" else m), lines, check, agrees))
    return NormSection(IDENTITY, tuple(layers)) if layers else None


def _line(entry: IdentityEntry, digits: int) -> Equation:
    """∂L/∂x = 1/(N σ) (N g_i − Σ g − x̂_i Σ g x̂) with the group's numbers = the value."""
    show = lambda v: format_number(v, digits)  # noqa: E731
    scale = latex(Fraction(1, Tex(dotted(str(entry.size), show(entry.sigma)))))
    inner = " - ".join((dotted(str(entry.size), wrap(show(entry.g))), wrap(show(entry.total)),
                        dotted(wrap(show(entry.xh)), wrap(show(entry.weighted)))))
    return Equation(latex(Partial("L", entry.name)), (Tex(scale + latex(Bracketed(Tex(inner)))), Tex(show(entry.value))))
