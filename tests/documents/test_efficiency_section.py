"""efficiency_section: the worked solution's last section (operation counts, XOR's truth table, the step note)."""
import symback
from symback.documents.catalogue import messages
from symback.documents.efficiency_section import build_efficiency_section
from symback.engine.efficiency import efficiency


def test_xor_document_has_the_truth_table_and_the_step_note():
    sol = symback.solve(symback.load_example("xor"))
    section = build_efficiency_section(sol, messages("en"), 4)
    table = section.truth_table
    assert table.all_match
    assert [ys for _, ys, _ in table.rows] == [("0",), ("1",), ("1",), ("0",)]
    md = sol.markdown()
    assert "0 almost everywhere" in md and messages("en")["truth_table.all_match"] in md


def test_xor_sigmoid_document_says_a_step_network_cannot_be_trained():
    sol = symback.solve(symback.load_example("xor_sigmoid"))
    md = sol.markdown()
    assert "cannot be trained by gradients" in md
    assert build_efficiency_section(sol, messages("en"), 4).truth_table is None


def test_graph_specs_have_no_efficiency_section():
    assert build_efficiency_section(symback.solve(symback.load_example("apple")), messages("en"), 4) is None


def test_the_counts_are_the_engines_and_the_shared_deltas_are_named():
    """relu_identity (seed 004): a 2-3-1 network without biases has 3·2 + 1·3 = 9 weights; each first-layer δ
    is reused by the two weights into its neuron, the output δ by the three weights into it and the a's."""
    sol = symback.solve(symback.load_example("relu_identity"))
    section = build_efficiency_section(sol, messages("en"), 4)
    counted = efficiency(sol.derivation)
    rows = [(counted.backprop, "-"), (counted.separate, f"{counted.separate.arithmetic / counted.backprop.arithmetic:.2f}")]
    for row, (count, ratio) in zip(section.counts, rows):
        assert row[1:4] == (str(count.multiplications), str(count.additions), str(count.functions))
        assert ratio == "-" or row[4] == ratio
    assert "For 9 parameters" in section.summary
    assert [len(users.split(", ")) for _, users in section.shared] == [2, 2, 2, 6]
