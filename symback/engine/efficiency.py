"""Why backpropagation: operation counts of the backward pass against differentiating every parameter separately.

Seeds 001 and 004: the "common part" ∂L/∂z of a neuron is computed once and reused by every weight
of the neuron; differentiating each weight on its own repeats it. :func:`efficiency` counts, with
one counter (:func:`count_operations`, multiplications and additions in the expression tree):

* **backprop**: the backward pass as symback performed it: each adjoint the parameters' gradients
  use, ``Σ δ(child) · local``, once, δ(child) a named value (the locals are in node symbols, the
  forward values being known);
* **separate**: the same chain rule for each parameter on its own, nothing shared: the sum over
  paths of the products of the same locals, so every δ on the way is recomputed per parameter;
* **composed**: ``sympy.diff`` of the composed loss (only inputs and parameters left) for each
  parameter, counted on the derivative as SymPy returns it (skipped for large graphs).

Negation is free (a − b is one addition), a division counts as a multiplication, an integer power
``u^n`` as n − 1 multiplications; function evaluations (σ, exp, 1[·]) are counted apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import sympy as sp

from symback.engine.derivation import Derivation
from symback.engine.graph import expand_nodes

COMPOSED_NODES = 30  #: larger graphs are not differentiated in composed form (sympy.diff: 0.2 s at mazur_222, 3 s at conv2d_pool)


@dataclass(frozen=True)
class OpCount:
    """Multiplications, additions and function evaluations of an expression (or a sum of them)."""

    multiplications: int = 0
    additions: int = 0
    functions: int = 0

    def __add__(self, other: "OpCount") -> "OpCount":
        return OpCount(self.multiplications + other.multiplications, self.additions + other.additions,
                       self.functions + other.functions)

    @property
    def arithmetic(self) -> int:
        """Multiplications plus additions."""
        return self.multiplications + self.additions


@dataclass(frozen=True)
class SharedFactor:
    """δ of a node (∂L/∂node), computed once and reused by the adjoints of ``users``."""

    node: str
    users: tuple[str, ...]


@dataclass(frozen=True)
class Efficiency:
    """The three counts, the number of parameters and the shared factors."""

    parameters: tuple[str, ...]
    backprop: OpCount
    separate: OpCount
    composed: OpCount | None      #: None when the graph is larger than COMPOSED_NODES
    shared: tuple[SharedFactor, ...]

    @property
    def ratio(self) -> float:
        """separate / backprop, in multiplications plus additions."""
        return self.separate.arithmetic / max(self.backprop.arithmetic, 1)

    @property
    def composed_ratio(self) -> float | None:
        return None if self.composed is None else self.composed.arithmetic / max(self.backprop.arithmetic, 1)


def count_operations(expr: sp.Expr) -> OpCount:
    """Multiplications, additions and function calls in ``expr``'s tree.

    >>> x, y, z = sp.symbols("x y z")
    >>> count_operations(2*x*y + z - x**3)
    OpCount(multiplications=4, additions=2, functions=0)
    """
    if expr.is_Atom:
        return OpCount()
    below = reduce(OpCount.__add__, (count_operations(a) for a in expr.args), OpCount())
    if isinstance(expr, sp.Add):
        return below + OpCount(additions=len(expr.args) - 1)
    if isinstance(expr, sp.Mul):
        factors = [a for a in expr.args if a != -1]
        # a factor u^(-n) already counts its division, which is this product's multiplication by it
        divisions = sum(1 for a in factors if a.is_Pow and a.exp.is_Integer and a.exp < 0) if len(factors) > 1 else 0
        return below + OpCount(multiplications=max(len(factors) - 1, 0) - divisions)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        n = abs(int(expr.exp))
        return below + OpCount(multiplications=n - 1 + (1 if expr.exp < 0 else 0))
    return below + OpCount(functions=1)


def efficiency(derivation: Derivation) -> Efficiency:
    """The operation counts of ``derivation``'s backward pass (see the module docstring).

    >>> import symback
    >>> e = efficiency(symback.solve(symback.load_example("mazur_222")).derivation)
    >>> e.ratio > 1
    True
    """
    graph = derivation.graph
    params = tuple(p for p in graph.params if p in derivation.by_node)
    inputs = set(graph.inputs)
    needed = set(params)  # the adjoints the parameters' gradients use: the parameters and their descendants
    for step in reversed(derivation.steps):
        if step.node in needed:
            needed.update(t.child for t in step.terms)
    backprop = OpCount()
    for step in derivation.steps:
        if step.node == graph.loss or step.node not in needed:
            continue
        backprop = backprop + _adjoint_cost([(t.child == graph.loss, t.local) for t in step.terms])
    tree: dict[str, OpCount] = {graph.loss: OpCount()}
    for step in derivation.steps:  # loss first: every child is counted before its parents
        if step.node == graph.loss:
            continue
        total = OpCount(additions=max(len(step.terms) - 1, 0))
        for term in step.terms:
            free = term.child == graph.loss or term.local == 1
            total = total + tree[term.child] + count_operations(term.local) + OpCount(multiplications=0 if free else 1)
        tree[step.node] = total
    separate = reduce(OpCount.__add__, (tree[p] for p in params), OpCount())
    composed = None
    if len(graph.nodes) <= COMPOSED_NODES:
        loss = expand_nodes(graph, graph.node(graph.loss).symbol)
        composed = reduce(OpCount.__add__, (count_operations(sp.diff(loss, graph.symbols[p])) for p in params), OpCount())
    users: dict[str, list[str]] = {}
    for step in derivation.steps:
        if step.node in inputs or step.node not in needed:
            continue
        for term in step.terms:
            if term.child != graph.loss:
                users.setdefault(term.child, []).append(step.node)
    order = {n.name: i for i, n in enumerate(graph.nodes)}
    shared = tuple(SharedFactor(node, tuple(sorted(u, key=order.get)))
                   for node, u in sorted(users.items(), key=lambda item: order[item[0]]) if len(u) > 1)
    return Efficiency(params, backprop, separate, composed, shared)


def _adjoint_cost(terms) -> OpCount:
    """One adjoint Σ δ · local: the locals' operations, one product per term, the sum."""
    total = OpCount(additions=max(len(terms) - 1, 0))
    for from_loss, local in terms:  # δ(L) = 1 and a local 1 need no product
        total = total + count_operations(local) + OpCount(multiplications=0 if from_loss or local == 1 else 1)
    return total
