"""delta: adjoint forms reproduce the engine's gradients; the textbook local derivative's short cut."""
import pytest
import sympy as sp

from symback.documents import delta
from symback.documents.delta import adjoint_form, check_form, delta_names, is_direct, textbook_local
from symback.engine.examples import example_names


def _derivations(solved):
    for name in example_names():
        derivation = getattr(solved(name), "derivation", None)
        if derivation is not None and derivation.numbers is not None:
            yield name, derivation


def test_a_direct_form_is_the_engines_chain_step(solved):
    """Where every child is named (or the loss) the document skips the numeric check of the form:
    the form must then still evaluate to the engine's gradient, and name no node it does not use."""
    direct = 0
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
            assert {s.name[1:] for s in form.free_symbols if s.name.startswith(delta.ADJOINT)} <= children
    assert direct > 100


def test_no_parent_of_a_sum_of_atoms_has_a_textbook_form(solved, monkeypatch):
    """textbook_local answers None at once for a formula of atoms joined by + and *: the full descent agrees."""
    shortcut = [(name, node, parent) for name, derivation in _derivations(solved)
                for node in derivation.graph.nodes if node.expr is not None and delta._sums_of_atoms(node.expr)
                for parent in node.expr.free_symbols]
    assert len(shortcut) > 100
    monkeypatch.setattr(delta, "_sums_of_atoms", lambda expr: False)
    for name, node, parent in shortcut:
        derivation = solved(name).derivation
        local = sp.diff(node.expr, parent)
        assert textbook_local(node.expr, parent, local, {}, derivation.graph.conventions) is None, (name, node.name)


@pytest.mark.parametrize("expr, expected", [("w*a + b", True), ("w*a*x - 2*b", True), ("sigmoid(z)", False),
                                            ("(a - t)**2", False), ("x", True)])
def test_sums_of_atoms(expr, expected):
    from symback.engine.expr import parse_formula
    names = {n: sp.Symbol(n, real=True) for n in ("w", "a", "b", "x", "z", "t")}
    assert delta._sums_of_atoms(parse_formula(expr, names, "test").expr) is expected
