"""The reverse walk: structure of the steps, fan-out sums, textbook forms, no diff of the composed loss."""
import pytest
import sympy as sp
from sympy.core.cache import clear_cache

import symback
from symback import backprop, build_graph, spec_from_dict
from symback.engine.derivation import SumToOne

FANOUT = {"loss": "L", "inputs": {"x": 3}, "params": {"w": 0.5},
          "nodes": {"u": "w*x", "v": "u^2", "q": "exp(u)", "L": "v + q"}}


def test_steps_are_reverse_topological_with_fanout_terms():
    d = backprop(build_graph(spec_from_dict(FANOUT)))
    order = [s.node for s in d.steps]
    assert order[0] == "L"
    position = {n: i for i, n in enumerate(order)}
    for step in d.steps:
        for term in step.terms:
            assert position[term.child] < position[step.node]
    u = d.by_node["u"]
    assert sorted(t.child for t in u.terms) == ["q", "v"]           # fan-out: summed over both children
    g = d.graph.symbols
    assert {t.child: t.local for t in u.terms} == {"v": 2 * g["u"], "q": g["q"]}  # exp(u) written back as q
    assert sp.expand(d.gradient("u") - (2 * g["u"] + g["q"])) == 0


def test_local_derivatives_are_written_in_node_symbols():
    d = backprop(build_graph(spec_from_dict({"loss": "L", "inputs": {"x": 1}, "params": {"w": 2},
                                             "nodes": {"z": "w*x", "a": "tanh(z)", "L": "a^2"}})))
    a = d.graph.symbols["a"]
    (term,) = d.by_node["z"].terms
    assert term.local == 1 - a ** 2 and term.rules == ("tanh derivative",)


def test_backprop_never_calls_sympy_diff(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("backprop must use the rule table, not sympy.diff")
    monkeypatch.setattr(sp, "diff", forbidden)
    monkeypatch.setattr(sp.Expr, "diff", forbidden)
    monkeypatch.setattr(sp.Basic, "diff", forbidden, raising=False)
    spec = symback.load_example("softmax_233")
    d = backprop(build_graph(spec))
    assert len(d.steps) > 20


def test_unreachable_nodes_get_zero_and_no_step():
    d = backprop(build_graph(spec_from_dict({"loss": "L", "inputs": {"x": 1}, "params": {"w": 2, "unused": 1},
                                             "nodes": {"L": "w*x", "side": "unused*x"}})))
    assert "side" not in d.by_node and "unused" not in d.by_node
    assert d.gradient("unused") == 0


def test_targets_not_summing_to_one_keep_the_general_form():
    spec = symback.load_example("softmax_233")
    net = spec.network
    from dataclasses import replace
    bad = replace(spec, network=replace(net, t=((sp.Rational(1, 2), sp.Rational(1, 2), sp.Rational(1, 2)),)))
    d = backprop(build_graph(bad))
    assert d.assumptions == ()
    g = d.graph.symbols
    general = g["y1"] * (g["t1"] + g["t2"] + g["t3"]) - g["t1"]
    assert sp.expand(d.gradient("z2_1") - general) == 0


def test_bce_with_sigmoid_gives_y_minus_t():
    d = backprop(build_graph(spec_from_dict({"loss": "L", "inputs": {"x": 1, "t": 1}, "params": {"w": 0.3},
                                             "nodes": {"z": "w*x", "y": "sigmoid(z)", "L": "bce(y, t)"}})))
    g = d.graph.symbols
    assert d.gradient("z") - (g["y"] - g["t"]) == 0


def test_closed_forms_reuse_the_upstream_closed_form():
    net = {"layers": [6, 6, 6], "activation": "sigmoid", "bias": "neuron", "loss": "half_sse",
           "values": {"x": [0.1] * 6, "t": [0.5] * 6, "W1": [[0.1] * 6] * 6, "b1": [0.0] * 6,
                      "W2": [[0.2] * 6] * 6, "b2": [0.0] * 6}}
    d = backprop(build_graph(spec_from_dict({"network": net})))
    g = d.graph.symbols
    # delta form: dL/dw1_1_1 = delta(z1_1) * x1, and delta(z1_1) = a(1 - a) * sum_j w2_j1 delta(z2_j)
    assert d.gradient("w1_1_1") == d.gradient("z1_1") * g["x1"]
    a = g["a1_1"]
    expected = a * (1 - a) * sum(g[f"w2_{j}_1"] * d.gradient(f"z2_{j}") for j in range(1, 7))
    assert sp.expand(d.gradient("z1_1") - expected) == 0
    assert d.gradient("z2_3") == g["y3"] * (1 - g["y3"]) * (g["y3"] - g["t3"])


def _compact_mlp(n: int) -> dict:
    """An [n, n, n] sigmoid MLP as a graph without pre-activation nodes: each weight's local is a product."""
    params = {f"w{l}_{j}_{k}": round(0.1 * ((j * 7 + k * 3 + l) % 11) - 0.5, 2)
              for l in (1, 2) for j in range(1, n + 1) for k in range(1, n + 1)}
    nodes = {}
    for j in range(1, n + 1):
        nodes[f"a{j}"] = "sigmoid(" + " + ".join(f"w1_{j}_{k}*x{k}" for k in range(1, n + 1)) + ")"
    for j in range(1, n + 1):
        nodes[f"y{j}"] = "sigmoid(" + " + ".join(f"w2_{j}_{k}*a{k}" for k in range(1, n + 1)) + ")"
    nodes["L"] = " + ".join(f"(y{j} - t{j})^2/2" for j in range(1, n + 1))
    inputs = {f"x{k}": 0.1 * k for k in range(1, n + 1)} | {f"t{k}": 0.05 * k for k in range(1, n + 1)}
    return {"loss": "L", "inputs": inputs, "params": params, "nodes": nodes}


def test_tidy_runs_once_per_shape_and_gives_the_unshared_forms(monkeypatch):
    import symback.engine.backprop as bp
    graph = build_graph(spec_from_dict(_compact_mlp(4)))
    calls = []
    original = bp._tidy
    monkeypatch.setattr(bp, "_tidy", lambda expr, groups: calls.append(expr) or original(expr, groups))
    clear_cache()
    shared = backprop(graph)
    assert len(calls) < 10  # 16 + 16 weights + 8 nodes: a handful of shapes, not one tidy each
    monkeypatch.setattr(bp, "_tidy_once", lambda expr, groups, memo: original(expr, groups))
    clear_cache()
    alone = backprop(graph)  # every expression tidied by itself: the oracle
    for a, b in zip(shared.steps, alone.steps):
        assert a.node == b.node and a.closed == b.closed and str(a.closed) == str(b.closed), a.node


def test_shared_tidy_keeps_every_examples_forms(monkeypatch):
    import symback.engine.backprop as bp
    names = [n for n in symback.example_names() if symback.load_example(n).regression is None]
    graphs = [build_graph(symback.load_example(n)) for n in names]
    shared = [clear_cache() or backprop(g) for g in graphs]  # SymPy's cache can change a form: cold each time
    monkeypatch.setattr(bp, "_tidy_once", lambda expr, groups, memo: bp._tidy(expr, groups))
    for name, graph, d in zip(names, graphs, shared):
        clear_cache()
        alone = backprop(graph)
        assert [(s.node, s.closed, s.assumptions) for s in d.steps] == \
               [(s.node, s.closed, s.assumptions) for s in alone.steps], name



@pytest.mark.parametrize("seed", range(20))
def test_renaming_back_keeps_the_structure_as_unevaluated_xreplace(seed, tree):
    import random

    from symback.engine.backprop import _rename_as_built

    rng = random.Random(seed)
    names = [sp.Symbol(f"s{i}", real=True) for i in range(6)]
    new = {s: sp.Symbol(f"n{i}", real=True) for i, s in enumerate(names)}

    def build(depth):
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(names + [sp.Rational(rng.randint(-4, 4), rng.randint(1, 4))])
        kind = rng.randrange(4)
        if kind == 0:
            return sp.Add(build(depth - 1), build(depth - 1), evaluate=False)
        if kind == 1:
            return sp.Mul(build(depth - 1), build(depth - 1), evaluate=False)
        if kind == 2:
            return sp.Pow(build(depth - 1), rng.choice([2, -1, sp.S.Half]), evaluate=False)
        return symback.engine.functions.sigmoid(build(depth - 1), evaluate=False)

    expr = build(4)
    with sp.evaluate(False):
        general = expr.xreplace(new)
    fast = _rename_as_built(expr, new)
    assert tree(fast) == tree(general) and str(fast) == str(general)


def test_the_sum_to_one_assumption_is_an_object_naming_its_targets():
    """Softmax + cross-entropy tidies to y - t under the targets' Σt = 1: which targets, passed as data."""
    d = backprop(build_graph(symback.load_example("softmax_233")))
    assert d.assumptions == (SumToOne(("t1", "t2", "t3")),)
    assert str(d.assumptions[0]) == "t1 + t2 + t3 = 1"
    assert all(s.assumptions in ((), d.assumptions) for s in d.steps) and any(s.assumptions for s in d.steps)
