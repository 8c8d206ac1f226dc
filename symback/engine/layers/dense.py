"""``{ dense = N }`` or ``{ dense = { out = N, bias = true } }``: z = W a + b, as ``torch.nn.Linear``.

Values ``W<l>`` (out x in, row j: the weights into neuron j) and ``b<l>`` (one per neuron, unless
``bias = false``); scalar names ``w<l>_<j>_<k>`` and ``b<l>_<j>``; nodes ``z<l>_<j>`` (``y<j>`` when
the layer is the network's output).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

import sympy as sp

from symback.engine.layers.base import (Batch, LayerReader, LevelContext, Place, Plain, Saved, Shape, options_table,
                                        register, vector_input)
from symback.engine.rule import Conventions
from symback.engine.names import weight_name
from symback.engine.sums import times

MAX_NEURONS = 4096


@dataclass(frozen=True)
class Dense(Plain):
    """A dense (fully connected) layer of ``size`` neurons."""

    size: int
    bias: bool
    shape_in: Shape
    kind: str = "dense"
    stem: ClassVar[str] = "z"           #: its outputs' names: ``z<l>_<j>``

    @property
    def shape_out(self) -> Shape:
        return (self.size,)

    def value_shapes(self, l: int) -> dict[str, Shape]:
        shapes = {f"W{l}": (self.size, self.shape_in[0])}
        return {**shapes, f"b{l}": (self.size,)} if self.bias else shapes

    def parameter_names(self, l: int) -> list[str]:
        return self.decayed(l) + ([f"b{l}_{j}" for j in range(1, self.size + 1)] if self.bias else [])

    def decayed(self, l: int) -> list[str]:
        return [weight_name(l, j, k) for j in range(1, self.size + 1) for k in range(1, self.shape_in[0] + 1)]

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        l, n_in = place.l, self.shape_in[0]
        weights = params[f"W{l}"]
        biases = params[f"b{l}"] if self.bias else [sp.S.Zero] * self.size
        return [[place.node(place.output("z", j + 1, s),
                            sp.Add(*(times(weights[j * n_in + k], a) for k, a in enumerate(inputs)), biases[j]))
                 for j in range(self.size)] for s, inputs in enumerate(batch)]

    def nodes(self, samples: int) -> int:
        return samples * self.size

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: LevelContext) -> Saved:
        """Z = W X + b 1ᵀ (samples are columns)."""
        Z = params[f"W{l}"] * X
        return {"Y": Z + params[f"b{l}"] * sp.ones(1, X.cols) if self.bias else Z}

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: LevelContext) -> Saved:
        """∂L/∂W = δ Xᵀ, ∂L/∂b = δ 1 (summed over the samples), ∂L/∂X = Wᵀ δ, with δ = ∂L/∂Z."""
        grads = {"dX": params[f"W{l}"].T * G, f"dW{l}": G * X.T}
        return {**grads, f"db{l}": G * sp.ones(G.cols, 1)} if self.bias else grads

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        return (f"A{l} = A{l - 1} @ W{l}.T" + (f" + b{l}" if self.bias else ""),)

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        bias = (f"db{l} = G{l}.sum(axis=0)",) if self.bias else ()
        return (f"dW{l} = G{l}.T @ A{l - 1}", *bias, f"G{l - 1} = G{l} @ W{l}")


@register("dense", "{ dense = N } or { dense = { out = N, bias = true } }")
def read_dense(reader: LayerReader, key: str, options: Any, shape: Shape) -> Dense:
    n_in = vector_input(reader, key, "a dense layer", shape)
    if not isinstance(options, Mapping):
        options = {"out": options}
        where = key
    else:
        options_table(reader, key, options, ("out", "bias"), "{ dense = { out = 4, bias = true } }")
        if "out" not in options:
            raise reader.fail(f"{key}.out", "missing", "add out = N, the number of neurons")
        where = f"{key}.out"
    size = options["out"]
    if type(size) is not int or not 1 <= size <= MAX_NEURONS:
        raise reader.fail(where, f"expected a number of neurons from 1 to {MAX_NEURONS}, got {size!r}",
                          "write e.g. { dense = 4 }")
    bias = options.get("bias", True)
    if not isinstance(bias, bool):
        raise reader.fail(f"{key}.bias", f"expected true or false, got {bias!r}", "write bias = true (one per neuron) or false")
    return Dense(size, bias, (n_in,))
