"""The layer-level sequence section: each shared weight's sum over the steps against torch autograd's gradient,
the LSTM's gate lines and attention's Jacobian rows, the gradient's size per step, both languages."""
from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from sequence_torch import torch_sequence

import symback
from symback.documents.catalogue import messages
from symback.documents.sequence_document import build_sequence_section
from symback.documents.tex import format_number


def _section(example, lang="en"):
    return build_sequence_section(symback.solve(symback.load_example(example)), messages(lang), 4)


def _torch(example):
    raw = tomllib.loads(resources.files("symback.examples").joinpath(f"{example}.toml").read_text())
    net = raw["network"]
    return torch_sequence(net["layers"], net["values"], net["loss"])[1]


def _rows(lines):
    """The aligned lines grouped into rows (a row's first line has a left-hand side): (its head, its last line)."""
    rows = []
    for line in lines:
        head = line.split("&=")[0]
        if head.strip():
            rows.append([head, line])
        else:
            rows[-1][1] = line
    return rows


@pytest.mark.parametrize("example, count", [("rnn", 2 + 4 + 2), ("lstm", 4 + 4 + 4)])
def test_each_sum_over_the_steps_ends_in_the_gradient_torch_computes(example, count):
    from symback.documents.printing import name_latex

    (layer,) = _section(example).layers
    grads = _torch(example)
    assert layer.agrees and layer.check.startswith("All")
    rows = _rows(layer.sums)
    assert len(rows) == count
    for head, last in rows:
        (name,) = [n for n in grads if "{\\partial " + name_latex(n) + "}" in head]
        assert last.rstrip(" \\").endswith("= " + format_number(grads[name], 4)), (name, last)


def test_the_rnn_gradient_shrinks_going_back_in_time_and_the_sentence_says_so():
    (layer,) = _section("rnn").layers
    sizes = [float(coordinate) for _, _, coordinate in layer.magnitudes]
    assert [step for step, _, _ in layer.magnitudes] == [3, 2, 1]
    assert sizes[0] > sizes[1] > sizes[2] > 0
    assert "shrinks" in layer.trend and "seed 000" in layer.trend
    assert "000" in _section("rnn", "ko").layers[0].trend


def test_the_lstm_writes_its_cell_path_and_gates_and_attention_its_jacobian_rows():
    (lstm,) = _section("lstm").layers
    assert len(_rows(lstm.identity)) == 2 * 5
    assert lstm.identity[0].startswith(r"\frac{\partial L}{\partial c^{(1)\langle 2\rangle}_{1}}")
    (attention,) = _section("attention").layers
    assert len(_rows(attention.identity)) == 3 * 3
    assert attention.magnitudes == () and attention.agrees
    assert [row[0] for row in attention.table] == [r"\frac{\partial L}{\partial h^{(1)}_{1}}"]


def test_a_network_without_sequence_layers_has_no_section():
    assert _section("batchnorm") is None
