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
