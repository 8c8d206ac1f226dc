"""The gradebook of ``symback grade``: one CSV row per student, and one short feedback file per student."""
from __future__ import annotations

import re

from symback.checking.grade import BLANK, Grade, Gradebook
from symback.documents.catalogue import messages
from symback.documents.spreadsheet import csv_text
from symback.documents.verify_document import claim_detail

_UNSAFE = re.compile(r"[^\w.-]+")
NAME_BYTES = 120  #: bytes of the student's id in a feedback file's name


def gradebook_csv(book: Gradebook) -> str:
    """student, variant, score, total, then each asked quantity's verdict (correct, rounding-carried, wrong, blank).

    A student id a spreadsheet would run as a formula is written as text (:mod:`symback.documents.spreadsheet`).
    """
    header = ("student", "variant", "score", "total", *(q.label for q in book.questions))
    return csv_text([header] + [(g.student, g.variant, g.right, len(g.marks), *(m.verdict for m in g.marks))
                                for g in book.grades])


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
        lines.append(f"- {_code(f'{mark.question.label} = {mark.written}')}: {verdict} ({_md(why)})")
    return "\n".join(lines) + "\n"


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
