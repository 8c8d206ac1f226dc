"""Graph layout through Graphviz ``dot``: node centres and collision-free edge-label places, in centimetres.

Only numbers reach dot: node ``i`` is ``n<i>``, edge ``j`` carries ``id="e<j>"``, and every edge label is an
empty HTML table of the requested size, so no user text is ever written into the dot source (nothing to
escape). Because dot makes each edge label a node of its own, in a column between the two nodes' columns,
labels never overlap each other or the nodes. An edge between two nodes of one rank (or a loop) has no
such column: its label is a dot ``xlabel``, which dot places after the layout beside the edge, avoiding
the other nodes and labels where it can (forcelabels: it is placed even where it cannot).

Coordinates: x grows to the right (``rankdir=LR``: sources on the left), y grows *downward*, the origin is
the top-left corner of the drawing's bounding box, all in cm, so TikZ draws them with
``[x=1cm, y=-1cm]``. Dot runs without a shell, under a timeout; without dot, :class:`LayoutUnavailable`.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass, replace
from typing import Sequence

from symback.engine.numerals import number_text

CM_PER_BP = 2.54 / 72  #: a PostScript ("big") point in cm: Graphviz's unit, not TeX's pt (diagram_parts.CM_PER_PT)
GRAPHVIZ_INSTALL = "apt-get install graphviz"
DEFAULT_LABEL_CM = (1.2, 0.5)  #: (width, height) of every edge label when ``label_sizes`` is not given
LABEL_PAD_CM = 0.1  #: added around each label before dot sees it, so that reported labels do not even touch


class LayoutUnavailable(Exception):
    """Graphviz ``dot`` is not on PATH (or could not lay the graph out); fall back to a fixed layout."""


class LayoutFailed(LayoutUnavailable):
    """``dot`` ran but timed out, failed, or printed something unreadable."""


@dataclass(frozen=True)
class Placed:
    """One node: the caller's text (never given to dot) and its centre, in cm from the top-left corner."""

    name: str
    x: float
    y: float


@dataclass(frozen=True)
class PlacedEdge:
    """One edge: its ends (node indices), its label's centre and size, and dot's spline, all in cm.

    ``points`` are the cubic Bézier control points of dot's route from source to target: start, then
    three points per segment (TikZ: ``(p0) .. controls (p1) and (p2) .. (p3) ...``); drawing a straight
    line instead keeps the label beside the edge only approximately.
    """

    source: int
    target: int
    label_x: float
    label_y: float
    label_width: float
    label_height: float
    points: tuple[tuple[float, float], ...] = ()

    @property
    def label(self) -> tuple[float, float]:
        return self.label_x, self.label_y


@dataclass(frozen=True)
class Layout:
    """Where dot put everything, in cm (y downward); ``width`` x ``height`` is the bounding box."""

    nodes: tuple[Placed, ...]
    edges: tuple[PlacedEdge, ...]
    width: float
    height: float
    node_size: float  #: diameter (width) of every node, cm
    scale: float = 1.0  #: factor :func:`scale_to` applied to the positions (sizes are never scaled)
    node_height: float = 0.0  #: height of every node when it is a box (``node_height_cm``), else 0

    @property
    def node_box(self) -> tuple[float, float]:
        """(width, height) of every node, cm."""
        return self.node_size, self.node_height or self.node_size


def _inches(cm: float) -> str:
    return f"{cm / 2.54:.4f}"


def _check(nodes, edges, ranks, label_sizes, sizes) -> None:
    count = len(nodes)
    for j, (a, b) in enumerate(edges):
        if not (isinstance(a, int) and isinstance(b, int) and 0 <= a < count and 0 <= b < count):
            raise ValueError(f"edge {j} ({a}, {b}) does not join two of the {count} nodes")
    if ranks is not None and (len(ranks) != count or not all(isinstance(r, int) for r in ranks)):
        raise ValueError(f"ranks must give one integer per node ({count})")
    if label_sizes is not None and len(label_sizes) != len(edges):
        raise ValueError(f"label_sizes must give one (width, height) per edge ({len(edges)})")
    flat = list(sizes) + [v for size in (label_sizes or ()) for v in size]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in flat) or min(sizes) <= 0:
        raise ValueError("sizes and separations must be finite and positive (label sizes may be 0)")


def dot_source(nodes: Sequence[str], edges: Sequence[tuple[int, int]], *, ranks: Sequence[int] | None = None,
               node_size_cm: float = 1.0, rank_sep_cm: float = 2.2, node_sep_cm: float = 0.9,
               label_sizes: Sequence[tuple[float, float]] | None = None, node_height_cm: float | None = None) -> str:
    """The dot program :func:`layout` runs: numbers and index ids only, never the caller's text."""
    _check(nodes, edges, ranks, label_sizes, (node_size_cm, rank_sep_cm, node_sep_cm))
    size = _inches(node_size_cm)
    if node_height_cm is not None and not (math.isfinite(node_height_cm) and node_height_cm > 0):
        raise ValueError("node_height_cm must be finite and positive")
    shape = "circle" if node_height_cm is None else "box"
    height = size if node_height_cm is None else _inches(node_height_cm)
    lines = ["digraph G {",
             f'graph [rankdir=LR, ranksep="{_inches(rank_sep_cm)}", nodesep="{_inches(node_sep_cm)}", '
             'ordering=out, splines=true, margin=0, pad=0];',
             f'node [shape={shape}, fixedsize=true, width="{size}", height="{height}", label=""];',
             'edge [arrowsize=0.6];']
    lines += [f"n{i};" for i in range(len(nodes))]
    if ranks is not None:
        columns: dict[int, list[int]] = {}
        for i, r in enumerate(ranks):
            columns.setdefault(r, []).append(i)
        for members in columns.values():
            lines.append("{rank=same; " + " ".join(f"n{i};" for i in members) + "}")
        order = sorted(columns)
        for left, right in zip(order, order[1:]):  # keep rank r left of rank r+1 even without edges between
            lines.append(f'n{columns[left][0]} -> n{columns[right][0]} [style=invis, weight=0, id="r{left}"];')
    for j, (a, b) in enumerate(edges):
        w, h = label_sizes[j] if label_sizes is not None else DEFAULT_LABEL_CM
        wpt = max(1, math.ceil((w + 2 * LABEL_PAD_CM) / CM_PER_BP))
        hpt = max(1, math.ceil((h + 2 * LABEL_PAD_CM) / CM_PER_BP))
        table = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
                 f'<TD FIXEDSIZE="TRUE" WIDTH="{wpt}" HEIGHT="{hpt}"></TD></TR></TABLE>>')
        flat = a == b or (ranks is not None and ranks[a] == ranks[b])
        # a label becomes a node of its own between the two columns; an edge within one column has no
        # such place (dot 2.43 puts it on top of the edge), so it gets an xlabel, placed after the layout
        lines.append(f'n{a} -> n{b} [id="e{j}", {"xlabel" if flat else "label"}={table}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _point(text: str) -> tuple[float, float]:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def layout(nodes: Sequence[str], edges: Sequence[tuple[int, int]], *, ranks: Sequence[int] | None = None,
           node_size_cm: float = 1.0, rank_sep_cm: float = 2.2, node_sep_cm: float = 0.9,
           label_sizes: Sequence[tuple[float, float]] | None = None, timeout: float = 10,
           node_height_cm: float | None = None) -> Layout:
    """Lay out the graph with ``dot -Tjson``, left to right.

    ``nodes`` are only counted and handed back in :class:`Placed`; ``edges`` are (source, target) node
    indices; ``ranks`` (one integer per node), when given, puts nodes of equal rank in one column, lower
    ranks further left; ``label_sizes`` gives each edge label's (width, height) in cm (default
    :data:`DEFAULT_LABEL_CM`); ``node_height_cm``, when given, makes every node a box ``node_size_cm``
    wide and this high instead of a circle. Raises :class:`LayoutUnavailable` without dot, :class:`LayoutFailed` (a
    subclass) when dot times out or fails, ``ValueError`` on malformed input.
    """
    source = dot_source(nodes, edges, ranks=ranks, node_size_cm=node_size_cm, rank_sep_cm=rank_sep_cm,
                        node_sep_cm=node_sep_cm, label_sizes=label_sizes, node_height_cm=node_height_cm)
    dot = shutil.which("dot")
    if dot is None:
        raise LayoutUnavailable(f"Graphviz 'dot' is not on PATH, so the graph cannot be laid out: {GRAPHVIZ_INSTALL}")
    try:
        proc = subprocess.run([dot, "-Tjson"], input=source, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise LayoutFailed(f"dot took longer than {number_text(timeout)} s") from exc
    except OSError as exc:
        raise LayoutUnavailable(f"dot could not be run ({exc}): {GRAPHVIZ_INSTALL}") from exc
    if proc.returncode != 0:
        raise LayoutFailed(f"dot failed (exit {proc.returncode}): {proc.stderr.strip()[:300]}")
    try:
        return replace(_read(json.loads(proc.stdout), nodes, edges, label_sizes, node_size_cm),
                       node_height=float(node_height_cm or 0.0))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LayoutFailed(f"dot's JSON could not be read: {exc}") from exc


def _read(graph: dict, nodes, edges, label_sizes, node_size_cm: float) -> Layout:
    x0, y0, x1, y1 = (float(v) for v in graph["bb"].split(","))
    top = y1  # dot's y grows upward from the bottom-left; ours grows downward from the top-left

    def cm(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * CM_PER_BP, (top - y) * CM_PER_BP

    where = {}
    for obj in graph.get("objects", []):
        name = obj.get("name", "")
        if "pos" in obj and name.startswith("n") and name[1:].isdigit():
            where[int(name[1:])] = cm(*_point(obj["pos"]))
    placed = tuple(Placed(str(text), *where[i]) for i, text in enumerate(nodes))
    routes: dict[int, dict] = {}
    for edge in graph.get("edges", []):
        ident = edge.get("id", "")
        if ident.startswith("e") and ident[1:].isdigit():
            routes[int(ident[1:])] = edge
    placed_edges = []
    for j, (a, b) in enumerate(edges):
        edge = routes[j]
        w, h = label_sizes[j] if label_sizes is not None else DEFAULT_LABEL_CM
        lx, ly = cm(*_point(edge["lp"] if "lp" in edge else edge["xlp"]))
        points = []
        for part in edge.get("pos", "").split():
            if part[:2] in ("e,", "s,"):
                continue  # arrow-head / -tail end points, not control points
            points.append(cm(*_point(part)))
        placed_edges.append(PlacedEdge(a, b, lx, ly, float(w), float(h), tuple(points)))
    return Layout(placed, tuple(placed_edges), (x1 - x0) * CM_PER_BP, (y1 - y0) * CM_PER_BP, float(node_size_cm))


def _extent(layout: Layout, s: float) -> tuple[float, float, float, float]:
    """Bounding box (left, top, right, bottom) of the boxes with centres scaled by ``s`` and sizes kept."""
    boxes = [(x * s, y * s, w, h) for x, y, w, h in _boxes(layout)]
    points = [(x * s, y * s, 0.0, 0.0) for e in layout.edges for x, y in e.points]
    everything = boxes + points
    if not everything:
        return 0.0, 0.0, 0.0, 0.0
    return (min(x - w for x, _, w, _ in everything), min(y - h for _, y, _, h in everything),
            max(x + w for x, _, w, _ in everything), max(y + h for _, y, _, h in everything))


def _boxes(layout: Layout) -> list[tuple[float, float, float, float]]:
    """(centre x, centre y, half width, half height) of every node and every label."""
    half_w, half_h = layout.node_box[0] / 2, layout.node_box[1] / 2
    return ([(n.x, n.y, half_w, half_h) for n in layout.nodes]
            + [(e.label_x, e.label_y, e.label_width / 2, e.label_height / 2) for e in layout.edges])


def safe_scale(layout: Layout) -> float:
    """The smallest factor (at most 1) by which :func:`scale_to` may shrink the positions, sizes kept,
    before two node or label boxes would meet."""
    need = 0.0
    boxes = _boxes(layout)
    for i, (xa, ya, wa, ha) in enumerate(boxes):
        for xb, yb, wb, hb in boxes[i + 1:]:
            dx, dy = abs(xa - xb), abs(ya - yb)
            apart_x = (wa + wb) / dx if dx > 0 else math.inf
            apart_y = (ha + hb) / dy if dy > 0 else math.inf
            need = max(need, min(apart_x, apart_y))
    return min(1.0, need)


def scale_to(layout: Layout, max_width_cm: float, max_height_cm: float, *, sizes: bool = False) -> Layout:
    """The layout with its positions (nodes, labels, spline points) scaled by one factor, never above 1,
    so that it fits in ``max_width_cm`` x ``max_height_cm``; moved so its top-left corner is (0, 0).
    ``scale`` on the result tells the factor (multiplied into any earlier one).

    By default node and label *sizes are kept* (the drawing's text keeps its size), so below
    :func:`safe_scale` boxes meet: compare, and lay out again with smaller separations or pass
    ``sizes=True``, which scales the sizes too (then draw with TikZ ``scale``/``transform shape``).
    If even factor 0 cannot fit (one node wider than the page), the factor is 0.
    """
    if not (max_width_cm > 0 and max_height_cm > 0):
        raise ValueError("max_width_cm and max_height_cm must be positive")
    if sizes:
        left, top, right, bottom = _extent(layout, 1.0)
        factor = min(1.0, max_width_cm / (right - left) if right > left else 1.0,
                     max_height_cm / (bottom - top) if bottom > top else 1.0)
        shrunk = Layout(layout.nodes, tuple(replace(e, label_width=e.label_width * factor,
                                                    label_height=e.label_height * factor) for e in layout.edges),
                        layout.width, layout.height, layout.node_size * factor, layout.scale,
                        layout.node_height * factor)
        return _scaled(shrunk, factor)

    def fits(s: float) -> bool:
        left, top, right, bottom = _extent(layout, s)
        return right - left <= max_width_cm + 1e-9 and bottom - top <= max_height_cm + 1e-9

    if fits(1.0):
        return _scaled(layout, 1.0)
    lo, hi = 0.0, 1.0  # the extent grows monotonically with s: bisect for the largest s that fits
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return _scaled(layout, lo)


def scaled(layout: Layout, factor: float) -> Layout:
    """The layout with its positions scaled by ``factor`` (sizes kept), moved to start at (0, 0).

    At :func:`safe_scale` or above no two boxes meet; see :func:`scale_to` for the factor that fits a page.
    """
    if not (0 < factor <= 1):
        raise ValueError("factor must be in (0, 1]")
    return _scaled(layout, factor)


def _scaled(layout: Layout, s: float) -> Layout:
    """Positions times ``s``, then moved so that the extent starts at (0, 0)."""
    left, top, right, bottom = _extent(layout, s)

    def move(x: float, y: float) -> tuple[float, float]:
        return x * s - left, y * s - top

    nodes = tuple(replace(n, x=move(n.x, n.y)[0], y=move(n.x, n.y)[1]) for n in layout.nodes)
    edges = tuple(replace(e, label_x=move(*e.label)[0], label_y=move(*e.label)[1],
                          points=tuple(move(x, y) for x, y in e.points)) for e in layout.edges)
    return Layout(nodes, edges, right - left, bottom - top, layout.node_size, layout.scale * s, layout.node_height)
