"""The gradebook of ``symback grade``: one CSV row per student, one short feedback file per student, and the
instructor's table of misconceptions (question × misconception: how many students)."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

from symback.checking.acceptance import BLANK, CORRECT, NOT_A_NUMBER, TOO_FEW_DIGITS
from symback.checking.grade import Grade, Gradebook
from symback.checking.steps import FOLLOW_ON
from symback.documents.catalogue import messages
from symback.documents.spreadsheet import csv_text
from symback.documents.verify_document import result_detail

_UNSAFE = re.compile(r"[^\w.-]+")
NAME_BYTES = 120  #: bytes of the student's id in a feedback file's name


def gradebook_csv(book: Gradebook) -> str:
    """student, variant, score, total, each asked quantity's verdict, and a note (why a row was not graded).

    Verdicts: correct, rounding-carried, follow-on, wrong, too few digits, not a number, blank. A row that
    could not be graded keeps its place (by row) with empty cells and its reason. A student id a spreadsheet
    would run as a formula is written as text (:mod:`symback.documents.spreadsheet`).
    """
    header = ("student", "variant", "score", "total", *(q.label for q in book.questions), "note")
    rows = [(g.row, (g.student, g.variant, _score(g.score), len(g.marks), *(m.verdict for m in g.marks), ""))
            for g in book.grades]
    rows += [(u.row, (u.student, u.variant, "", len(book.questions), *("" for _ in book.questions), u.reason))
             for u in book.ungraded]
    return csv_text([header] + [cells for _, cells in sorted(rows, key=lambda r: r[0])])


@dataclass(frozen=True)
class ShownGradebook(Gradebook):
    """A :class:`Gradebook` that Jupyter shows as its Markdown table (what :func:`symback.grade` returns)."""

    def _repr_markdown_(self) -> str:
        return gradebook_markdown(self)


def shown_gradebook(book: Gradebook) -> ShownGradebook:
    return ShownGradebook(**{f.name: getattr(book, f.name) for f in fields(book)})


def gradebook_markdown(book: Gradebook, lang: str = "en") -> str:
    """The gradebook as a Markdown table (a row per student: score, each verdict), then the misconceptions."""
    t = messages(lang)
    labels = [q.label for q in book.questions]
    lines = ["| student | variant | score | " + " | ".join(_code(label) for label in labels) + " |",
             "|---|---|---:|" + "---|" * len(labels)]
    for g in book.grades:
        cells = [t.get(f"verify.verdict.{m.verdict}", m.verdict) + (f" ({m.misconception})" if m.misconception else "")
                 for m in g.marks]
        lines.append(f"| {_md(g.student)} | {_md(g.variant)} | {_score(g.score)}/{len(g.marks)} | " + " | ".join(cells) + " |")
    for u in book.ungraded:
        lines.append(f"| {_md(u.student)} | {_md(u.variant)} | | " + " | ".join("" for _ in labels) + " |")
    notes = [f"- row {u.row}: {_md(u.reason)}" for u in book.ungraded]
    counted = [f"- {_code(q)}: {code} × {n}" for q, code, n in book.misconceptions()]
    return "\n".join(lines + ([""] + notes if notes else []) + ([""] + counted if counted else [])) + "\n"


def misconceptions_csv(book: Gradebook) -> str:
    """question, misconception (its code), students: every misconception named in the gradebook, with how many
    students' answers it explains, most frequent first within a question (the instructor's table)."""
    return csv_text([("question", "misconception", "students")] + book.misconceptions())


def feedback_markdown(grade: Grade, lang: str = "en", digits: int | None = None) -> str:
    """A student's feedback: the score, then each answer with its verdict and why (the likely slip);
    ``digits``: the significant digits asked (the gradebook's), named when too few were given."""
    t = messages(lang)
    total = len(grade.marks)
    score = t["exercise.score_follow_on"].format(right=grade.right, total=total, follow_on=grade.follow_on,
                                                 score=_score(grade.score)) if grade.follow_on \
        else t["exercise.score"].format(right=grade.right, total=total)
    lines = [f"# {t['exercise.feedback_title']}: {_md(grade.student)} ({t['exercise.variant']} {grade.variant})", "",
             score, ""]
    for mark in grade.marks:
        if mark.verdict == BLANK:
            lines.append(f"- `{mark.question.label}`: {t['exercise.blank']}; {t['exercise.expected'].format(answer=mark.expected)}")
            continue
        verdict = t.get(f"verify.verdict.{mark.verdict}", mark.verdict)
        why = "" if mark.verdict == CORRECT else f" ({_md(_why(mark, grade, t, lang, digits))})"
        lines.append(f"- {_code(f'{mark.question.label} = {mark.written}')}: {verdict}{why}")
    return "\n".join(lines) + "\n"


def _why(mark, grade: Grade, t, lang: str, digits: int | None) -> str:
    """The reason shown beside a verdict."""
    if mark.verdict == NOT_A_NUMBER:
        return t["exercise.decimal_comma" if mark.hint == "decimal_comma" else "exercise.not_a_number"].format(
            answer=mark.expected, point=mark.written.replace(",", "."))
    if mark.verdict == TOO_FEW_DIGITS:
        return t["exercise.too_few_digits"].format(digits=digits, answer=mark.expected)
    if mark.verdict == FOLLOW_ON:
        return t["exercise.follow_on"].format(upstream=_listed(mark.upstream, t), answer=mark.expected)
    if mark.result is not None:
        return result_detail(mark.result, grade.loss, lang)
    return t["exercise.expected"].format(answer=mark.expected)


def _listed(labels: tuple[str, ...], t) -> str:
    """``o``, ``o and dL/dw1``, ``o, L and dL/dw1`` (the catalogue's last joint)."""
    return labels[0] if len(labels) < 2 else ", ".join(labels[:-1]) + t["exercise.list_and"] + labels[-1]


def _score(score: float) -> str:
    """A score as people write it: 5, 4.5, 4.25."""
    return format(score, "g") if score != int(score) else str(int(score))


def feedback_name(grade: Grade) -> str:
    """The feedback file's name: the student's id made safe for a file name, and the row (ids may repeat).

    The id is cut to :data:`NAME_BYTES` bytes of UTF-8 (a file name may have 255): the row keeps names apart.
    """
    stem = _UNSAFE.sub("_", grade.student).strip("._")
    stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", errors="ignore").rstrip("._") or "student"
    return f"{stem}.row{grade.row}.md"


def _md(text: str) -> str:
    """Text in Markdown: its specials escaped, line breaks made spaces (a blank line would end the item)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in _one_line(text))


def _code(text: str) -> str:
    """Text as one inline code span: fenced by more backticks than any run inside it, on one line.

    (Markdown has no escapes in code; a cell ``0.5\\n\\n<img ...>`` must not end its span and become HTML.)
    """
    text = _one_line(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text)
