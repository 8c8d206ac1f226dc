"""Computational graphs: named leaves and nodes, their formulas, parents and topological order."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import sympy as sp

from symback.engine import limits
from symback.engine.errors import SpecError
from symback.engine.expr import parse_formula, symbol
from symback.engine.kinds import network_kind
from symback.engine.value_size import check_value_digits
from symback.engine.optimizers import Optimizer
from symback.engine.node import INPUT, NODE, PARAM, Neuron, Node, exact_number
from symback.engine.rules import Conventions
from symback.engine.spec import NetworkSpec, Spec



@dataclass(frozen=True)
class Graph:
    """An immutable computational graph with the point (leaf values) it is evaluated at.

    ``nodes`` are in topological order: leaves first (inputs, then parameters), then each node
    after every node it uses.
    """

    nodes: tuple[Node, ...]
    loss: str
    point: Mapping[str, sp.Expr]
    title: str | None = None
    learning_rate: sp.Expr | None = None
    steps: int = 1
    optimizer: Optimizer | None = None  #: the update rule (None: plain gradient descent)
    frozen: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    target_groups: tuple[tuple[str, ...], ...] = ()  #: targets of cross-entropy losses
    network: NetworkSpec | None = None
    neurons: Mapping[str, Neuron] = field(default_factory=dict)  #: a network's pre-activation nodes: their neuron

    @cached_property
    def by_name(self) -> dict[str, Node]:
        return {n.name: n for n in self.nodes}

    def node(self, name: str) -> Node:
        """The node called ``name`` (KeyError naming the known names otherwise)."""
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"no node, input or parameter named {name!r}") from None

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.kind == INPUT)

    @cached_property
    def params(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.kind == PARAM)

    @cached_property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {n.name: n.symbol for n in self.nodes}

    @cached_property
    def ancestors_of_loss(self) -> frozenset[str]:
        """Names the loss depends on, the loss included."""
        seen = {self.loss}
        for node in reversed(self.nodes):
            if node.name in seen:
                seen.update(node.parents)
        return frozenset(seen)


def build_graph(spec: Spec) -> Graph:
    """The graph of a spec: parsed formulas in topological order, or the network's neurons.

    >>> from symback.engine.spec_reader import spec_from_dict
    >>> g = build_graph(spec_from_dict({"loss": "f", "inputs": {"x": 5}, "params": {"w": -2},
    ...                                 "nodes": {"f": "w*x"}}))
    >>> [n.name for n in g.nodes]
    ['x', 'w', 'f']
    """
    conventions = Conventions(relu_at_zero=spec.relu_at_zero)
    common = dict(title=spec.title, learning_rate=spec.learning_rate, steps=spec.steps, optimizer=spec.optimizer,
                  frozen=spec.frozen, conventions=conventions)
    if spec.network is not None:  # its kind builds it (symback.engine.kinds), with the checks of its size
        kind = network_kind(spec.network)
        nodes, point, loss, groups, neurons = kind.build(spec.network, conventions, spec.source)
        return Graph(nodes=nodes, loss=loss, point=point, target_groups=groups,
                     network=spec.network if kind.holds_network else None, neurons=neurons, **common)
    names = [n for n, _ in spec.inputs] + [n for n, _ in spec.params] + [n for n, _ in spec.nodes]
    limits.check("nodes", f"{spec.source}: nodes", len(names), "names (inputs, parameters and nodes)")
    symbols = {n: symbol(n) for n in names}
    leaves = [Node(n, INPUT) for n, _ in spec.inputs] + [Node(n, PARAM) for n, _ in spec.params]
    defined: dict[str, Node] = {}
    groups: list[tuple[str, ...]] = []
    for name, text in spec.nodes:
        parsed = parse_formula(text, symbols, where=f"{spec.source}: nodes.{name}")
        used = {s.name for s in parsed.expr.free_symbols}
        if name in used:
            raise SpecError(f"{spec.source}: nodes.{name}", f"'{name}' uses itself in '{text}'",
                            "a node cannot depend on itself; introduce a new node name")
        parents = tuple(n for n in names if n in used)
        defined[name] = Node(name, NODE, parsed.expr, parents)
        groups.extend(tuple(s.name for s in g) for g in parsed.target_groups)
    ordered = _topological(defined, spec.source)
    point = {name: exact_number(value, name) for name, value in spec.inputs + spec.params}
    check_value_digits([(n.name, n.expr) for n in ordered], point, spec.source)  # before any is computed
    return Graph(nodes=tuple(leaves) + ordered, loss=spec.loss, point=point,
                 target_groups=tuple(dict.fromkeys(groups)), **common)


def _topological(defined: dict[str, Node], source: str) -> tuple[Node, ...]:
    """Nodes ordered so each comes after the nodes it uses; a cycle is an error naming it.

    An explicit stack, not recursion: a chain of thousands of nodes is an ordinary input.
    """
    order: list[Node] = []
    state: dict[str, int] = {}  # 1 visiting (on the path), 2 done
    for root in defined:
        if state.get(root):
            continue
        path = [root]
        stack = [iter(p for p in defined[root].parents if p in defined)]
        state[root] = 1
        while stack:
            parent = next(stack[-1], None)
            if parent is None:
                stack.pop()
                done = path.pop()
                state[done] = 2
                order.append(defined[done])
            elif state.get(parent) == 1:
                cycle = path[path.index(parent):] + [parent]
                raise SpecError(f"{source}: nodes.{parent}", "the nodes " + " -> ".join(cycle) + " form a cycle",
                                "a graph must not loop back; break the cycle")
            elif not state.get(parent):
                state[parent] = 1
                path.append(parent)
                stack.append(iter(p for p in defined[parent].parents if p in defined))
    return tuple(order)


def expand_nodes(graph: Graph, expr: sp.Expr) -> sp.Expr:
    """``expr`` with every node symbol replaced by its formula (only inputs and parameters remain)."""
    for node in reversed(graph.nodes):
        if not node.is_leaf and node.symbol in expr.free_symbols:
            expr = expr.xreplace({node.symbol: node.expr})
    return expr
