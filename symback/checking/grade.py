"""Batch grading: every student's answers to their variant, with the verifier's rounding-aware verdicts.

``variants.json`` (written by ``symback exercise``) holds the problem and each variant's drawn values;
each variant is solved again by the engine and every submitted answer is a claim checked by
:func:`symback.checking.verify.verify_claims`: correct, rounding-carried (what a hand computation that
rounds its intermediates gives) or wrong, with the likely slip where one is found. A blank answer is
wrong ("no answer"). Before grading, the re-solved answers are compared with the manifest's.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from symback.checking.claim import RIGHT, ClaimResult, ClaimsReport
from symback.checking.manifest import REGENERATE, Manifest, read_manifest
from symback.checking.verify import verify_claims
from symback.engine import limits
from symback.engine.errors import SymbackError, read_user_file
from symback.engine.solution import solve_spec
from symback.engine.vary import Question, answer, round_answer, variant_spec

BLANK = "blank"      #: the verdict of an empty cell (counted as not right)
FIXED_COLUMNS = ("student", "variant")
MAX_CELL = 5000      #: characters of one answer (a formula's limit): a longer cell is wrong, and not read
SHOWN = 200          #: characters of such a cell shown in the gradebook's feedback


@dataclass(frozen=True)
class Mark:
    """One answer of one student: the cell as written, its verdict and the verifier's result (None if blank)."""

    question: Question
    written: str
    verdict: str
    result: ClaimResult | None
    expected: str                 #: the key's answer (rounded)

    @property
    def right(self) -> bool:
        return self.verdict in RIGHT


@dataclass(frozen=True)
class Grade:
    """One student's row, graded."""

    row: int
    student: str
    variant: str
    marks: tuple[Mark, ...]
    report: ClaimsReport | None   #: the verifier's report (for the detail sentences), None if every cell is blank

    @property
    def right(self) -> int:
        return sum(m.right for m in self.marks)


@dataclass(frozen=True)
class Gradebook:
    """Every graded row, in the order of the submissions."""

    questions: tuple[Question, ...]
    grades: tuple[Grade, ...]


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
                      map_variants: Callable[[Callable, list], list] | None = None) -> Gradebook:
    """Grade ``rows`` (CSV rows as dicts, ``columns`` the header) against ``manifest``.

    Raises :class:`SymbackError` naming the file, row and column for an unknown variant, a missing
    column or a manifest that does not rebuild; nothing is graded then. ``map_variants(work, jobs)``
    runs :func:`grade_variant` over the variants (``symback grade``: in its process pool).
    """
    plan = manifest if isinstance(manifest, Manifest) else read_manifest(manifest, manifest_name)
    for column in FIXED_COLUMNS + tuple(q.label for q in plan.questions):
        if column not in columns:
            raise SymbackError(f"{where}: row 1", f"missing column '{column}'",
                               "the header is student, variant, then one column per asked quantity: "
                               + ", ".join(q.label for q in plan.questions))
    ids = [v.id for v in plan.variants]
    groups: dict[str, list] = {}
    for number, row in enumerate(rows, 2):
        vid = _cell(row, "variant")
        if vid not in ids:
            raise SymbackError(f"{where}: row {number}", f"unknown variant {_quoted(vid)}",
                               f"use an id of {plan.name} ({ids[0]} .. {ids[-1]})")
        groups.setdefault(vid, []).append((number, {k: _cell(row, k) for k in row if isinstance(k, str)}))
    graded = (map_variants or _in_turn)(partial(grade_variant, plan), list(groups.items()))
    return Gradebook(plan.questions, tuple(sorted((g for batch in graded for g in batch), key=lambda g: g.row)))


def grade_variant(manifest: Manifest, job: tuple[str, list]) -> tuple[Grade, ...]:
    """Solve one variant again, check the key's answers are still the engine's, and grade its rows."""
    vid, rows = job
    entry = next(v for v in manifest.variants if v.id == vid)
    solution = solve_spec(variant_spec(manifest.spec, dict(entry.values)))
    expected = dict(entry.answers)
    for q in manifest.questions:
        if round_answer(answer(solution, q), manifest.digits).text != expected[q.label]:
            raise SymbackError(f"{manifest.name}: variant {vid}", f"the answer to {q.label} is not "
                               f"{_quoted(expected[q.label])} any more", REGENERATE)
    return tuple(_grade_row(number, row, vid, solution, manifest.questions, expected) for number, row in rows)


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


def _grade_row(number: int, row: Mapping[str, str], vid: str, solution, questions, expected: Mapping[str, str]) -> Grade:
    cells = [(q, row.get(q.label, "")) for q in questions]
    claims = [(q.label, text) for q, text in cells if text and len(text) <= MAX_CELL]
    report = None
    results: dict[str, ClaimResult] = {}
    if claims:
        try:
            report = verify_claims(solution, claims)
            results = {r.name: r for r in report.results}
        except SymbackError:  # a cell that is neither a number nor a formula: check the cells one by one
            report, results = _one_by_one(solution, claims)
    marks = []
    for q, text in cells:
        result = results.get(q.label)
        verdict = BLANK if not text else (result.verdict if result else "wrong")
        shown = text if len(text) <= MAX_CELL else text[:SHOWN] + "…"  # too long to read: wrong, shown cut
        marks.append(Mark(q, shown, verdict, result, expected[q.label]))
    return Grade(number, row.get("student", ""), vid, tuple(marks), report)


def _one_by_one(solution, claims: Iterable[tuple[str, str]]):
    results, report = {}, None
    for label, text in claims:
        try:
            report = verify_claims(solution, [(label, text)])
            results[label] = report.results[0]
        except SymbackError:
            continue  # unreadable: graded wrong, shown as written
    return report, results
