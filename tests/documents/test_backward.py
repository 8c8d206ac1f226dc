"""backward: the backward pass as the worked solution writes it: a δ per neuron built from the layer above, the
adjoint form where a closed form would not fit, local derivatives as a textbook writes them, the headings."""
import re

import mpmath

import symback
from symback.documents.solution_document import build_document


def test_network_delta_lines_carry_the_engines_numbers(mazur_by_hand):
    solution = symback.solve(symback.load_example("mazur_222"))
    doc = build_document(solution, detail="full")
    x, a, d1, d2 = mazur_by_hand
    rows = {row.node: row for row in doc.backward}
    for (layer, deltas) in ((1, d1), (2, d2)):
        for j, delta in enumerate(deltas, 1):
            node = f"z{layer}_{j}"
            row = rows[node]
            engine = solution.numbers.gradients[node]
            assert abs(float(engine) - float(delta)) < 1e-15           # the engine agrees with the hand count
            value = f"{float(delta):.4g}"
            assert row.closed[0].startswith(rf"\delta^{{({layer})}}_{{{j}}} &= ")
            assert row.closed[-1].endswith(f"= {value}")                 # δ line ends in the engine's number
            assert row.heading == rf"\delta^{{({layer})}}_{{{j}}} = \partial L/\partial z^{{({layer})}}_{{{j}}}"
    hidden = rows["z1_1"].closed
    # a hidden δ is built from the δs of the layer above, not re-expanded down to the loss
    assert r"\left(w^{(2)}_{1,1} \delta^{(2)}_{1} + w^{(2)}_{2,1} \delta^{(2)}_{2}\right)" in hidden[0]
    assert rows["z1_1"].closed_kind == "delta" and not any("t_{1}" in line for line in hidden)
    gradients = "\n".join(doc.lines["gradients"])
    assert (rf"\frac{{\partial L}}{{\partial w^{{(1)}}_{{1,1}}}} &= x_{{1}} \delta^{{(1)}}_{{1}} = 0.05 \cdot "
            rf"{float(d1[0]):.4g} = {float(x[0] * d1[0]):.4g}") in gradients
    assert (rf"w^{{(2)}}_{{2,1}}}} &= a^{{(1)}}_{{1}} \delta^{{(2)}}_{{2}} = {float(a[0]):.4g} \cdot "
            rf"\left({float(d2[1]):.4g}\right) = {float(a[0] * d2[1]):.4g}") in gradients


def test_graph_adjoint_form_replaces_a_closed_form_that_would_not_fit():
    from symback.documents.width import TEXT_WIDTH, tex_width
    solution = symback.solve(symback.load_example("softmax_233_graph"))
    doc = build_document(solution)
    for row in doc.backward:
        step = solution.derivation.by_node[row.node]
        closed = symback.latex(step.closed)
        if row.closed_kind == "adjoint":
            assert tex_width(f"{row.lhs} = {closed}") > TEXT_WIDTH  # only where the closed form is too wide
            assert r"\frac{\partial L}{\partial" in row.closed[0]
        if row.closed:
            assert row.closed[-1].endswith("= " + f"{float(solution.numbers.gradients[row.node]):.4g}")


def test_headings_name_the_quantity_in_normal_size():
    tex = symback.solve(symback.load_example("neuron")).latex()
    assert r"\subsection*{Node $o$: $\partial L/\partial o$}" in tex
    assert not re.search(r"\\subsection\*\{\$\\frac", tex)
    md = symback.solve(symback.load_example("neuron")).markdown("ko")
    assert r"### 노드 $o$: $\partial L/\partial o$" in md


def test_local_derivative_by_the_chain_rule_as_a_textbook_writes_it():
    solution = symback.solve(symback.load_example("neuron"))
    doc = build_document(solution)
    row = next(r for r in doc.backward if r.node == "o")
    line = "\n".join(row.locals)
    assert r"\frac{\partial L}{\partial o} &= 2 \left(t - o\right) \cdot \left(-1\right) = 2 \left(o - t\right)" in line
    assert "chain rule" in line
    o = 1 / (1 + mpmath.exp(-1.5))
    assert line.split("\n")[0].endswith(f"= {float(2 * o):.4g}") or f"= {float(2 * o):.4g}" in line
    assert "연쇄 법칙" in "\n".join(next(r for r in build_document(solution, "ko").backward if r.node == "o").locals)


def test_a_network_shows_its_inputs_gradients_only_when_asked(mazur_by_hand):
    """dL/dx_k = sum_j w1_jk δ1_j by hand; the inputs' and targets' sections are there only with gradients_of="inputs"."""
    solution = symback.solve(symback.load_example("mazur_222"))
    x, a, d1, d2 = mazur_by_hand
    w1 = [[mpmath.mpf("0.15"), mpmath.mpf("0.20")], [mpmath.mpf("0.25"), mpmath.mpf("0.30")]]
    nodes = [row.node for row in build_document(solution, detail="full").backward]
    assert not {"x1", "x2", "t1", "t2"} & set(nodes) and {"z1_1", "a1_1", "y1", "b1", "b2"} <= set(nodes)
    assert not any(n.startswith("w") for n in nodes)  # each weight is shown under its neuron's δ
    rows = {row.node: row for row in build_document(solution, detail="full", gradients_of="inputs").backward}
    assert {"x1", "x2", "t1", "t2"} <= set(rows)
    for k in (0, 1):
        by_hand = sum(w1[j][k] * d1[j] for j in (0, 1))
        assert rows[f"x{k + 1}"].value == f"{float(by_hand):.4g}"


def test_a_neurons_weights_are_under_its_delta_in_natural_order(mazur_by_hand):
    x, a, d1, d2 = mazur_by_hand
    rows = {row.node: row for row in build_document(symback.solve(symback.load_example("mazur_222")), detail="full").backward}
    lines = rows["z2_1"].params
    assert [line.split(" &=")[0] for line in lines] == [r"\frac{\partial L}{\partial w^{(2)}_{1,1}}",
                                                       r"\frac{\partial L}{\partial w^{(2)}_{1,2}}"]
    for line, a_k in zip(lines, a):
        assert r"= \delta^{(2)}_{1} \cdot \frac{\partial z^{(2)}_{1}}{\partial w^{(2)}_{1," in line
        assert line.endswith(f"= {float(a_k * d2[0]):.4g}")
    assert rows["y1"].chain == () and rows["y1"].locals  # the output's gradient is its local derivative: said once
    assert rows["a1_1"].closed == () and r"w^{(2)}_{1,1} \delta^{(2)}_{1}" in rows["a1_1"].chain[0]
