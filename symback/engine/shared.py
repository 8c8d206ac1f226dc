"""What the variants of one exercise share: the symbolic derivation of one graph shape, built once.

The backward pass (:func:`symback.engine.backprop.backprop`) and the operation counts
(:func:`symback.engine.efficiency.efficiency`) read a graph's formulas, never its numbers, except
whether a cross-entropy's given targets sum to 1 (:func:`~symback.engine.backprop.assumed_groups`).
So graphs of one shape (the same nodes, loss, conventions and such target groups: the variants of an
exercise, which differ only in their leaves' values) share both: the first graph of a shape is
differentiated and counted, and every later one gets those steps with its own graph, to which
:func:`symback.engine.substitute.substitute` then gives its own numbers, exactly as before. Tidying
the closed forms was most of what a variant cost (about 200 ms of the 2-2-2 exercise's 230).

The results are kept per process for the last :data:`SHAPES` shapes; a process pool forked after the
first variant inherits them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from symback.engine.backprop import assumed_groups, backprop
from symback.engine.derivation import Derivation
from symback.engine.efficiency import Efficiency, efficiency
from symback.engine.graph import Graph

SHAPES = 8  #: graph shapes whose derivation (and counts) a process keeps


@dataclass(frozen=True, eq=False)
class GraphShape:
    """A graph seen through what its derivation depends on: equal shapes differentiate alike."""

    graph: Graph

    @property
    def key(self) -> tuple:
        g = self.graph
        return g.nodes, g.loss, g.conventions, assumed_groups(g)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GraphShape) and self.key == other.key


def shared_backprop(graph: Graph) -> Derivation:
    """``backprop(graph)``, its steps built once per :class:`GraphShape` (the same steps, this graph)."""
    derived = _backprop(GraphShape(graph))
    return derived if derived.graph is graph else replace(derived, graph=graph)


def shared_efficiency(derivation: Derivation) -> Efficiency:
    """``efficiency(derivation)``, counted once per shape and steps (they hold no numbers)."""
    return _counted(GraphShape(derivation.graph), derivation.steps, _Unkeyed(derivation))


@lru_cache(maxsize=SHAPES)
def _backprop(shape: GraphShape) -> Derivation:
    return backprop(shape.graph)


@dataclass(frozen=True, eq=False)
class _Unkeyed:
    """A derivation passed along a cached call without being part of its key."""

    derivation: Derivation

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Unkeyed)


@lru_cache(maxsize=SHAPES)
def _counted(shape: GraphShape, steps: tuple, unkeyed: _Unkeyed) -> Efficiency:
    return efficiency(unkeyed.derivation)
