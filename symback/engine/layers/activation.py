"""An activation name as a layer entry (``"relu"``, ``"sigmoid"``, ``"softmax"``, ...): a = f(z) per neuron.

No values; nodes ``a<l>_<j>`` (``y<j>`` when the layer is the network's output). A layerwise activation
(softmax) sees the whole layer; the others one neuron each. The names are those of
:data:`symback.engine.activations.ACTIVATIONS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

import sympy as sp

import symback.engine.functions as fn
from symback.engine.activations import ACTIVATIONS
from symback.engine.layers.base import Batch, LevelContext, Place, Plain, Saved, Shape, numpy_printer
from symback.engine.rule import Conventions
from symback.engine.rules import partial

Z, Y = sp.Symbol("Z"), sp.Symbol("Y")   #: the element symbols of f and f': an entry of the input and of the output


@dataclass(frozen=True)
class ActivationLayer(Plain):
    """An elementwise (or, for softmax, layerwise) activation of the previous layer's outputs."""

    name: str
    shape_in: Shape
    kind: str = "activation"
    stem: ClassVar[str] = "a"           #: its outputs' names: ``a<l>_<j>``

    @property
    def shape_out(self) -> Shape:
        return self.shape_in

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        function = ACTIVATIONS[self.name]
        return [[place.node(place.output("a", j, s), function.activate(z, list(zs), j)) for j, z in enumerate(zs, 1)]
                for s, zs in enumerate(batch)]

    def nodes(self, samples: int) -> int:
        return samples * self.shape_in[0]

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: LevelContext) -> Saved:
        """A = f(Z) entry by entry, and f'(Z) from the rule table; softmax column by column (no local: its
        Jacobian is not elementwise)."""
        where = f"layer {l} ({self.name})"
        if self.name == "softmax":
            zs, rows = sp.symbols(f"z1:{X.rows + 1}"), [X.row(i) for i in range(X.rows)]
            return {"Y": sp.Matrix.vstack(*(context.entrywise(fn.softmax(j, *zs), zs, rows, where)
                                            for j in range(1, X.rows + 1)))}
        A = context.entrywise(self.formula, (Z,), (X,), where)
        return {"Y": A, "local": context.entrywise(self.local(context.conventions), (Z, Y), (X, A), f"{where}: f'")}

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: LevelContext) -> Saved:
        """δ = f'(Z) ⊙ G; softmax: δ = A ⊙ (G − 1 (1ᵀ (G ⊙ A))) per sample (its Jacobian contracted)."""
        if self.name == "softmax":
            A = saved["Y"]
            weighted = sp.ones(A.rows, 1) * sp.ones(1, A.rows) * G.multiply_elementwise(A)
            return {"dX": A.multiply_elementwise(G - weighted)}
        return {"dX": G.multiply_elementwise(saved["local"])}

    @property
    def formula(self) -> sp.Expr:
        """f(Z) in the element symbol Z."""
        return ACTIVATIONS[self.name].activate(Z)

    def local(self, conventions: Conventions) -> sp.Expr:
        """f'(Z) from the rule table, in the element symbols Z and Y = f(Z) (1 for the identity)."""
        formula = self.formula
        return partial(formula, 0, conventions).xreplace({formula: Y}) if formula != Z else sp.S.One

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        if self.name == "softmax":
            return (f"A{l} = _row_softmax(A{l - 1})",)
        return (f"A{l} = {numpy_printer().doprint(self.formula.xreplace({Z: sp.Symbol(f'A{l - 1}')}))}",)

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        if self.name == "softmax":
            return (f"G{l - 1} = A{l} * (G{l} - numpy.sum(G{l} * A{l}, axis=1, keepdims=True))",)
        local = self.local(conventions).xreplace({Z: sp.Symbol(f"A{l - 1}"), Y: sp.Symbol(f"A{l}")})
        return (f"G{l - 1} = G{l} * ({numpy_printer().doprint(local)})",)
