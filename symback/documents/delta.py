r"""Adjoint (δ) forms and textbook local derivatives for the worked solution.

A closed form that re-expands everything below a node is unreadable past a toy graph. Here each
node's gradient is written in terms of gradients an earlier line already computed:

- in a network, the error signal of neuron ``z`` is :math:`\delta = \partial L/\partial z`; a hidden
  :math:`\delta_j = \sigma'(z_j) \sum_k w_{kj} \delta_k` and a weight's gradient :math:`a_k \delta_j`
  come from :func:`adjoint_form` walking the engine's terms down to the δ of the next layer;
- in a graph, every node's adjoint :math:`\partial L/\partial c` is a name.

:func:`textbook_local` shows a local derivative as a student writes it, outer × inner by the chain
rule (:math:`2(t - o) \cdot (-1) = 2(o - t)`), from the rule table, checked equal to the engine's.
Numbers are never recomputed for display: a form is shown with the engine's numbers only where it is
built from the engine's steps (:func:`is_direct`); the tests evaluate such a form again as their oracle.
"""
from __future__ import annotations

from typing import Mapping

import sympy as sp

from symback.documents.notation import Delta
from symback.documents.printing import latex
from symback.documents.tex import Tex
from symback.engine.derivation import Derivation
from symback.engine.rule import Conventions
from symback.engine.rules import differentiate, partial, rule_name, symbols_in
from symback.engine.sums import only_sums_and_products, times

ADJOINT = "\u2202"  #: adjoint symbols are named "∂<node>": no user name can start so; printed last


def delta_names(derivation: Derivation) -> dict[str, Tex]:
    r"""``{z node: \delta^{(l)}_{j}}`` for the neurons of a network spec, in the steps' order ({} for a graph)."""
    neurons = derivation.graph.neurons
    return {step.node: latex(Delta(n.layer, n.index, n.sample)) for step in derivation.steps
            if (n := neurons.get(step.node)) is not None}


def adjoint_symbol(node: str) -> sp.Symbol:
    """The symbol standing for dL/d(node) in an adjoint form."""
    return sp.Symbol(ADJOINT + node)


def adjoint_form(derivation: Derivation, node: str, named: frozenset[str] | set[str]) -> sp.Expr:
    r"""dL/d(node) as the sum over its children of (adjoint or further expansion) × local.

    A child in ``named`` contributes its adjoint symbol (:func:`adjoint_symbol`); the loss
    contributes 1; any other child is expanded the same way, down to named nodes.
    """
    loss = derivation.graph.loss
    step = derivation.by_node[node]
    total = []
    for term in step.terms:
        if term.child == loss:
            upstream = sp.S.One
        elif term.child in named:
            upstream = adjoint_symbol(term.child)
        else:
            upstream = adjoint_form(derivation, term.child, named)
        total.append(times(upstream, term.local))  # (the product Mul builds, without its general pass)
    return sp.Add(*total)


def is_direct(derivation: Derivation, node: str, named: frozenset[str] | set[str]) -> bool:
    """Whether the adjoint form of ``node`` is the engine's own chain sum: then it needs no numeric check.

    The form (:func:`adjoint_form`) is the sum over the children of upstream x local, each local the
    engine's term, each upstream a named child's adjoint, 1 for the loss, or an unnamed child's form
    built the same way. The engine's ``numbers.gradients[node]`` is that same sum of
    ``gradients[child] * locals[(child, node)]``, so by induction down to the named nodes the form's
    value is the engine's, exactly: true whenever every node on the way has its step (a hidden
    neuron's δ form, which goes through its activation, as well as a weight's ``a δ``). Evaluating
    the form again at 30 digits (what the tests' oracle does) cost a 16-16-16 network's worked
    solution a tenth of its document model and could not disagree.
    """
    loss, steps = derivation.graph.loss, derivation.by_node
    seen: set[str] = set()
    stack = [node]
    while stack:
        step = steps.get(stack.pop())
        if step is None:
            return False
        for term in step.terms:
            child = term.child
            if child != loss and child not in named and child not in seen:
                seen.add(child)
                stack.append(child)
    return True


def uses_adjoints(expr: sp.Expr) -> bool:
    """Whether ``expr`` names an earlier adjoint (so it does not re-expand it)."""
    return any(s.name.startswith(ADJOINT) for s in symbols_in(expr))


def textbook_local(expr: sp.Expr, parent: sp.Symbol, engine_local: sp.Expr, back_map: Mapping[sp.Expr, sp.Expr],
                   conventions: Conventions) -> tuple[tuple[sp.Expr, ...], sp.Expr, tuple[str, ...]] | None:
    """A local derivative by the chain rule, one level deep: (factors, final form, rule names), or None.

    ``factors`` multiply to d(expr)/d(parent): the constant factor (if any), d(outer)/d(inner) and
    d(inner)/d(parent); ``final`` is the engine's local, factored when that reads better. None when
    ``expr`` uses ``parent`` directly (no inner function) or the product does not equal the engine's.

    >>> t, o = sp.symbols("t o")
    >>> textbook_local((t - o)**2, o, 2*o - 2*t, {}, Conventions())[:2]
    ((2*(-o + t), -1), 2*(o - t))
    """
    if only_sums_and_products(expr):  # (w a + b: the descent below ends at the parent itself, for every parent)
        return None
    rules: list[str] = []
    coefficient = sp.S.One
    e = expr
    while isinstance(e, (sp.Add, sp.Mul)):
        dependent = [a for a in e.args if parent in symbols_in(a)]
        if len(dependent) != 1:
            return None
        if isinstance(e, sp.Mul):
            coefficient *= sp.Mul(*(a for a in e.args if a is not dependent[0]))
        rules.append(rule_name(e))
        e = dependent[0]
    if e == parent or not e.args:
        return None
    dependent = [i for i, a in enumerate(e.args) if parent in symbols_in(a)]
    if len(dependent) != 1 or e.args[dependent[0]] == parent or e.args[dependent[0]].is_Symbol:
        return None
    inner = e.args[dependent[0]]
    outer = sp.factor_terms(partial(e, dependent[0], conventions).xreplace(back_map))
    inner_local, inner_rules = differentiate(inner, parent, conventions)
    factors = tuple(f for f in (coefficient, outer, inner_local.xreplace(back_map)) if f != 1)
    if sp.expand(sp.Mul(*factors) - engine_local) != 0:
        return None
    final = engine_local
    factored = sp.factor_terms(engine_local)
    if factored != engine_local and sp.expand(factored - engine_local) == 0 \
            and sp.count_ops(factored) <= sp.count_ops(engine_local):
        final = factored
    names = ["chain rule", rule_name(e), *inner_rules, *rules]
    return factors, final, tuple(dict.fromkeys(names))
