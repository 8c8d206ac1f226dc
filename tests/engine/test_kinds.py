"""The network kinds: each spec form the reader produces has one, and its slots, names and tables agree with the
graph it builds (every input and parameter named once, a replaced value where the graph reads it)."""
from __future__ import annotations

import pytest
import sympy as sp

import symback
from symback.engine.graph import build_graph
from symback.engine.kinds import NETWORK_KINDS, network_kind
from symback.engine.vary import leaf_values, variant_spec

#: a network of each form: layer sizes, convolution and pooling, a layers list (batch norm, dropout)
EXAMPLES = ("mazur_222", "softmax_233", "conv1d", "conv2d_pool", "batchnorm", "dropout")


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_form_has_its_kind_and_its_slots_name_every_leaf(name):
    spec = symback.load_example(name)
    kind = network_kind(spec.network)
    assert kind is NETWORK_KINDS[type(spec.network)]
    graph = build_graph(spec)
    slots, leaves = set(kind.slots(spec.network)), set(graph.inputs) | set(graph.params)
    assert slots <= leaves and {n.rstrip("0123456789_") for n in leaves - slots} <= {"r"}  # (a dropout mask is data)
    assert kind.parameter_names(spec.network) == list(graph.params)
    assert (graph.network is spec.network) == kind.holds_network


@pytest.mark.parametrize("name", EXAMPLES)
def test_tables_rebuild_the_same_network_and_a_replaced_value_is_where_the_graph_reads_it(name):
    spec = symback.load_example(name)
    kind = network_kind(spec.network)
    assert kind.rebuilt(spec.network, kind.tables(spec.network)) == spec.network
    values = leaf_values(spec)
    point = build_graph(spec).point
    assert values == {n: point[n] for n in values}  # each slot's value is the graph's value of its name
    first, last = list(kind.slots(spec.network))[0], kind.parameter_names(spec.network)[-1]
    moved = variant_spec(spec, {first: sp.Rational(7, 4), last: sp.Rational(-3, 8)})
    point = build_graph(moved).point
    assert {n: v for n, v in point.items() if n not in (first, last)} == \
        {n: v for n, v in build_graph(spec).point.items() if n not in (first, last)}
    assert (point[first], point[last]) == (sp.Rational(7, 4), sp.Rational(-3, 8))


def test_a_dense_network_too_large_for_a_worked_solution_is_refused_in_one_line():
    spec = symback.spec_from_dict({"network": {"layers": [200, 200], "activation": "sigmoid", "loss": "mse", "values": {
        "x": [0.0] * 200, "t": [0.0] * 200, "W1": [[0.0] * 200] * 200, "b1": [0.0] * 200}}})
    with pytest.raises(symback.SpecError) as error:
        build_graph(spec)
    assert error.value.where.endswith("network.layers") and "compile_network" in error.value.fix
