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
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import sympy as sp

from symback.checking.claim import RIGHT, ClaimResult, ClaimsReport
from symback.checking.verify import verify_claims
from symback.engine.errors import SymbackError, read_user_file
from symback.engine.solution import solve_spec
from symback.engine.spec import Spec
from symback.engine.spec_reader import WrittenFloat, spec_from_dict
from symback.engine.vary import Question, answer, round_answer, variant_spec

BLANK = "blank"      #: the verdict of an empty cell (counted as not right)
FIXED_COLUMNS = ("student", "variant")


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


def load_manifest(path: str | Path) -> dict:
    """``variants.json`` read; a missing or malformed file is one SymbackError naming it."""
    fix = "give the variants.json that 'symback exercise' wrote"
    text = read_user_file(Path(path), str(path), SymbackError, fix)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SymbackError(str(path), f"not JSON ({exc.msg} at line {exc.lineno})", fix) from None


def read_submissions(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """A submissions CSV: (its header, its rows as dicts; names and cells as written)."""
    text = read_user_file(Path(path), str(path), SymbackError, "check the path of the submissions CSV")
    reader = csv.DictReader(io.StringIO(text))
    return [c.strip() for c in reader.fieldnames or []], [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def grade_submissions(manifest: Mapping[str, Any], rows: Sequence[Mapping[str, str]], columns: Sequence[str],
                      where: str = "submissions", manifest_name: str = "variants.json") -> Gradebook:
    """Grade ``rows`` (CSV rows as dicts, ``columns`` the header) against ``manifest``.

    Raises :class:`SymbackError` naming the file, row and column for an unknown variant, a missing
    column or a manifest that does not rebuild; nothing is graded then.
    """
    questions = tuple(Question(q["kind"], q["name"], q["label"]) for q in _get(manifest, "questions", manifest_name))
    variants = {v["id"]: v for v in _get(manifest, "variants", manifest_name)}
    for column in FIXED_COLUMNS + tuple(q.label for q in questions):
        if column not in columns:
            raise SymbackError(f"{where}: row 1", f"missing column '{column}'",
                               "the header is student, variant, then one column per asked quantity: "
                               + ", ".join(q.label for q in questions))
    for number, row in enumerate(rows, 2):
        if (row.get("variant") or "").strip() not in variants:
            ids = list(variants)
            raise SymbackError(f"{where}: row {number}", f"unknown variant '{row.get('variant')}'",
                               f"use an id of {manifest_name} ({ids[0]} .. {ids[-1]})")
    base = _base_spec(manifest, manifest_name)
    solutions: dict[str, Any] = {}
    grades = []
    for number, row in enumerate(rows, 2):
        vid = row["variant"].strip()
        if vid not in solutions:
            solutions[vid] = _solve_variant(base, variants[vid], questions, int(manifest.get("digits", 3)), manifest_name)
        grades.append(_grade_row(number, row, vid, solutions[vid], questions, variants[vid]))
    return Gradebook(questions, tuple(grades))


def _get(manifest: Mapping, key: str, name: str) -> list:
    value = manifest.get(key) if isinstance(manifest, Mapping) else None
    if not isinstance(value, list) or not value:
        raise SymbackError(f"{name}: {key}", "missing or empty", "use the variants.json that 'symback exercise' wrote")
    return value


def _base_spec(manifest: Mapping, name: str) -> Spec:
    spec = manifest.get("spec") or {}
    source = str(manifest.get("source", name))
    try:
        data = tomllib.loads(spec["toml"], parse_float=WrittenFloat) if "toml" in spec else spec["data"]
    except (KeyError, TypeError, tomllib.TOMLDecodeError):
        raise SymbackError(f"{name}: spec", "the problem cannot be rebuilt", "use the variants.json that 'symback exercise' wrote") from None
    return spec_from_dict(data, source=source)


def _solve_variant(base: Spec, entry: Mapping, questions, digits: int, name: str):
    values = {n: sp.Rational(repr(v)) if isinstance(v, float) else sp.Integer(v) for n, v in entry["values"].items()}
    solution = solve_spec(variant_spec(base, values))
    for q in questions:
        recorded = entry["answers"][q.label]["answer"]
        if round_answer(answer(solution, q), digits).text != recorded:
            raise SymbackError(f"{name}: variant {entry['id']}", f"the answer to {q.label} is not {recorded} any more",
                               "regenerate the exercise: the manifest was edited or written by another version")
    return solution


def _grade_row(number: int, row: Mapping[str, str], vid: str, solution, questions, entry) -> Grade:
    cells = [(q, (row.get(q.label) or "").strip()) for q in questions]
    claims = [(q.label, text) for q, text in cells if text]
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
        expected = entry["answers"][q.label]["answer"]
        result = results.get(q.label)
        verdict = BLANK if not text else (result.verdict if result else "wrong")
        marks.append(Mark(q, text, verdict, result, expected))
    return Grade(number, (row.get("student") or "").strip(), vid, tuple(marks), report)


def _one_by_one(solution, claims: Iterable[tuple[str, str]]):
    results, report = {}, None
    for label, text in claims:
        try:
            report = verify_claims(solution, [(label, text)])
            results[label] = report.results[0]
        except SymbackError:
            continue  # unreadable: graded wrong, shown as written
    return report, results
