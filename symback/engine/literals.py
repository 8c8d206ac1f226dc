"""Written numbers read exactly: the text of a decimal (``1e-400``, ``1.00000000000000000001``) as the
exact rational it denotes, never through a float64 (which would turn the first into 0 and the second into 1).

The size of a written number is bounded: at most :data:`MAX_LITERAL_DIGITS` significant digits, and
its exact numerator or denominator at most the command's digit cap (``limits.current().digits``,
4300 by default, ``--max-digits``), so that ``1e999999999`` is refused at once instead of building a
billion-digit integer.

>>> read_decimal("1e-400") == sp.Rational(1, 10**400), read_decimal("0.05")
(True, 1/20)
"""
from __future__ import annotations

import re

import sympy as sp

from symback.engine import limits

MAX_LITERAL_DIGITS = 60     #: significant digits in one written number

_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,12}))?\Z")


class LiteralProblem(ValueError):
    """Why a written number cannot be read: ``message`` and ``fix`` for the caller's one-line error."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


def is_decimal(text: str) -> bool:
    """Whether ``text`` is a plain decimal (``12``, ``-0.5``, ``1e-400``, ``1_000.5``)."""
    match = _DECIMAL.match(text.strip().replace("_", ""))
    return bool(match) and bool(match.group(2) or match.group(3))


def read_decimal(text: str) -> sp.Rational:
    """The exact value of a written decimal; :class:`LiteralProblem` if it is no number or too large.

    >>> read_decimal("1.00000000000000000001") - 1
    1/100000000000000000000
    >>> read_decimal("1e9999")
    Traceback (most recent call last):
    symback.engine.literals.LiteralProblem: the number 1e9999 has 10000 digits, more than the limit 4300
    """
    written = text.strip()
    match = _DECIMAL.match(written.replace("_", ""))
    if not match or not (match.group(2) or match.group(3)):
        if written.lstrip("+-").lower() in ("inf", "nan", "infinity"):
            raise LiteralProblem(f"the value {written} is not finite", "use a finite number")
        raise LiteralProblem(f"'{written}' is not a decimal number", "write a number such as 0.5 or 1e-3")
    sign, whole, fraction, exponent = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    digits = (whole + fraction).lstrip("0")
    scale = int(exponent or 0) - len(fraction)
    if not digits:
        return sp.S.Zero
    significant = digits.rstrip("0")
    if len(significant) > MAX_LITERAL_DIGITS:
        raise LiteralProblem(f"the number {written} has {len(significant)} significant digits",
                             f"use at most {MAX_LITERAL_DIGITS} digits")
    scale += len(digits) - len(significant)
    size = len(significant) + scale if scale >= 0 else -scale + 1  # digits of the numerator or denominator
    if size > limits.current().digits:
        raise LiteralProblem(f"the number {written} has {size} digits, more than the limit {limits.current().digits}",
                             limits.OPTIONS["digits"][2])
    top = int(significant) * (-1 if sign == "-" else 1)  # one Rational atom, also under sp.evaluate(False)
    return sp.Integer(top * 10**scale) if scale >= 0 else sp.Rational(top, 10**-scale)
