"""``{ attention = { dim = d } }``: single-head self-attention over a sequence, softmax(Q·Kᵀ/√d)·V.

With X the T x D sequence, Q = X·Wqᵀ, K = X·Wkᵀ, V = X·Wvᵀ (each T x d) and, for query step t and key step u::

    q<l>_<j>_t<t> = Σ_k wq<l>_<j>_<k> x_k,t        (k<l>_<j>_t<t>, v<l>_<j>_t<t> with Wk, Wv)
    s<l>_<u>_t<t> = (Σ_j q_j,t k_j,u) / √d           the scaled score of key u for query t
    a<l>_<u>_t<t> = softmax over u of s<l>_·_t<t>    the attention weight
    h<l>_<j>_t<t> = Σ_u a<l>_<u>_t<t> v<l>_<j>_t<u>  the output (y<j>_t<t> in the output layer)

Values ``Wq<l>``, ``Wk<l>``, ``Wv<l>`` (d x D), scalars ``wq<l>_<j>_<k>``, ``wk<l>_<j>_<k>``, ``wv<l>_<j>_<k>``.
No mask and no biases, as ``torch.nn.functional.scaled_dot_product_attention`` on projections without bias.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from symback.engine.functions import softmax
from symback.engine.layers.base import Batch, LayerReader, Place, Plain, Shape, options_table
from symback.engine.layers.sequence import Steps, check_nodes, register_sequence, sequence_input, unrolled
from symback.engine.sums import times

PROJECTIONS = ("q", "k", "v")
MAX_DIM = 1024


@dataclass(frozen=True)
class Attention(Plain):
    """Single-head scaled dot-product self-attention with projections of ``dim`` features."""

    dim: int
    shape_in: Steps
    kind: str = "attention"

    @property
    def shape_out(self) -> Shape:
        return Steps((self.shape_in.steps, self.dim))

    def value_shapes(self, l: int) -> dict[str, Shape]:
        return {f"W{p}{l}": (self.dim, self.shape_in.width) for p in PROJECTIONS}

    def parameter_names(self, l: int) -> list[str]:
        return self.decayed(l)

    def decayed(self, l: int) -> list[str]:
        return [f"w{p}{l}_{j}_{k}" for p in PROJECTIONS for j in range(1, self.dim + 1)
                for k in range(1, self.shape_in.width + 1)]

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        (steps, width), d, l = self.shape_in, self.dim, place.l
        at = unrolled(place, steps)
        scale = 1 / sp.sqrt(d)
        out = []
        for s, row in enumerate(batch):
            rows = range(s * steps, (s + 1) * steps)
            proj = {p: [[at.node(f"{p}{l}_{j + 1}{at.suffixes[r]}",
                                 sp.Add(*(times(params[f"W{p}{l}"][j * width + k], row[t * width + k]) for k in range(width))))
                         for j in range(d)] for t, r in enumerate(rows)] for p in PROJECTIONS}
            outputs = []
            for t, r in enumerate(rows):
                scores = [at.node(f"s{l}_{u + 1}{at.suffixes[r]}",
                                  scale * sp.Add(*(times(proj["q"][t][j], proj["k"][u][j]) for j in range(d))))
                          for u in range(steps)]
                weights = [at.node(f"a{l}_{u}{at.suffixes[r]}", softmax(u, *scores)) for u in range(1, steps + 1)]
                outputs.extend(at.node(at.output("h", j + 1, r),
                                       sp.Add(*(times(weights[u], proj["v"][u][j]) for u in range(steps))))
                               for j in range(d))
            out.append(outputs)
        return out

    def nodes(self, samples: int) -> int:
        steps = self.shape_in.steps
        return samples * steps * (4 * self.dim + 2 * steps)


@register_sequence("attention", "{ attention = { dim = d } } (single-head self-attention on a sequence)")
def read_attention(reader: LayerReader, key: str, options: Any, shape: Shape) -> Attention:
    options_table(reader, key, options, ("dim",), "{ attention = { dim = 2 } }")
    steps = sequence_input(reader, key, "an attention layer", shape)
    if "dim" not in options:
        raise reader.fail(f"{key}.dim", "missing", "add dim = d, the size of the queries, keys and values")
    dim = options["dim"]
    if type(dim) is not int or not 1 <= dim <= MAX_DIM:
        raise reader.fail(f"{key}.dim", f"expected a size from 1 to {MAX_DIM}, got {dim!r}", "write e.g. { attention = { dim = 2 } }")
    check_nodes(reader, f"{key}.dim", steps.steps * (4 * dim + 2 * steps.steps),
                f"nodes per sample ({steps.steps} steps x (4 x dim {dim} + 2 x {steps.steps} steps))")
    return Attention(dim, steps)
