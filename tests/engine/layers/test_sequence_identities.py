"""The layer-level identities of the sequence layers (BPTT sums, the LSTM's gate derivatives, attention's softmax
Jacobian) against the reverse walk's neuron-level gradients, entry by entry."""
from __future__ import annotations

import sympy as sp

import symback
from symback.engine.layers.sequence_identities import bptt_sums, gate_derivatives, softmax_jacobian

SUFFIXES = ("_s1", "_s2")
X = [[[0.5, -1.0], [1.5, 0.25], [-0.75, 1.0]], [[1.0, 0.5], [-0.5, -1.5], [0.25, 0.75]]]


def _solve(entry, head, **values):
    layers = [{"sequence": [3, 2]}, entry, *head]
    spec = symback.spec_from_dict({"network": {"layers": layers, "loss": "half_sse", "values": {"x": X, **values}}})
    return spec, symback.solve(spec)


def _close(a, b):
    return abs(sp.N(a - b, 60)) <= sp.Float("1e-40") * max(abs(sp.N(b, 60)), 1)


def _rows(n, seed):
    return [[((seed * 7 + 3 * i + 5 * j) % 11 - 5) / 8 for j in range(n[1])] for i in range(n[0])]


def test_each_recurrent_weight_is_the_sum_over_steps_and_samples_of_delta_times_its_input():
    spec, solution = _solve({"rnn": {"hidden": 2}}, ["mean", {"dense": 1}], t=[[0.5], [-0.25]], Wx1=_rows((2, 2), 1),
                            Wh1=_rows((2, 2), 2), b1=[0.1, -0.2], h01=[0.3, -0.4], W3=[[1.0, -0.5]], b3=[0.0])
    sums = bptt_sums(spec.network.layers[0], 1, SUFFIXES, solution.values, solution.gradients)
    assert {s.name for s in sums} == {n for n in spec.network.layers[0].parameter_names(1) if not n.startswith("h")}
    wh = next(s for s in sums if s.name == "wh1_1_2")
    assert wh.inputs == ("h1_2_t0", "h1_2_t1_s1", "h1_2_t2_s1", "h1_2_t0", "h1_2_t1_s2", "h1_2_t2_s2")
    assert wh.deltas[2] == "z1_1_t3_s1" and len(wh.terms) == 6
    for entry in sums:
        assert _close(entry.value, entry.neuron), entry
    assert all(abs(entry.neuron) > 1e-3 for entry in sums)


def test_the_lstm_gate_derivatives_and_the_cell_path_agree_with_the_neuron_level():
    spec, solution = _solve({"lstm": {"hidden": 2}}, [{"dense": 1}], t=[[[0.5], [0.0], [-0.5]], [[0.25], [1.0], [0.0]]],
                            Wx1=_rows((8, 2), 3), Wh1=_rows((8, 2), 4), b1=[0.1] * 8, c01=[0.5, -0.5],
                            W2=[[1.0, -0.5]], b2=[0.0])
    layer = spec.network.layers[0]
    rows = gate_derivatives(layer, 1, SUFFIXES, solution.values, solution.gradients)
    assert len(rows) == 2 * 3 * 2 * 5 and rows[0].name == "c1_1_t3_s1" and rows[5].name == "c1_2_t3_s1"
    for row in rows:
        assert _close(row.value, row.neuron), row
    for entry in bptt_sums(layer, 1, SUFFIXES, solution.values, solution.gradients):
        assert _close(entry.value, entry.neuron), entry


def test_the_lstm_as_the_output_layer_names_its_states_y():
    spec, solution = _solve({"lstm": {"hidden": 1}}, [], t=[[[0.5], [0.0], [-0.5]], [[0.25], [1.0], [0.0]]],
                            Wx1=_rows((4, 2), 5), Wh1=_rows((4, 1), 6), b1=[0.0] * 4)
    output = {f"h1_1_t{t}{s}": f"y1_t{t}{s}" for t in (1, 2, 3) for s in SUFFIXES}
    for row in gate_derivatives(spec.network.layers[0], 1, SUFFIXES, solution.values, solution.gradients, output):
        assert _close(row.value, row.neuron), row


def test_the_softmax_jacobian_gives_each_score_its_gradient_row_by_row():
    spec, solution = _solve({"attention": {"dim": 2}}, ["mean", {"dense": 1}], t=[[0.5], [-0.25]],
                            Wq1=_rows((2, 2), 7), Wk1=_rows((2, 2), 8), Wv1=_rows((2, 2), 9), W3=[[1.0, 0.5]], b3=[0.0])
    blocks = softmax_jacobian(spec.network.layers[0], 1, SUFFIXES, solution.values, solution.gradients)
    assert len(blocks) == 2 * 3 and all(len(block) == 3 for block in blocks)
    for block in blocks:
        for v, row in enumerate(block):
            assert _close(sp.Add(*row.parts), 0)  # each column of the Jacobian sums to 0: the softmax sums to 1
            assert _close(row.value, row.neuron), row
    assert any(abs(row.neuron) > 1e-3 for block in blocks for row in block)
