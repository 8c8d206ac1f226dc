"""The worked-solution model: what a document shows, computed in Python, arranged by templates.

:func:`build_document` turns a solved problem into a :class:`Document` of ready-to-print pieces:
every formula is trusted LaTeX from :mod:`symback.documents.printing`, every number is rounded
here (to ``digits`` significant digits) and nowhere else, every sentence comes from the message
catalogue (``templates/messages.toml``) in the document's language. Templates only arrange these pieces.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.diagram import Diagram, build_diagram
from symback.documents.printing import latex as print_latex
from symback.documents.printing import name_latex
from symback.documents.tex import Tex, escape_latex, format_number, plot_coordinate, wrap
from symback.engine.derivation import CHECK_TOLERANCE

if TYPE_CHECKING:
    from symback.engine.solution import Solution


@dataclass(frozen=True)
class Row:
    """One line of a worked solution: ``lhs = symbolic = substituted = value`` (parts may be empty)."""

    lhs: Tex
    symbolic: Tex = Tex("")
    substituted: Tex = Tex("")
    value: Tex = Tex("")
    note: str = ""

    @property
    def rhs(self) -> Tex:
        """The non-empty parts joined by ``=``: the right-hand side of the line."""
        parts = [p for p in (self.symbolic, self.substituted, self.value) if p]
        # a substituted form identical to the value (a leaf, a plain number) is said once
        return Tex(" = ".join(dict.fromkeys(parts)))


@dataclass(frozen=True)
class BackRow:
    """The adjoint of one node: its local derivatives, the chain-rule sum and its value."""

    node: str
    lhs: Tex                    #: \frac{\partial L}{\partial n}
    locals: tuple[Row, ...]     #: d child / d node, each with its rule names
    chain: Tex                  #: sum over children of dL/dchild * dchild/dnode
    substituted: Tex            #: the same with numbers
    value: Tex
    closed: Tex                 #: "closed form = with numbers = value", or "" when it repeats the local
    assumptions: tuple[Tex, ...] = ()


@dataclass(frozen=True)
class Document:
    """Everything a worked solution shows, in one language, rounded for display."""

    title: str
    lang: str
    t: Mapping[str, str]
    inputs: tuple[Row, ...]
    params: tuple[Row, ...]
    definitions: tuple[Row, ...]
    loss_name: Tex
    learning_rate: str | None
    conventions: tuple[str, ...]
    forward: tuple[Row, ...]
    loss: Row
    backward: tuple[BackRow, ...]
    gradients: tuple[Row, ...]          #: closed form and value of dL/dp for every parameter
    updates: tuple[Row, ...]
    history: tuple[tuple[int, str, str], ...]  #: (step, shown, plot coordinate)
    check: tuple[tuple[Tex, str, str, str], ...]
    check_agrees: bool
    summary: tuple[tuple[Tex, str, str, str], ...]
    assumptions: tuple[Tex, ...]
    notes: tuple[str, ...]
    diagram: Diagram | None


def _partial(top: str, bottom: str) -> Tex:
    return Tex(rf"\frac{{\partial {name_latex(top)}}}{{\partial {name_latex(bottom)}}}")


def build_document(solution: "Solution", lang: str = "en", digits: int = 4) -> Document:
    """The worked-solution model of a solved problem, in ``lang``, numbers to ``digits`` digits."""
    t = messages(lang)
    graph, numbers, derivation = solution.graph, solution.numbers, solution.derivation
    values = numbers.values
    shown = {name: format_number(v, digits) for name, v in values.items()}
    as_number = {name: wrap(text) for name, text in shown.items()}

    # juxtaposed multi-letter names read as one word: multiply with a visible dot then
    wordy = any(name_latex(n.name).startswith(r"\mathrm") for n in graph.nodes)
    mul = "dot" if wordy else None

    def latex(expr: sp.Expr) -> Tex:
        return print_latex(expr, mul_symbol=mul)

    def substituted(expr: sp.Expr) -> Tex:
        return print_latex(expr, names=as_number, mul_symbol="dot")

    def leaf_rows(names) -> tuple[Row, ...]:
        return tuple(Row(name_latex(n), value=Tex(shown[n])) for n in names)

    forward = tuple(Row(name_latex(n.name), latex(n.expr), substituted(n.expr), Tex(shown[n.name]))
                    for n in graph.nodes if not n.is_leaf and n.name in graph.ancestors_of_loss)
    backward = []
    for step in derivation.steps:
        if step.node == graph.loss:
            continue
        locals_ = tuple(Row(_partial(term.child, step.node), latex(term.local), substituted(term.local),
                            Tex(format_number(numbers.locals[(term.child, step.node)], digits)),
                            escape_latex(", ".join(t.get(f"rules.{r}", r) for r in term.rules)))
                        for term in step.terms)
        chain = " + ".join(rf"{_partial(graph.loss, term.child)} \cdot {_partial(term.child, step.node)}"
                           for term in step.terms)
        value = Tex(format_number(numbers.gradients[step.node], digits))
        numbers_text = " + ".join(
            rf"{wrap(format_number(numbers.gradients[term.child], digits))} \cdot "
            rf"{wrap(format_number(numbers.locals[(term.child, step.node)], digits))}" for term in step.terms)
        backward.append(BackRow(step.node, _partial(graph.loss, step.node), locals_, Tex(chain), Tex(numbers_text),
                                value, _closed_line(step, graph.loss, latex, substituted, value), tuple(_equation(a) for a in step.assumptions)))
    leaves = graph.params or graph.inputs
    gradients = tuple(Row(_partial(graph.loss, p), latex(derivation.gradient(p)), Tex(""),
                          Tex(format_number(numbers.gradients[p], digits))) for p in leaves)
    updates: tuple[Row, ...] = ()
    rate = graph.learning_rate
    if rate is not None:
        rate_text = format_number(rate, digits)
        eta = Tex(r"\eta")
        updates = tuple(
            Row(Tex("{" + name_latex(p) + "}'"),
                Tex(rf"{name_latex(p)} - {eta} {_partial(graph.loss, p)}") if p not in graph.frozen else name_latex(p),
                Tex(rf"{shown[p]} - {rate_text} \cdot {wrap(format_number(numbers.gradients[p], digits))}")
                if p not in graph.frozen else Tex(shown[p]),
                Tex(format_number(solution.updated[p], digits)) if graph.steps == 1 else Tex(""),
                escape_latex(t["frozen"]) if p in graph.frozen else "")
            for p in graph.params)
    history = tuple((i, format_number(sp.Float(v), digits), plot_coordinate(v)) for i, v in enumerate(solution.history)) \
        if graph.steps > 1 else ()
    check = tuple((name_latex(p), format_number(c.symbolic, digits), format_number(sp.Float(c.numeric), digits),
                   f"{c.relative_error:.1e}") for p, c in numbers.check.items())
    worst = max((c.relative_error for c in numbers.check.values()), default=0.0)
    summary = tuple((name_latex(p), shown[p], format_number(numbers.gradients[p], digits),
                     format_number(solution.updated[p], digits) if solution.updated else "")
                    for p in leaves)
    conventions = (t["conventions.relu_at_zero"].format(value=format_number(graph.conventions.relu_at_zero, digits)),)
    notes = tuple(t.get(f"rule_notes.{note.split(':')[0]}", note) for note in derivation.notes)
    return Document(
        title=solution.title, lang=lang, t=MappingProxyType(t),  # t.update is the message, not dict.update
        inputs=leaf_rows(graph.inputs), params=leaf_rows(graph.params),
        definitions=tuple(Row(name_latex(n.name), latex(n.expr)) for n in graph.nodes if not n.is_leaf),
        loss_name=name_latex(graph.loss), learning_rate=None if rate is None else format_number(rate, digits),
        conventions=conventions, forward=forward[:-1] if forward else (), loss=forward[-1],
        backward=tuple(backward), gradients=gradients, updates=updates, history=history,
        check=check, check_agrees=worst <= CHECK_TOLERANCE, summary=summary,
        assumptions=tuple(_equation(a) for a in derivation.assumptions), notes=notes,
        diagram=build_diagram(solution, digits))


def _closed_line(step, loss: str, latex, substituted, value: Tex) -> Tex:
    """``closed = with numbers = value`` (repeats dropped); "" when the only child is the loss itself."""
    if len(step.terms) == 1 and step.terms[0].child == loss:
        return Tex("")
    return Tex(" = ".join(dict.fromkeys([latex(step.closed), substituted(step.closed), value])))


def _equation(text: str) -> Tex:
    """An assumption such as ``t1 + t2 + t3 = 1`` in LaTeX (names through the printer)."""
    left, right = text.split("=")
    names = [n.strip() for n in left.split("+")]
    return Tex(" + ".join(name_latex(n) for n in names) + " = " + right.strip())


