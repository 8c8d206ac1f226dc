r"""Line breaking of displayed math: every display of a worked solution fits the text width.

:func:`aligned_lines` lays out rows ``lhs = part = part ...`` as lines of an ``align*``/``aligned``
environment: each part of the right-hand side on the current line while it fits, otherwise on its own
line ``&= part``; a part wider than a line is broken at its top-level ``+``/``-`` (then at ``\cdot``)
into continuation lines ``&\quad + ...`` (:func:`chunks`). Widths are :mod:`.width`'s estimates.
KaTeX renders the same lines inside ``\begin{aligned}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from symback.documents.tex import Tex
from symback.documents.width import QUAD, REL, SAFETY, TEXT_WIDTH, raw_width, tex_width


@lru_cache(maxsize=8)
def _marks(separators: tuple[str, ...]) -> re.Pattern:
    """What :func:`_split_top` stops at: ``\\left``/``\\right``, an escaped character, a brace, a separator."""
    return re.compile(r"\\left(?![^\W\d_])|\\right(?![^\W\d_])|\\.|[{}]|(?=%s)"
                      % "|".join(map(re.escape, separators)), re.S)


def _split_top(tex: str, separators: Sequence[str]) -> list[str]:
    """``tex`` cut before each top-level separator (outside braces and ``\\left...\\right``).

    The pieces keep their separator's sign (``a + b - c`` gives ``a``, ``+ b``, ``- c``). Only the
    marks are visited (a regular expression finds them), not every character.
    """
    pieces, start, depth = [], 0, 0
    for mark in _marks(tuple(separators)).finditer(tex):
        token, i = mark.group(), mark.start()
        if token == r"\left":
            depth += 1
        elif token == r"\right":
            depth -= 1
        elif token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif not token and depth == 0 and i > start:
            pieces.append(tex[start:i].strip())
            start = i + 1
    pieces.append(tex[start:].strip())
    return [p for p in pieces if p]


def chunks(tex: str, budget: float) -> list[str]:
    """``tex`` in pieces of at most ``budget`` points: whole, or broken at top-level + and −, then at \\cdot."""
    return list(_chunks(tex, budget))


@lru_cache(maxsize=1 << 12)
def _chunks(tex: str, budget: float) -> tuple[str, ...]:
    if tex_width(tex) <= budget:
        return (tex,)
    limit = budget / SAFETY
    for separators in ((" + ", " - "), (r" \cdot ",)):
        terms = _split_top(tex, separators)
        if len(terms) < 2:
            continue
        out: list[str] = []
        widths: list[float] = []  # of out, by addition (see raw_width)
        for term in terms:
            width = raw_width(term)
            if out and widths[-1] + width <= limit:
                out[-1], widths[-1] = out[-1] + " " + term, widths[-1] + width
            elif width > limit and len(_split_top(term, (r" \cdot ",))) > 1:
                pieces = _chunks(term, budget)
                out.extend(pieces)
                widths.extend(raw_width(piece) for piece in pieces)
            else:
                out.append(term)
                widths.append(width)
        return tuple(out)
    return (tex,)


def fits(tex: str, budget: float) -> bool:
    """Whether ``tex`` can be laid out in lines of ``budget`` points by :func:`chunks`."""
    return all(tex_width(piece) <= budget for piece in chunks(tex, budget))


@dataclass(frozen=True)
class Equation:
    """One row of a worked solution to lay out: ``lhs = part = part ...`` and an optional note."""

    lhs: Tex
    parts: tuple[Tex, ...]
    note: str = ""       #: trusted text shown as ``(\text{note})``


def aligned_lines(rows: Iterable[Equation], width: float = TEXT_WIDTH) -> tuple[Tex, ...]:
    r"""The lines of one ``align*``/``aligned`` block holding ``rows``, each within ``width`` points.

    >>> aligned_lines([Equation(Tex("x"), (Tex("a + b"), Tex("3")))])
    ('x &= a + b = 3',)
    """
    rows = list(rows)
    if not rows:
        return ()
    lhs_width = max(tex_width(r.lhs) for r in rows)
    notes = [rf"\text{{({r.note})}}" if r.note else "" for r in rows]
    note_width = max(tex_width(n) for n in notes)
    # the notes in their own column when every row then fits unbroken, otherwise after the last line
    column = note_width + 2 * QUAD
    unbroken = SAFETY * max(sum(REL + raw_width(p) for p in r.parts) for r in rows)  # "= a = b", by addition
    in_column = bool(note_width) and lhs_width + unbroken + column <= width
    avail = width - lhs_width - (column if in_column else 0.0)
    # most blocks: every row fits on one line, so no part is broken or dropped (the margin keeps the
    # sums' rounding, here all parts at once and in _row_lines one by one, from deciding otherwise)
    budget = avail - QUAD - REL
    one_line = unbroken <= avail - _MARGIN and all(tex_width(p) <= budget for r in rows for p in r.parts)
    out: list[str] = []
    for row, note in zip(rows, notes):
        if one_line:
            parts = [p for p in dict.fromkeys(row.parts) if p]
            lines = ["&= " + " = ".join(parts)] if parts else ["&"]
        else:
            lines = _row_lines(row, avail)
        if note and in_column:
            lines[0] += f" && {note}"
        elif note:
            if tex_width(lines[-1] + r" \quad " + note) <= avail:
                lines[-1] += rf" \quad {note}"
            else:
                lines.append(rf"&\quad {note}")
        out.append(f"{row.lhs} {lines[0]}")
        out.extend(lines[1:])
    return tuple(Tex(line) for line in out)


_MARGIN = 1e-6  #: points: far above the rounding of a sum of widths, far below anything printed


def _row_lines(row: Equation, avail: float) -> list[str]:
    """The right-hand side lines of one row (the first without its lhs)."""
    lines: list[str] = []
    current = ""
    parts = list(dict.fromkeys(p for p in row.parts if p))
    # a part that no break can fit (a fraction wider than the page) is left out; the value always stays
    parts = [p for p in parts[:-1] if fits(p, avail - QUAD - REL)] + parts[-1:]
    limit, current_width = avail / SAFETY, 0.0  # the width of current, by addition (see raw_width)
    for part in parts:
        width = current_width + REL + raw_width(part)  # "current = part", or "= part"
        if width <= limit:
            current, current_width = (f"{current} = {part}" if current else f"= {part}"), width
            continue
        if current:
            lines.append("&" + current)
        pieces = chunks(part, avail - QUAD - REL)
        current, current_width = f"= {pieces[0]}", REL + raw_width(pieces[0])
        for piece in pieces[1:]:
            lines.append("&" + current)
            current = rf"\quad {piece}"
        if len(pieces) > 1:
            lines.append("&" + current)
            current, current_width = "", 0.0
    if current:
        lines.append("&" + current)
    return lines or ["&"]
