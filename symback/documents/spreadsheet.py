"""CSV for spreadsheets: rows as text, every cell that a spreadsheet would run as a formula neutralised.

A student id ``=cmd|' /C calc'!A0`` or ``@SUM(A1:A2)`` written raw into a gradebook is a formula when
the file is opened in a spreadsheet (CSV injection). As OWASP recommends, a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets show as
text; a cell that is a plain number (``-0.25``, ``1e-3``) stays a number.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The rows as CSV (``\\n`` line ends), every cell through :func:`safe_cell`.

    >>> csv_text([("student", "score"), ("=1+1", -2)])
    "student,score\\n'=1+1,-2\\n"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def safe_cell(cell: object) -> str:
    """A cell as text, with a ``'`` in front when a spreadsheet would read it as a formula."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_START) and not NUMBER.match(text) else text
