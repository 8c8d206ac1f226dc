"""The diagram of a computational graph: nodes, their positions, and edges labelled forward and back."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from symback.documents.printing import name_latex
from symback.documents.tex import Tex, format_number

if TYPE_CHECKING:
    from symback.engine.solution import Solution


@dataclass(frozen=True)
class Edge:
    """A diagram edge: forward value of the source above, the gradient flowing back along it below."""

    source: int
    target: int
    value: str
    gradient: str


@dataclass(frozen=True)
class Diagram:
    """The computational graph to draw: node names, their LaTeX, positions, and labelled edges.

    A node's column is its depth (longest path from a leaf), its row its place in that column.
    """

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    labels: tuple[Tex, ...] = ()
    positions: tuple[tuple[int, float], ...] = ()  #: (column, row), each column centred on row 0


MAX_DIAGRAM_EDGES = 60  #: larger graphs are not drawn (a picture of hundreds of edges teaches nothing)


def build_diagram(solution: "Solution", digits: int) -> Diagram | None:
    """Every edge parent -> node on the way to the loss, with value(parent) and dL/dnode * dnode/dparent."""
    graph, numbers = solution.graph, solution.numbers
    names = [n.name for n in graph.nodes if n.name in graph.ancestors_of_loss]
    index = {name: i for i, name in enumerate(names)}
    edges = []
    for node in graph.nodes:
        if node.is_leaf or node.name not in index:
            continue
        for parent in node.parents:
            local = numbers.locals.get((node.name, parent), sp.S.Zero)
            edges.append(Edge(index[parent], index[node.name], format_number(numbers.values[parent], digits),
                              format_number(numbers.gradients[node.name] * local, digits)))
    if len(edges) > MAX_DIAGRAM_EDGES:
        return None
    depth: dict[str, int] = {}
    for node in graph.nodes:
        if node.name in index:
            depth[node.name] = 1 + max((depth[p] for p in node.parents), default=-1)
    for node in graph.nodes:  # a leaf sits just left of its first consumer, not always in column 0
        if node.is_leaf and node.name in index:
            users = [depth[n.name] for n in graph.nodes if node.name in n.parents and n.name in index]
            depth[node.name] = min(users) - 1
    count: dict[int, int] = {}
    for name in names:
        count[depth[name]] = count.get(depth[name], 0) + 1
    seen: dict[int, int] = {}
    positions = []
    for name in names:
        column = depth[name]
        positions.append((column, seen.get(column, 0) - (count[column] - 1) / 2))
        seen[column] = seen.get(column, 0) + 1
    return Diagram(tuple(names), tuple(edges), tuple(name_latex(n) for n in names), tuple(positions))
