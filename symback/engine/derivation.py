"""A derivation: the backward steps of a graph (symbolic), and the numbers at one point.

:func:`symback.engine.backprop.backprop` builds the steps; :func:`symback.engine.substitute.substitute`
returns a new :class:`Derivation` with its :class:`Numbers`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Mapping

import mpmath
import sympy as sp

from symback.engine.graph import Graph
from symback.engine.rule import RuleNote

PRECISION = 50  #: significant digits carried where arithmetic is not exact
CHECK_TOLERANCE = 1e-10  #: relative error up to which the gradient check counts as agreeing


@dataclass(frozen=True)
class Check:
    """Symbolic gradient vs central finite difference for one leaf (input or parameter)."""

    symbolic: sp.Expr
    numeric: mpmath.mpf
    relative_error: float


@dataclass(frozen=True)
class Numbers:
    """The numeric side of a derivation at one point."""

    values: Mapping[str, sp.Expr]                 #: every leaf and node
    gradients: Mapping[str, sp.Expr]              #: dL/dname for every leaf and node
    locals: Mapping[tuple[str, str], sp.Expr]     #: (child, node) -> value of dchild/dnode
    updated: Mapping[str, sp.Expr] = field(default_factory=dict)  #: parameters after one step
    check: Mapping[str, Check] = field(default_factory=dict)  #: per leaf: every leaf, or a sample (large graphs)
    precision: int = PRECISION
    #: random directional derivatives (large graphs): symbolic = sum_p dL/dp v_p, numeric = difference along v
    directions: tuple[Check, ...] = ()


@dataclass(frozen=True)
class SumToOne:
    """The assumption that ``targets`` sum to one (Σt = 1), under which softmax + cross-entropy gives y - t.

    >>> str(SumToOne(("t1", "t2")))
    't1 + t2 = 1'
    """

    targets: tuple[str, ...]

    def __str__(self) -> str:
        return " + ".join(self.targets) + " = 1"


@dataclass(frozen=True)
class Term:
    """One child's contribution to a node's adjoint: dL/dchild * local, local = dchild/dnode."""

    child: str
    local: sp.Expr
    rules: tuple[str, ...]


@dataclass(frozen=True)
class BackStep:
    """The adjoint of one node: its fan-out terms and its closed (textbook) form."""

    node: str
    terms: tuple[Term, ...]          #: empty for the loss itself (dL/dL = 1)
    closed: sp.Expr                  #: dL/dnode in node symbols, textbook form
    raw: sp.Expr                     #: sum of closed(child) * local before tidying
    assumptions: tuple[SumToOne, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A graph and its backward steps (loss first); :func:`symback.engine.substitute.substitute` adds numbers."""

    graph: Graph
    steps: tuple[BackStep, ...]
    assumptions: tuple[SumToOne, ...] = ()
    notes: tuple[RuleNote, ...] = ()
    numbers: Numbers | None = None

    @cached_property
    def by_node(self) -> dict[str, BackStep]:
        return {s.node: s for s in self.steps}

    def gradient(self, name: str) -> sp.Expr:
        """dL/d(name) in node symbols (0 where ``name`` does not reach the loss)."""
        self.graph.node(name)
        step = self.by_node.get(name)
        return step.closed if step is not None else sp.S.Zero

    def with_numbers(self, numbers: Numbers) -> "Derivation":
        return replace(self, numbers=numbers)


def chain_text(derivation: Derivation, name: str, limit: int = 8) -> str:
    """``dL/do * do/dl1 * dl1/dw1`` for each path from the loss to ``name``, joined by ``+`` (an unknown name raises,
    as :meth:`Derivation.gradient` does; ``"0"`` where ``name`` does not reach the loss)."""
    graph = derivation.graph
    graph.node(name)
    paths: list[list[str]] = []
    stack: list[tuple[str, list[str]]] = [(name, [])]  # depth first, in term order; a stack, not recursion
    while stack and len(paths) <= limit:
        node, path = stack.pop()
        if node == graph.loss:
            paths.append(path)
            continue
        step = derivation.by_node.get(node)
        stack.extend((term.child, [node] + path) for term in reversed(step.terms if step else ()))
    if not paths:
        return "0"
    if len(paths) > limit:
        return " + ".join(f"d{graph.loss}/d{t.child} * d{t.child}/d{name}" for t in derivation.by_node[name].terms)
    texts = []
    for path in paths:
        chain = [graph.loss] + path
        texts.append(" * ".join(f"d{a}/d{b}" for a, b in zip(chain, chain[1:])))
    return " + ".join(texts)
