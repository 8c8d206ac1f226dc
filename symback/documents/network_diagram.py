r"""The diagram of a network spec as a lecture draws it: neurons in columns by layer.

Inputs on the left, each hidden layer, the outputs on the right, and a bias unit (printed ``1``) for every
layer that has biases, half-way to that layer and below both columns, so its short connections rise to
their neurons instead of crossing the figure. A connection runs from the east of its source to the west of
its target, clear of the numbers above and below every neuron. Every connection is labelled with its weight
(a bias unit's with the bias), every neuron shows its value above it and, in red beneath it, its
δ = ∂L/∂z (an input: ∂L/∂x). With several samples the neurons show sample 1. The columns are spaced so
that :func:`~symback.documents.diagram_parts.place_labels` finds every weight a place on its own edge
that no other edge crosses and that meets nothing else, and no arrow runs through a number; a network
too large for that on one page is drawn without numbers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from symback.documents.diagram_parts import (MERMAID_MAX_EDGES, MIN_TEXT_SCALE, NAME_PT, Diagram, DiagramEdge,
                                             DiagramNode, Column, crosses, fit_scale, moved_to_origin, place_labels,
                                             text_size)
from symback.documents.printing import name_latex
from symback.documents.prose import prose
from symback.documents.tex import Tex, format_number
from symback.engine.names import (activation_name, bias_name, input_name, pre_activation_name, sample_suffix,
                                  weight_name)

if TYPE_CHECKING:
    from symback.engine.solution import Solution

COLUMN_CM = 4.2      #: the first column distance tried; widened by 20 % until every label has room
SHEET_COLUMN_CM = 2.6  #: a student's sheet: the structure alone, its bias units clear of the columns
TRIES = 8
#: connections drawn with their weights (graphs: diagram.MAX_LABELLED_EDGES): a [5, 5, 5] network with biases
#: (60 edges) still reads; 81 edges between two columns of 9 cross each other so often that a label can no
#: longer be told to its edge
MAX_LABELLED_CONNECTIONS = 64


def _columns(net) -> list[list[tuple[str, str, str]]]:
    """Per column: (display name, value name, delta name) of its neurons, then its bias unit ("", "", "")."""
    depth, suffix = len(net.layers) - 1, sample_suffix(len(net.x), 0)
    columns = []
    for l, size in enumerate(net.layers):
        if l == 0:
            column = [(input_name(k), input_name(k, suffix), input_name(k, suffix)) for k in range(1, size + 1)]
        else:
            column = [(activation_name(l, j, depth), activation_name(l, j, depth, suffix),
                       pre_activation_name(l, j, suffix)) for j in range(1, size + 1)]
        if l < depth and net.bias != "none":
            column.append(("", "", ""))
        columns.append(column)
    return columns


def network_diagram(solution: "Solution", digits: int, t: Mapping[str, str], numbered: bool = True) -> Diagram:
    """The network of ``solution`` (a network spec) in columns, every number the engine's; not ``numbered``
    (a student's sheet): only its structure, closely spaced."""
    net, numbers = solution.graph.network, solution.numbers
    values, gradients = numbers.values, numbers.gradients
    columns = _columns(net)
    names, kinds, above, below, where, stands = [], [], [], [], [], []
    for c, column in enumerate(columns):
        for r, (shown, value, delta) in enumerate(column):
            names.append(shown or "1")
            stands.append(tuple(dict.fromkeys((value, delta))) if shown else ())
            kinds.append("neuron" if shown else "bias")
            above.append(Tex(format_number(values[value], digits)) if shown else Tex(""))
            below.append(Tex(format_number(gradients[delta], digits)) if shown else Tex(""))
            where.append((c, r - (net.layers[c] - 1) / 2) if shown else _bias_place(net.layers, c))
    index = {(c, r): i for i, (c, r) in enumerate((c, r) for c, col in enumerate(columns) for r in range(len(col)))}
    edges, preferred = [], []
    for l in range(1, len(net.layers)):
        targets = net.layers[l]
        for j in range(1, targets + 1):
            stagger = 0.2 + 0.25 * (j - 1) / (targets - 1) if targets > 1 else 0.25  # near the source end
            for k in range(1, net.layers[l - 1] + 1):
                edges.append((index[(l - 1, k - 1)], index[(l, j - 1)], values[weight_name(l, j, k)]))
                preferred.append(stagger)
            if net.bias != "none":
                edges.append((index[(l - 1, net.layers[l - 1])], index[(l, j - 1)], values[bias_name(net, l, j)]))
                preferred.append(stagger)
    labels = [Tex(format_number(v, digits)) for _, _, v in edges]
    layers = tuple(Column(_layer_title(t, c, len(columns)), tuple(index[(c, r)] for r in range(len(col))))
                   for c, col in enumerate(columns))
    notes = ((prose(t["diagram.bias_units"]),) if net.bias != "none" else ()) \
        + ((prose(t["diagram.first_sample"]),) if len(net.x) > 1 else ())
    drawn = _draw(names, kinds, above, below, where, edges, labels, preferred, stands, labelled=True) \
        if numbered and len(edges) <= MAX_LABELLED_CONNECTIONS else None
    if not numbered or drawn is None or fit_scale(*drawn[2:]) < MIN_TEXT_SCALE:
        drawn = _draw(names, kinds, [Tex("")] * len(names), [Tex("")] * len(names), where, edges,
                      [Tex("")] * len(edges), preferred, stands, labelled=False, column=SHEET_COLUMN_CM if not numbered else 1.8)
        notes = (prose(t["diagram.too_large"].format(count=len(edges))),) if numbered else ()
        return Diagram("network", *drawn[:2], *drawn[2:], intro=prose(""), scale=fit_scale(*drawn[2:]),
                       labelled=False, mermaid=False, layers=layers, notes=notes)
    return Diagram("network", *drawn[:2], *drawn[2:], intro=prose(t["diagram.network_intro"]),
                   scale=fit_scale(*drawn[2:]), mermaid=len(edges) <= MERMAID_MAX_EDGES, layers=layers, notes=notes)


def _bias_place(layers, c: int) -> tuple[float, float]:
    """(column, row) of the bias unit feeding layer c + 1: half-way to it, a row below both columns' neurons,
    so its connections are short and rise to their neurons instead of crossing the figure."""
    return c + 0.5, max(layers[c], layers[c + 1]) / 2 + 0.5


def _layer_title(t: Mapping[str, str], c: int, count: int) -> str:
    if c == 0:
        return t["diagram.inputs"]
    return t["diagram.outputs"] if c == count - 1 else t["diagram.hidden"].format(layer=c)


def _draw(names, kinds, above, below, where, edges, labels, preferred, stands, labelled: bool,
          column: float = COLUMN_CM):
    """(nodes, edges, width, height) with every box placed, or None when the labels find no room."""
    widest = max(text_size(name_latex(n) if k == "neuron" else n, NAME_PT)[0] for n, k in zip(names, kinds))
    size = max(1.0, widest + 0.1)
    above_sizes = [text_size(a) if a else (0.0, 0.0) for a in above]
    below_sizes = [text_size(b) if b else (0.0, 0.0) for b in below]
    number_h = max([h for _, h in above_sizes + below_sizes] + [0.0])
    row = size + 2 * number_h + (0.7 if labelled else 0.35)
    sizes = [text_size(label) for label in labels]
    for _ in range(TRIES if labelled else 1):
        centres = [(c * column, r * row) for c, r in where]
        nodes = []
        for i, (x, y) in enumerate(centres):
            top = (x, y - size / 2 - above_sizes[i][1] / 2 - 0.03)
            bottom = (x, y + size / 2 + below_sizes[i][1] / 2 + 0.03)
            nodes.append(DiagramNode(names[i], name_latex(names[i]) if kinds[i] == "neuron" else Tex("1"), x, y,
                                     size, kinds[i], above[i], below[i], top, bottom, above_sizes[i], below_sizes[i],
                                     ("δ" if where[i][0] else "∂L/∂x") if below[i] else "",
                                     stands_for=stands[i]))
        obstacles = [box for n in nodes for box in n.boxes()]
        ends = [end for s, e, _ in edges for end in ((centres[s][0] + size / 2, centres[s][1]),
                                                     (centres[e][0] - size / 2, centres[e][1]))]
        spots = place_labels(ends, [(2 * j, 2 * j + 1) for j in range(len(edges))], sizes, obstacles, preferred,
                             alone=True) if labelled else [(0.0, 0.0)] * len(edges)
        if spots is not None and not (labelled and _arrow_through(nodes, edges)):
            break
        column *= 1.2
    else:
        return None
    drawn = [DiagramEdge(s, e, str(labels[j]), "", labels[j], Tex(""), *spots[j], *(sizes[j] if labelled else (0, 0)),
                         Tex(f"(n{s}.east) -- (n{e}.west)")) for j, (s, e, _) in enumerate(edges)]
    return moved_to_origin(nodes, drawn)


def _arrow_through(nodes: list[DiagramNode], edges) -> bool:
    """Whether some connection (east of its source to west of its target) passes through a neuron it does
    not join, or through a value or δ."""
    for s, e, _ in edges:
        a, b = (nodes[s].x + nodes[s].size / 2, nodes[s].y), (nodes[e].x - nodes[e].size / 2, nodes[e].y)
        for i, node in enumerate(nodes):
            boxes = node.boxes()[1:] if i in (s, e) else node.boxes()
            if any(crosses(box, a, b, trim=0.01) for box in boxes):
                return True
    return False
