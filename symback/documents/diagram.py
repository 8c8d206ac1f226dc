r"""The diagram of a solved problem: a network in columns by layer, or a computational graph laid out by dot.

:func:`build_diagram` picks the drawing. A network spec gets :func:`~symback.documents.network_diagram.
network_diagram`. A graph spec gets a layered layout from Graphviz ``dot``
(:mod:`symback.documents.layout`): every edge labelled with the value flowing forward (above) and the
gradient flowing back along it (below, red), dot keeping each label clear of every node and label. A
graph whose labelled layout cannot be shrunk onto the page without its boxes meeting
(:func:`~symback.documents.layout.safe_scale`), or of more than :data:`MAX_LABELLED_EDGES` edges, is
drawn without labels, and the document says so. Without dot the graph is drawn in plain columns (depth
= longest path from a leaf), labels placed on the straight edges where they meet nothing, with a note.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.diagram_parts import (MERMAID_MAX_EDGES, MIN_TEXT_SCALE, NAME_PT, PAGE_HEIGHT_CM,
                                             PAGE_WIDTH_CM, Diagram, DiagramEdge, DiagramNode, fit_scale,
                                             moved_to_origin, place_labels, text_size)
from symback.documents.layout import (Layout, LayoutFailed, LayoutUnavailable, layout, safe_scale, scale_to,
                                      scaled)
from symback.documents.network_diagram import network_diagram
from symback.documents.printing import name_latex
from symback.documents.prose import prose
from symback.documents.tex import Tex, format_number

if TYPE_CHECKING:
    from symback.engine.solution import Solution

__all__ = ["Diagram", "build_diagram"]

#: more edges than this are not even tried with labels: measured, softmax_233_graph's 51 labelled edges
#: (36 nodes) need a 19 x 31 cm layout, which fits the page with its boxes apart and its text at 82 %
MAX_LABELLED_EDGES = 80
MAX_DRAWN_EDGES = 400  #: larger graphs are not drawn at all (dot's time grows fast; a figure teaches nothing)
WORD_CM = 1.05  #: a name wider than this is drawn in a stadium, not in a huge circle
WORD_HEIGHT_CM = 0.75  #: the height of that stadium


def build_diagram(solution: "Solution", digits: int, lang: str = "en", labels: bool = True) -> Diagram | None:
    """The figure of ``solution`` (None when it is too large to draw), its sentences in ``lang``; without
    ``labels`` only its structure, closely spaced (a student's sheet)."""
    t = messages(lang)
    if solution.graph.network is not None:
        diagram = network_diagram(solution, digits, t, labels)
        return diagram if len(diagram.edges) <= MAX_DRAWN_EDGES else None
    return graph_diagram(solution, digits, t, labels)


def _graph_parts(solution: "Solution", digits: int):
    """Node names on the way to the loss, and (source, target, value, gradient) of every edge."""
    graph, numbers = solution.graph, solution.numbers
    names = [n.name for n in graph.nodes if n.name in graph.ancestors_of_loss]
    index = {name: i for i, name in enumerate(names)}
    edges = []
    for node in graph.nodes:
        if node.is_leaf or node.name not in index:
            continue
        for parent in node.parents:
            local = numbers.locals.get((node.name, parent), sp.S.Zero)
            edges.append((index[parent], index[node.name], format_number(numbers.values[parent], digits),
                          format_number(numbers.gradients[node.name] * local, digits)))
    return names, edges


def graph_diagram(solution: "Solution", digits: int, t: Mapping[str, str], labels: bool = True) -> Diagram | None:
    """A computational graph laid out by dot (columns without dot), labelled when it fits legibly (and ``labels``)."""
    names, edges = _graph_parts(solution, digits)
    if len(edges) > MAX_DRAWN_EDGES:
        return None
    labels = [tuple(text_size(s) for s in (v, g)) for _, _, v, g in edges]
    sizes = [(max(a[0], b[0]), a[1] + b[1]) for a, b in labels]
    node_size = max(1.0, max(text_size(name_latex(n), NAME_PT)[0] for n in names) + 0.1)
    pairs = [(s, e) for s, e, _, _ in edges]
    height = WORD_HEIGHT_CM if node_size > WORD_CM else None
    try:
        if labels and len(edges) <= MAX_LABELLED_EDGES:
            placed = layout(names, pairs, node_size_cm=node_size, rank_sep_cm=0.35, node_sep_cm=0.3,
                            label_sizes=sizes, node_height_cm=height)
            fitted = scale_to(placed, PAGE_WIDTH_CM, PAGE_HEIGHT_CM)
            if fitted.scale >= safe_scale(placed) - 1e-9:
                return _from_layout(names, edges, fitted, t, labelled=True)
            closest = scaled(placed, min(1.0, 1.02 * safe_scale(placed)))  # boxes apart; then shrink the text
            if fit_scale(closest.width, closest.height) >= MIN_TEXT_SCALE:
                return _from_layout(names, edges, closest, t, labelled=True)
        bare = layout(names, pairs, node_size_cm=node_size, rank_sep_cm=0.8, node_sep_cm=0.3,
                      label_sizes=[(0.0, 0.0)] * len(edges), node_height_cm=height)
        return _from_layout(names, edges, scale_to(bare, PAGE_WIDTH_CM, PAGE_HEIGHT_CM, sizes=True), t,
                            labelled=False)
    except LayoutUnavailable as exc:  # no dot, or dot failed (LayoutFailed): plain columns, and say why
        why = t["diagram.dot_failed"] if isinstance(exc, LayoutFailed) else t["diagram.no_dot"]
        return _columns(solution, names, edges, sizes, node_size, t, prose(why))


def _from_layout(names, edges, placed: Layout, t: Mapping[str, str], labelled: bool) -> Diagram:
    """The Diagram of a dot layout: circles, dot's splines as TikZ curves, labels at dot's places."""
    shrunk = not labelled and placed.scale < 1.0 - 1e-9  # shrunk with its sizes: the names no longer fit
    nodes = tuple(DiagramNode(name, Tex("") if shrunk else name_latex(name), round(p.x, 4), round(p.y, 4),
                              round(placed.node_size, 4), "word" if placed.node_height else "node",
                              height=round(placed.node_height, 4)) for name, p in zip(names, placed.nodes))
    drawn = []
    for (s, e, value, gradient), where in zip(edges, placed.edges):
        drawn.append(DiagramEdge(s, e, value, gradient, Tex(value) if labelled else Tex(""),
                                 Tex(gradient) if labelled else Tex(""), round(where.label_x, 4),
                                 round(where.label_y, 4), where.label_width, where.label_height,
                                 _spline(s, e, where.points)))
    notes = () if labelled else (prose(t["diagram.too_large"].format(count=len(edges))),)
    return Diagram("graph", nodes, tuple(drawn), round(placed.width, 4), round(placed.height, 4),
                   intro=prose(t["diagram_intro"] if labelled else ""), scale=fit_scale(placed.width, placed.height),
                   labelled=labelled,
                   mermaid=labelled and len(edges) <= MERMAID_MAX_EDGES, notes=notes)


def _spline(source: int, target: int, points) -> Tex:
    """dot's Bézier route as a TikZ path from node ``source`` to node ``target``."""
    if len(points) < 4 or (len(points) - 1) % 3:
        return Tex(f"(n{source}) -- (n{target})")
    parts = [f"(n{source})"]
    for k in range(1, len(points), 3):
        (ax, ay), (bx, by), (cx, cy) = points[k:k + 3]
        end = f"(n{target})" if k + 3 >= len(points) else f"({cx:.3f},{cy:.3f})"
        parts.append(f".. controls ({ax:.3f},{ay:.3f}) and ({bx:.3f},{by:.3f}) .. {end}")
    return Tex(" ".join(parts))


def _columns(solution: "Solution", names, edges, sizes, node_size: float, t: Mapping[str, str], note):
    """Without dot: a node's column is its depth (a leaf just left of its first user), labels on the lines."""
    graph = solution.graph
    index = {name: i for i, name in enumerate(names)}
    depth: dict[str, int] = {}
    for node in graph.nodes:
        if node.name in index:
            depth[node.name] = 1 + max((depth[p] for p in node.parents), default=-1)
    for node in graph.nodes:
        if node.is_leaf and node.name in index:
            depth[node.name] = min(depth[n.name] for n in graph.nodes if node.name in n.parents and n.name in index) - 1
    count: dict[int, int] = {}
    rows = []
    for name in names:
        rows.append(count.get(depth[name], 0))
        count[depth[name]] = rows[-1] + 1
    where = [(depth[n], r - (count[depth[n]] - 1) / 2) for n, r in zip(names, rows)]
    row = node_size + max(h for _, h in sizes) + 0.4
    column = node_size + max(w for w, _ in sizes) + 0.6
    pairs = [(s, e) for s, e, _, _ in edges]
    for _ in range(6):
        centres = [(c * column, r * row) for c, r in where]
        wide = node_size > WORD_CM
        nodes = [DiagramNode(n, name_latex(n), x, y, node_size, "word" if wide else "node",
                             height=WORD_HEIGHT_CM if wide else 0.0) for n, (x, y) in zip(names, centres)]
        spots = place_labels(centres, pairs, sizes, [b for n in nodes for b in n.boxes()])
        if spots is not None:
            break
        column, row = column * 1.2, row * 1.2
    labelled = spots is not None
    spots = spots or [(0.0, 0.0)] * len(edges)
    drawn = [DiagramEdge(s, e, v, g, Tex(v) if labelled else Tex(""), Tex(g) if labelled else Tex(""),
                         *spots[j], *(sizes[j] if labelled else (0.0, 0.0)), Tex(f"(n{s}) -- (n{e})"))
             for j, (s, e, v, g) in enumerate(edges)]
    nodes_, edges_, width, height = moved_to_origin(nodes, drawn)
    notes = (note,) if labelled else (note, prose(t["diagram.too_large"].format(count=len(edges))))
    return Diagram("graph", nodes_, edges_, width, height, intro=prose(t["diagram_intro"] if labelled else ""),
                   scale=fit_scale(width, height), labelled=labelled,
                   mermaid=labelled and len(edges) <= MERMAID_MAX_EDGES, notes=notes)
