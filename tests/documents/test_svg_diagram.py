"""svg_diagram: the diagram model as inline SVG: it parses, one group per node and edge, the diagram's numbers
on its labels (checked against values computed here with mpmath), and paths that end on the circles' borders."""
import xml.etree.ElementTree as ET

import mpmath
import pytest

from symback.documents.diagram import build_diagram
from symback.documents.diagram_parts import Diagram, DiagramNode
from symback.documents.prose import prose
from symback.documents.svg_diagram import diagram_svg, svg_path
from symback.documents.tex import Tex

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg):
    return ET.fromstring(svg)


def groups(root, kind):
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[0] == kind]


def texts(group, kind):
    return [t.text for t in group.iter(f"{SVG}text") if t.get("class") == kind]


def shown(x, digits=4):
    """x at ``digits`` significant digits as the figure writes it (U+2212 minus), from mpmath, not from symback."""
    text = mpmath.nstr(mpmath.mpf(x), digits, strip_zeros=True, min_fixed=-5, max_fixed=digits)
    return text.removesuffix(".0").replace("-", "−")


def test_mazur_network_has_a_group_per_neuron_bias_unit_and_connection_and_its_numbers(solved, mazur_by_hand):
    root = parsed(diagram_svg(build_diagram(solved("mazur_222"), 4)))
    nodes, edges = groups(root, "node"), groups(root, "edge")
    assert len(nodes) == 2 + 2 + 2 + 2  # three layers of two neurons, a bias unit under each of the first two
    assert len(edges) == 2 * (2 + 1) + 2 * (2 + 1)  # each neuron of layers 1 and 2: two inputs and a bias
    assert len({g.get("id") for g in nodes + edges}) == len(nodes + edges)
    _, a, _, delta = mazur_by_hand
    by_name = {g.get("data-name"): g for g in nodes}
    assert texts(by_name["a1_1"], "value") == [shown(a[0])] and texts(by_name["a1_2"], "value") == [shown(a[1])]
    assert texts(by_name["y1"], "gradient") == [shown(delta[0])]
    assert texts(by_name["y2"], "gradient") == [shown(delta[1])] and shown(delta[1]).startswith("−")
    assert by_name["y2"].get("data-stands-for").split() == ["y2", "z2_2"]
    labels = sorted(t for g in groups(root, "edge-label") for t in texts(g, "value"))
    assert labels == sorted(["0.15", "0.2", "0.35", "0.25", "0.3", "0.35", "0.4", "0.45", "0.6", "0.5", "0.55", "0.6"])


def test_graph_edges_carry_the_value_forward_and_the_gradient_back(solved):
    root = parsed(diagram_svg(build_diagram(solved("apple"), 4), prefix="apple"))
    assert {g.get("data-name") for g in groups(root, "node")} == {"apple", "apple_num", "tax", "apple_price", "price"}
    assert all(g.get("id").startswith("apple-") for g in groups(root, "node") + groups(root, "edge"))
    # price = apple * apple_num * tax: each edge's value is its source's, its gradient ∂price/∂source along it
    apple, num, tax = 100, 2, mpmath.mpf("1.1")
    pairs = sorted((texts(g, "value")[0], texts(g, "gradient")[0]) for g in groups(root, "edge-label"))
    assert pairs == sorted([(shown(apple), shown(num * tax)), (shown(num), shown(apple * tax)),
                            (shown(apple * num), shown(tax)), (shown(tax), shown(apple * num))])


def test_a_sheet_draws_the_structure_without_numbers(solved):
    root = parsed(diagram_svg(build_diagram(solved("mazur_222"), 4, labels=False)))
    assert len(groups(root, "node")) == 8 and len(groups(root, "edge")) == 12
    assert not groups(root, "edge-label") and not [t for g in groups(root, "node") for t in texts(g, "value")]


def test_paths_end_on_the_borders_of_the_circles_they_join():
    nodes = [DiagramNode("a", Tex("a"), 0.0, 0.0, 1.0), DiagramNode("b", Tex("b"), 3.0, 4.0, 1.0)]
    # 40 units per cm; the segment (0,0)-(3,4) is 5 cm long: it leaves a at (0.3, 0.4), enters b at (2.7, 3.6)
    assert svg_path("(n0) -- (n1)", nodes) == "M 12 16 L 108 144"
    assert svg_path("(n0.east) -- (n1.west)", nodes) == "M 20 0 L 100 160"
    curve = svg_path("(n0) .. controls (0,2) and (3,2) .. (n1)", nodes)
    assert curve == "M 0 20 C 0 80 120 80 120 140"  # leaves a straight down, enters b from above


def test_text_is_escaped_not_markup():
    node = DiagramNode("a", Tex("a"), 0.5, 0.5, 1.0, above=Tex("<b>&"), above_at=(0.5, 0.0), above_size=(0.5, 0.3))
    svg = diagram_svg(Diagram("graph", (node,), (), 1.0, 1.0, prose("")))
    assert "&lt;b&gt;&amp;" in svg and [t.text for t in parsed(svg).iter(f"{SVG}text")][-1] == "<b>&"


@pytest.mark.parametrize("name", ["softmax_233_graph", "neuron", "conv2d_pool"])
def test_every_example_figure_parses_with_a_group_per_node_and_edge(name, solved):
    diagram = build_diagram(solved(name), 4)
    root = parsed(diagram_svg(diagram))
    assert len(groups(root, "node")) == len(diagram.nodes) and len(groups(root, "edge")) == len(diagram.edges)
    assert "\n\n" not in diagram_svg(diagram)
