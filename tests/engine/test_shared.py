"""The derivation shared by graphs of one shape: the same steps as each graph's own backward pass, built once."""
from __future__ import annotations

import pytest

from symback.engine import shared
from symback.engine.backprop import backprop
from symback.engine.efficiency import efficiency
from symback.engine.graph import build_graph
from symback.engine.spec_reader import spec_from_dict
from symback.engine.vary import leaf_values, variant_spec
from symback.engine.examples import load_example


def _graphs(example: str, values: list[dict]):
    spec = load_example(example)
    return [build_graph(variant_spec(spec, {n: v for n, v in zip(leaf_values(spec), row)})) for row in values]


@pytest.fixture
def counted(monkeypatch):
    """How often the backward pass really ran (the shared cache emptied first)."""
    calls = []

    def counting(graph):
        calls.append(graph)
        return backprop(graph)

    monkeypatch.setattr(shared, "backprop", counting)
    shared._backprop.cache_clear()
    yield calls
    shared._backprop.cache_clear()


def test_variants_of_one_shape_share_the_steps_of_their_own_backward_pass(counted):
    spec = load_example("mazur_222")
    names = list(leaf_values(spec))
    graphs = [build_graph(variant_spec(spec, {names[0]: value})) for value in (1, 2, 3)]
    derived = [shared.shared_backprop(g) for g in graphs]
    assert len(counted) == 1  # differentiated once
    for graph, derivation in zip(graphs, derived):
        own = backprop(graph)
        assert derivation.graph is graph
        assert derivation.steps == own.steps and derivation.assumptions == own.assumptions
        assert derivation.notes == own.notes


def test_another_formula_or_targets_that_stop_summing_to_one_are_another_shape(counted):
    base = {"loss": "L", "inputs": {"z1": 1, "z2": 2, "t1": 0.25, "t2": 0.75},
            "nodes": {"y1": "softmax(1, z1, z2)", "y2": "softmax(2, z1, z2)", "L": "cross_entropy([y1, y2], [t1, t2])"}}
    summing = build_graph(spec_from_dict(base))
    not_summing = build_graph(spec_from_dict({**base, "inputs": {**base["inputs"], "t2": 0.5}}))
    changed = build_graph(spec_from_dict({**base, "nodes": {"L": "z1*z2"}}))
    for graph in (summing, not_summing, changed):
        assert shared.shared_backprop(graph).steps == backprop(graph).steps
    assert len(counted) == 3
    assert shared.shared_backprop(summing).assumptions and not shared.shared_backprop(not_summing).assumptions


def test_shared_efficiency_counts_as_efficiency_does():
    for graph in _graphs("mazur_222", [[], [1, 2, 3]]):
        derivation = shared.shared_backprop(graph)
        assert shared.shared_efficiency(derivation) == efficiency(backprop(graph))
