"""An activation name as a layer entry (``"relu"``, ``"sigmoid"``, ``"softmax"``, ...): a = f(z) per neuron.

No values; nodes ``a<l>_<j>`` (``y<j>`` when the layer is the network's output). A layerwise activation
(softmax) sees the whole layer; the others one neuron each. The names are those of
:data:`symback.engine.activations.ACTIVATIONS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp

from symback.engine.activations import ACTIVATIONS
from symback.engine.layers.base import Batch, Place, Plain, Shape


@dataclass(frozen=True)
class ActivationLayer(Plain):
    """An elementwise (or, for softmax, layerwise) activation of the previous layer's outputs."""

    name: str
    shape_in: Shape
    kind: str = "activation"

    @property
    def shape_out(self) -> Shape:
        return self.shape_in

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        function = ACTIVATIONS[self.name]
        return [[place.node(place.output("a", j, s), function.activate(z, list(zs), j)) for j, z in enumerate(zs, 1)]
                for s, zs in enumerate(batch)]

    def nodes(self, samples: int) -> int:
        return samples * self.shape_in[0]
