"""Exercise documents: the student sheet (the problem and blank answer boxes) and the answer key.

An :class:`Exercise` holds every variant, each solved by the engine (:func:`symback.solve`) with
its asked answers rounded by the rule of :func:`symback.engine.vary.round_answer`.
:func:`build_exercise_document` turns it into an :class:`ExerciseDocument` (one page per variant;
``key=True`` adds the answers and the worked solution), arranged by ``templates/exercise.{md,tex}.j2``;
:func:`manifest_json` is ``variants.json`` (README "Exercises for a course").
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.json_output import number
from symback.documents.notation import Fraction, Partial, Updated
from symback.documents.printing import latex, name_latex
from symback.documents.render import render_document
from symback.documents.solution_document import Row
from symback.documents.tex import Tex, format_number
from symback.engine.vary import Question, Rounded

MANIFEST_FORMAT = "symback-exercise/1"
EXACT_DIGITS = 15   #: digits of an answer's "value" in variants.json (the exact one is under "exact")
DETAILS = ("full", "compact")
WORKED_EXTRA = 1    #: the worked solution shows one digit more than the answers asked (intermediate results)


@dataclass(frozen=True)
class Answer:
    """One asked quantity of one variant: the engine's value and its rounded form."""

    question: Question
    value: sp.Expr
    rounded: Rounded


@dataclass(frozen=True)
class Variant:
    """One variant: its id, seed, drawn values (by name), the engine's solution and the asked answers."""

    id: str
    seed: int
    values: Mapping[str, sp.Rational]
    solution: Any          #: a symback.Solution (with .document)
    answers: tuple[Answer, ...]


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


@dataclass(frozen=True)
class Page:
    """One variant on paper: the problem as given, the questions, and (key) the answers and solution."""

    id: str
    given: tuple[Row, ...]
    definitions: tuple[Row, ...]
    loss_name: Tex
    learning_rate: str | None
    conventions: tuple[str, ...]
    diagram: Any
    questions: tuple[tuple[Tex, str, str], ...]   #: (label, rounded answer or "", exact to more digits or "")
    solution_tex: Tex = Tex("")                   #: key: the worked solution's LaTeX body, headings one level down
    solution_md: Tex = Tex("")                    #: key: the worked solution in Markdown (rendered, so trusted)


@dataclass(frozen=True)
class ExerciseDocument:
    """A sheet or an answer key of one or several variants (several: one per page)."""

    TEMPLATE: ClassVar[str] = "exercise"
    title: str
    lang: str
    t: Mapping[str, str]
    key: bool
    instructions: str
    preamble: Tex          #: the worked solution's LaTeX preamble (packages, fonts; kotex for Korean)
    pages: tuple[Page, ...]


def question_latex(question: Question, loss: str) -> Tex:
    """An asked quantity in LaTeX: o, \\frac{\\partial L}{\\partial w_1}, w_1'."""
    if question.kind == "gradient":
        return latex(Partial(loss, question.name))
    return latex(Updated(question.name)) if question.kind == "updated" else name_latex(question.name)


def solution_document(solution, lang: str, digits: int, detail: str = "full"):
    """The worked solution's model; ``detail`` is passed on where the document accepts it."""
    if "detail" in inspect.signature(solution.document).parameters:
        return solution.document(lang, digits, detail=detail)
    return solution.document(lang, digits)


def build_exercise_document(exercise: Exercise, variants: tuple[Variant, ...], lang: str = "en", key: bool = False,
                            detail: str = "full", templates: str | None = None) -> ExerciseDocument:
    """The sheet (``key=False``) or answer key of ``variants`` (one page each), in ``lang``."""
    t = messages(lang)
    pages, preamble = [], Tex("")
    for variant in variants:
        worked = solution_document(variant.solution, lang, exercise.digits + WORKED_EXTRA, detail)
        tex = render_document(worked, "tex", templates)
        head, _, rest = tex.partition("\\begin{document}")
        preamble = preamble or Tex("\n".join(line for line in head.splitlines() if not line.startswith("\\title{")))
        body = rest.rpartition("\\end{document}")[0].replace("\\maketitle", "", 1)
        body = body.replace("\\subsection*{", "\\subsubsection*{").replace("\\section*{", "\\subsection*{")
        markdown = render_document(worked, "md", templates).split("\n", 1)[1] if key else ""
        graph = variant.solution.graph
        given = tuple(Row(name_latex(n), value=Tex(given_text(v))) for n, v in variant.solution.values.items()
                      if n in graph.inputs or n in graph.params)
        questions = tuple((question_latex(a.question, graph.loss), a.rounded.text if key else "",
                           format_number(a.value, exercise.digits + 3) if key else "") for a in variant.answers)
        rate = None if graph.learning_rate is None else given_text(graph.learning_rate)
        pages.append(Page(variant.id, given, worked.definitions, worked.loss_name, rate,
                          worked.conventions, getattr(worked, "diagram", None), questions,
                          Tex(body) if key else Tex(""), Tex(markdown.replace("\n## ", "\n### ")) if key else Tex("")))
    return ExerciseDocument(exercise.title, lang, MappingProxyType(t), key,
                            t["exercise.instructions"].format(digits=exercise.digits), preamble, tuple(pages))


def given_text(value: sp.Rational) -> str:
    """A given value exactly as a decimal when it is one (0.05), else as a fraction."""
    if value.q == 1:
        return str(value.p)
    q, twos, fives = value.q, 0, 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1:
        return latex(Fraction(value.p, value.q)) if value > 0 else "-" + latex(Fraction(-value.p, value.q))
    return format(sp.N(value, 40), f".{max(twos, fives)}f")


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
            "values": {n: number(x) for n, x in v.values.items()},
            "answers": {a.question.label: {"answer": a.rounded.text, "tolerance": format(a.rounded.tolerance, "f"),
                                           "value": float(sp.N(a.value, EXACT_DIGITS)), "exact": str(a.value)}
                        for a in v.answers},
        } for v in exercise.variants],
        "spec": dict(exercise.spec),
    }
