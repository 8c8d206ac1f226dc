"""Submissions exported back from a course platform, read as ``symback grade``'s rows (student, variant, answers).

An exercise exported with ``symback exercise --lms ...`` comes back from the platform as one of three CSV
shapes; each is recognised by its header (or named with ``grade --from``) and mapped onto the variants and
asked quantities that the export wrote:

- **Moodle**, the quiz's *Responses* report downloaded with *Right answer* shown: ``Surname``, ``First name``,
  ``Email address``, ``State``, ... then ``Response N`` and ``Right answer N`` per quiz slot (Moodle's
  ``quiz_responses`` report). A cloze slot's cell is ``part 1: 0.488; part 2: -1.23`` (``qtype_multianswer``'s
  ``summarise_response``, parts joined by ``"; "``); a numerical slot's is the number. The parts of all
  slots, in order, are the asked quantities; the right answers they carry name the variant (the one whose
  keys they are): a random cloze question is a whole variant (``--lms moodle-cloze``), and numerical questions
  (``--lms moodle``) in the order of the questions work alike.
- **Canvas**, the quiz's *Student Analysis* report: ``name, id, sis_id, section, section_id, section_sis_id,
  submitted, attempt``, then per question a ``<question id>: <question text>`` column and its points, then
  ``n correct, n incorrect, score``. The question columns come in the quiz's order, which is the export's
  (``--lms canvas``: a group per variant, a question per asked quantity), so they map by position; a student's
  variant is the group they answered; of several attempts the last counts.
- **PrairieLearn**, an assessment's submissions CSV (``UID, UIN, Name, ..., Question, ..., Params, True answer,
  ..., Submission date, Submitted answer, ...``): the variant is ``params.variant`` (``--lms prairielearn``'s
  ``server.py`` sets it) and each answer ``submitted_answer[name]`` (:func:`symback.engine.vary.answer_names`);
  a student's last submission counts. PrairieLearn stores the number a student typed, not its text, so zeros
  at the end of a number (0.500 stored as 0.5) are written back up to the asked digits.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Mapping, Sequence

from symback.checking.manifest import Manifest
from symback.engine.errors import SymbackError
from symback.engine.vary import answer_names

PLATFORMS = ("moodle", "canvas", "prairielearn")
CANVAS_FIXED = ("name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted", "attempt")
_MOODLE_SLOT = re.compile(r"(Response|Right answer) (\d+)")
_PART = re.compile(r"part (\d+): ?(.*)", re.S)
_CANVAS_QUESTION = re.compile(r"\d+: ")
Rows = list[dict[str, str]]


def platform_of(columns: Sequence[str]) -> str | None:
    """The platform whose export has this header, or None (symback's own: student, variant, answers)."""
    if {"UID", "Params", "Submitted answer"} <= set(columns):
        return "prairielearn"
    if set(CANVAS_FIXED) <= set(columns) and "n correct" in columns:
        return "canvas"
    if any(_MOODLE_SLOT.fullmatch(c) for c in columns) and ("Surname" in columns or "Email address" in columns):
        return "moodle"
    return None


def platform_rows(manifest: Manifest, columns: Sequence[str], rows: Sequence[Mapping[str, str]], where: str,
                  platform: str | None = None) -> tuple[list[str], Rows]:
    """``(columns, rows)`` as ``grade`` reads them: an export of ``platform`` (None: the one the header shows;
    symback's own CSV is returned as it is) mapped onto the manifest's variants and questions."""
    found = platform_of(columns)
    if platform is not None and platform not in PLATFORMS:
        raise SymbackError("--from", f"unknown platform '{platform}'", f"use {', '.join(PLATFORMS)}")
    if platform is not None and found != platform:
        raise SymbackError(f"{where}: row 1", f"not a {platform} export (its header is {_header(columns)})",
                           _FIX[platform])
    if found is None:
        return list(columns), [dict(r) for r in rows]
    mapped = {"moodle": _moodle, "canvas": _canvas, "prairielearn": _prairielearn}[found](manifest, columns, rows, where)
    return ["student", "variant", *(q.label for q in manifest.questions)], mapped


_FIX = {"moodle": "download the quiz's Responses report with 'Right answer' ticked, as CSV",
        "canvas": "download the quiz's Student Analysis report (Quiz Statistics)",
        "prairielearn": "download the assessment's submissions CSV (Downloads)"}


def _moodle(manifest: Manifest, columns, rows, where: str) -> Rows:
    slots = sorted({int(m.group(2)) for c in columns if (m := _MOODLE_SLOT.fullmatch(c))})
    missing = [n for n in slots if f"Right answer {n}" not in columns or f"Response {n}" not in columns]
    if missing:
        raise SymbackError(f"{where}: row 1", f"slot {missing[0]} has no 'Response' and 'Right answer' column pair",
                           _FIX["moodle"])
    keys = {tuple(text for _, text in v.answers): v.id for v in manifest.variants}
    mapped = []
    for row in rows:
        right = [part for n in slots for part in _parts(row.get(f"Right answer {n}"))]
        given = [part for n in slots for part in _parts(row.get(f"Response {n}"), len(_parts(row.get(f"Right answer {n}"))))]
        student = _cell(row, "Email address") or _cell(row, "Username") or \
            f"{_cell(row, 'First name')} {_cell(row, 'Surname')}".strip()
        variant = keys.get(tuple(right), "right answers " + ", ".join(right))
        mapped.append(_row(manifest, student, variant, given))
    return mapped


def _parts(cell: str | None, count: int = 0) -> list[str]:
    """A Moodle response cell as its parts: ``part 1: 0.5; part 2: 1`` -> [0.5, 1]; a plain cell is one part
    (``-``, Moodle's no response: blank); ``count`` pads to that many parts."""
    text = (cell or "").strip()
    pieces = text.split("; ") if text.startswith("part ") else [text]
    parts: dict[int, str] = {}
    for i, piece in enumerate(pieces, 1):
        m = _PART.fullmatch(piece.strip())
        number, value = (int(m.group(1)), m.group(2)) if m else (i, piece)
        parts[number] = "" if value.strip() == "-" else value.strip()
    size = max([count, *parts]) if parts or count else 0
    return [parts.get(i, "") for i in range(1, size + 1)]


def _canvas(manifest: Manifest, columns, rows, where: str) -> Rows:
    questions = [c for c in columns if _CANVAS_QUESTION.match(c)]
    per = len(manifest.questions)
    if len(questions) != per * len(manifest.variants):
        raise SymbackError(f"{where}: row 1", f"{len(questions)} question columns, not the {per} x "
                           f"{len(manifest.variants)} of {manifest.name}", "grade the report of the quiz that the "
                           "canvas_qti.zip of this variants.json made")
    groups = [(v.id, questions[i * per:(i + 1) * per]) for i, v in enumerate(manifest.variants)]
    latest: dict[str, tuple[int, dict]] = {}
    for order, row in enumerate(rows):
        student = _cell(row, "sis_id") or _cell(row, "id") or _cell(row, "name")
        attempt = int(_cell(row, "attempt")) if _cell(row, "attempt").isdigit() else 0
        if student not in latest or attempt >= latest[student][0]:
            latest[student] = (attempt, row)
    mapped = []
    for student, (_, row) in latest.items():
        answered = [(vid, cols) for vid, cols in groups if any(_cell(row, c) for c in cols)]
        vid, cols = answered[0] if answered else ("no answer in any variant's questions", [])
        mapped.append(_row(manifest, student, vid, [_cell(row, c) for c in cols]))
    return mapped


def _prairielearn(manifest: Manifest, columns, rows, where: str) -> Rows:
    names = answer_names(manifest.questions)
    last: dict[str, tuple[str, dict]] = {}
    for number, row in enumerate(rows, 2):
        params, submitted = (_json(row, key, where, number) for key in ("Params", "Submitted answer"))
        when = _cell(row, "Submission date")
        student = _cell(row, "UID")
        if student not in last or when >= last[student][0]:
            last[student] = (when, {"variant": str(params.get("variant", "")), "answers": submitted})
    return [_row(manifest, student, entry["variant"], [_typed(entry["answers"].get(n), manifest.digits) for n in names])
            for student, (_, entry) in last.items()]


def _json(row: Mapping, key: str, where: str, number: int) -> dict:
    try:
        value = json.loads(_cell(row, key) or "{}")
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise SymbackError(f"{where}: row {number}", f"'{key}' is not a JSON object", _FIX["prairielearn"])
    return value


def _typed(value, digits: int) -> str:
    """A number PrairieLearn stored, as the text a student typed: its zeros at the end written back up to
    ``digits`` significant digits (0.5 asked to 3: ``0.500``); text as it is; None blank."""
    if value is None or isinstance(value, bool):
        return ""
    if not isinstance(value, (int, float)):
        return str(value)
    try:
        number = Decimal(repr(value))
    except InvalidOperation:
        return str(value)
    if not number or len(number.as_tuple().digits) >= digits:
        return format(number, "f")
    return format(number.quantize(Decimal(1).scaleb(number.adjusted() - digits + 1)), "f")


def _row(manifest: Manifest, student: str, variant: str, answers: Sequence[str]) -> dict[str, str]:
    row = {"student": student, "variant": variant}
    row.update({q.label: (answers[i] if i < len(answers) else "") for i, q in enumerate(manifest.questions)})
    return row


def _cell(row: Mapping, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _header(columns: Sequence[str]) -> str:
    shown = ", ".join(columns[:4])
    return f"'{shown}{', ...' if len(columns) > 4 else ''}'"
