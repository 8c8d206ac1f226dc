r"""The diagram model drawn as inline SVG: for a notebook and a web page, where TikZ is not typeset.

:func:`diagram_svg` writes the :class:`~symback.documents.diagram_parts.Diagram` that the LaTeX templates
draw with TikZ, at the same places (no layout of its own): a circle (a stadium for a long name) per node,
its value above it and its δ or gradient below it in red, an arrow per edge along the same straight or
Bézier path, and each edge's label where the PDF prints it, on a white box. Text is Unicode (no math
typesetting): names as :func:`~symback.documents.unicode_printing.unicode_formula` writes them, numbers
with ``−`` and ``×10ⁿ``. Every node is a ``<g id="{prefix}-node-{i}" class="node ...">`` and every edge a
``<g id="{prefix}-edge-{j}" class="edge">``, so that a page can highlight the node being processed.

>>> from symback.documents.diagram_parts import Diagram, DiagramNode
>>> from symback.documents.prose import prose
>>> one = Diagram("graph", (DiagramNode("x", Tex("x"), 0.5, 0.5, 1.0),), (), 1.0, 1.0, prose(""))
>>> diagram_svg(one).count('class="node node"')
1
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import sympy as sp

from symback.documents.diagram_parts import LABEL_PT, NAME_PT, CM_PER_PT, Diagram, DiagramEdge, DiagramNode
from symback.documents.tex import Tex
from symback.documents.unicode_printing import unicode_formula, unicode_number

UNIT = 40.0         #: SVG user units per cm (about 1 px per unit on a 96 dpi screen at 100 %)
MARGIN_CM = 0.15    #: room around the figure for strokes and arrow heads
ARROW_CM = 0.18     #: length of an arrow head
GRADIENT_COLOUR = "#c00000"  #: the red of the δs and gradients (TikZ's ``red`` is harsher on screen)
_STEP = re.compile(r"\((n\d+)(?:\.(east|west))?\)|\((-?[\d.]+),(-?[\d.]+)\)|(--|\.\.|controls|and)")


def diagram_svg(diagram: Diagram, prefix: str = "d") -> str:
    """The figure as one ``<svg>`` element (no blank line inside, so Markdown keeps it as one HTML block).

    ``prefix`` starts every ``id``: two figures on one page need two prefixes.
    """
    pad = MARGIN_CM
    width, height = diagram.width + 2 * pad, diagram.height + 2 * pad
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "class": f"symback-diagram {diagram.kind}",
                             "viewBox": f"{_u(-pad)} {_u(-pad)} {_u(width)} {_u(height)}",
                             "width": _u(width * diagram.scale), "height": _u(height * diagram.scale),
                             "role": "img", "font-family": "serif"})
    defs = ET.SubElement(svg, "defs")
    head = ET.SubElement(defs, "marker", {"id": f"{prefix}-arrow", "viewBox": "0 0 10 10", "refX": "10", "refY": "5",
                                          "markerUnits": "userSpaceOnUse", "markerWidth": _u(ARROW_CM),
                                          "markerHeight": _u(ARROW_CM), "orient": "auto"})
    ET.SubElement(head, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "black"})
    for j, edge in enumerate(diagram.edges):
        _edge(svg, j, edge, diagram.nodes, prefix)
    for i, node in enumerate(diagram.nodes):
        _node(svg, i, node, prefix)
    for j, edge in enumerate(diagram.edges):  # labels last: their white boxes cover the lines, not the circles
        if edge.label:
            _edge_label(svg, j, edge, prefix)
    return ET.tostring(svg, encoding="unicode")


def _u(cm: float) -> str:
    """A length or coordinate in user units, short."""
    return f"{cm * UNIT:.2f}".rstrip("0").rstrip(".")


def _node(svg: ET.Element, i: int, node: DiagramNode, prefix: str) -> None:
    """A node's group: its shape, its name, and its value above and its δ below."""
    group = ET.SubElement(svg, "g", {"id": f"{prefix}-node-{i}", "class": f"node {node.kind}",
                                     "data-name": node.name, "data-stands-for": " ".join(node.stands_for or (node.name,))})
    stroke = {"stroke": "black", "stroke-width": "1.6" if node.kind == "neuron" else "1"}
    fill = "#e6e6e6" if node.kind == "bias" else "white"
    if node.height:
        ET.SubElement(group, "rect", {"x": _u(node.x - node.size / 2), "y": _u(node.y - node.height / 2),
                                      "width": _u(node.size), "height": _u(node.height),
                                      "rx": _u(min(0.3, node.height / 2)), "fill": fill, **stroke})
    else:
        ET.SubElement(group, "circle", {"cx": _u(node.x), "cy": _u(node.y), "r": _u(node.size / 2), "fill": fill,
                                        **stroke})
    if node.label:
        name = "1" if node.kind == "bias" else unicode_formula(sp.Symbol(node.name))
        _text(group, name, node.x, node.y, NAME_PT, "name")
    if node.above:
        _text(group, unicode_number(node.above), *node.above_at, LABEL_PT, "value")
    if node.below:
        _text(group, unicode_number(node.below), *node.below_at, LABEL_PT, "gradient", GRADIENT_COLOUR)


def _text(parent: ET.Element, text: str, x: float, y: float, pt: float, kind: str, colour: str = "black") -> None:
    ET.SubElement(parent, "text", {"x": _u(x), "y": _u(y), "class": kind, "fill": colour, "text-anchor": "middle",
                                   "dominant-baseline": "central",
                                   "font-size": _u(pt * CM_PER_PT)}).text = text


def _edge(svg: ET.Element, j: int, edge: DiagramEdge, nodes, prefix: str) -> None:
    """An edge's group: its arrow along the figure's path (clipped at the circles it joins)."""
    group = ET.SubElement(svg, "g", {"id": f"{prefix}-edge-{j}", "class": "edge",
                                     "data-source": str(edge.source), "data-target": str(edge.target)})
    ET.SubElement(group, "path", {"d": svg_path(edge.path, nodes), "fill": "none", "stroke": "black",
                                  "stroke-width": "1", "marker-end": f"url(#{prefix}-arrow)"})


def _edge_label(svg: ET.Element, j: int, edge: DiagramEdge, prefix: str) -> None:
    """An edge's label on a white box: its value, and under it (red) its gradient."""
    group = ET.SubElement(svg, "g", {"id": f"{prefix}-label-{j}", "class": "edge-label"})
    ET.SubElement(group, "rect", {"x": _u(edge.label_x - edge.label_width / 2),
                                  "y": _u(edge.label_y - edge.label_height / 2), "width": _u(edge.label_width),
                                  "height": _u(edge.label_height), "fill": "white"})
    if edge.second:
        quarter = edge.label_height / 4
        _text(group, unicode_number(edge.label), edge.label_x, edge.label_y - quarter, LABEL_PT, "value")
        _text(group, unicode_number(edge.second), edge.label_x, edge.label_y + quarter, LABEL_PT, "gradient",
              GRADIENT_COLOUR)
    else:
        _text(group, unicode_number(edge.label), edge.label_x, edge.label_y, LABEL_PT, "value")


def svg_path(path: Tex | str, nodes) -> str:
    """The SVG ``d`` of a diagram's TikZ path: ``(n0) -- (n3)``, ``(n0.east) -- (n3.west)`` or Bézier
    ``.. controls (x,y) and (x,y) ..`` pieces, a node's end on its border facing the next point, as TikZ draws it."""
    points: list[tuple[float, float] | tuple[int, str]] = []
    curved = False
    for name, anchor, x, y, word in _STEP.findall(str(path)):
        if name:
            points.append((int(name[1:]), anchor))
        elif x:
            points.append((float(x), float(y)))
        curved = curved or word == "controls"
    if len(points) < 2:
        raise ValueError(f"a diagram path needs two ends: {path!r}")
    centres = [_centre(p, nodes) for p in points]
    first = _border(points[0], centres[1], nodes)
    last = _border(points[-1], centres[-2], nodes)
    inner = centres[1:-1]
    coords = [first, *inner, last]
    head = f"M {_u(first[0])} {_u(first[1])}"
    if curved and (len(coords) - 1) % 3 == 0:
        return head + "".join(f" C {_u(a[0])} {_u(a[1])} {_u(b[0])} {_u(b[1])} {_u(c[0])} {_u(c[1])}"
                              for a, b, c in zip(coords[1::3], coords[2::3], coords[3::3]))
    return head + "".join(f" L {_u(x)} {_u(y)}" for x, y in coords[1:])


def _centre(point, nodes) -> tuple[float, float]:
    """A point of a path: a coordinate as it is, a node (or its east/west anchor) at its centre (or anchor)."""
    if isinstance(point[1], str):
        node = nodes[point[0]]
        side = {"east": 1, "west": -1}.get(point[1], 0)
        return node.x + side * node.size / 2, node.y
    return point


def _border(point, toward: tuple[float, float], nodes) -> tuple[float, float]:
    """Where a path leaves (or enters) a node: an anchor as named, else the border facing ``toward``."""
    if not isinstance(point[1], str) or point[1]:
        return _centre(point, nodes)
    node = nodes[point[0]]
    dx, dy = toward[0] - node.x, toward[1] - node.y
    length = math.hypot(dx, dy)
    if length == 0:
        return node.x, node.y
    if node.height:  # a stadium: the border of its rectangle
        reach = min(node.size / 2 / abs(dx) if dx else math.inf, node.height / 2 / abs(dy) if dy else math.inf)
        return node.x + dx * reach, node.y + dy * reach
    return node.x + dx / length * node.size / 2, node.y + dy / length * node.size / 2
