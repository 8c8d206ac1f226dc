r"""The ``symbolic`` block of a solution's JSON: formulas, gradients in adjoint (δ) form, closed forms.

Every node's gradient is written in **adjoint form**, with the adjoints of the nodes that use it:
``dL/dw1_1_2 = dL/dz1_1*x2``, i.e. the sum over the backward step's terms of
``dL/d<child> * d<child>/d<node>`` in forward order. That is O(1) per edge, so the block is O(E)
for a graph of E edges. The fully expanded **closed form** (``x2*a1_1*(1 - a1_1)*(...)``), which
re-expands every layer above, is written only where it has at most :data:`CLOSED_FORM_NODES`
expression-tree nodes (every built-in example's closed forms do), or for every node with
``closed_forms="all"``. Each expression is printed once: a local derivative's text serves the
``locals`` list and every adjoint form that uses it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence

from symback.documents.plain import plain
from symback.documents.notation import Partial
from symback.documents.printing import latex as print_latex
from symback.documents.printing import latex_printer, name_latex
from symback.engine.expr import within_size

if TYPE_CHECKING:
    from symback.engine.solution import Solution

#: a closed form with at most this many expression-tree nodes is written out (README "JSON output")
CLOSED_FORM_NODES = 150
CLOSED_FORMS = ("small", "all")


def symbolic_json(solution: "Solution", locals_: Sequence[dict], closed_forms: str = "small",
                  **latex_settings: Any) -> dict:
    """The ``symbolic`` block (README "JSON output").

    Args:
        solution: the solved graph or network.
        locals_: the ``locals`` entries already made (``node``, ``child``, ``derivative`` text), in
            the order of the derivation's steps and terms; their text is reused, not reprinted.
        closed_forms: ``"small"`` (closed forms up to :data:`CLOSED_FORM_NODES` tree nodes, the
            adjoint form elsewhere) or ``"all"`` (every closed form, whatever its size).
        latex_settings: settings for :func:`symback.documents.printing.latex` (e.g. ``euler_e``).
    """
    if closed_forms not in CLOSED_FORMS:
        raise ValueError(f"closed_forms must be one of {CLOSED_FORMS}, not {closed_forms!r}")
    graph, derivation = solution.graph, solution.derivation
    latex = latex_printer(**latex_settings)  # each distinct expression printed once (locals repeat)
    text_of = {(e["node"], e["child"]): e["derivative"] for e in locals_}
    names = {n.name: name_latex(n.name) for n in graph.nodes}
    adjoints, adjoints_tex = {}, {}
    for node in graph.nodes:
        step = derivation.by_node.get(node.name)
        if step is None or node.name == graph.loss:
            adjoints[node.name] = adjoints_tex[node.name] = "0" if step is None else "1"
            continue
        text, tex = [], []
        for term in step.terms:
            wrap = precedence(term.local) < PRECEDENCE["Mul"]
            local_text = text_of[(node.name, term.child)]
            text.append(_times(f"d{graph.loss}/d{term.child}", local_text, term.local, wrap, "*", "(", ")"))
            partial = print_latex(Partial(graph.loss, term.child))
            local_tex = "" if term.local == 1 else names[term.local.name] if term.local.is_Symbol and \
                term.local.name in names else latex(term.local)  # a weight's local is a name
            tex.append(_times(partial, local_tex, term.local, wrap, r" \cdot ", r"\left(", r"\right)"))
        adjoints[node.name], adjoints_tex[node.name] = " + ".join(text), " + ".join(tex)
    gradients, gradients_tex, forms = {}, {}, {}
    for node in graph.nodes:
        closed = derivation.gradient(node.name)
        if closed_forms == "all" or within_size(closed, CLOSED_FORM_NODES):
            gradients[node.name] = plain(closed)
            gradients_tex[node.name] = latex(closed)
            forms[node.name] = "closed"
        else:
            gradients[node.name], gradients_tex[node.name] = adjoints[node.name], adjoints_tex[node.name]
            forms[node.name] = "adjoint"
    formulas = [n for n in graph.nodes if not n.is_leaf]
    return {
        "nodes": {n.name: plain(n.expr) for n in formulas},
        "gradients": gradients,
        "gradient_forms": forms,
        "adjoints": adjoints,
        "closed_form_nodes": None if closed_forms == "all" else CLOSED_FORM_NODES,
        "chains": {p: solution.chain(p) for p in graph.params + graph.inputs},
        "locals": list(locals_),
        "latex": {
            "names": names,
            "nodes": {n.name: latex(n.expr) for n in formulas},
            "gradients": gradients_tex,
            "adjoints": adjoints_tex,
        },
    }


def _times(adjoint: str, local: str, expr: sp.Expr, wrap: bool, sign: str, left: str, right: str) -> str:
    """``adjoint * local`` (just the adjoint when the local derivative is 1), the local in brackets if a sum."""
    if expr == 1:
        return adjoint
    return f"{adjoint}{sign}{left}{local}{right}" if wrap else f"{adjoint}{sign}{local}"
