"""The one acceptance rule for a numeric answer: ``grade``, and every LMS export of an exercise.

An exercise asks for a quantity to ``digits`` significant digits. Its key is the engine's value rounded so
(:func:`symback.engine.vary.round_answer`), and the key's window is the key ± half a unit of its last
digit (:attr:`symback.engine.numerals.Numeral.tolerance`): exactly what a Moodle numerical question with
that ``<tolerance>`` accepts, so a student's answer is judged the same on paper, in ``grade`` and online.

A cell is read as people write numbers (:func:`read_answer`): spaces, thin and no-break spaces between
digits, U+2212 minus, a leading ``+``, ``1.37e7``, ``1.37E-3``, ``1.37×10^7``, ``1.37·10^-3``. It is

- ``blank`` when empty;
- ``not a number`` when it is a name, a formula or anything else (``0,406`` gets "use a decimal point");
- ``too few digits`` when it carries fewer significant digits than asked (``0.05`` for 0.0522 at 3 digits),
  whatever its value: no credit, as the exported question gives none;
- ``correct`` when it lies in the key's window, at any magnitude (``13700000`` for 1.37e7 at 3 digits);
- otherwise left to the grader (rounding-carried, follow-on or wrong: :mod:`symback.checking.grade`).

>>> from symback.engine.vary import round_answer
>>> key = round_answer(sp.Rational(522359, 10**7), 3)
>>> [judge(text, key, 3).verdict for text in ("0.0522", "5.224e-2", "0.05", "0.0523", "0,0522", "o", "")]
['correct', 'correct', 'too few digits', None, 'not a number', 'not a number', 'blank']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from symback.engine.numerals import Numeral

BLANK, NOT_A_NUMBER, TOO_FEW_DIGITS, CORRECT = "blank", "not a number", "too few digits", "correct"
MAX_POWER_OF_TEN = 400   #: |power of ten| a written answer may have (1e999999999 is not computed, it is not a number)

_SPACES = dict.fromkeys(map(ord, " \t\u00a0\u2009\u200a\u202f\u2007\u205f"), None)
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\uff0b": "+", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*"})
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<mantissa>\d+\.?\d*|\.\d+)"
                     r"(?:[eE](?P<e>[+-]?\d+)|[*xX]10\^\(?(?P<power>[+-]?\d+)\)?)?\Z")
_COMMA = re.compile(r"[+-]?\d+,\d+\Z")


@dataclass(frozen=True)
class AnswerNumber:
    """A number as written: its exact value, its significant digits and its plain text (``-1.37e7``)."""

    value: Fraction
    digits: int       #: significant digits written (``0.0520``: 3; ``13700000``: 8; a zero: 0)
    text: str         #: the number in plain decimal syntax, for the verifier (``1.37e7`` for ``1.37×10^7``)

    @property
    def unit(self) -> sp.Rational:
        """The place value of the last significant digit written (an integer's trailing zeros count as written
        digits but not as its precision: ``13700000`` is known to 10^5)."""
        match = _NUMBER.match(self.text)
        mantissa, power = match["mantissa"], int(match["e"] or 0)
        whole, _, fraction = mantissa.partition(".")
        if fraction or "." in mantissa:
            return sp.Rational(1, 10 ** len(fraction)) * sp.Integer(10) ** power
        zeros = len(whole) - len(whole.rstrip("0")) if whole.strip("0") else 0
        return sp.Integer(10) ** (zeros + power) if zeros + power >= 0 else sp.Rational(1, 10 ** -(zeros + power))


@dataclass(frozen=True)
class Judgement:
    """What the rule says of one cell: its verdict (None: outside the window, for the grader), the number read,
    and a hint for an unreadable cell (``decimal_comma``)."""

    verdict: str | None
    number: AnswerNumber | None = None
    hint: str | None = None


def read_answer(text: str) -> AnswerNumber | None:
    """The number ``text`` writes, or None when it writes none (a name, a formula, two numbers, ``0,406``)."""
    compact = text.translate(_SPACES).translate(_SIGNS)
    match = _NUMBER.match(compact)
    if match is None:
        return None
    power = int(match["e"] or match["power"] or 0)
    if abs(power) > MAX_POWER_OF_TEN:
        return None
    mantissa = match["mantissa"]
    whole, _, fraction = mantissa.partition(".")
    value = Fraction(int(whole or "0") * 10 ** len(fraction) + int(fraction or "0"), 10 ** len(fraction))
    value *= Fraction(10) ** power
    if match["sign"] == "-":
        value = -value
    digits = len((whole + fraction).lstrip("0"))
    plain = f"{'-' if match['sign'] == '-' else ''}{mantissa}" + (f"e{power}" if power else "")
    return AnswerNumber(value, digits, plain)


def judge(text: str, key: Numeral, digits: int) -> Judgement:
    """The rule's verdict on the cell ``text`` for an answer whose key is ``key`` (``digits`` asked)."""
    if not text.strip():
        return Judgement(BLANK)
    number = read_answer(text)
    if number is None:
        hint = "decimal_comma" if _COMMA.match(text.translate(_SPACES).translate(_SIGNS)) else None
        return Judgement(NOT_A_NUMBER, None, hint)
    if key.digits and number.value != 0 and number.digits < digits:
        return Judgement(TOO_FEW_DIGITS, number)
    return Judgement(CORRECT if accepts(number.value, key) else None, number)


def accepts(value: Fraction, key: Numeral) -> bool:
    """Whether ``value`` lies in the key's window, key ± half a unit of its last digit (the ends included, as
    Moodle's ``answer - tolerance <= response <= answer + tolerance``)."""
    return abs(value - key.value) <= Fraction(key.tolerance)
