"""Exercise documents: the student sheet (the problem and blank answer boxes) and the answer key.

An :class:`Exercise` holds every variant, each solved by the engine (:func:`symback.solve`) with
its asked answers rounded by the rule of :func:`symback.engine.vary.round_answer`.
:func:`build_exercise_document` turns it into an :class:`ExerciseDocument` (one page per variant;
``key=True`` adds the answers and the worked solution), arranged by ``templates/exercise.{md,tex}.j2``
(a key includes the worked solution's own body, ``solution_body.{md,tex}.j2``, a heading level down);
:func:`manifest_json` is ``variants.json`` (README "Exercises for a course").
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.diagram import build_diagram
from symback.documents.notation import Fraction, Partial, Updated
from symback.documents.printing import latex, name_latex
from symback.documents.solution_document import Row
from symback.documents.tex import Tex, escape_markdown, format_number
from symback.engine.numerals import Numeral, exact_decimal, exact_text, json_number, rounded
from symback.engine.vary import Question

MANIFEST_FORMAT = "symback-exercise/1"
EXACT_DIGITS = 15   #: digits of an answer's "value" in variants.json (the exact one is under "exact")
NOTEBOOK_ROWS = 10  #: variants an exercise shows in Jupyter (the rest are counted)
WORKED_EXTRA = 1    #: the worked solution shows one digit more than the answers asked (intermediate results)


@dataclass(frozen=True)
class Answer:
    """One asked quantity of one variant: the engine's value and its rounded form."""

    question: Question
    value: sp.Expr
    rounded: Numeral


@dataclass(frozen=True)
class Variant:
    """One variant: its id, seed, drawn values (by name), the engine's solution and the asked answers."""

    id: str
    seed: int
    values: Mapping[str, sp.Rational]
    solution: Any          #: a symback.Solution (with .document)
    answers: tuple[Answer, ...]

    def _repr_markdown_(self) -> str:  # Jupyter: the drawn values and the answers, not a dataclass dump
        return variant_markdown(self)


@dataclass(frozen=True)
class Exercise:
    """Every variant of one exercise spec, and what the manifest records about it."""

    title: str
    source: str
    spec: Mapping[str, str]    #: {"toml": text} or {"json": text}: how grading rebuilds the problem
    seed: int
    digits: int
    questions: tuple[Question, ...]
    variants: tuple[Variant, ...]

    def _repr_markdown_(self) -> str:  # Jupyter: a table of the first variants' answers
        return exercise_markdown(self)


BESIDE_CM = 7.0  #: the widest figure that stands beside a sheet's formulas (0.4 of the text width)


@dataclass(frozen=True)
class Page:
    """One variant on paper: the problem as given, the questions, and (key) the answers and solution."""

    id: str
    given: tuple[Row, ...]
    definitions: tuple[Tex, ...]                  #: aligned lines: every node's formula (a network's two to a line)
    loss_name: Tex
    learning_rate: str | None
    conventions: tuple[str, ...]
    diagram: Any
    questions: tuple[tuple[Tex, str, str], ...]   #: (label, rounded answer or "", exact to more digits or "")
    solution: Any = None                          #: key: the worked solution's model (a solution_document.Document)
    matrices: tuple[Tex, ...] = ()                #: a network's given values as matrices (else ``given`` lists them)

    @property
    def beside(self) -> bool:
        """The sheet's figure is narrow enough to stand beside the formulas (a sheet then fits one page)."""
        return self.diagram is not None and self.diagram.width * self.diagram.scale <= BESIDE_CM


@dataclass(frozen=True)
class ExerciseDocument:
    """A sheet or an answer key of one or several variants (several: one per page)."""

    TEMPLATE: ClassVar[str] = "exercise"
    title: str
    lang: str
    t: Mapping[str, str]
    key: bool
    instructions: str
    pages: tuple[Page, ...]

    @property
    def draws(self) -> bool:
        """Something is drawn (TikZ): a sheet draws each problem's diagram, a key what its worked solutions draw."""
        if self.key:
            return any(page.solution.draws for page in self.pages)
        return any(page.diagram is not None for page in self.pages)

    @property
    def plots(self) -> bool:
        """A key's worked solution plots its loss history (pgfplots)."""
        return self.key and any(page.solution.plots for page in self.pages)


def question_latex(question: Question, loss: str) -> Tex:
    """An asked quantity in LaTeX: o, \\frac{\\partial L}{\\partial w_1}, w_1'."""
    if question.kind == "gradient":
        return latex(Partial(loss, question.name))
    return latex(Updated(question.name)) if question.kind == "updated" else name_latex(question.name)


def build_exercise_document(exercise: Exercise, variants: tuple[Variant, ...], lang: str = "en", key: bool = False,
                            detail: str | None = None) -> ExerciseDocument:
    """The sheet (``key=False``) or answer key of ``variants`` (one page each), in ``lang``.

    ``detail``: the key's worked solution, one of :data:`DETAILS` (None: the problem's own).
    """
    return exercise_document(exercise, tuple(exercise_page(exercise, v, lang, key, detail) for v in variants), lang, key)


def exercise_document(exercise: Exercise, pages: tuple[Page, ...], lang: str, key: bool) -> ExerciseDocument:
    """A sheet or answer key of pages built already (:func:`exercise_page`): one variant's, or all of them."""
    t = messages(lang)
    return ExerciseDocument(exercise.title, lang, MappingProxyType(t), key,
                            t["exercise.instructions"].format(digits=exercise.digits), pages)


def exercise_page(exercise: Exercise, variant: Variant, lang: str, key: bool, detail: str | None = None) -> Page:
    """One variant's page of the sheet or the key (the worked solution's model is the solution's, built once)."""
    worked = variant.solution.document(lang, exercise.digits + WORKED_EXTRA, detail)
    graph = variant.solution.graph
    given = tuple(Row(name_latex(n), value=Tex(given_text(v))) for n, v in variant.solution.values.items()
                  if n in graph.inputs or n in graph.params)
    questions = tuple((question_latex(a.question, graph.loss), a.rounded.text if key else "",
                       format_number(a.value, exercise.digits + 3) if key else "") for a in variant.answers)
    rate = None if graph.learning_rate is None else given_text(graph.learning_rate)
    drawn = worked.diagram if key else build_diagram(variant.solution, exercise.digits, lang, labels=False)
    return Page(variant.id, given, worked.lines["definitions"], worked.loss_name, rate, worked.conventions,
                drawn, questions, worked if key else None, worked.matrices)


def exercise_markdown(exercise: Exercise, lang: str = "en", rows: int = NOTEBOOK_ROWS) -> str:
    """An exercise in short: its title, how it was drawn, and the first ``rows`` variants' rounded answers."""
    t = messages(lang)
    loss = exercise.variants[0].solution.graph.loss if exercise.variants else "L"
    labels = [f"${question_latex(q, loss)}$" for q in exercise.questions]
    lines = [f"**{escape_markdown(exercise.title)}**: " + t["exercise.summary"].format(
                 count=len(exercise.variants), seed=exercise.seed, digits=exercise.digits), "",
             f"| {t['exercise.variant']} | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    lines += [f"| {v.id} | " + " | ".join(a.rounded.text for a in v.answers) + " |" for v in exercise.variants[:rows]]
    if len(exercise.variants) > rows:
        lines += ["", t["exercise.more_variants"].format(count=len(exercise.variants) - rows)]
    return "\n".join(lines) + "\n"


def variant_markdown(variant: Variant, lang: str = "en") -> str:
    """One variant in short: its id and seed, the values drawn for it, and its rounded answers."""
    t = messages(lang)
    loss = variant.solution.graph.loss
    given = ", ".join(f"${name_latex(n)} = {given_text(v)}$" for n, v in variant.values.items())
    answers = [f"| ${question_latex(a.question, loss)}$ | {a.rounded.text} |" for a in variant.answers]
    return "\n".join(["**" + t["exercise.variant_seed"].format(id=variant.id, seed=variant.seed) + f"**: {given}", "",
                      f"| {t['exercise.quantity']} | {t['exercise.answer']} |", "|---|---:|", *answers]) + "\n"


def given_text(value: sp.Rational) -> str:
    """A given value exactly as a decimal when it is one (0.05), else as a fraction."""
    decimal = exact_decimal(value)
    if decimal is not None:
        return decimal
    return latex(Fraction(value.p, value.q)) if value > 0 else "-" + latex(Fraction(-value.p, value.q))


def manifest_json(exercise: Exercise) -> dict:
    """``variants.json``: the exercise, its questions and every variant's values and answers."""
    return {
        "format": MANIFEST_FORMAT,
        "title": exercise.title,
        "source": exercise.source,
        "seed": exercise.seed,
        "digits": exercise.digits,
        "questions": [{"label": q.label, "kind": q.kind, "name": q.name} for q in exercise.questions],
        "variants": [{
            "id": v.id,
            "seed": v.seed,
            "values": {n: json_number(x) for n, x in v.values.items()},
            "answers": {a.question.label: {"answer": a.rounded.text, "tolerance": format(a.rounded.tolerance, "f"),
                                           "value": json_number(rounded(a.value, EXACT_DIGITS).value),
                                           "exact": exact_text(a.value)}
                        for a in v.answers},
        } for v in exercise.variants],
        "spec": dict(exercise.spec),
    }
