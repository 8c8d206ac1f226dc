r"""The diagram model the templates draw, and the geometry that keeps its labels apart.

Everything is in centimetres with y growing *downward* (TikZ ``[x=1cm, y=-1cm]``), the origin at the
top-left corner: :class:`DiagramNode` and :class:`DiagramEdge` carry every position and size a
template needs, so a template only writes them out. Text sizes are estimated from the LaTeX of a
label (:func:`text_size`, generous on purpose), and :func:`place_labels` puts each edge's label on its
straight edge where its box meets no node, no value and no other label (tried at staggered fractions
of the edge's length); the tests check that the boxes of a finished diagram are disjoint.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

from symback.documents.prose import Prose
from symback.documents.tex import Tex

CM_PER_PT = 2.54 / 72.27      #: a TeX point in cm
LABEL_PT = 8.0                #: \scriptsize of an 11 pt document: every number in a diagram
NAME_PT = 10.0                #: \small: the names inside the nodes
PAD_CM = 0.08                 #: TikZ inner sep (1 pt) on each side, and a little air
GAP_CM = 0.1                  #: the least distance between a label's box and any other box
PAGE_WIDTH_CM = 16.5          #: A4 with 2 cm margins is 17 cm wide: keep a little off the edge
PAGE_HEIGHT_CM = 20.0         #: and leave room for the sentence above the figure
MERMAID_MAX_EDGES = 36        #: Mermaid places its labels where it likes: beyond this they collide
MIN_TEXT_SCALE = 0.75         #: the least a figure's text may shrink: 8 pt labels to 6 pt, LaTeX's \tiny


@dataclass(frozen=True)
class Box:
    """An axis-parallel rectangle by its centre and size, in cm."""

    x: float
    y: float
    width: float
    height: float

    def meets(self, other: "Box", gap: float = 0.0) -> bool:
        """True when the two boxes overlap, or come closer than ``gap``."""
        return (abs(self.x - other.x) < (self.width + other.width) / 2 + gap - 1e-9
                and abs(self.y - other.y) < (self.height + other.height) / 2 + gap - 1e-9)


@dataclass(frozen=True)
class DiagramNode:
    """One neuron, bias unit or graph node: its name (plain and LaTeX), centre and size, and the numbers
    printed above it (its value) and below it in red (its δ or gradient), each with its centre."""

    name: str
    label: Tex
    x: float
    y: float
    size: float                       #: diameter of the circle, cm
    kind: str = "node"                #: "neuron", "bias", "node" or "word": the TikZ style the template uses
    above: Tex = Tex("")
    below: Tex = Tex("")
    above_at: tuple[float, float] = (0.0, 0.0)
    below_at: tuple[float, float] = (0.0, 0.0)
    above_size: tuple[float, float] = (0.0, 0.0)
    below_size: tuple[float, float] = (0.0, 0.0)
    below_symbol: str = ""            #: what the red number is, for the Markdown: "δ", "∂L/∂x"
    height: float = 0.0               #: a "word" node (a long name) is a stadium ``size`` wide, this high
    stands_for: tuple[str, ...] = ()  #: the graph's nodes drawn here (a neuron: its a and z); () for ``name`` alone

    def boxes(self) -> list[Box]:
        """The circle's square and the boxes of the numbers above and below it."""
        found = [Box(self.x, self.y, self.size, self.height or self.size)]
        if self.above:
            found.append(Box(*self.above_at, *self.above_size))
        if self.below:
            found.append(Box(*self.below_at, *self.below_size))
        return found


@dataclass(frozen=True)
class DiagramEdge:
    """An edge ``source -> target`` (node indices), its TikZ path and its label box.

    ``value`` and ``gradient`` are the plain numbers (the Markdown shows them); ``label`` (black) and
    ``second`` (red, under it) are what the PDF prints at ``(label_x, label_y)``, empty when unlabelled.
    """

    source: int
    target: int
    value: str
    gradient: str = ""
    label: Tex = Tex("")
    second: Tex = Tex("")
    label_x: float = 0.0
    label_y: float = 0.0
    label_width: float = 0.0
    label_height: float = 0.0
    path: Tex = Tex("")               #: e.g. ``(n0) -- (n3)`` or ``(n0) .. controls (1.2,0.4) and ... (n3)``

    @property
    def box(self) -> Box:
        return Box(self.label_x, self.label_y, self.label_width, self.label_height)


@dataclass(frozen=True)
class Column:
    """A column of a network diagram: its heading and its node indices (Mermaid draws it as a subgraph)."""

    title: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Diagram:
    """A figure ready to draw: nodes, edges, its size, the TikZ scale, and the sentences around it.

    ``kind`` is "network" (neurons in columns by layer) or "graph" (a computational graph laid out by
    Graphviz dot). ``labelled`` is False when the figure is too large to label legibly: then only the
    structure is drawn and ``notes`` says so; ``mermaid`` tells whether the Markdown draws it at all.
    """

    kind: str
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    width: float
    height: float
    intro: Prose
    scale: float = 1.0
    labelled: bool = True
    mermaid: bool = True
    layers: tuple[Column, ...] = ()  #: the columns of a network diagram
    notes: tuple[Prose, ...] = ()



# ---------------------------------------------------------------------------------------- text sizes

_EM = {".": 0.28, ",": 0.28, ":": 0.28, "(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, "-": 0.78, "+": 0.78,
       "=": 0.78, "/": 0.5, "_": 0.5, " ": 0.0, "~": 0.33}
_COMMAND_EM = {"times": 0.78, "cdot": 0.5, "delta": 0.5, "partial": 0.55, "infty": 1.0, "pi": 0.57,
               "sigma": 0.57, "eta": 0.5, ",": 0.17, "!": -0.17, "_": 0.5}
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([\^_])|([{}])|(.)", re.S)
_SKIP = {"mathrm", "mathit", "operatorname", "text", "mathbf", "left", "right", "displaystyle"}


def text_size(tex: str, pt: float = LABEL_PT) -> tuple[float, float]:
    """A generous (width, height) in cm of the LaTeX math ``tex`` at ``pt`` points, padding included.

    Digits and letters count 0.5 em (Latin Modern's digits are exactly that), operators 0.78 em, sub-
    and superscripts 70 %; the height is one line, more with a superscript.

    >>> w, h = text_size("0.15")
    >>> 0.4 < w < 0.8 and 0.3 < h < 0.6
    True
    """
    width, scripts, pending, stack = 0.0, False, False, []
    for command, script, brace, char in _TOKEN.findall(tex):
        size = 0.7 if (stack and stack[-1]) or pending else 1.0
        if script:
            pending, scripts = True, True
            continue
        if brace == "{":
            stack.append(pending or (bool(stack) and stack[-1]))
            pending = False
            continue
        if brace == "}":
            stack = stack[:-1]
            continue
        if command:
            width += size * _COMMAND_EM.get(command, 0.0 if command in _SKIP else 0.6)
        else:
            width += size * _EM.get(char, 0.56 if char.isupper() else 0.5)
        pending = False
    em = pt * CM_PER_PT
    return width * em + 2 * PAD_CM, (1.25 + (0.35 if scripts else 0.0)) * em + 2 * PAD_CM


# ---------------------------------------------------------------------------------------- placement

def _crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment a-b passes through the box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = a, b
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - (box.x - box.width / 2)), (x1 - x0, (box.x + box.width / 2) - x0),
                 (y0 - y1, y0 - (box.y - box.height / 2)), (y1 - y0, (box.y + box.height / 2) - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            low = max(low, r)
        else:
            high = min(high, r)
        if low > high:
            return False
    return True


FRACTIONS = tuple(round(0.12 + 0.04 * i, 2) for i in range(20))  #: 0.12 .. 0.88 along the edge


def place_labels(centres: Sequence[tuple[float, float]], segments: Sequence[tuple[int, int]],
                 sizes: Sequence[tuple[float, float]], obstacles: Sequence[Box],
                 preferred: Sequence[float] | None = None, alone: bool = False) -> list[tuple[float, float]] | None:
    """A centre for each segment's label, on its straight segment, or None when some label finds no room.

    ``segments`` join ``centres`` (node indices); ``sizes`` are the labels' (width, height). A label
    may sit at any of :data:`FRACTIONS` of its segment's length where its box meets no obstacle and no
    label placed before it (with :data:`GAP_CM` to spare); among those it takes the place crossed by
    the fewest other segments, then the one nearest its ``preferred`` fraction (staggering the labels
    of edges that leave one node). With ``alone``, a place any other segment crosses is no place: every
    label is then on its own edge only, never on a crossing. Greedy, one segment at a time, longest
    labels first.
    """
    preferred = preferred or [0.5] * len(segments)
    placed: list[Box | None] = [None] * len(segments)
    order = sorted(range(len(segments)), key=lambda j: -sizes[j][0])
    for j in order:
        a, b = centres[segments[j][0]], centres[segments[j][1]]
        best = None
        for f in FRACTIONS:
            box = Box(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), *sizes[j])
            if any(box.meets(o, GAP_CM) for o in obstacles) \
                    or any(p is not None and box.meets(p, GAP_CM) for p in placed):
                continue
            crossings = sum(_crosses(box, centres[s], centres[t]) for k, (s, t) in enumerate(segments) if k != j)
            if alone and crossings:
                continue
            score = (crossings, abs(f - preferred[j]))
            if best is None or score < best[0]:
                best = (score, box)
        if best is None:
            return None
        placed[j] = best[1]
    return [(box.x, box.y) for box in placed]


def crosses(box: Box, a: tuple[float, float], b: tuple[float, float], trim: float = 0.0) -> bool:
    """Whether the segment a-b, less ``trim`` cm at each end (the circles it joins), passes through ``box``."""
    length = math.dist(a, b)
    if length <= 2 * trim:
        return False
    f = trim / length
    return _crosses(box, (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])),
                    (b[0] - f * (b[0] - a[0]), b[1] - f * (b[1] - a[1])))


def fit_scale(width: float, height: float) -> float:
    """The factor (at most 1, rounded down to 4 decimals) that shrinks a ``width`` x ``height`` figure onto the page."""
    factor = min(1.0, PAGE_WIDTH_CM / width if width > 0 else 1.0, PAGE_HEIGHT_CM / height if height > 0 else 1.0)
    return math.floor(factor * 10_000) / 10_000


def moved_to_origin(nodes: Sequence[DiagramNode], edges: Sequence[DiagramEdge]):
    """(nodes, edges, width, height): everything shifted so the figure's top-left corner is (0, 0), to 1 µm."""
    boxes = [b for n in nodes for b in n.boxes()] + [e.box for e in edges if e.label]
    left, top = min(b.x - b.width / 2 for b in boxes), min(b.y - b.height / 2 for b in boxes)
    width = max(b.x + b.width / 2 for b in boxes) - left
    height = max(b.y + b.height / 2 for b in boxes) - top

    def at(x: float, y: float) -> tuple[float, float]:
        return round(x - left, 4), round(y - top, 4)

    moved_nodes = tuple(replace(n, x=at(n.x, n.y)[0], y=at(n.x, n.y)[1], above_at=at(*n.above_at),
                                below_at=at(*n.below_at)) for n in nodes)
    moved_edges = tuple(replace(e, label_x=at(e.label_x, e.label_y)[0], label_y=at(e.label_x, e.label_y)[1],
                                path=Tex(_shift_path(e.path, left, top))) for e in edges)
    return moved_nodes, moved_edges, round(width, 4), round(height, 4)


_POINT = re.compile(r"\((-?[\d.]+),(-?[\d.]+)\)")


def _shift_path(path: str, left: float, top: float) -> str:
    """A TikZ path with its numeric points ``(x,y)`` shifted by (-left, -top); node names untouched."""
    return _POINT.sub(lambda m: f"({float(m.group(1)) - left:.3f},{float(m.group(2)) - top:.3f})", path)
