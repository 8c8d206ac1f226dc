"""Batch grading: every student's answers to their variant, judged by one acceptance rule, with follow-on credit.

``variants.json`` (written by ``symback exercise``) holds the problem and each variant's drawn values;
each variant is solved again by the engine (once per run, its claim checker shared by the variant's
rows) and every cell is judged by the acceptance rule of :mod:`symback.checking.acceptance` (``blank``,
``not a number``, ``too few digits``, ``correct``). A number outside the key's window is
``rounding-carried`` when a hand computation that rounds its intermediates gives it, ``follow-on`` when
it is right from the student's own wrong answers upstream (:mod:`symback.checking.follow_on`, worth
``follow_on_credit`` of a mark), else ``wrong``, with the misconception that explains it where one does.
A row of an unknown variant is not graded and is listed with its reason; the others are.
Before grading, the re-solved answers are compared with the manifest's.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from symback.checking.acceptance import BLANK, CORRECT, NOT_A_NUMBER, TOO_FEW_DIGITS, judge
from symback.checking.claim import CARRIED, ClaimResult
from symback.checking.equivalence import WRONG
from symback.checking.exports import platform_rows
from symback.checking.follow_on import carried_from
from symback.checking.manifest import REGENERATE, Manifest, read_manifest
from symback.checking.steps import FOLLOW_ON
from symback.checking.verify import ClaimChecker
from symback.engine import limits
from symback.engine.errors import SymbackError, read_user_file
from symback.engine.solution import solve_spec
from symback.engine.vary import Question, answer, round_answer, variant_spec

#: every verdict a gradebook cell can hold, best first
VERDICTS = (CORRECT, CARRIED, FOLLOW_ON, WRONG, TOO_FEW_DIGITS, NOT_A_NUMBER, BLANK)
FULL_MARKS = frozenset({CORRECT, CARRIED})  #: verdicts worth a full mark
FIXED_COLUMNS = ("student", "variant")
MAX_CELL = 5000      #: characters of one answer (a formula's limit): a longer cell is wrong, and not read
SHOWN = 200          #: characters of such a cell shown in the gradebook's feedback


@dataclass(frozen=True)
class Mark:
    """One answer of one student: the cell as written, its verdict, and why."""

    question: Question
    written: str
    verdict: str                  #: one of :data:`VERDICTS`
    result: ClaimResult | None    #: the verifier's result for a number outside the window (else None)
    expected: str                 #: the key's answer (rounded)
    hint: str | None = None       #: for ``not a number``: ``decimal_comma`` when it reads as 0,406
    upstream: tuple[str, ...] = ()  #: for ``follow-on``: the wrong answers it follows from

    @property
    def right(self) -> bool:
        return self.verdict in FULL_MARKS

    @property
    def misconception(self) -> str | None:
        """The code of the misconception that explains a wrong answer, or None."""
        found = self.result.misconception if self.result is not None and self.verdict == WRONG else None
        return found.code if found is not None else None


@dataclass(frozen=True)
class Grade:
    """One student's row, graded."""

    row: int
    student: str
    variant: str
    marks: tuple[Mark, ...]
    loss: str = "L"               #: the problem's loss name (the detail sentences name it)
    follow_on_credit: float = 1.0

    @property
    def right(self) -> int:
        return sum(m.right for m in self.marks)

    @property
    def follow_on(self) -> int:
        return sum(m.verdict == FOLLOW_ON for m in self.marks)

    @property
    def score(self) -> float:
        """Full marks for right answers, ``follow_on_credit`` of one for each follow-on answer."""
        return self.right + self.follow_on_credit * self.follow_on


@dataclass(frozen=True)
class Ungraded:
    """A row that could not be graded, and why (it is listed; the other rows are graded)."""

    row: int
    student: str
    variant: str
    reason: str


@dataclass(frozen=True)
class Gradebook:
    """Every graded row, in the order of the submissions, and the rows that could not be graded."""

    questions: tuple[Question, ...]
    grades: tuple[Grade, ...]
    ungraded: tuple[Ungraded, ...] = ()
    digits: int | None = None     #: the significant digits every answer is asked to

    def misconceptions(self) -> list[tuple[str, str, int]]:
        """(question, misconception code, number of students) for every misconception named, most frequent first."""
        counted = Counter((m.question.label, m.misconception) for g in self.grades for m in g.marks if m.misconception)
        order = {q.label: i for i, q in enumerate(self.questions)}
        return [(q, code, n) for (q, code), n in sorted(counted.items(), key=lambda kv: (order[kv[0][0]], -kv[1], kv[0][1]))]


def read_submissions(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """A submissions CSV: (its header, its rows as dicts; names and cells as written).

    A cell may be as long as the file may be (``--max-file``; the csv module's own cap is 131,072
    characters); a malformed file is one SymbackError naming its line.
    """
    text = read_user_file(Path(path), str(path), SymbackError, "check the path of the submissions CSV",
                          limits.current().file)
    previous = csv.field_size_limit(max(len(text), 1))
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [c.strip() for c in reader.fieldnames or []]
        return header, [{(k or "").strip(): v for k, v in row.items()} for row in reader]
    except csv.Error as exc:
        raise SymbackError(f"{path}: line {reader.line_num}", f"not a valid CSV row ({exc})",
                           "save the sheet as CSV (comma-separated, quotes doubled)") from None
    finally:
        csv.field_size_limit(previous)


def grade_submissions(manifest: Mapping[str, Any] | Manifest, rows: Sequence[Mapping[str, str]], columns: Sequence[str],
                      where: str = "submissions", manifest_name: str = "variants.json",
                      map_variants: Callable[[Callable, list], list] | None = None,
                      follow_on_credit: float = 1.0, platform: str | None = None) -> Gradebook:
    """Grade ``rows`` (CSV rows as dicts, ``columns`` the header) against ``manifest``.

    Raises :class:`SymbackError` naming the file and column for a missing column or a manifest that does
    not rebuild (nothing is graded then); a row of an unknown variant is listed in ``ungraded``.
    ``map_variants(work, jobs)`` runs :func:`grade_variant` over the variants (``symback grade``: in its
    process pool). ``follow_on_credit`` (0 to 1) is what a follow-on answer is worth. ``platform``: the rows are
    that platform's export (:mod:`symback.checking.exports`; None: whatever the header shows).
    """
    if not 0 <= follow_on_credit <= 1:
        raise SymbackError("--follow-on-credit", f"{follow_on_credit} is not between 0 and 1",
                           "give the share of a mark a follow-on answer earns: 1 (full), 0.5, or 0 (none)")
    plan = manifest if isinstance(manifest, Manifest) else read_manifest(manifest, manifest_name)
    columns, rows = platform_rows(plan, columns, rows, where, platform)
    for column in FIXED_COLUMNS + tuple(q.label for q in plan.questions):
        if column not in columns:
            raise SymbackError(f"{where}: row 1", f"missing column '{column}'",
                               "the header is student, variant, then one column per asked quantity: "
                               + ", ".join(q.label for q in plan.questions))
    ids = [v.id for v in plan.variants]
    groups: dict[str, list] = {}
    ungraded = []
    for number, row in enumerate(rows, 2):
        vid = _cell(row, "variant")
        if vid not in ids:
            ungraded.append(Ungraded(number, _cell(row, "student"), vid, f"unknown variant {_quoted(vid)}: use an id of "
                                     f"{plan.name} ({ids[0]} .. {ids[-1]})"))
            continue
        groups.setdefault(vid, []).append((number, {k: _cell(row, k) for k in row if isinstance(k, str)}))
    graded = (map_variants or _in_turn)(partial(grade_variant, plan, follow_on_credit), list(groups.items()))
    return Gradebook(plan.questions, tuple(sorted((g for batch in graded for g in batch), key=lambda g: g.row)),
                     tuple(ungraded), plan.digits)


def grade_variant(manifest: Manifest, follow_on_credit: float, job: tuple[str, list]) -> tuple[Grade, ...]:
    """Solve one variant again, check the key's answers are still the engine's, and grade its rows."""
    vid, rows = job
    entry = next(v for v in manifest.variants if v.id == vid)
    solution = solve_spec(variant_spec(manifest.spec, dict(entry.values)))
    keys = {q.label: round_answer(answer(solution, q), manifest.digits) for q in manifest.questions}
    for label, written in entry.answers:
        if keys[label].text != written:
            raise SymbackError(f"{manifest.name}: variant {vid}", f"the answer to {label} is not "
                               f"{_quoted(written)} any more", REGENERATE)
    checker = ClaimChecker(solution, limits.current().budget, 0)
    quantities = {q.label: checker.quantity(q.label, f"{manifest.name}: {q.label}") for q in manifest.questions}
    checked: dict = {}  # (label, cell) -> the verifier's result: a wrong number many students wrote, checked once
    return tuple(_grade_row(checker, manifest, quantities, number, row, vid, keys, follow_on_credit, checked)
                 for number, row in rows)


def _in_turn(work: Callable, jobs: list) -> list:
    return [work(job) for job in jobs]


def _cell(row: Mapping, key: str) -> str:
    """A cell as text, stripped (a missing cell is empty; a number given in Python is its text)."""
    value = row.get(key)
    return "" if value is None else (value if isinstance(value, str) else str(value)).strip()


def _quoted(text: str) -> str:
    """A cell for a one-line message: in quotes (as JSON writes it when it holds a newline or a quote), cut short."""
    shown = f"'{text}'" if text.isprintable() and "'" not in text else json.dumps(text, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:30] + "…" + shown[-1]


def _grade_row(checker: ClaimChecker, manifest: Manifest, quantities: Mapping, number: int, row: Mapping[str, str],
               vid: str, keys: Mapping, credit: float, checked: dict) -> Grade:
    """One row: each cell judged by the rule, a number outside its window checked by the verifier, then follow-on."""
    marks, numbers, units = [], {}, {}
    for q in manifest.questions:
        text = row.get(q.label, "")
        shown = text if len(text) <= MAX_CELL else text[:SHOWN] + "…"
        if len(text) > MAX_CELL:  # too long to read: not a number, shown cut
            marks.append(Mark(q, shown, NOT_A_NUMBER, None, keys[q.label].text))
            continue
        judged, quantity, result = judge(text, keys[q.label], manifest.digits), quantities[q.label], None
        verdict = judged.verdict
        value = sp.Rational(judged.number.value.numerator, judged.number.value.denominator) if judged.number else None
        if verdict is None:
            if (q.label, text) not in checked:
                checked[q.label, text] = checker.number(q.label, judged.number.text, quantity, checker.exact[quantity],
                                                        value, judged.number.unit)
            result = checked[q.label, text]
            verdict = CORRECT if result.verdict == CORRECT else CARRIED if result.verdict == CARRIED else WRONG
        if value is not None and value != 0:
            numbers[quantity] = (value, verdict in FULL_MARKS)
            units[quantity] = judged.number.unit
        marks.append(Mark(q, shown, verdict, result, keys[q.label].text, judged.hint))
    for i, mark in enumerate(marks):
        if mark.verdict == WRONG:
            quantity = quantities[mark.question.label]
            upstream = carried_from(checker, quantity, numbers[quantity][0], units[quantity], numbers) \
                if quantity in numbers else None
            if upstream:
                marks[i] = Mark(mark.question, mark.written, FOLLOW_ON, mark.result, mark.expected, None, upstream)
    return Grade(number, row.get("student", ""), vid, tuple(marks), checker.graph.loss, credit)
