"""The gradebook of ``symback grade``: one CSV row per student, and one short feedback file per student."""
from __future__ import annotations

import csv
import io
import re

from symback.checking.grade import BLANK, Grade, Gradebook
from symback.documents.catalogue import messages
from symback.documents.verify_document import claim_detail

_UNSAFE = re.compile(r"[^\w.-]+")


def gradebook_csv(book: Gradebook) -> str:
    """student, variant, score, total, then each asked quantity's verdict (correct, rounding-carried, wrong, blank)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("student", "variant", "score", "total", *(q.label for q in book.questions)))
    for grade in book.grades:
        writer.writerow((grade.student, grade.variant, grade.right, len(grade.marks), *(m.verdict for m in grade.marks)))
    return out.getvalue()


def feedback_markdown(grade: Grade, lang: str = "en") -> str:
    """A student's feedback: the score, then each answer with its verdict and why (the likely slip)."""
    t = messages(lang)
    lines = [f"# {t['exercise.feedback_title']}: {_md(grade.student)} ({t['exercise.variant']} {grade.variant})", "",
             t["exercise.score"].format(right=grade.right, total=len(grade.marks)), ""]
    for mark in grade.marks:
        if mark.verdict == BLANK:
            lines.append(f"- `{mark.question.label}`: {t['exercise.blank']}; {t['exercise.expected'].format(answer=mark.expected)}")
            continue
        verdict = t.get(f"verify.verdict.{mark.verdict}", mark.verdict)
        why = claim_detail(mark.result, grade.report, lang) if mark.result is not None and grade.report is not None \
            else t["exercise.expected"].format(answer=mark.expected)
        lines.append(f"- `{mark.question.label} = {mark.written.replace('`', '')}`: {verdict} ({_md(why)})")
    return "\n".join(lines) + "\n"


def feedback_name(grade: Grade) -> str:
    """The feedback file's name: the student's id made safe for a file name, and the row (ids may repeat)."""
    stem = _UNSAFE.sub("_", grade.student).strip("._") or "student"
    return f"{stem}.row{grade.row}.md"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)
