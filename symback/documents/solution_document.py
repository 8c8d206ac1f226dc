"""The worked-solution model: what a document shows, computed in Python, arranged by templates.

:func:`build_document` turns a solved problem into a :class:`Document` of ready-to-print pieces:
every formula is trusted LaTeX from :mod:`symback.documents.printing`, every number is rounded
here (to ``digits`` significant digits) and nowhere else, every sentence comes from the message
catalogue (``templates/messages.toml``) in the document's language. Templates only arrange these pieces.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symback.documents.backward import Backward, BackRow, partial_tex
from symback.documents.breaking import Equation, aligned_lines
from symback.documents.catalogue import messages
from symback.documents.diagram import Diagram, build_diagram
from symback.documents.layer_sections import (StandardLayer, as_written, build_layer_sections, paired_definitions,
                                              problem_lines)
from symback.documents.efficiency_section import EfficiencySection, build_efficiency_section
from symback.documents.pdf import check_typesettable
from symback.documents.notation import ETA, Call, Delta, Layered, Partial, Summed, Updated, dotted
from symback.documents.printing import latex as print_latex
from symback.documents.printing import latex_printer
from symback.documents.printing import name_latex
from symback.documents.render import DETAILS, GRADIENTS_OF
from symback.documents.tex import Tex, escape_latex, format_number, plot_coordinate, wrap
from symback.documents.update_rules import update_rule_intro, update_rule_lines
from symback.engine.derivation import CHECK_TOLERANCE
from symback.engine.errors import SymbackError
from symback.engine.graph import build_graph
from symback.engine.numerals import ERROR_DIGITS, number_text, rounded

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


SIDE_BY_SIDE = 12  #: an answer key's summary of more rows is set as two tables side by side
WHOLE_TABLE = 36   #: a table of at most this many rows is set whole (tabular): it never splits across pages


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
    updates: tuple[Row, ...]
    update_intro: str                   #: gradient descent's sentence, or the update rule's with its constants
    history: tuple[tuple[int, str, str], ...]  #: (step, shown, plot coordinate)
    check: tuple[tuple[Tex, str, str, str], ...]
    check_agrees: bool
    summary: tuple[tuple[Tex, str, str, str], ...]
    assumptions: tuple[Tex, ...]
    notes: tuple[str, ...]
    diagram: Diagram | None
    detail: str = "full"                #: "full" (every local derivative and chain step), "standard" or "compact"
    lines: Mapping[str, tuple[Tex, ...]] = field(default_factory=dict)  #: aligned display lines by section
    delta_table: tuple[tuple[Tex, str], ...] = ()  #: (δ or dL/dn, value): the compact view
    network: bool = False               #: a network spec: δ notation
    efficiency: EfficiencySection | None = None  #: networks: why backpropagation (+ truth table, conv layer level)
    matrices: tuple[Tex, ...] = ()      #: a dense network's problem: aligned lines of x, t, W and b per layer
    layers: tuple[StandardLayer, ...] = ()  #: a dense network's standard detail, layer by layer

    @property
    def summary_halves(self) -> tuple[tuple[tuple[Tex, str, str, str], ...], ...]:
        """The summary's rows as two tables side by side where they are many (an answer key on fewer pages)."""
        if len(self.summary) <= SIDE_BY_SIDE or len(self.summary) > 2 * WHOLE_TABLE:
            return (self.summary,)
        half = (len(self.summary) + 1) // 2
        return self.summary[:half], self.summary[half:]

    @staticmethod
    def table_env(rows) -> str:
        """The LaTeX table for ``rows``: whole ("tabular") where it fits a page, else "longtable" (breaks across pages)."""
        return "tabular" if len(rows) <= WHOLE_TABLE else "longtable"

    @staticmethod
    def column_width(rows, count: int) -> str:
        """The fixed width (a fraction of the text width) of each of ``count`` columns of a longtable of
        ``rows``, "" for a tabular: a longtable whose columns are sized by their cells changes them from
        page to page, and then asks for a second pdflatex run of the whole document."""
        return "" if len(rows) <= WHOLE_TABLE else f"{0.9 / count - 0.03:.3f}"

    @property
    def plots(self) -> bool:
        """The loss history, or a sequence layer's gradient per step, is plotted (pgfplots)."""
        sequence = self.efficiency.sequence if self.efficiency else None
        return bool(self.history) or bool(sequence and sequence.plots)

    @property
    def draws(self) -> bool:
        """Something is drawn (TikZ): the diagram (full and standard detail) or the loss history."""
        return self.plots or (self.diagram is not None and self.detail != "compact")




def build_document(solution: "Solution", lang: str = "en", digits: int = 4, detail: str | None = None,
                   gradients_of: str = "parameters") -> Document:
    """The worked-solution model of a solved problem, in ``lang``, numbers to ``digits`` digits.

    ``detail`` is "full" (every local derivative and chain step), "standard" (a dense network layer by
    layer: forward block, δ lines, gradient lines; for a graph, as full) or "compact" (the answer key);
    None: the problem's own (:func:`default_detail`). ``gradients_of`` (:data:`GRADIENTS_OF`): "parameters"
    (a network's parameters and hidden nodes get gradient sections) or "inputs" (its inputs and targets too).
    """
    graph, numbers, derivation = solution.graph, solution.numbers, solution.derivation
    detail = detail or default_detail(graph)
    if detail not in DETAILS:
        raise SymbackError("--detail", f"unknown detail '{detail}'", "use: " + " or ".join(DETAILS))
    if gradients_of not in GRADIENTS_OF:
        raise SymbackError("--gradients-of", f"unknown choice '{gradients_of}'", "use: " + " or ".join(GRADIENTS_OF))
    if detail == "standard" and graph.network is None:
        detail = "full"  # a graph (or a convolutional network) has no dense layers: node by node is its standard
    t = messages(lang)
    values = numbers.values
    shown = {name: format_number(v, digits) for name, v in values.items()}

    # juxtaposed multi-letter names read as one word: multiply with a visible dot then
    wordy = any(name_latex(n.name).startswith(r"\mathrm") for n in graph.nodes)
    mul = "dot" if wordy else None
    euler = not any(n.name == "e" for n in graph.nodes)  # a user's e: Euler's number prints as \exp(1)

    # one printer per (names, numbers, multiplication sign), each result kept: the same maps serve every call
    printers: dict[tuple, tuple] = {}

    def printer(names: Mapping[str, str] | None, as_numbers: Mapping[str, str] | None, mul_symbol: str | None):
        key = (id(names), id(as_numbers), mul_symbol)
        if key not in printers:  # (the maps are kept with their printer, so their ids stay their own)
            printers[key] = (names, as_numbers, latex_printer(mul_symbol=mul_symbol, euler_e=euler,
                                                              **({"names": dict(names)} if names else {}),
                                                              **({"numbers": dict(as_numbers)} if as_numbers else {})))
        return printers[key][2]

    merged: dict[int, tuple] = {}

    def latex(expr: sp.Expr, names: Mapping[str, str] | None = None, mul_symbol: str | None = mul) -> Tex:
        return printer(names or None, None, mul_symbol or mul)(expr)

    def substituted(expr: sp.Expr, extra: Mapping[str, str] | None = None) -> Tex:
        as_numbers = shown
        if extra:
            if id(extra) not in merged:
                merged[id(extra)] = (extra, {**shown, **extra})
            as_numbers = merged[id(extra)][1]
        return printer(None, as_numbers, "dot")(expr)

    def leaf_rows(names) -> tuple[Row, ...]:
        return tuple(Row(name_latex(n), value=Tex(shown[n])) for n in names)

    written = {n.name: w for n in graph.nodes if (w := as_written(graph, n.name)) is not None}
    in_order = latex_printer(order="none", mul_symbol=mul, euler_e=euler)  # (a neuron's sum, as written)
    in_order_numbers = latex_printer(order="none", mul_symbol="dot", euler_e=euler, numbers=dict(shown))

    def formula(n) -> Tex:
        return in_order(written[n.name]) if n.name in written else latex(n.expr)

    computed = [n for n in graph.nodes if not n.is_leaf and n.name in graph.ancestors_of_loss]
    forward = tuple(Row(name_latex(n.name), formula(n), in_order_numbers(written[n.name]) if n.name in written
                        else substituted(n.expr), Tex(shown[n.name])) for n in computed)
    back = Backward(derivation, digits, latex, substituted)
    backward = back.rows(t, inputs=gradients_of == "inputs") if detail == "full" else ()
    leaves = graph.params or graph.inputs
    rate = graph.learning_rate

    def update(p: str) -> Row:  # p' = p - eta dL/dp, with numbers
        value = Tex(format_number(solution.updated[p], digits)) if graph.steps == 1 else Tex("")
        if p in graph.frozen:
            return Row(print_latex(Updated(p)), name_latex(p), Tex(shown[p]), value, escape_latex(t["frozen"]))
        step = dotted(format_number(rate, digits), wrap(format_number(numbers.gradients[p], digits)))
        return Row(print_latex(Updated(p)), Tex(" - ".join((name_latex(p), " ".join((ETA, partial_tex(graph.loss, p)))))),
                   Tex(" - ".join((shown[p], step))), value)

    def rule_steps(p: str) -> tuple[Row, ...]:  # momentum, Adam: the first step's state and step, line by line
        if p in graph.frozen:
            return (update(p),)
        return tuple(Row(*line) for line in update_rule_lines(solution, p, latex, substituted, digits))

    updates = () if rate is None else tuple(update(p) for p in graph.params) if graph.optimizer is None else \
        tuple(row for p in graph.params for row in rule_steps(p))
    history = tuple((i, format_number(sp.Float(v), digits), plot_coordinate(v)) for i, v in enumerate(solution.history)) \
        if graph.steps > 1 else ()
    check = tuple((name_latex(p), format_number(c.symbolic, digits), format_number(settled(c.numeric), digits),
                   number_text(c.relative_error, ERROR_DIGITS)) for p, c in numbers.check.items())
    worst = max((c.relative_error for c in numbers.check.values()), default=0.0)
    summary = tuple((name_latex(p), shown[p], format_number(numbers.gradients[p], digits),
                     format_number(solution.updated[p], digits) if solution.updated else "")
                    for p in leaves)
    # a convention is stated only where a rule the document uses depends on it
    relu_rules = {"ReLU derivative", "leaky ReLU derivative"}
    conventions = (t["conventions.relu_at_zero"].format(value=format_number(graph.conventions.relu_at_zero, digits)),) \
        if any(note.rule in relu_rules for note in derivation.notes) else ()
    loss_row = forward[-1]
    definitions = tuple(Row(name_latex(n.name), formula(n)) for n in graph.nodes if not n.is_leaf)
    lines = {
        "definitions": aligned_lines(paired_definitions(graph, {n.name: Equation(r.lhs, (r.symbolic,)) for n, r in zip(
            (n for n in graph.nodes if not n.is_leaf), definitions)}) if graph.network is not None
            else (Equation(r.lhs, (r.symbolic,)) for r in definitions)),
        "forward": aligned_lines(Equation(r.lhs, (r.symbolic, r.substituted, r.value)) for r in forward[:-1]),
        "loss": aligned_lines([Equation(loss_row.lhs, (loss_row.symbolic, loss_row.substituted, loss_row.value))]),
        "gradients": back.gradient_lines(leaves),
        "updates": aligned_lines(Equation(r.lhs, (r.symbolic, r.substituted, r.value), r.note) for r in updates),
        "delta_rule": _delta_rule(graph.loss) if back.deltas else (),
    }
    notes = tuple(t.get(f"rule_notes.{note.rule}", str(note)) for note in derivation.notes)
    return Document(
        title=solution.title, lang=lang, t=MappingProxyType(t),  # t.update is the message, not dict.update
        inputs=leaf_rows(graph.inputs), params=leaf_rows(graph.params),
        definitions=definitions,
        loss_name=name_latex(graph.loss), learning_rate=None if rate is None else format_number(rate, digits),
        conventions=conventions, forward=forward[:-1] if forward else (), loss=forward[-1],
        backward=tuple(backward), updates=updates, update_intro=update_rule_intro(solution, t), history=history,
        check=check, check_agrees=worst <= CHECK_TOLERANCE, summary=summary,
        assumptions=tuple(print_latex(a) for a in derivation.assumptions), notes=notes,
        diagram=build_diagram(solution, digits, lang), detail=detail, lines=MappingProxyType(lines),
        delta_table=back.delta_table(), network=bool(back.deltas),
        efficiency=build_efficiency_section(solution, t, digits),
        matrices=problem_lines(graph.network, digits) if graph.network is not None else (),
        layers=build_layer_sections(graph, {n.name: Equation(r.lhs, (r.symbolic, r.substituted, r.value))
                                            for n, r in zip(computed, forward)}, back, t) if detail == "standard" else ())


def default_detail(graph) -> str:
    """The detail a problem's worked solution has unless asked: "standard" for a dense network, else "full"."""
    return "standard" if graph.network is not None else "full"


def refuse_untypesettable(spec, detail: str | None, target: str) -> None:
    """Refuse ``spec``'s worked-solution PDF at ``detail`` (None: the problem's own) before deriving it, if its
    graph is too large for it to typeset (:func:`~symback.documents.pdf.check_typesettable`); a regression has no graph.
    """
    if spec.regression is None:
        graph = build_graph(spec)
        check_typesettable(sum(len(n.parents) for n in graph.nodes), detail or default_detail(graph), target)


def _delta_rule(loss: str) -> tuple[Tex, ...]:
    r"""The δ recursion in general form (aligned lines): what every neuron's line below instantiates."""
    delta, z = Delta("l", "j"), Layered("z", "l", "j")
    lines = ((delta, (Partial(loss, z),)),
             (delta, (Call(Tex("f'"), (z,)), Summed(("k",), (Layered("w", "l+1", ("k", "j")), Delta("l+1", "k"))))),
             (Partial(loss, Layered("w", "l", ("j", "k"))), (Layered("a", "l-1", "k"), delta)))
    return tuple(Tex(" &= ".join((print_latex(lhs), " ".join(map(print_latex, rhs))))) for lhs, rhs in lines)


SETTLED_DIGITS = 30  #: a finite difference at 50 digits is good to about 35; it is shown from its first 30


def settled(numeric):
    """A finite difference (an mpmath number) as the exact decimal of its first 30 significant digits.

    Its last digits are noise of order h^2; rounding them off in decimal first means a difference
    that sits on a display tie (the exact gradient -5.4125 shown to 4 digits) always rounds the same
    way, whatever the arithmetic order that produced the noise.
    """
    numeral = rounded(numeric, SETTLED_DIGITS)
    return numeric if numeral is None else numeral.value  # (not finite: shown as it is)
