"""documents/layout.py: dot layouts without overlaps, ranks kept, index ids only, scaling to the page."""
import itertools
import random
import subprocess

import pytest

import symback.documents.layout as lay

needs_dot = pytest.mark.needs("dot")  # tests/conftest.py skips without graphviz
EPS = 1e-6


def node_boxes(layout):
    h = layout.node_size / 2
    return [(n.x - h, n.y - h, n.x + h, n.y + h) for n in layout.nodes]


def label_boxes(layout):
    return [(e.label_x - e.label_width / 2, e.label_y - e.label_height / 2,
             e.label_x + e.label_width / 2, e.label_y + e.label_height / 2) for e in layout.edges]


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > EPS and min(a[3], b[3]) - max(a[1], b[1]) > EPS


def assert_disjoint(boxes, what):
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not overlap(a, b), f"{what} {i} and {j} overlap: {a} {b}"


def assert_sound(layout, ranks):
    assert_disjoint(node_boxes(layout), "nodes")
    assert_disjoint(label_boxes(layout), "labels")
    for n, a in enumerate(node_boxes(layout)):
        for e, b in enumerate(label_boxes(layout)):
            assert not overlap(a, b), f"node {n} and label {e} overlap"
    for box in node_boxes(layout) + label_boxes(layout):  # everything inside the bounding box
        assert box[0] >= -0.05 and box[1] >= -0.05 and box[2] <= layout.width + 0.05 and box[3] <= layout.height + 0.05
    xs = [n.x for n in layout.nodes]
    for i, j in itertools.combinations(range(len(ranks)), 2):
        if ranks[i] == ranks[j]:
            assert abs(xs[i] - xs[j]) < EPS, f"nodes {i}, {j} of rank {ranks[i]} not in one column"
        elif ranks[i] < ranks[j]:
            assert xs[i] < xs[j] - layout.node_size, f"rank {ranks[i]} node {i} not left of rank {ranks[j]} node {j}"
        else:
            assert xs[j] < xs[i] - layout.node_size


NET_NODES = ["x_1", "x_2", "h_1", "h_2", "o_1", "o_2"]
NET_EDGES = [(0, 2), (0, 3), (1, 2), (1, 3), (2, 4), (2, 5), (3, 4), (3, 5)]
NET_RANKS = [0, 0, 1, 1, 2, 2]


@needs_dot
def test_222_network():
    sizes = [(1.6, 0.8)] * 8
    result = lay.layout(NET_NODES, NET_EDGES, ranks=NET_RANKS, label_sizes=sizes)
    assert len(result.nodes) == 6 and len(result.edges) == 8
    assert [n.name for n in result.nodes] == NET_NODES
    assert [(e.source, e.target) for e in result.edges] == NET_EDGES
    assert all((e.label_width, e.label_height) == (1.6, 0.8) for e in result.edges)
    assert all(len(e.points) >= 4 and (len(e.points) - 1) % 3 == 0 for e in result.edges)
    assert_sound(result, NET_RANKS)


def random_dag(seed, count=20):
    rng = random.Random(seed)
    edges = [(i, j) for i in range(count) for j in range(i + 1, min(count, i + 6)) if rng.random() < 0.3]
    edges += [(i - 1, i) for i in range(1, count) if not any(b == i for _, b in edges)]  # each has a parent
    level = [0] * count
    for a, b in sorted(edges, key=lambda e: e[1]):
        level[b] = max(level[b], level[a] + 1)
    sizes = [(rng.uniform(0.3, 2.0), rng.uniform(0.2, 0.9)) for _ in edges]
    return edges, level, sizes


@needs_dot
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_dag_20_nodes(seed):
    edges, level, sizes = random_dag(seed)
    names = [f"v{i}" for i in range(20)]
    result = lay.layout(names, edges, ranks=level, label_sizes=sizes, node_size_cm=0.8)
    assert_sound(result, level)
    free = lay.layout(names, edges, label_sizes=sizes)  # without ranks: still no overlaps
    assert_sound(free, [0] * 0)


@needs_dot
def test_scale_to_fits_keeps_sizes_and_proportions():
    result = lay.layout(NET_NODES, NET_EDGES, ranks=NET_RANKS, label_sizes=[(1.6, 0.8)] * 8)
    small = lay.scale_to(result, 8.0, 30.0)
    assert small.width <= 8.0 + 1e-6 and small.height <= 30.0 + 1e-6 and 0 < small.scale < 1
    assert small.node_size == result.node_size
    assert [(e.label_width, e.label_height) for e in small.edges] == [(e.label_width, e.label_height) for e in result.edges]
    dx = small.nodes[4].x - small.nodes[0].x
    assert dx == pytest.approx((result.nodes[4].x - result.nodes[0].x) * small.scale)
    assert lay.scale_to(result, 100, 100).scale == 1.0  # never enlarges
    for n in small.nodes:
        assert small.node_size / 2 - 1e-6 <= n.x <= small.width - small.node_size / 2 + 1e-6


def test_dot_source_has_index_ids_only():
    nasty = ['a"; n0 -> n9 [label="x', "<b>bold</b>", "{evil}", "back\\slash", "수식"]
    src = lay.dot_source(nasty, [(0, 1), (3, 4)], ranks=[0, 1, 1, 2, 2])
    for text in nasty:
        assert text not in src
    assert "n0 -> n1" in src and "rank=same" in src


def test_missing_dot_says_how_to_install(monkeypatch):
    monkeypatch.setattr(lay.shutil, "which", lambda name: None)
    with pytest.raises(lay.LayoutUnavailable, match="apt-get install graphviz"):
        lay.layout(["a", "b"], [(0, 1)])


def test_timeout_and_bad_input(monkeypatch):
    with pytest.raises(ValueError):
        lay.layout(["a"], [(0, 1)])
    with pytest.raises(ValueError):
        lay.layout(["a", "b"], [(0, 1)], ranks=[0])
    with pytest.raises(ValueError):
        lay.layout(["a", "b"], [(0, 1)], label_sizes=[(1, float("nan"))])
    monkeypatch.setattr(lay.shutil, "which", lambda name: "/usr/bin/dot")

    def slow(*args, **kwargs):
        assert kwargs["timeout"] == 0.5 and "shell" not in kwargs and isinstance(args[0], list)
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(lay.subprocess, "run", slow)
    with pytest.raises(lay.LayoutFailed, match="longer than"):
        lay.layout(["a", "b"], [(0, 1)], timeout=0.5)


@needs_dot
def test_safe_scale_and_scaling_sizes():
    edges, level, sizes = random_dag(1)
    result = lay.layout([str(i) for i in range(20)], edges, ranks=level, label_sizes=sizes)
    safe = lay.safe_scale(result)
    assert 0 < safe <= 1
    at_safe = lay.scale_to(result, result.width * safe * 1.0001 + 5, 1000)  # a box a little roomier than needed
    assert at_safe.scale >= safe - 1e-9
    assert_sound(at_safe, level)
    squeezed = lay.scale_to(result, 17, 24)  # much smaller than safe: sizes kept, so boxes meet
    assert squeezed.scale < safe and squeezed.width <= 17 + 1e-6
    whole = lay.scale_to(result, 17, 24, sizes=True)  # everything shrinks: still no overlaps
    assert whole.width <= 17 + 1e-6 and whole.height <= 24 + 1e-6 and whole.node_size < result.node_size
    assert_sound(whole, level)


@needs_dot
def test_edges_within_a_rank_get_labels_beside_them():
    nodes = ["a", "b", "c", "d", "e"]
    edges = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (1, 4)]
    ranks = [0, 0, 1, 2, 2]  # (0, 1) and (3, 4) stay within one column
    result = lay.layout(nodes, edges, ranks=ranks, label_sizes=[(1.4, 0.7)] * len(edges))
    assert_sound(result, ranks)
    for j in (0, 4):  # the flat edges' labels sit beside their (vertical) edge, not on it
        e, a = result.edges[j], result.nodes[edges[j][0]]
        assert abs(e.label_x - a.x) >= e.label_width / 2 - 1e-6
