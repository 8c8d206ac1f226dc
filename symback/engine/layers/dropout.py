"""``{ dropout = { p = 0.5, mask = [[1, 0, 1], ...] } }``: inverted dropout with a given mask, as in training.

Each sample's mask (0 drops a unit, 1 keeps it; one row per sample, or one row for a single sample) is an
input of the graph, ``r<l>_<j>`` (Srivastava et al. write r for it), so the worked solution shows it::

    d<l>_<j> = r<l>_<j> · x_j / (1 − p)      (``y<j>`` in the output layer)

``p`` is the probability of dropping a unit, as ``torch.nn.Dropout(p)``; the kept units are scaled by
1/(1 − p) so that the expected output is the input.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

import sympy as sp

from symback.engine.layers.base import (Batch, LayerReader, LevelContext, Place, Plain, Saved, Shape, options_table,
                                        register, vector_input)
from symback.engine.rule import Conventions

Mask = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Dropout(Plain):
    """Inverted dropout: the masked units are 0, the kept ones scaled by 1/(1 − p)."""

    p: sp.Rational
    mask: Mask                   #: one row of 0/1 per sample
    shape_in: Shape
    kind: str = "dropout"
    stem: ClassVar[str] = "d"           #: its outputs' names: ``d<l>_<j>``

    @property
    def shape_out(self) -> Shape:
        return self.shape_in

    def input_leaves(self, l: int, suffixes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """The mask's inputs ``r<l>_<j>`` (with the sample suffix) and their values, sample after sample."""
        return {f"r{l}": [(f"r{l}_{j}{suffix}", keep) for row, suffix in zip(self.mask, suffixes)
                          for j, keep in enumerate(row, 1)]}

    def check_samples(self, reader: LayerReader, key: str, samples: int) -> None:
        if len(self.mask) != samples:
            raise reader.fail(f"{key}.mask", f"{len(self.mask)} mask rows for {samples} samples", "give one row of the mask per sample")

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        scale = 1 / (1 - self.p)
        masks = params[f"r{place.l}"]
        n = self.shape_in[0]
        return [[place.node(place.output("d", j + 1, s), scale * masks[s * n + j] * x) for j, x in enumerate(inputs)]
                for s, inputs in enumerate(batch)]

    def nodes(self, samples: int) -> int:
        return 2 * samples * self.shape_in[0]

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: LevelContext) -> Saved:
        """D = R ⊙ X / (1 − p), R the mask (features x samples)."""
        return {"Y": params[f"r{l}"].multiply_elementwise(X) / (1 - self.p)}

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: LevelContext) -> Saved:
        """∂L/∂X = R ⊙ ∂L/∂D / (1 − p): a dropped unit passes nothing back."""
        return {"dX": params[f"r{l}"].multiply_elementwise(G) / (1 - self.p)}

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        return (f"A{l} = r{l} * A{l - 1} / {float(1 - self.p)!r}",)

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        return (f"G{l - 1} = r{l} * G{l} / {float(1 - self.p)!r}",)


@register("dropout", "{ dropout = { p = 0.5, mask = [[1, 0, 1], ...] } } (inverted dropout, a mask per sample)")
def read_dropout(reader: LayerReader, key: str, options: Any, shape: Shape) -> Dropout:
    options_table(reader, key, options, ("p", "mask"), "{ dropout = { p = 0.5, mask = [1, 0, 1] } }")
    n = vector_input(reader, key, "dropout", shape)
    for required, fix in (("p", "add p = 0.5 (the probability of dropping a unit)"),
                          ("mask", f"add mask = [...], {n} values of 0 or 1 per sample")):
        if required not in options:
            raise reader.fail(f"{key}.{required}", "missing", fix)
    p = reader.number(options["p"], f"{key}.p")
    if not 0 <= p < 1:
        raise reader.fail(f"{key}.p", f"must be at least 0 and below 1, got {options['p']!r}", "write e.g. p = 0.5")
    rows = options["mask"]
    if isinstance(rows, list) and rows and not any(isinstance(r, list) for r in rows):
        rows = [rows]
    if not (isinstance(rows, list) and rows and all(isinstance(r, list) for r in rows)):
        raise reader.fail(f"{key}.mask", "expected a list of 0/1 values (a list of them for a minibatch)",
                          f"write e.g. mask = [{', '.join(['1'] * n)}]")
    for i, row in enumerate(rows):
        if len(row) != n or not all(type(v) is int and v in (0, 1) for v in row):
            raise reader.fail(f"{key}.mask[{i}]", f"expected {n} values of 0 or 1, got {row!r}",
                              "write 1 to keep a unit and 0 to drop it")
    return Dropout(p, tuple(tuple(r) for r in rows), (n,))
