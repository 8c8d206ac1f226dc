r"""Trusted LaTeX and the text that goes into it: :class:`Tex`, escaping, numbers for display, matrices.

User text becomes LaTeX only through :func:`escape_latex` (one pass over a table of every
special character); printer output is :class:`Tex`; templates escape every other value.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from typing import Sequence

from symback.engine.numerals import number_latex


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
    kind = unicodedata.category(char)
    if kind == "Cf":  # invisible: zero-width space and joiners, bidi marks, embeddings and isolates (U+202E, U+2067)
        return ""
    if kind in ("Zl", "Zp", "Cc"):  # line and paragraph separators (U+2028): a title is one line
        return " "
    if kind == "Zs" and char not in "\u00a0\u3000":
        return r"\," if char in _THIN else " "
    if "\uff00" <= char <= "\uffef":  # full-width and half-width forms: their ordinary letters (Ａ is A)
        return "".join(map(_char_tex, unicodedata.normalize("NFKC", char)))
    import latexcodec  # noqa: F401  lazy: start-up time (registers the "ulatex" codec; only non-ASCII text needs it)

    try:
        tex = codecs.encode(char, "ulatex")
    except UnicodeError:  # Korean and CJK (kotex), common punctuation pass; no font has the rest (emoji)
        return char if _TYPESET.match(char) else r"\texttt{[U+%04X]}" % ord(char)
    math = _MATH.match(tex)
    if math:  # Greek letters and math symbols (σ, ∂, ≤): the math fonts have them in every language
        return r"\ensuremath{%s}" % math.group(1)
    return "{%s}" % tex if _ACCENT.match(tex) else char


_MATH = re.compile(r"\$(\\[A-Za-z]+(?: [A-Za-z])?|\^\\circ)\$\Z")  #: $\sigma$, $\mathbb N$ (ℕ), $^\circ$
_THIN = "\u2006\u2008\u2009\u200a\u202f\u205f"  #: thin, hair and narrow spaces: LaTeX's thin space
#: characters pdflatex typesets as they are: Latin-1 and Latin Extended, punctuation and currency
#: (inputenc), Hangul and CJK (kotex; render.py loads it for any document that has them)
_TYPESET = re.compile("[\u00a0-\u024f\u2000-\u20cf\u1100-\u11ff\u3000-\u303f\u3130-\u318f"
                      "\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


_MARKDOWN_SPECIALS = {c: "\\" + c for c in "\\`*_[]<>#|$"}
_MARKDOWN_TABLE = str.maketrans(_MARKDOWN_SPECIALS)  #: (str.translate: a Markdown page escapes ~10,000 strings)


def escape_markdown(text: str) -> str:
    """User text made inert in Markdown and in KaTeX's math delimiters ``$`` (LaTeX: :func:`escape_latex`)."""
    return text.translate(_MARKDOWN_TABLE)


def escape_latex(text: str) -> Tex:
    r"""User text as inert LaTeX, in one pass over a table of every special character.

    ``\ { } $ & # ^ _ % ~ < > |`` become their escaped forms, control characters spaces, accented
    Latin letters latexcodec's accent commands, Greek letters and math symbols math (σ is
    ``\ensuremath{\sigma}``, ℕ ``\ensuremath{\mathbb N}``); Korean, CJK and punctuation pass through; a
    character no font has (an emoji) is shown as its code point, ``[U+1F600]``. The text is first
    normalised to NFC (decomposed Hangul composed); invisible format characters (zero-width spaces,
    bidi controls) are dropped, line separators and odd spaces made spaces, full-width letters ordinary.

    >>> print(escape_latex(r"50% of \input{x} & café"))
    50\% of \textbackslash{}input\{x\} \& caf{\'e}
    """
    if text.isascii():  # (most text: one pass in C over the ASCII part of the table)
        return Tex(text.translate(_ASCII_TABLE))
    return Tex("".join(map(_char_tex, unicodedata.normalize("NFC", text))))  # NFC: 신경망 as macOS writes it


_ASCII_TABLE = str.maketrans({chr(code): _char_tex(chr(code)) for code in range(128)})


def format_number(value, digits: int) -> str:
    r"""A number for a document, by the one rule of :func:`symback.engine.numerals.number_latex`: integers
    exactly (up to 15 digits), everything else to ``digits`` significant digits, half to even from the
    exact value, ``a \times 10^{n}`` below 10^-4 or from 10^digits on.

    >>> format_number(0.125, 2), format_number(1 / 80000, 3)
    ('0.12', '1.25 \\times 10^{-5}')
    """
    return number_latex(value, digits)


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

