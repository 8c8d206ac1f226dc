r"""Trusted LaTeX and the text that goes into it: :class:`Tex`, escaping, numbers for display, matrices.

User text becomes LaTeX only through :func:`escape_latex` (one pass over a table of every
special character); printer output is :class:`Tex`; templates escape every other value.
"""
from __future__ import annotations

import codecs
import decimal
import math
import re
import unicodedata
from functools import lru_cache
from typing import Sequence

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


EXACT_INTEGER_DIGITS = 15  #: integers up to this many digits (or ``digits``) are shown in full


def format_number(value, digits: int) -> str:
    r"""A number for display: integers exactly (up to 15 digits), everything else to ``digits`` significant digits.

    Rounded from the exact value (a Rational, or a Float's full 50 digits), never through float64,
    half to even (``0.125`` to 2 digits is ``0.12``); like Python's ``%g``: trailing zeros dropped,
    ``a \times 10^{n}`` below 10^-4 or from 10^digits on.

    >>> format_number(sp.Rational(1, 3), 30), format_number(sp.Integer(10) ** 400 / 3, 4)
    ('0.333333333333333333333333333333', '3.333 \\times 10^{399}')
    """
    if isinstance(value, (sp.Integer, int)) and not isinstance(value, bool) \
            and len(str(abs(int(value)))) <= max(digits, EXACT_INTEGER_DIGITS):
        return str(int(value))  # longer integers (10^400) are rounded as below: a line has room for 15 digits
    ratio = _binary_ratio(value) if isinstance(value, sp.Float) else None
    if ratio is None:
        exact = _exact_value(value)
        if exact is None:
            return str(value)  # not a finite real number: shown as it is (never a silent wrong digit)
        ratio = (exact.p, exact.q)
    if ratio[0] == 0:
        return "0"
    with decimal.localcontext() as context:
        context.prec, context.rounding = digits, decimal.ROUND_HALF_EVEN
        context.Emax, context.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        rounded = decimal.Decimal(ratio[0]) / decimal.Decimal(ratio[1])
    sign, places, exponent = rounded.as_tuple()
    text = "".join(map(str, places)).rstrip("0") or "0"
    power = exponent + len(places) - 1  # of the leading digit
    minus = "-" if sign else ""
    if -4 <= power < digits:
        if power < 0:
            return f"{minus}0.{'0' * (-power - 1)}{text}"
        whole, fraction = text[:power + 1].ljust(power + 1, "0"), text[power + 1:]
        return f"{minus}{whole}.{fraction}" if fraction else f"{minus}{whole}"
    mantissa = f"{text[0]}.{text[1:]}" if len(text) > 1 else text
    return rf"{minus}{mantissa} \times 10^{{{power}}}"


def _binary_ratio(value: sp.Float) -> tuple[int, int] | None:
    """(numerator, denominator) of a Float's exact binary value, read off its mpmath tuple, or None
    for what is not a finite nonzero number or zero (left to :func:`_exact_value`).

    Most numbers of a worked solution are Floats; building a SymPy Rational of each only to read its
    numerator and denominator back cost more than the rounding. A normalized mantissa is odd, so the
    fraction is in lowest terms, as the Rational's is; the decimal quotient is the same either way.
    """
    sign, mantissa, exponent, _ = value._mpf_
    if not mantissa:
        return (0, 1) if value._mpf_ == _ZERO else None  # (+-inf and nan have a zero mantissa too)
    numerator = -mantissa if sign else mantissa
    return (numerator << exponent, 1) if exponent >= 0 else (numerator, 1 << -exponent)


_ZERO = (0, 0, 0, 0)  #: mpmath's zero


def _exact_value(value) -> sp.Rational | None:
    """``value`` as the exact rational it holds (a float's or Float's binary value), None if not finite real."""
    if isinstance(value, float) or hasattr(value, "dtype"):  # Python and NumPy floats
        value = float(value)
        return sp.Rational(value) if math.isfinite(value) else None
    value = sp.sympify(value) if not isinstance(value, sp.Basic) else value
    if not value.is_Number:
        value = value.evalf(60)
    if not (value.is_Number and value.is_finite and value.is_real):
        return None
    return sp.Rational(value)


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
