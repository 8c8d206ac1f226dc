"""The standard detail of a dense network (layer by layer) and its problem as matrices, against values by hand."""
import tomllib
from pathlib import Path

import mpmath
import pytest

import symback
from symback.documents.layer_sections import MATRIX_SIDE, node_layers, problem_lines
from symback.documents.solution_document import build_document, default_detail
from symback.engine.spec_reader import load_spec

SPECS = Path(__file__).resolve().parent / "specs"


def shown(value) -> str:
    """A number as the documents show it at 4 significant digits (tested here by Python's own formatting)."""
    return f"{float(value):.4g}"


def test_a_network_is_written_layer_by_layer_unless_asked_and_a_graph_node_by_node():
    mazur, neuron = (symback.solve(symback.load_example(n)) for n in ("mazur_222", "neuron"))
    assert default_detail(mazur.graph) == "standard" and build_document(mazur).detail == "standard"
    assert default_detail(neuron.graph) == "full" and build_document(neuron).detail == "full"
    assert build_document(neuron, detail="standard").detail == "full"  # a graph has no layers to group by
    assert build_document(mazur, detail="full").layers == () and len(build_document(mazur).layers) == 2


def test_standard_detail_has_each_delta_and_each_weight_gradient_on_one_line(mazur_by_hand):
    x, a, d1, d2 = mazur_by_hand
    md = symback.solve(symback.load_example("mazur_222")).markdown()
    lines = md.splitlines()
    assert "Local derivatives" not in md and "### Node" not in md and "Layer 1" in md and "Layer 2" in md
    for j, delta in enumerate(d2, 1):  # BP1: y_j (1 - y_j)(y_j - t_j), with numbers, on the δ's line
        line = next(l for l in lines if l.startswith(rf"\delta^{{(2)}}_{{{j}}} &="))
        assert line.endswith(f"= {shown(delta)} \\\\") or line.endswith(f"= {shown(delta)}")
    for j, delta in enumerate(d1, 1):  # BP2: the hidden δ's line ends in its value
        assert any(l.startswith(rf"\delta^{{(1)}}_{{{j}}} &=") for l in lines)
        assert shown(delta) in md
    for j, delta in enumerate(d2, 1):  # dL/dw2_jk = a_k δ_j = numbers = value, one line each
        for k, a_k in enumerate(a, 1):
            line = next(l for l in lines if l.startswith(rf"\partial L/\partial w^{{(2)}}_{{{j},{k}}} &="))
            assert rf"a^{{(1)}}_{{{k}}} \delta^{{(2)}}_{{{j}}} = {shown(a_k)} \cdot" in line
            assert line.rstrip(" \\").endswith(shown(a_k * delta))
    assert md.index(r"\delta^{(2)}_{1} &=") < md.index(r"\delta^{(1)}_{1} &=")  # from the output layer down
    order = [md.index(rf"\partial L/\partial {p} &=") for p in ("w^{(2)}_{1,1}", "w^{(2)}_{1,2}", "w^{(2)}_{2,1}",
                                                               "w^{(2)}_{2,2}", "b_{2}")]
    assert order == sorted(order)  # the natural order: row j, then column k, then the bias


def test_the_three_four_two_network_deltas_are_tanh_and_softmax_by_hand():
    spec = tomllib.loads((SPECS / "net_342.toml").read_text(encoding="utf-8"))["network"]["values"]
    mpmath.mp.dps = 30
    x, t = [mpmath.mpf(str(v)) for v in spec["x"]], [mpmath.mpf(v) for v in spec["t"]]
    W1, W2 = ([[mpmath.mpf(str(v)) for v in row] for row in spec[w]] for w in ("W1", "W2"))
    b1, b2 = ([mpmath.mpf(str(v)) for v in spec[b]] for b in ("b1", "b2"))
    a = [mpmath.tanh(sum(w * xk for w, xk in zip(W1[j], x)) + b1[j]) for j in range(4)]
    z2 = [sum(w * ak for w, ak in zip(W2[j], a)) + b2[j] for j in range(2)]
    y = [mpmath.exp(z) / sum(mpmath.exp(v) for v in z2) for z in z2]
    d2 = [y[j] - t[j] for j in range(2)]
    d1 = [(1 - a[k] ** 2) * sum(W2[j][k] * d2[j] for j in range(2)) for k in range(4)]
    doc = symback.solve(load_spec(SPECS / "net_342.toml")).document()
    assert doc.detail == "standard"
    hidden, output = doc.layers
    assert [line.rsplit("= ", 1)[1] for line in output.deltas] == [shown(d) for d in d2]
    assert [line.rsplit("= ", 1)[1] for line in hidden.deltas if not line.startswith("&")] != []
    for delta in d1:
        assert any(line.endswith(f"= {shown(delta)}") for line in hidden.deltas)
    assert len(hidden.gradients) >= 4 * 3 + 4 and len(output.gradients) >= 2 * 4 + 2


def test_the_layers_group_every_neuron_and_activation_and_leave_the_loss_alone():
    graph = symback.solve(symback.load_example("softmax_233")).graph
    layers = node_layers(graph)
    assert {n: l for n, l in layers.items() if n.startswith("z")} == {f"z{l}_{j}": l for l in (1, 2) for j in (1, 2, 3)}
    assert {layers[f"y{j}"] for j in (1, 2, 3)} == {2} and {layers[f"a1_{j}"] for j in (1, 2, 3)} == {1}
    assert "L" not in layers


def test_the_problem_is_stated_as_matrices_with_the_values_of_the_spec():
    raw = tomllib.loads(symback.example_path("mazur_222").read_text(encoding="utf-8"))["network"]["values"]
    lines = problem_lines(symback.load_example("mazur_222").network, 4)
    assert lines[0] == (r"x &= \begin{bmatrix} 0.05 \\ 0.1 \end{bmatrix}, \quad "
                        r"t = \begin{bmatrix} 0.01 \\ 0.99 \end{bmatrix}")
    for l, (W, b) in enumerate(((raw["W1"], raw["b1"]), (raw["W2"], raw["b2"])), 1):
        rows = r" \\ ".join(" & ".join(f"{v:g}" for v in row) for row in W)
        assert lines[l] == rf"W^{{({l})}} &= \begin{{bmatrix}} {rows} \end{{bmatrix}}, \quad b_{{{l}}} = {b:g}"


def test_a_network_too_wide_for_matrices_lists_its_values():
    net = symback.load_example("mazur_222").network
    wide = type(net)(**{**net.__dict__, "layers": (MATRIX_SIDE + 1, 2, 2)})
    assert problem_lines(wide, 4) == ()


@pytest.mark.parametrize("detail", ["full", "standard", "compact"])
def test_every_detail_of_a_network_states_the_problem_as_matrices(detail):
    problem = symback.solve(symback.load_example("softmax_233")).markdown(detail=detail).split("\n## ")[1]
    assert problem.startswith("Problem") and r"W^{(1)} &= \begin{bmatrix}" in problem and "| $w^{(1)}_{1,1}$ |" not in problem
