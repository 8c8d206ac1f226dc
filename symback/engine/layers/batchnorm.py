"""``{ batchnorm = { eps = 1e-5 } }``: batch normalisation in training mode, as ``torch.nn.BatchNorm1d``.

Per feature j, over the m samples of the batch (the mean and the variance are nodes over the batch, so
the samples are coupled)::

    mu<l>_<j>  = (1/m) Σ_s x_j,s                     the batch mean
    var<l>_<j> = (1/m) Σ_s (x_j,s − mu<l>_<j>)²      the biased batch variance
    xh<l>_<j>  = (x_j − mu<l>_<j>) / √(var<l>_<j> + ε)  the normalised value (per sample)
    n<l>_<j>   = gamma<l>_<j> · xh<l>_<j> + beta<l>_<j>   scale and shift (``y<j>`` in the output layer)

Values ``gamma<l>`` and ``beta<l>`` (one per feature; ones and zeros when left out, as PyTorch
initialises them). The batch needs at least 2 samples (PyTorch refuses one as well).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

import sympy as sp

from symback.engine.layers.base import (Batch, LayerReader, LevelContext, Place, Plain, Saved, Shape, options_table,
                                        positive_eps, register, vector_input)
from symback.engine.rule import Conventions

DEFAULT_EPS = sp.Rational(1, 100000)


@dataclass(frozen=True)
class IdentityEntry:
    """One entry of the textbook identity: the input's name, the group's pieces, the identity's value and the
    neuron level's ∂L/∂input (:meth:`Normalisation.identity`)."""

    name: str
    size: int                 #: N, the group's size
    sigma: sp.Expr            #: √(var + ε)
    g: sp.Expr                #: γ ∂L/∂out of this entry
    total: sp.Expr            #: Σ_k g_k
    xh: sp.Expr               #: x̂ of this entry
    weighted: sp.Expr         #: Σ_k g_k x̂_k
    value: sp.Expr            #: the identity's ∂L/∂input
    neuron: sp.Expr           #: the neuron level's ∂L/∂input


@dataclass(frozen=True)
class Normalisation(Plain):
    """Batch normalisation (over the samples, per feature) or layer normalisation (over the features, per sample)."""

    eps: sp.Rational
    shape_in: Shape
    kind: str = "batchnorm"
    stem: ClassVar[str] = "n"           #: its outputs' names: ``n<l>_<j>``

    @property
    def shape_out(self) -> Shape:
        return self.shape_in

    def value_shapes(self, l: int) -> dict[str, Shape]:
        return {f"gamma{l}": self.shape_in, f"beta{l}": self.shape_in}

    def optional_values(self, l: int) -> dict:
        n = self.shape_in[0]
        return {f"gamma{l}": (sp.S.One,) * n, f"beta{l}": (sp.S.Zero,) * n}

    def parameter_names(self, l: int) -> list[str]:
        n = self.shape_in[0]
        return [f"gamma{l}_{j}" for j in range(1, n + 1)] + [f"beta{l}_{j}" for j in range(1, n + 1)]

    def check_samples(self, reader: LayerReader, key: str, samples: int) -> None:
        if self.kind == "batchnorm" and samples < 2:
            raise reader.fail(key, "batch normalisation of a single sample (its variance is 0)",
                              "give a minibatch of at least 2 samples in x and t, or use layernorm")

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        l, gamma, beta = place.l, params[f"gamma{place.l}"], params[f"beta{place.l}"]
        m, n = len(batch), self.shape_in[0]
        if self.kind == "batchnorm":  # statistics per feature j over the samples
            groups = [[(s, j) for s in range(m)] for j in range(n)]
            label = [f"{l}_{j + 1}" for j in range(n)]
        else:                         # statistics per sample s over the features
            groups = [[(s, j) for j in range(n)] for s in range(m)]
            label = [f"{l}{place.suffixes[s]}" for s in range(m)]
        normalised: dict[tuple[int, int], sp.Symbol] = {}
        for group, name in zip(groups, label):
            size = sp.Rational(1, len(group))
            mu = place.node(f"mu{name}", size * sp.Add(*(batch[s][j] for s, j in group)))
            var = place.node(f"var{name}", size * sp.Add(*((batch[s][j] - mu) ** 2 for s, j in group)))
            for s, j in group:
                normalised[s, j] = place.node(f"xh{l}_{j + 1}{place.suffixes[s]}",
                                              (batch[s][j] - mu) / sp.sqrt(var + self.eps))
        return [[place.node(place.output("n", j + 1, s), gamma[j] * normalised[s, j] + beta[j]) for j in range(n)]
                for s in range(m)]

    def identity(self, place: Place, graph, values: Mapping[str, sp.Expr],
                 gradients: Mapping[str, sp.Expr]) -> tuple[IdentityEntry, ...]:
        """The textbook backward identity of the layer, entry by entry beside the neuron level's gradient.

        With g = γ ∂L/∂out over one group of size N (the batch, per feature; the features, per sample)::

            ∂L/∂x_i = (1 / (N σ)) (N g_i − Σ_k g_k − x̂_i Σ_k g_k x̂_k),   σ = √(var + ε)
        """
        l, m, n = place.l, len(place.suffixes), self.shape_in[0]
        if self.kind == "batchnorm":
            groups = [([(s, j) for s in range(m)], f"{l}_{j + 1}") for j in range(n)]
        else:
            groups = [([(s, j) for j in range(n)], f"{l}{place.suffixes[s]}") for s in range(m)]
        entries = []
        for group, label in groups:
            sigma = sp.sqrt(values[f"var{label}"] + self.eps)
            xh = {e: values[f"xh{l}_{e[1] + 1}{place.suffixes[e[0]]}"] for e in group}
            g = {e: values[f"gamma{l}_{e[1] + 1}"] * gradients[place.output("n", e[1] + 1, e[0])] for e in group}
            total, weighted = sp.Add(*g.values()), sp.Add(*(g[e] * xh[e] for e in group))
            for s, j in group:
                xh_name = f"xh{l}_{j + 1}{place.suffixes[s]}"
                name = next(p for p in graph.node(xh_name).parents if not p.startswith(("mu", "var")))
                value = (len(group) * g[s, j] - total - xh[s, j] * weighted) / (len(group) * sigma)
                entries.append(IdentityEntry(name, len(group), sigma, g[s, j], total, xh[s, j], weighted, value,
                                             gradients[name]))
        return tuple(entries)

    def nodes(self, samples: int) -> int:
        return 2 * samples * self.shape_in[0] + 2 * (self.shape_in[0] if self.kind == "batchnorm" else samples)

    def _grouped(self, M: sp.Matrix) -> sp.Matrix:
        """M (features x samples) with one group per row: itself for batch normalisation, Mᵀ for layer normalisation."""
        return M if self.kind == "batchnorm" else M.T

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: LevelContext) -> Saved:
        """Per group (a row of the grouped X): μ, σ² (biased), σ = √(σ² + ε), X̂ = (X − μ)/σ; Y = γ ⊙ X̂ + β."""
        M = self._grouped(X)
        ones = sp.ones(1, M.cols)
        mu = M * ones.T / M.cols
        var = (M - mu * ones).applyfunc(lambda v: v ** 2) * ones.T / M.cols
        v = sp.Symbol("v")
        sigma = context.entrywise(sp.sqrt(v + self.eps), (v,), (var,), f"layer {l} ({self.kind}): sigma")
        centred = M - mu * ones
        xh = self._grouped(sp.Matrix(M.rows, M.cols, lambda i, j: centred[i, j] / sigma[i]))
        gamma, beta = params[f"gamma{l}"], params[f"beta{l}"]
        Y = sp.diag(*gamma) * xh + beta * sp.ones(1, X.cols)
        return {"Y": Y, "mu": self._grouped(mu), "var": self._grouped(var), "sigma": self._grouped(sigma), "xh": xh}

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: LevelContext) -> Saved:
        """The compact identity per group of size N: ∂L/∂x_i = (N g_i − Σ_k g_k − x̂_i Σ_k g_k x̂_k) / (N σ),
        g = γ ⊙ ∂L/∂Y; ∂L/∂γ = Σ_samples ∂L/∂Y ⊙ X̂, ∂L/∂β = Σ_samples ∂L/∂Y."""
        xh, sigma, ones = saved["xh"], saved["sigma"], sp.ones(X.cols, 1)
        g = self._grouped(sp.diag(*params[f"gamma{l}"]) * G)
        h = self._grouped(xh)
        size = g.cols
        total, weighted = g * sp.ones(size, 1), g.multiply_elementwise(h) * sp.ones(size, 1)
        dX = sp.Matrix(g.rows, size, lambda i, k: (size * g[i, k] - total[i] - h[i, k] * weighted[i]) / (size * sigma[i]))
        return {"dX": self._grouped(dX), f"dgamma{l}": G.multiply_elementwise(xh) * ones, f"dbeta{l}": G * ones}

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        axis = 0 if self.kind == "batchnorm" else 1  # samples are rows
        return (f"mu{l} = A{l - 1}.mean(axis={axis}, keepdims=True)",
                f"S{l} = numpy.sqrt(((A{l - 1} - mu{l}) ** 2).mean(axis={axis}, keepdims=True) + {float(self.eps)!r})",
                f"H{l} = (A{l - 1} - mu{l}) / S{l}",
                f"A{l} = gamma{l} * H{l} + beta{l}")

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        axis = 0 if self.kind == "batchnorm" else 1
        return (f"dgamma{l} = (G{l} * H{l}).sum(axis=0)", f"dbeta{l} = G{l}.sum(axis=0)",
                f"g{l} = gamma{l} * G{l}", f"N{l} = A{l - 1}.shape[{axis}]",
                f"G{l - 1} = (N{l} * g{l} - g{l}.sum(axis={axis}, keepdims=True)"
                f" - H{l} * (g{l} * H{l}).sum(axis={axis}, keepdims=True)) / (N{l} * S{l})")


def read_normalisation(reader: LayerReader, key: str, options: Any, shape: Shape, kind: str) -> Normalisation:
    """The ``eps`` of a batch or layer normalisation entry."""
    options_table(reader, key, options, ("eps",), f"{{ {kind} = {{ eps = 1e-5 }} }}")
    n = vector_input(reader, key, kind, shape)
    eps = positive_eps(reader, f"{key}.eps", options["eps"]) if "eps" in options else DEFAULT_EPS
    return Normalisation(eps, (n,), kind)


@register("batchnorm", "{ batchnorm = { eps = 1e-5 } } (training mode: batch mean, biased variance)")
def read_batchnorm(reader: LayerReader, key: str, options: Any, shape: Shape) -> Normalisation:
    return read_normalisation(reader, key, options, shape, "batchnorm")
