"""A network in ``nn.Sequential`` order: :class:`LayersSpec`, read from a ``layers`` list of named entries.

::

    [network]
    layers = [3, { dense = 4 }, { batchnorm = {} }, "relu", { dense = 2 }]
    loss = "softmax_cross_entropy"

The first entry is the input width; layer l is the l-th entry after it, so its values are ``W<l>``,
``b<l>``, ``gamma<l>``, ``beta<l>`` and its scalar names ``w<l>_<j>_<k>``, ``b<l>_<j>``, ``gamma<l>_<j>``,
``beta<l>_<j>``. Each entry is read by the layer kind registered for it (:mod:`symback.engine.layers.base`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from symback.engine.layers.base import Flat, Layer, Shape


@dataclass(frozen=True)
class LayersSpec:
    """A network of registered layers: input shape, layers, loss, samples, values and weight decay (exact).

    ``values`` maps each layer's value keys (``W<l>``, ``b<l>``, ``gamma<l>``, ...) to flat row-major
    tuples; ``x`` holds one tuple per sample, ``t`` one tuple of targets per sample.
    """

    input_shape: Shape
    layers: tuple[Layer, ...]
    loss: str
    x: tuple[Flat, ...]
    t: tuple[Flat, ...]
    values: tuple[tuple[str, Flat], ...]
    weight_decay: sp.Rational | None = None   #: λ of the loss term (λ/2) Σ w² over every weight

    @property
    def value(self) -> dict[str, Flat]:
        return dict(self.values)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Every parameter's name, layer by layer."""
        return tuple(n for l, layer in enumerate(self.layers, 1) for n in layer.parameter_names(l))

    def parameter_slots(self) -> dict[str, tuple[str, int]]:
        """Every parameter's name -> (its value key, its index in the key's flat row-major values)."""
        slots = {}
        for l, layer in enumerate(self.layers, 1):
            names = iter(layer.parameter_names(l))
            for key in layer.value_shapes(l):
                slots.update({next(names): (key, i) for i in range(len(self.value[key]))})
        return slots

    @property
    def decayed(self) -> tuple[str, ...]:
        """The parameters the weight decay term sums over (the weights)."""
        return tuple(n for l, layer in enumerate(self.layers, 1) for n in layer.decayed(l))

    @property
    def size(self) -> int:
        """The number of names the neuron-level graph has (checked before it is built)."""
        m = len(self.x)
        nodes = sum(layer.nodes(m) for layer in self.layers)
        sizes = sum(math.prod(shape) for shape in (self.input_shape, self.layers[-1].shape_out))
        return m * (sizes + 1) + nodes + len(self.parameter_names) + 3

    @property
    def outputs(self) -> int:
        return self.layers[-1].shape_out[0]
