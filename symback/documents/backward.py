r"""The backward pass of a worked solution: per node its local derivatives, chain step and δ / adjoint form.

Every line is laid out by :func:`symback.documents.breaking.aligned_lines`, so it fits the page; every
number is the engine's (``numbers.locals``, ``numbers.gradients``), rounded only for display. A
closed form is shown only where it fits on one line and re-expands no named gradient; otherwise the
gradient is written in terms of the δs (networks) or adjoints (graphs) computed before it
(:mod:`symback.documents.delta`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from symback.documents.breaking import Equation, aligned_lines
from symback.documents.delta import ADJOINT, adjoint_form, delta_names, is_direct, textbook_local, uses_adjoints
from symback.documents.notation import Partial, dotted, factor
from symback.documents.printing import latex, name_latex
from symback.documents.tex import Tex, escape_latex, format_number, wrap
from symback.documents.width import TEXT_WIDTH, exceeds, tex_width
from symback.engine.derivation import BackStep, Derivation

Printer = Callable[..., Tex]


@dataclass(frozen=True)
class BackRow:
    """The adjoint of one node: heading quantity, local derivatives, the chain step and its δ / closed form."""

    node: str
    node_tex: Tex                 #: the node's name in LaTeX, for the heading
    lhs: Tex                      #: \frac{\partial L}{\partial n}
    heading: Tex                  #: the quantity for the heading: \partial L/\partial n (δ = ... for a neuron)
    locals: tuple[Tex, ...]       #: aligned lines: d child / d node with its rules
    chain: tuple[Tex, ...]        #: aligned lines: sum over children of upstream * local = numbers = value
    closed: tuple[Tex, ...]       #: aligned lines of the δ, adjoint or closed form ("" when it repeats the chain)
    closed_kind: str = ""         #: "closed", "delta" or "adjoint": which sentence introduces ``closed``
    value: Tex = Tex("")
    assumptions: tuple[Tex, ...] = ()
    params: tuple[Tex, ...] = ()  #: aligned lines: ∂L/∂p = δ ∂z/∂p = form = numbers = value for the neuron's own parameters


def partial_tex(top: str, bottom: str) -> Tex:
    r"""``\frac{\partial top}{\partial bottom}`` in node notation."""
    return latex(Partial(top, bottom))


class Backward:
    """What the backward section and the gradients share: names of adjoints, printers, numbers."""

    def __init__(self, derivation: Derivation, digits: int, latex: Printer, substituted: Printer) -> None:
        self.derivation, self.digits = derivation, digits
        self.graph = graph = derivation.graph
        self.numbers = derivation.numbers
        self.deltas = delta_names(derivation)
        self.latex, self.substituted_with = latex, substituted
        self._numbers: dict[int, tuple[sp.Expr, str]] = {}
        loss = graph.loss
        self.named = frozenset(self.deltas) if self.deltas else frozenset(
            s.node for s in derivation.steps if s.node != loss)
        self.adjoint_tex = {ADJOINT + n: self.lhs(n) for n in self.named}
        self.adjoint_numbers = {ADJOINT + n: self.number(self.numbers.gradients[n]) for n in self.named}
        relevant = graph.ancestors_of_loss
        self.back_map = {n.expr: n.symbol for n in graph.nodes if n.name in relevant and n.expr is not None
                         and not (n.expr.is_Symbol or n.expr.is_Number)}
        self._forms: dict[tuple, tuple[sp.Expr, str]] = {}
        self._parts: dict[tuple, tuple[Tex, ...]] = {}

    def number(self, value: sp.Expr) -> str:
        """``value`` for display (kept: each gradient and local value is shown in several lines).

        Kept by identity (the engine's numbers are shared objects; hashing a Float converts it to a
        float each time), with the value itself, so that its id stays its own.
        """
        kept = self._numbers.get(id(value))
        if kept is None:
            kept = self._numbers[id(value)] = (value, format_number(value, self.digits))
        return kept[1]

    def symbolic(self, expr: sp.Expr) -> Tex:
        """An expression in node symbols, with adjoint symbols printed as δ or ∂L/∂c."""
        dotted = not self.deltas and uses_adjoints(expr)
        return self.latex(expr, names=self.adjoint_tex, mul_symbol="dot" if dotted else None)

    def with_numbers(self, expr: sp.Expr) -> Tex:
        return self.substituted_with(expr, extra=self.adjoint_numbers)

    def lhs(self, node: str) -> Tex:
        return self.deltas[node] if node in self.deltas else partial_tex(self.graph.loss, node)

    def heading(self, node: str) -> Tex:
        quantity = latex(Partial(self.graph.loss, node, slash="/"))
        return Tex(" = ".join((self.deltas[node], quantity))) if node in self.deltas else quantity

    def form(self, node: str, fits: bool = True) -> tuple[sp.Expr, str]:
        """(expression, kind) of dL/d(node) to show: the δ / adjoint form, or the closed form where it may stand.

        Kept per node: a parameter's row and its gradient line show the same form.
        """
        key = (node, fits)
        if key not in self._forms:
            self._forms[key] = self._form(node, fits)
        return self._forms[key]

    def _form(self, node: str, fits: bool) -> tuple[sp.Expr, str]:
        step = self.derivation.by_node[node]
        named = adjoint_form(self.derivation, node, self.named)
        # the form's value is the engine's where it is built from the engine's steps (is_direct); a
        # document without numbers shows no form it could not check
        verified = self.numbers is not None and is_direct(self.derivation, node, self.named)
        if self.deltas and uses_adjoints(named) and verified:
            return named, "delta" if node in self.deltas else "adjoint"
        if fits and not exceeds(step.closed) and \
                tex_width(" = ".join((self.lhs(node), self.symbolic(step.closed)))) <= TEXT_WIDTH:
            return step.closed, "closed"  # (exceeds first: a closed form too wide is never printed to measure)
        if uses_adjoints(named) and verified:
            return named, "adjoint"
        return step.closed, "closed"

    def parts(self, node: str, expr: sp.Expr, kind: str = "closed") -> tuple[Tex, ...]:
        """``form = with numbers = value``; a graph's adjoint form reads upstream · local, term by term."""
        key = (node, expr, kind)
        if key not in self._parts:
            self._parts[key] = self._parts_of(node, expr, kind)
        return self._parts[key]

    def _parts_of(self, node: str, expr: sp.Expr, kind: str) -> tuple[Tex, ...]:
        value = Tex(self.number(self.numbers.gradients[node]))
        terms = self.derivation.by_node[node].terms
        if kind == "delta" and len(terms) == 1 and terms[0].child not in self.named | {self.graph.loss}:
            # a hidden neuron, as the lecture writes it: f'(z_j) times the sum over the layer above
            local, rest = terms[0].local, adjoint_form(self.derivation, terms[0].child, self.named)
            return (dotted(factor(self.latex(local), local), factor(self.symbolic(rest), rest)),
                    dotted(factor(self.with_numbers(local), local), factor(self.with_numbers(rest), rest)), value)
        if kind != "adjoint" or self.deltas:
            return self.symbolic(expr), self.with_numbers(expr), value
        loss = self.graph.loss
        symbolic, numbers = [], []
        for t in terms:  # upstream (none for the loss) times the local
            upstream = () if t.child == loss else (self.lhs(t.child),)
            shown = () if t.child == loss else (wrap(self.number(self.numbers.gradients[t.child])),)
            symbolic.append(dotted(*upstream, factor(self.latex(t.local), t.local)))
            numbers.append(dotted(*shown, factor(self.substituted_with(t.local), t.local)))
        return Tex(" + ".join(symbolic)), Tex(" + ".join(numbers)), value

    def row(self, step: BackStep, t: Mapping[str, str], params: tuple[str, ...] = ()) -> BackRow:
        """The backward row of one node; ``params``: the parameters whose only use is this neuron, shown under it.

        In a network nothing is said twice: an output's gradient is its local derivative (no ``∂L/∂L ·`` line),
        and a chain whose every upstream is a δ is the δ form itself, written on the chain's line.
        """
        numbers, loss = self.numbers, self.graph.loss
        locals_ = aligned_lines(self._local_line(step.node, term, t) for term in step.terms)
        upstream = [partial_tex(loss, loss) if term.child == loss else self.lhs(term.child) for term in step.terms]
        chain = " + ".join(dotted(u, partial_tex(term.child, step.node)) for u, term in zip(upstream, step.terms))
        numbers_text = " + ".join(dotted(wrap(self.number(numbers.gradients[term.child])),
                                         wrap(self.number(numbers.locals[(term.child, step.node)]))) for term in step.terms)
        value = Tex(self.number(numbers.gradients[step.node]))
        chain_parts: tuple[Tex, ...] = (Tex(chain), Tex(numbers_text), value)
        closed: tuple[Tex, ...] = ()
        kind = ""
        from_loss = len(step.terms) == 1 and step.terms[0].child == loss
        if not from_loss:
            expr, kind = self.form(step.node)
            form = self.parts(step.node, expr, kind)
            if self.deltas and kind == "adjoint" and all(term.child in self.named for term in step.terms):
                chain_parts, kind = (Tex(chain), *form), ""  # the chain with its locals written out: one line
            else:
                closed = aligned_lines([Equation(self.lhs(step.node), form)])
        chain_lines = () if from_loss and self.deltas else \
            aligned_lines([Equation(partial_tex(loss, step.node), chain_parts)])
        own = aligned_lines(Equation(partial_tex(loss, p), (dotted(self.lhs(step.node), partial_tex(step.node, p)),
                                                            *self.parts(p, *self.form(p)))) for p in params)
        return BackRow(step.node, name_latex(step.node), partial_tex(loss, step.node), self.heading(step.node),
                       locals_, chain_lines, closed, kind, value, tuple(latex(a) for a in step.assumptions), own)

    def _local_line(self, node: str, term, t: Mapping[str, str]) -> Equation:
        graph = self.graph
        node_expr = graph.node(term.child).expr
        parent = graph.symbols[node]
        book = textbook_local(node_expr, parent, term.local, self.back_map, graph.conventions)
        rules = term.rules
        parts: list[Tex] = []
        final = term.local
        if book is not None:
            factors, final, rules = book
            parts.append(dotted(*(factor(self.latex(f), f) for f in factors)))
        value = Tex(self.number(self.numbers.locals[(term.child, node)]))
        parts += [self.latex(final), self.substituted_with(final), value]
        note = escape_latex(", ".join(t.get(f"rules.{r}", r) for r in rules))
        return Equation(partial_tex(term.child, node), tuple(parts), note)

    def rows(self, t: Mapping[str, str], inputs: bool = False) -> tuple[BackRow, ...]:
        """The backward row of every node but the loss, in the engine's (reverse topological) order.

        In a network a parameter used by one neuron only is shown under that neuron's δ (not in a row of
        its own), and the inputs and targets get rows only with ``inputs`` (a graph's every node gets one).
        """
        graph, steps = self.graph, self.derivation.steps
        own: dict[str, list[str]] = {}
        if self.deltas:
            for step in steps:
                if step.node in graph.point and len(step.terms) == 1 and step.terms[0].child in self.deltas \
                        and step.node not in graph.inputs:
                    own.setdefault(step.terms[0].child, []).append(step.node)
        shown = {p for params in own.values() for p in params}
        skipped = shown | (set() if inputs or not self.deltas else set(graph.inputs))
        return tuple(self.row(step, t, tuple(self._natural(own.get(step.node, ())))) for step in steps
                     if step.node != graph.loss and step.node not in skipped)

    def _natural(self, params: list[str]) -> list[str]:
        """Parameters in the graph's (the spec's) order: w_{j,1}, w_{j,2}, ..., then the bias."""
        order = {p: i for i, p in enumerate(self.graph.params)}
        return sorted(params, key=order.__getitem__)

    def gradient_lines(self, leaves, slash: str | None = None) -> tuple[Tex, ...]:
        """``dL/dp = form = numbers = value`` for every leaf (numbers only for δ / adjoint forms);
        ``slash="/"`` writes ∂L/∂p on one line (a layer's block of short lines)."""
        lines = []
        for p in leaves:
            lhs = latex(Partial(self.graph.loss, p, slash=slash))
            if p not in self.derivation.by_node:
                lines.append(Equation(lhs, (Tex("0"),)))
                continue
            expr, kind = self.form(p)
            parts = self.parts(p, expr, kind)
            lines.append(Equation(lhs, parts if kind != "closed" else (parts[0], parts[2])))
        return aligned_lines(lines)

    def delta_table(self) -> tuple[tuple[Tex, str], ...]:
        """(name, value) of every δ (network) or every node's adjoint (graph), loss excluded: the compact view."""
        neurons = self.graph.neurons  # δs from the output layer down, each layer's neurons in order
        nodes = sorted(self.deltas, key=lambda n: (-neurons[n].layer, neurons[n].sample or 0, neurons[n].index)) \
            if self.deltas else [s.node for s in self.derivation.steps
                                 if s.node != self.graph.loss and not self.graph.node(s.node).is_leaf]
        return tuple((self.lhs(n), self.number(self.numbers.gradients[n])) for n in nodes)

