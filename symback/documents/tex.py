r"""Trusted LaTeX and the text that goes into it: :class:`Tex`, escaping, numbers for display, matrices.

User text becomes LaTeX only through :func:`escape_latex` (one pass over a table of every
special character); printer output is :class:`Tex`; templates escape every other value.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import Sequence

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import sympy as sp


class Tex(str):
    """A string of trusted LaTeX: documents insert it as is and escape every other value.

    >>> isinstance(escape_latex("50%"), Tex)
    True
    """

    __slots__ = ()


_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_ACCENT = re.compile(r"""\\(?:[`'^"~=.]|[uvHckdbrt] )(?:\\[ij]|[A-Za-z])\Z""")


#: symbols of the verify reports' sentences, as math (a Korean font has no glyph for them)
_SYMBOLS = {"⇔": r"\ensuremath{\Leftrightarrow}", "≈": r"\ensuremath{\approx}", "✗": r"\ensuremath{\times}",
            "✓": r"\ensuremath{\checkmark}", "−": r"\ensuremath{-}"}


@lru_cache(maxsize=4096)
def _char_tex(char: str) -> str:
    """One character of user text as inert LaTeX."""
    if char in _SPECIALS:
        return _SPECIALS[char]
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    if char < " " or char == "\x7f":
        return " "
    if char.isascii():
        return char
    try:
        tex = codecs.encode(char, "ulatex")
    except UnicodeError:
        return char
    return "{%s}" % tex if _ACCENT.match(tex) else char


def escape_latex(text: str) -> Tex:
    r"""User text as inert LaTeX, in one pass over a table of every special character.

    ``\ { } $ & # ^ _ % ~ < > |`` become their escaped forms, control characters spaces, accented
    Latin letters latexcodec's accent commands; everything else (Korean, CJK, ...) passes through.

    >>> print(escape_latex(r"50% of \input{x} & café"))
    50\% of \textbackslash{}input\{x\} \& caf{\'e}
    """
    return Tex("".join(map(_char_tex, text)))


def format_number(value: sp.Expr, digits: int) -> str:
    """A number for display: integers exactly, everything else to ``digits`` significant digits."""
    if isinstance(value, (sp.Integer, int)):
        return str(int(value))
    number = float(value)
    if number == 0:
        return "0"
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


PLOT_DIGITS = 6  #: significant digits of plot coordinates: enough for the eye, and the same on every platform


def plot_coordinate(value: float) -> str:
    """A float64 plot coordinate (a loss history) rounded so that golden files do not depend on BLAS or libm."""
    return f"{float(value):.{PLOT_DIGITS}g}"


def wrap(text: str) -> str:
    """A negative number in parentheses, so that ``2 \\cdot (-3)`` reads right."""
    return rf"\left({text}\right)" if text.startswith("-") else text


def bmatrix(entries: Sequence[Sequence[str]], limit: int = 8) -> Tex:
    r"""A ``bmatrix`` of already formatted entries; more than ``limit`` rows or columns are elided.

    >>> print(bmatrix([["1", "2"], ["3", "4"]]))
    \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}
    """
    def keep(count: int) -> list[int | None]:
        return list(range(count)) if count <= limit else list(range(limit - 2)) + [None, count - 1]

    rows = []
    for i in keep(len(entries)):
        if i is None:
            rows.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in keep(len(entries[0]))))
        else:
            rows.append(" & ".join(entries[i][j] if j is not None else r"\cdots" for j in keep(len(entries[i]))))
    return Tex(r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}")


def shaped(tex: str, rows: int, cols: int) -> Tex:
    r"""``tex`` with its shape written under it: ``\underset{1 \times 2}{X}``."""
    return Tex(r"\underset{%d \times %d}{%s}" % (rows, cols, tex))
