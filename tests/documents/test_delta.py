"""delta: adjoint forms reproduce the engine's gradients; the textbook local derivative's short cut."""
import sympy as sp

from symback.documents import delta
from symback.documents.delta import ADJOINT, adjoint_form, delta_names, is_direct, textbook_local
from symback.engine.derivation import Derivation
from symback.engine.examples import example_names


def check_form(expr: sp.Expr, derivation: Derivation, node: str) -> bool:
    """The oracle: whether ``expr`` (node and adjoint symbols) evaluates to the engine's dL/d(node) at the point."""
    numbers = derivation.numbers
    if numbers is None:
        return False
    mapping = {s: numbers.gradients[s.name[len(ADJOINT):]] if s.name.startswith(ADJOINT) else numbers.values[s.name]
               for s in expr.free_symbols}
    expected = numbers.gradients[node]
    got = expr.xreplace(mapping)
    try:
        error = abs(complex(sp.N(got - expected, 30)))
        scale = 1 + abs(complex(sp.N(expected, 30)))
    except (TypeError, ValueError):
        return False
    return error <= 1e-20 * scale


def _derivations(solved):
    for name in example_names():
        derivation = getattr(solved(name), "derivation", None)
        if derivation is not None and derivation.numbers is not None:
            yield name, derivation


def test_a_direct_form_is_the_engines_chain_step(solved):
    """Where the document skips the numeric check of a form (:func:`is_direct`) the form must still
    evaluate to the engine's gradient: one level deep (every child named) and through unnamed
    children (a hidden neuron's δ goes through its activation to the δs of the layer above)."""
    direct = through = 0
    for name, derivation in _derivations(solved):
        graph = derivation.graph
        named = frozenset(delta_names(derivation)) or frozenset(s.node for s in derivation.steps if s.node != graph.loss)
        for step in derivation.steps:
            if step.node == graph.loss or not is_direct(derivation, step.node, named):
                continue
            direct += 1
            form = adjoint_form(derivation, step.node, named)
            assert check_form(form, derivation, step.node), (name, step.node)
            children = {t.child for t in step.terms}
            if children <= named | {graph.loss}:
                assert {s.name[1:] for s in form.free_symbols if s.name.startswith(delta.ADJOINT)} <= children
            else:
                through += 1
    assert direct > 100 and through > 10


def test_a_form_with_a_missing_step_is_not_direct(solved):
    derivation = solved("mazur_222").derivation
    named = frozenset(delta_names(derivation))
    hidden = next(s.node for s in derivation.steps if s.node in named and
                  any(t.child not in named and t.child != derivation.graph.loss for t in s.terms))
    assert is_direct(derivation, hidden, named)
    child = next(t.child for t in derivation.by_node[hidden].terms if t.child not in named)
    broken = dict(derivation.by_node)
    del broken[child]

    class Without:
        graph, by_node = derivation.graph, broken

    assert not is_direct(Without, hidden, named)


def test_no_parent_of_a_sum_of_atoms_has_a_textbook_form(solved, monkeypatch):
    """textbook_local answers None at once for a formula of atoms joined by + and *: the full descent agrees."""
    shortcut = [(name, node, parent) for name, derivation in _derivations(solved)
                for node in derivation.graph.nodes if node.expr is not None and delta.only_sums_and_products(node.expr)
                for parent in node.expr.free_symbols]
    assert len(shortcut) > 100
    monkeypatch.setattr(delta, "only_sums_and_products", lambda expr: False)
    for name, node, parent in shortcut:
        derivation = solved(name).derivation
        local = sp.diff(node.expr, parent)
        assert textbook_local(node.expr, parent, local, {}, derivation.graph.conventions) is None, (name, node.name)


def test_delta_names_come_from_the_networks_neurons_not_their_names():
    """Each pre-activation the network builder recorded is a δ with its layer, index and sample;
    a graph (even one with a node called z1_2) and a convolutional network have none."""
    import symback

    net = symback.load_example("xor_sigmoid")  # four samples
    deltas = delta_names(symback.backprop(symback.build_graph(net)))
    assert deltas["z1_2_s3"] == r"\delta^{(1)[3]}_{2}" and deltas["z2_1_s4"] == r"\delta^{(2)[4]}_{1}"
    assert len(deltas) == 3 * 4
    single = delta_names(symback.backprop(symback.build_graph(symback.load_example("mazur_222"))))
    assert single == {"z2_1": r"\delta^{(2)}_{1}", "z2_2": r"\delta^{(2)}_{2}",
                      "z1_1": r"\delta^{(1)}_{1}", "z1_2": r"\delta^{(1)}_{2}"}
    graph = symback.spec_from_dict({"loss": "L", "inputs": {"x": 1}, "params": {"w": 2},
                                    "nodes": {"z1_2": "w*x", "L": "z1_2^2"}})
    assert delta_names(symback.backprop(symback.build_graph(graph))) == {}
    assert delta_names(symback.backprop(symback.build_graph(symback.load_example("conv1d")))) == {}
