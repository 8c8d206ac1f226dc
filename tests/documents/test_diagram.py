"""The diagrams: networks in columns by layer, graphs laid out by dot, labels that never overlap.

Geometry is checked on the model (boxes in cm), numbers against the engine and, for mazur_222,
against the published walkthrough (Mazur, "A Step by Step Backpropagation Example"); the PDF is
checked with the benchmark's own overlap counter (pdftotext -bbox).
"""
import importlib.util
from pathlib import Path

import pytest

import symback
from symback.documents import layout as layout_module
from symback.documents.catalogue import LANGUAGES, messages
from symback.documents.diagram import MAX_LABELLED_EDGES, build_diagram
from symback.documents.diagram_parts import Box
from symback.documents.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]
needs_dot = pytest.mark.needs("dot")
needs_tex = pytest.mark.needs("pdflatex", "pdftotext")  # tests/conftest.py skips without them


def solved(name):
    return symback.solve(symback.load_example(name))


def overlapping_boxes(boxes) -> list[tuple[int, int]]:
    """The index pairs of boxes that overlap."""
    return [(i, k) for i in range(len(boxes)) for k in range(i + 1, len(boxes)) if boxes[i].meets(boxes[k])]


def all_boxes_apart(diagram):
    """No edge label meets another label, a node or a node's numbers; no two nodes' boxes meet."""
    labels = [e.box for e in diagram.edges if e.label]  # labelled edges only
    nodes = [box for n in diagram.nodes for box in n.boxes()]  # every node's circle and its numbers
    assert not overlapping_boxes(labels), "edge labels overlap"
    assert not overlapping_boxes(nodes), "nodes or their numbers overlap"
    for i, label in enumerate(labels):
        for node in nodes:
            assert not label.meets(node), f"edge label {i} ({diagram.edges[i].label}) meets a node box"


def column_nodes(diagram):
    """The nodes of each column, left to right (a column: the nodes of one x)."""
    xs = sorted({round(n.x, 3) for n in diagram.nodes})
    return [[n for n in diagram.nodes if round(n.x, 3) == x] for x in xs]


def columns_of(diagram):
    return [[n.name for n in column] for column in column_nodes(diagram)]


def number(text):
    return float(str(text).replace(r"\times 10^{", "e").rstrip("}"))


@pytest.mark.parametrize("name, columns", [
    ("mazur_222", [["x1", "x2"], ["1"], ["a1_1", "a1_2"], ["1"], ["y1", "y2"]]),  # a bias unit between its columns
    ("softmax_233", [["x1", "x2"], ["a1_1", "a1_2", "a1_3"], ["y1", "y2", "y3"]]),
    ("affine_233", [["x1", "x2"], ["1"], ["a1_1", "a1_2", "a1_3"], ["1"], ["y1", "y2", "y3"]]),
])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_network_diagram_has_every_neuron_in_its_column_and_labels_apart(name, columns, lang):
    solution = solved(name)
    diagram = build_diagram(solution, 4, lang)
    assert diagram.kind == "network" and diagram.labelled and diagram.scale == 1.0
    assert columns_of(diagram) == columns
    assert [n.kind for n in diagram.nodes].count("bias") == sum(c.count("1") for c in columns)
    for column in column_nodes(diagram):  # a column is ordered top to bottom, evenly spaced
        ys = [n.y for n in column]
        assert ys == sorted(ys) and len({round(b - a, 3) for a, b in zip(ys, ys[1:])}) <= 1
    all_boxes_apart(diagram)
    assert diagram.width <= 16.5 and diagram.height <= 20


@needs_dot
@pytest.mark.parametrize("name", ["neuron", "apple", "fruit", "softmax_233_graph"])
def test_graph_diagram_is_laid_out_by_dot_with_labels_apart(name):
    solution = solved(name)
    diagram = build_diagram(solution, 4)
    assert diagram.kind == "graph" and diagram.labelled and not diagram.notes
    graph = solution.graph
    assert sorted(n.name for n in diagram.nodes) == sorted(graph.ancestors_of_loss)
    used = [n for n in graph.nodes if not n.is_leaf and n.name in graph.ancestors_of_loss]
    assert len(diagram.edges) == sum(len(n.parents) for n in used)
    all_boxes_apart(diagram)
    assert diagram.width * diagram.scale <= 16.5 + 1e-6 and diagram.height * diagram.scale <= 20 + 1e-6
    assert all(".. controls" in e.path or "--" in e.path for e in diagram.edges)


@needs_dot
def test_neuron_graph_labels_are_the_seeds_numbers():
    # seed 000: dL/dw1 = 0.488 flows back along w1 -> l1 and 1.22 along w2 -> l1; o = sigma(1.5)
    diagram = build_diagram(solved("neuron"), 4)
    by_edge = {(diagram.nodes[e.source].name, diagram.nodes[e.target].name): e for e in diagram.edges}
    assert (by_edge[("w1", "l1")].label, by_edge[("w1", "l1")].second) == ("0.5", "0.4878")
    assert by_edge[("w2", "l1")].second == "1.219" and by_edge[("l1", "o")].label == "1.5"
    assert number(by_edge[("o", "L")].label) == pytest.approx(1 / (1 + 2.718281828459045 ** -1.5), abs=5e-5)


def wide_graph(count):
    """A graph spec whose loss sums ``count`` products: 2 * count + 1 edges, more than can be labelled."""
    params = {f"w{i}": 0.1 * i for i in range(count)}
    nodes = {f"p{i}": f"w{i}*x" for i in range(count)}
    nodes["L"] = " + ".join(nodes)
    return {"loss": "L", "inputs": {"x": 2}, "params": params, "nodes": nodes}


@needs_dot
@pytest.mark.parametrize("lang", LANGUAGES)
def test_graph_too_large_is_drawn_without_labels_and_says_so(lang):
    solution = symback.solve(wide_graph(MAX_LABELLED_EDGES // 2 + 1))
    diagram = build_diagram(solution, 4, lang)
    assert not diagram.labelled and not diagram.mermaid and not any(e.label for e in diagram.edges)
    sentence = messages(lang)["diagram.too_large"].format(count=len(diagram.edges))
    assert [n.plain for n in diagram.notes] == [sentence]
    assert diagram.width <= 16.5 + 1e-6 and diagram.height <= 20 + 1e-6
    assert not overlapping_boxes([Box(n.x, n.y, n.size, n.height or n.size) for n in diagram.nodes])
    text = render_markdown(solution, lang)
    assert "```mermaid" not in text and sentence in text.replace("\\", "")
    assert sentence in solution.latex(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_dot_the_graph_falls_back_to_columns_with_a_note(monkeypatch, lang):
    monkeypatch.setattr(layout_module.shutil, "which", lambda name: None)
    solution = solved("neuron")
    diagram = build_diagram(solution, 4, lang)
    assert diagram.kind == "graph" and diagram.labelled
    assert diagram.notes[0].plain == messages(lang)["diagram.no_dot"]
    assert columns_of(diagram)[0] == ["i1", "i2", "w1", "w2"] and columns_of(diagram)[-1] == ["L"]
    all_boxes_apart(diagram)
    assert "apt-get install graphviz" in render_markdown(solution, lang)  # said, never a traceback


def bench():
    spec = importlib.util.spec_from_file_location("bench_print", ROOT / "benchmarks" / "bench_print.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_tex
@needs_dot
@pytest.mark.parametrize("name, lang", [("mazur_222", "en"), ("softmax_233", "ko"), ("neuron", "en")])
def test_diagram_page_has_no_overlapping_words(tmp_path, name, lang):
    pdf = solved(name).pdf(tmp_path / f"{name}.pdf", lang)
    counter = bench()
    pages = counter.pdf_words(pdf)
    intro = "network:" if lang == "en" and name != "neuron" else ("graph:" if lang == "en" else "신경망:")
    page = next(words for words in pages if any(w.text == intro for w in words))
    assert len(page) > 20 and counter.overlaps(page) == []


def test_when_dot_fails_the_graph_falls_back_to_columns_and_says_why(monkeypatch):
    def failing(*args, **kwargs):
        raise layout_module.LayoutFailed("dot took longer than 10 s")

    monkeypatch.setattr("symback.documents.diagram.layout", failing)
    diagram = build_diagram(solved("apple"), 4)
    assert diagram.labelled and diagram.notes[0].plain == messages("en")["diagram.dot_failed"]
    all_boxes_apart(diagram)
