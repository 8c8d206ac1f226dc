"""One named quantity of a computational graph: a leaf (input or parameter) or a node with a formula."""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import sympy as sp

from symback.engine.errors import SpecError
from symback.engine.expr import symbol
from symback.engine.literals import LiteralProblem, read_decimal

INPUT, PARAM, NODE = "input", "param", "node"


@dataclass(frozen=True)
class Node:
    """A named quantity: a leaf (input or parameter) or a node defined by a formula."""

    name: str
    kind: str                       #: "input", "param" or "node"
    expr: sp.Expr | None = None     #: the formula in the symbols of other names (None for leaves)
    parents: tuple[str, ...] = ()   #: names the formula uses, in definition order

    @property
    def symbol(self) -> sp.Symbol:
        return symbol(self.name)

    @property
    def is_leaf(self) -> bool:
        return self.kind != NODE


def exact_number(value, name: str) -> sp.Expr:
    """A leaf value as an exact SymPy number: a float through its text if it remembers one (a TOML
    ``1e-400``), else its shortest repr (0.05 -> 1/20); within the bounds of :mod:`symback.engine.literals`."""
    if isinstance(value, sp.Basic) and value.is_Number:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, numbers.Real)):
        raise SpecError(name, f"expected a number, got {type(value).__name__}", "give a finite number")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    try:
        return read_decimal(getattr(value, "text", None) or repr(float(value)))
    except LiteralProblem as problem:
        raise SpecError(name, problem.message, problem.fix) from None


@dataclass(frozen=True)
class Neuron:
    """Which neuron a network's pre-activation node is: neuron ``index`` of layer ``layer``, for sample
    ``sample`` (1-based; None when the network has one sample). The documents write its δ from this."""

    layer: int
    index: int
    sample: int | None = None


class GraphBuilder:
    """Collects the leaves (with exact values) and the nodes of a network's graph in topological order.

    The network builders (:mod:`symback.engine.network`, :mod:`symback.engine.conv`) create every leaf
    first, then each node after the nodes it uses; a node's parents are listed in creation order.
    ``neurons`` records the pre-activation nodes that are a dense layer's neurons.
    """

    def __init__(self) -> None:
        self.leaves: list[Node] = []
        self.nodes: list[Node] = []
        self.point: dict[str, sp.Expr] = {}
        self.order: dict[str, int] = {}
        self.neurons: dict[str, Neuron] = {}

    def leaf(self, name: str, kind: str, value) -> sp.Symbol:
        """A new input or parameter with its value; returns its symbol."""
        self.leaves.append(Node(name, kind))
        self.point[name] = exact_number(value, name)
        self.order[name] = len(self.order)
        return symbol(name)

    def node(self, name: str, expr: sp.Expr, neuron: Neuron | None = None) -> sp.Symbol:
        """A new node defined by ``expr`` (in the symbols of earlier leaves and nodes), the pre-activation of
        ``neuron`` if given; returns its symbol."""
        parents = tuple(sorted((s.name for s in expr.free_symbols), key=self.order.get))
        self.nodes.append(Node(name, NODE, expr, parents))
        if neuron is not None:
            self.neurons[name] = neuron
        self.order[name] = len(self.order)
        return symbol(name)
