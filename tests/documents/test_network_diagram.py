"""network_diagram: a network's figure, neurons in columns by layer: the spec's weights on the edges, the engine's
values above and δs below each neuron, unlabelled when too large, layered Mermaid in Markdown."""
import tomllib

import pytest

import symback
from symback.documents.diagram import build_diagram
from symback.documents.render import render_markdown
from symback.engine.examples import example_path
from symback.engine.names import bias_name, weight_name


def number(text):
    return float(str(text).replace(r"\times 10^{", "e").rstrip("}"))


@pytest.mark.parametrize("name", ["mazur_222", "softmax_233", "affine_233"])
def test_network_labels_are_the_specs_weights_and_the_engines_values(name, solved):
    solution = solved(name)
    net = solution.graph.network
    spec = tomllib.loads(example_path(name).read_text())["network"]["values"]  # independent: the file itself
    diagram = build_diagram(solution, 4)
    expected = []
    for l in range(1, len(net.layers)):
        for j in range(1, net.layers[l] + 1):
            expected += [spec[f"W{l}"][j - 1][k - 1] for k in range(1, net.layers[l - 1] + 1)]
            if net.bias != "none":
                b = spec[f"b{l}"]
                expected.append(b if isinstance(b, float) else b[j - 1])
    assert [number(e.label) for e in diagram.edges] == pytest.approx(expected, abs=5e-5)
    values, gradients = solution.numbers.values, solution.numbers.gradients
    for node in diagram.nodes:
        if node.kind == "bias":
            assert node.label == "1" and not node.above and not node.below
            continue
        delta = node.name if node.name.startswith("x") else "z" + node.name[1:] if node.name.startswith("a") \
            else f"z{len(net.layers) - 1}_{node.name[1:]}"
        assert number(node.above) == pytest.approx(float(values[node.name]), rel=5e-4)
        assert number(node.below) == pytest.approx(float(gradients[delta]), rel=5e-4)
    assert weight_name(1, 1, 1) in values and (net.bias == "none" or bias_name(net, 1, 1) in values)


def test_mazur_diagram_shows_the_published_walkthrough_numbers(solved):
    diagram = build_diagram(solved("mazur_222"), 4)
    shown = {n.name: (number(n.above), number(n.below)) for n in diagram.nodes if n.kind == "neuron"}
    # Mazur: out_h1 = 0.593269992, out_o1 = 0.75136507, dE/dnet_o1 = 0.138498562, out_o2 = 0.772928465
    assert shown["a1_1"][0] == pytest.approx(0.593269992, abs=5e-5)
    assert shown["y1"] == pytest.approx((0.75136507, 0.138498562), abs=5e-5)
    assert shown["y2"][0] == pytest.approx(0.772928465, abs=5e-5)


def test_network_too_large_is_drawn_without_numbers():
    net = {"layers": [9, 9, 9], "activation": "sigmoid", "bias": "none", "loss": "sse",
           "values": {"x": [0.1] * 9, "t": [1] * 9, "W1": [[0.1] * 9] * 9, "W2": [[0.2] * 9] * 9}}
    diagram = build_diagram(symback.solve({"network": net}), 4)
    assert diagram.kind == "network" and not diagram.labelled and not diagram.mermaid
    assert len(diagram.nodes) == 27 and not any(n.above or n.below for n in diagram.nodes)
    assert "162" in diagram.notes[0].plain and diagram.width * diagram.scale <= 16.5 + 1e-6


def test_markdown_draws_networks_as_layered_mermaid(solved):
    text = render_markdown(solved("mazur_222"))
    block = text[text.index("```mermaid"):]
    block = block[:block.index("```", 3)]
    assert block.count("subgraph") == 3 and '["Inputs"]' in block and '["Outputs"]' in block
    assert 'n0 -->|"0.15"| n3' in block and "δ = 0.1385" in block


# ---------------------------------------------------------------- the layout's geometry, checked from the model alone

def _segment(diagram, edge):
    """The drawn connection: from the east point of its source's circle to the west point of its target's."""
    s, t = diagram.nodes[edge.source], diagram.nodes[edge.target]
    assert edge.path == f"(n{edge.source}.east) -- (n{edge.target}.west)"
    return (s.x + s.size / 2, s.y), (t.x - t.size / 2, t.y)


def _inside(point, box, shrink=0.02):
    (x, y), (cx, cy, w, h) = point, box
    return abs(x - cx) < w / 2 - shrink and abs(y - cy) < h / 2 - shrink


def _passes_through(segment, box, steps=400):
    """Sampled, so independent of the layout's own clipping: some point of the segment lies inside the box."""
    (x0, y0), (x1, y1) = segment
    return any(_inside((x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps), box) for i in range(1, steps))


def _boxes(node):
    boxes = [("node", (node.x, node.y, node.size, node.size))]
    if node.above:
        boxes.append(("value", (*node.above_at, *node.above_size)))
    if node.below:
        boxes.append(("delta", (*node.below_at, *node.below_size)))
    return boxes


def _overlap(a, b):
    return abs(a[0] - b[0]) < (a[2] + b[2]) / 2 and abs(a[1] - b[1]) < (a[3] + b[3]) / 2


def _layout_faults(diagram) -> list[str]:
    faults = []
    labels = [(e, (e.label_x, e.label_y, e.label_width, e.label_height)) for e in diagram.edges]
    fractions = []
    for i, (edge, box) in enumerate(labels):
        (x0, y0), (x1, y1) = _segment(diagram, edge)
        # on its own edge: the label's centre is on the segment
        f = (edge.label_x - x0) / (x1 - x0)
        fractions.append(f)
        if abs(y0 + f * (y1 - y0) - edge.label_y) > 1e-3 or not 0 < f < 1:
            faults.append(f"label {edge.label} is not on its edge (at {f:.2f})")
        for other, other_box in labels[i + 1:]:
            if _overlap(box, other_box):
                faults.append(f"labels {edge.label} and {other.label} overlap")
        for other in diagram.edges:
            if other is not edge and _passes_through(_segment(diagram, other), box):
                faults.append(f"an edge passes through the label {edge.label}: not its own edge alone")
        for node in diagram.nodes:
            for kind, node_box in _boxes(node):
                if _overlap(box, node_box):
                    faults.append(f"label {edge.label} covers the {kind} of {node.name}")
    for edge in diagram.edges:
        for k, node in enumerate(diagram.nodes):
            for kind, node_box in _boxes(node):
                if (k in (edge.source, edge.target) and kind == "node") or not _passes_through(_segment(diagram, edge), node_box):
                    continue
                faults.append(f"the arrow {edge.source}->{edge.target} runs through the {kind} of {node.name}")
    if fractions and sum(fractions) / len(fractions) > 0.45:  # as seed 002 draws them: mostly near the source
        faults.append(f"the labels sit on average {sum(fractions) / len(fractions):.2f} along their edges")
    return faults


def _bias_faults(diagram) -> list[str]:
    """A bias unit sits between the column it belongs to and the next, below both: its arrows rise to their
    neurons from within that gap instead of crossing the figure."""
    faults = []
    for k, unit in enumerate(diagram.nodes):
        if unit.kind != "bias":
            continue
        targets = [diagram.nodes[e.target] for e in diagram.edges if e.source == k]
        column_x = {round(n.x, 3) for n in targets}
        neurons_left = [n for n in diagram.nodes if n.kind == "neuron" and n.x < unit.x]
        before = max(n.x for n in neurons_left)
        if len(column_x) != 1 or not before < unit.x < column_x.pop():
            faults.append(f"bias unit {k} is not between its two columns")
        nearby = [n for n in diagram.nodes if n.kind == "neuron" and abs(n.x - unit.x) < abs(targets[0].x - before)]
        if any(n.y >= unit.y for n in nearby):
            faults.append(f"bias unit {k} is not below the neurons of its columns")
    return faults


LABELLED = ["mazur_222", "softmax_233", "affine_233", "xor", "xor_sigmoid", "tanh_sigmoid", "relu_identity",
            "and_gate", "exercise_mazur"]


@pytest.mark.parametrize("name", LABELLED)
def test_every_weight_label_is_alone_on_its_edge_and_no_arrow_runs_through_a_number(name, solved):
    diagram = build_diagram(solved(name), 4)
    assert diagram.labelled and diagram.edges
    assert _layout_faults(diagram) == []
    assert _bias_faults(diagram) == []


def test_random_networks_keep_their_labels_apart():
    import random

    rng = random.Random(22)
    checked = 0
    for _ in range(12):
        layers = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
        bias = rng.choice(["none", "shared", "neuron"])
        values = {"x": [round(rng.uniform(-1, 1), 2) for _ in range(layers[0])],
                  "t": [round(rng.uniform(0, 1), 2) for _ in range(layers[-1])]}
        for l in range(1, len(layers)):
            values[f"W{l}"] = [[round(rng.uniform(-1, 1), rng.randint(1, 3)) for _ in range(layers[l - 1])]
                               for _ in range(layers[l])]
            if bias == "shared":
                values[f"b{l}"] = round(rng.uniform(-1, 1), 2)
            elif bias == "neuron":
                values[f"b{l}"] = [round(rng.uniform(-1, 1), 2) for _ in range(layers[l])]
        net = {"layers": layers, "activation": "sigmoid", "bias": bias, "loss": "sse", "values": values}
        diagram = build_diagram(symback.solve({"network": net}), 4)
        if not diagram.labelled:
            continue
        checked += 1
        assert _layout_faults(diagram) == [], (layers, bias)
        assert _bias_faults(diagram) == [], (layers, bias)
    assert checked >= 8
