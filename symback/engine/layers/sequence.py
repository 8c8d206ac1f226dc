"""Sequences in a layers list: the input ``{ sequence = [T, D] }``, ``"last"`` and ``"mean"``, and per-step layers.

A sequence's shape is :class:`Steps` ``(T, D)``: T steps of D features, flat row-major per sample (step 1's
features first), so a plain ``(C, L)`` stays a convolution's feature map. Names carry the step after the
unit: ``x<k>_t<t>`` (input feature k at step t), ``h<l>_<j>_t<t>``, ``y<j>_t<t>`` (and the sample suffix
after it, ``h1_2_t3_s2``); the initial state is step 0 (``h1_2_t0``).

- ``"last"``: the last step's features (``h<l>_<j>`` stays the name of the last step's node);
- ``"mean"``: the mean over the steps, nodes ``mean<l>_<j>``;
- a dense layer or an activation after a sequence runs at every step (:class:`PerStep`), and the loss of a
  network whose output is a sequence is summed over the steps (many-to-many, CS231n's temporal loss).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from symback.engine import limits
from symback.engine.layers.base import Batch, Flat, Layer, LayerReader, Place, Plain, Shape, register

MAX_SEQUENCE = 256
SEQUENCE_KINDS: set[str] = set()   #: the kinds that read a whole sequence; any other entry on one runs per step


def register_sequence(name: str, summary: str):
    """:func:`~symback.engine.layers.base.register` for a kind that reads a whole sequence (rnn, attention, ...)."""
    SEQUENCE_KINDS.add(name)
    return register(name, summary)


def per_step_entry(entry: Any, shape: Shape) -> bool:
    """True for an entry on a sequence that is not a sequence kind: it runs at every step (or is refused)."""
    name = entry if isinstance(entry, str) else next(iter(entry), None) if isinstance(entry, Mapping) else None
    return is_sequence(shape) and name not in SEQUENCE_KINDS


class Steps(tuple):
    """The shape ``(T, D)`` of a sequence: T steps of D features (a tuple, marked as a sequence)."""

    @property
    def steps(self) -> int:
        return self[0]

    @property
    def width(self) -> int:
        return self[1]


def is_sequence(shape: Shape) -> bool:
    """True for a sequence's shape (:class:`Steps`), false for a vector or a feature map."""
    return isinstance(shape, Steps)


def is_sequence_input(entry: Any) -> bool:
    """True for the input entry ``{ sequence = [T, D] }`` of a layers list."""
    return isinstance(entry, Mapping) and list(entry) == ["sequence"]


def step_suffix(t: int, suffix: str = "") -> str:
    """The suffix of step t (1-based; 0 is the initial state) before the sample's: ``_t3``, ``_t3_s2``."""
    return f"_t{t}{suffix}"


def step_names(shape: Shape, suffix: str, values: Sequence) -> list[tuple[int, str, Any]]:
    """(index, suffix, value) of a sample's inputs or targets: ``x<k>`` of a vector, ``x<k>_t<t>`` of a sequence."""
    if not is_sequence(shape):
        return [(k, suffix, v) for k, v in enumerate(values, 1)]
    width = shape[1]
    return [(i % width + 1, step_suffix(i // width + 1, suffix), v) for i, v in enumerate(values)]


def unrolled(place: Place, steps: int) -> Place:
    """``place`` with one row per (sample, step), sample-major: its suffixes carry the step (``_t2_s1``)."""
    return Place(place.l, tuple(step_suffix(t, suffix) for suffix in place.suffixes for t in range(1, steps + 1)),
                 place.node, place.last)


def split_steps(batch: Batch, steps: int) -> Batch:
    """One row per (sample, step), sample-major, from one flat row-major row per sample."""
    width = len(batch[0]) // steps
    return [row[t * width:(t + 1) * width] for row in batch for t in range(steps)]


def join_steps(rows: Batch, steps: int) -> Batch:
    """The inverse of :func:`split_steps`: one flat row per sample."""
    return [[v for row in rows[s:s + steps] for v in row] for s in range(0, len(rows), steps)]


def read_input(reader: LayerReader, entry: Mapping) -> Steps:
    """The shape of the input entry ``{ sequence = [T, D] }``, its step count against the node cap."""
    shape = entry["sequence"]
    key = "network.layers[0].sequence"
    if not (isinstance(shape, list) and len(shape) == 2 and all(type(n) is int and n >= 1 for n in shape)):
        raise reader.fail(key, f"expected [T, D], got {shape!r}", "write e.g. { sequence = [3, 2] } (3 steps of 2 features)")
    if shape[0] > MAX_SEQUENCE or shape[1] > 4096:
        raise reader.fail(key, f"{shape[0]} steps of {shape[1]} features",
                          f"give from 1 to {MAX_SEQUENCE} steps of 1 to 4096 features")
    check_nodes(reader, key, shape[0] * shape[1], f"inputs ({shape[0]} steps x {shape[1]} features)")
    return Steps(shape)


def check_nodes(reader: LayerReader, key: str, count: int, what: str) -> None:
    """Refuse, at ``key``, a layer whose nodes per sample (``what`` says which) exceed the node cap."""
    if count > limits.current().nodes:
        over = limits.refuse("nodes", key, count, what)
        raise reader.fail(key, over.message, over.fix)


def sequence_input(reader: LayerReader, key: str, kind: str, shape: Shape) -> Steps:
    """The shape of a sequence layer's input; anything else is an error naming the input entry."""
    if not is_sequence(shape):
        raise reader.fail(key, f"{kind} after an output of shape {'x'.join(map(str, shape))} (not a sequence)",
                          "start the layers with { sequence = [T, D] }, or put it before \"last\" or \"mean\"")
    return shape


@dataclass(frozen=True)
class PerStep:
    """A dense layer or an activation applied at every step of a sequence with the same parameters."""

    inner: Layer
    steps: int

    @property
    def kind(self) -> str:
        return self.inner.kind

    @property
    def shape_in(self) -> Shape:
        return Steps((self.steps, self.inner.shape_in[0]))

    @property
    def shape_out(self) -> Shape:
        return Steps((self.steps, self.inner.shape_out[0]))

    def value_shapes(self, l: int) -> dict[str, Shape]:
        return self.inner.value_shapes(l)

    def optional_values(self, l: int) -> dict[str, Flat]:
        return self.inner.optional_values(l)

    def parameter_names(self, l: int) -> list[str]:
        return self.inner.parameter_names(l)

    def decayed(self, l: int) -> list[str]:
        return self.inner.decayed(l)

    def input_leaves(self, l: int, suffixes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        return {}

    def check_samples(self, reader: LayerReader, key: str, samples: int) -> None:
        """Nothing to refuse: the layers that may run per step take any batch."""

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        rows = self.inner.forward(unrolled(place, self.steps), split_steps(batch, self.steps), params)
        return join_steps(rows, self.steps)

    def nodes(self, samples: int) -> int:
        return self.inner.nodes(samples * self.steps)


def per_step(reader: LayerReader, key: str, layer: Layer, shape: Shape) -> Layer:
    """``layer`` (read for one step's features) run at every step; only dense layers and activations may."""
    if layer.kind not in ("dense", "activation"):
        raise reader.fail(f"{key}.{layer.kind}", f"{layer.kind} on a sequence", 'put "last" or "mean" before it')
    return PerStep(layer, shape[0])


@dataclass(frozen=True)
class Pooling(Plain):
    """``"last"`` (the last step's features) or ``"mean"`` (their mean over the steps) of a sequence."""

    kind: str
    shape_in: Steps

    @property
    def shape_out(self) -> Shape:
        return (self.shape_in.width,)

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        steps, width = self.shape_in
        if self.kind == "last":
            rows = [row[(steps - 1) * width:] for row in batch]
            if not place.last:
                return rows
            return [[place.node(place.output("y", j, s), h) for j, h in enumerate(row, 1)] for s, row in enumerate(rows)]
        return [[place.node(place.output("mean", j + 1, s), sp.Rational(1, steps) * sp.Add(*row[j::width]))
                 for j in range(width)] for s, row in enumerate(batch)]

    def nodes(self, samples: int) -> int:
        return samples * self.shape_in.width


def _pooling(kind: str):
    def read(reader: LayerReader, key: str, options: Any, shape: Shape) -> Pooling:
        if options not in ({}, None):
            raise reader.fail(key, "takes no options", f'write "{kind}"')
        return Pooling(kind, sequence_input(reader, key, f'"{kind}"', shape))
    return read


register_sequence("last", '"last" (the last step of a sequence)')(_pooling("last"))
register_sequence("mean", '"mean" (the mean over the steps of a sequence)')(_pooling("mean"))
