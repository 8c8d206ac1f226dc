"""Homework against a problem: hand work checked line by line and link by link, as a student writes it.

Every name of the problem stands for its value; ``dL/dw1`` (``∂L/∂w1``, ``d(L)/d(w1)``) for the gradient of
its loss, ``do/dl1`` for a local derivative, ``δ2_1`` for the δ of z2_1, ``w1'`` (``w1_new``) for an updated
parameter, ``η`` (``eta``, ``lr``) for the learning rate (:mod:`symback.checking.notation`; LaTeX through
:mod:`symback.checking.latex_reader`). A line ``A = B = C = 0.4878`` claims that each part equals the quantity
``A``; a line starting with ``=`` continues the line before; a line whose first part names no quantity is a
chain, each part equal to the one before. Each link is checked (:mod:`symback.checking.links`) and the line
gets the worst verdict of its links: ``proved``, ``numeric``, ``rounded``, ``follow-on`` (wrong only through
an earlier wrong line of the student's, right from there on) or ``wrong`` with the misconception that
explains it (:class:`symback.checking.misconceptions.Explainer`, or ``arithmetic``). Only the first wrong
line counts (``first_wrong``).

>>> from symback.engine.examples import load_example
>>> report = verify_homework("o = sigmoid(l1) = sigmoid(1.5) = 0.8176\\ndL/do = 2(o - t) = 1.6352", load_example("neuron"))
>>> [s.verdict for s in report.steps], report.first_wrong
(['rounded', 'rounded'], None)
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import sympy as sp

from symback.checking.equivalence import DEFAULT_BUDGET, WRONG
from symback.checking.latex_reader import read_latex
from symback.checking.links import RANK, Link, Links, Student, Written, number_value
from symback.checking.notation import Vocabulary, derivative_functions, read_formula
from symback.checking.steps import GIVEN, MAX_LINES, Step, StepsReport, _read, verify_steps
from symback.checking.sweep import Quantity
from symback.checking.verify import ClaimChecker
from symback.engine import limits
from symback.engine.errors import SymbackError, did_you_mean, read_user_file
from symback.engine.examples import example_names, load_example
from symback.engine.solution import solve_spec
from symback.engine.spec import Spec
from symback.engine.spec_reader import load_spec

if TYPE_CHECKING:
    from symback.engine.solution import Solution


def verify_homework(text: str, spec: "Spec | Solution", source: str = "<homework>", budget: float = DEFAULT_BUDGET,
                    seed: int = 0, latex: bool = False) -> StepsReport:
    """Check hand work about a problem line by line (see the module docstring).

    Args:
        text: the homework, one line per equation chain; ``#`` starts a comment (in LaTeX ``%`` too).
        spec: the problem (a :class:`Spec`) or its solution.
        source: how errors name the homework (a file name).
        budget: seconds for each proof of a formula link.
        seed: the seed of the random probe points.
        latex: the lines are LaTeX.
    """
    solution = solve_spec(spec) if isinstance(spec, Spec) else spec
    if getattr(solution, "graph", None) is None:
        raise SymbackError(source, "homework is checked against a graph or network problem",
                           "give a spec with [nodes] or [network]")
    _, lines = _read(text, source, latex, approx=True)
    if len(lines) > MAX_LINES:
        raise SymbackError(source, f"{len(lines)} lines (limit {MAX_LINES})", "split the homework into several files")
    checker = ClaimChecker(solution, budget, seed)
    homework = _Homework(checker, source, latex)
    steps = tuple(homework.line(number, raw, parts) for number, raw, parts in lines)
    return StepsReport(source, (), steps, None, budget, solution, latex)


_HEADER = re.compile(r"^\s*[#%]\s*(spec|input)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def load_homework(path: str | Path, spec: "Spec | Solution | str | None" = None, budget: float = DEFAULT_BUDGET,
                  seed: int = 0, name: str | None = None, latex: bool | None = None) -> StepsReport:
    """Read a steps file and check it: against ``spec`` or the problem its ``# spec: NAME`` line names
    (:func:`verify_homework`), else as a derivation (:func:`symback.checking.steps.verify_steps`).

    ``spec``: a :class:`Spec`, a solution, a spec file or a built-in example's name. ``latex``: the lines are
    LaTeX (None: as the file's ``# input: latex`` line says; plain otherwise). Errors name the file and line.
    """
    name = name or str(path)
    text = read_user_file(path, name, limit=limits.current().file)
    headers = {key.lower(): value for key, value in _HEADER.findall(text)}
    if latex is None:
        latex = headers.get("input", "plain").lower() == "latex"
    spec = spec if spec is not None else headers.get("spec")
    if spec is None:
        return verify_steps(text, name, budget, seed, latex)
    return verify_homework(text, resolve_spec(spec, Path(path).parent), name, budget, seed, latex)


def resolve_spec(spec: "Spec | Solution | str | Path", folder: Path = Path(".")) -> "Spec | Solution":
    """A problem given as a spec file (as given, or next to the homework) or a built-in example's name."""
    if not isinstance(spec, (str, Path)):
        return spec
    for candidate in (Path(spec), folder / spec):
        if candidate.is_file():
            return load_spec(candidate)
    if str(spec) in example_names():
        return load_example(str(spec))
    raise SymbackError("--spec", f"'{spec}' is neither a spec file nor a built-in example",
                       "give a spec file's path or an example's name" + _hint(str(spec), example_names()))


class _Homework:
    """The lines of one homework, read and checked in order, with the student's numbers so far."""

    def __init__(self, checker: ClaimChecker, source: str, latex: bool) -> None:
        self.checker, self.source, self.latex = checker, source, latex
        graph = checker.graph
        self.quantities: dict[sp.Symbol, Quantity] = {}
        self.vocabulary = Vocabulary(graph.symbols, derivative_functions([]), self.quantity, graph.learning_rate)
        self.links = Links(checker, self.quantities)
        self.student = Student()
        self.subject: Quantity | None = None
        self.last: tuple[sp.Expr, str] | None = None   #: the last part so far (a continuation links to it)
        self.value: Link | None = None                  #: the last number's check against the line's quantity

    def quantity(self, kind: str, name: str, child: str, where: str) -> sp.Symbol | None:
        """The symbol standing for a quantity the text names (:class:`Vocabulary`'s ``quantity``)."""
        graph, checker = self.checker.graph, self.checker
        if kind == "derivative":
            found = checker.derivative(child, name, where)
        elif kind == "updated":
            found = checker.updated(name, where)
        else:  # a δ: of a node, or of a network's pre-activation z (δ2_1 is dL/dz2_1)
            node = next((n for n in (name, f"z{name}") if n in graph.by_name and not graph.by_name[n].is_leaf), None)
            if node is None:
                raise SymbackError(where, f"δ{name} names no node of the problem",
                                   "write δ2_1 for dL/dz2_1, or dL/d(node)" + _hint(f"z{name}", graph.by_name))
            found = Quantity("gradient", node, graph.loss)
        if found is None:
            return None
        symbol = sp.Symbol(f"⟨{found.label}⟩", real=True)
        self.quantities[symbol] = found
        return symbol

    def read(self, part: str, where: str) -> tuple[sp.Expr, str | None]:
        """A part as an expression, and (LaTeX) the plain notation it was read as."""
        if self.latex:
            formula = read_latex(part, self.vocabulary, where)
            return formula.expr, formula.echo
        return read_formula(part, self.vocabulary, where), None

    def line(self, number: int, raw: str, parts) -> Step:
        where = f"{self.source}: line {number}"
        read, echoes = [], []
        for column, part in parts:
            expr, echo = self.read(part, where + (f", column {column + 1}" if column else ""))
            read.append((expr, part))
            echoes.append(echo)
        continuation = parts[0][0] > 0
        if continuation and self.last is None:
            raise SymbackError(where, "the homework starts with '='",
                               "start with the quantity or the expression being computed")
        if not continuation:
            self.subject = self._subject(read[0][0])
        chain = ([self.last] if continuation else []) + read
        if not continuation:
            self.value = None
        results: list[Link] = []
        for k in range(1, len(chain)):
            results += self._link(k == 1 and not continuation, chain[k - 1], chain[k])
        verdict = max((r.verdict for r in results), key=RANK.__getitem__, default=GIVEN)
        deciding = next((r for r in results if r.verdict == WRONG), None) or \
            max(reversed(results), key=lambda r: RANK[r.verdict], default=None)  # the last of the worst
        last, text = chain[-1]
        value = number_value(last) if not last.free_symbols else None
        if self.subject is not None and value is not None and self.subject.kind != "updated":
            self.student.numbers[self.subject] = Written(value, number, verdict)
        self.last = chain[-1]
        exprs = tuple(e for e, _ in read)
        return Step(number, raw, exprs, exprs, verdict, deciding.comparison if deciding else None, None,
                    " = ".join(echoes) if self.latex else None,
                    deciding.details if deciding else (), deciding.misconception if deciding else None)

    def _subject(self, expr: sp.Expr) -> Quantity | None:
        """The quantity a line's first part names alone (``dL/dw1``, ``o``, ``w1'``), or None (a chain)."""
        if not expr.is_Symbol:
            return None
        return self.quantities.get(expr) or Quantity("value", expr.name)

    def _link(self, first: bool, left: tuple[sp.Expr, str], right: tuple[sp.Expr, str]) -> list[Link]:
        """The checks of one link: the link itself, and a number against the line's quantity."""
        (a, a_text), (b, b_text) = left, right
        links, student, subject = self.links, self.student, self.subject
        b_value = number_value(b) if not b.free_symbols else None
        if not b.free_symbols and b_value is None:
            return [Link(WRONG, (("hw.undefined", {"text": b_text.strip()}),))]
        if first and subject is not None:  # the quantity itself, then its first formula or number
            if b_value is not None:
                self.value = links.value(subject, b_value, b_text, student)
                return [self.value]
            return [links.formula(subject, a, b, b_text, student)]
        a_value = number_value(a) if not a.free_symbols else None
        if b_value is None and a_value is None:
            return [links.formula(subject, a, b, b_text, student)]
        if b_value is None:  # a number, then a formula: the formula at the student's numbers
            return [links.substitution(subject, b, a_value, a_text, student)]
        if a_value is None:
            found = [links.substitution(subject, a, b_value, b_text, student)]
        else:
            found = [links.arithmetic(subject, a_value, b_value, b_text, student)]
            if self.value is not None and self.value.verdict != WRONG and found[0].verdict != WRONG:
                own = links.value(subject, b_value, b_text, student) if subject is not None else self.value
                if own.verdict == WRONG:  # 0.2439 · 5 = 1.2195: as precise as the numbers it is computed from
                    own = Link(self.value.verdict, (("hw.as_computed", {"claimed": b_text.strip(),
                                                                          "value": a_text.strip()}),))
                self.value = own
                return found + [own]
        if subject is not None:
            self.value = links.value(subject, b_value, b_text, student)
            found.append(self.value)
        return found


def _hint(name: str, names) -> str:
    hint = did_you_mean(name, names)
    return f" ({hint})" if hint else ""
