r"""Numbers for people: the one rounding rule and the one way to write each form of a number.

Every number symback shows (documents, reports, messages, exercise answers, CSV, JSON) passes through
here. It is read exactly (:func:`exact_ratio`: a SymPy Integer or Rational as it is, a Float or an
mpmath number from the binary value of its mpmath tuple, a Python float or Decimal from its integer
ratio), rounded to significant digits half to even (:func:`rounded`) into a :class:`Numeral`, and
written in one of two forms:

- plain text a person can type back (messages, JSON texts, CSV, answers): ``0.488``, ``-1.12``,
  ``1.25e-5``, ``1.37e7`` (an exponent is ``e`` and its signed decimal, no ``+``, no leading zeros);
- LaTeX, the documents' form: ``1.25 \times 10^{-5}``.

Documents and messages (:func:`number_text`, :func:`number_latex`) drop trailing zeros and switch to
an exponent as C's ``%g`` does (fixed for 10^-4 <= |x| < 10^digits), and show an exact integer of up
to 15 digits in full. An exercise answer keeps its significant zeros (``0.500`` to 3 digits) and is
fixed while its last digit lies after the point (``zeros=True``). A hand computation's rounding is
half away from zero (``away=True``). Beside them: how near a tie a value lies (:func:`tie_distance`,
for exercises), a terminating rational written out (:func:`exact_decimal`), and JSON numbers by the
README's rules (:func:`json_number`, :func:`exact_text`).

>>> number_latex(1 / 80000, 3), number_text(0.125, 2), rounded(0.5, 3, zeros=True).text
('1.25 \\times 10^{-5}', '0.12', '0.500')
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

EXACT_INTEGER_DIGITS = 15   #: integers of up to this many digits (or ``digits``) are shown in full
FIXED_FROM = -4             #: documents write 10^-4 <= |x| < 10^digits without an exponent (as ``%g``)
ERROR_DIGITS = 2            #: a relative error is written to 2 significant digits (1.7e-33)
SHORT_FRACTION = 8          #: a message writes a rational no decimal ends as p/q up to this many characters
FLOAT_MAX = 1.7976931348623157e308   #: the largest float64
FLOAT_TINY = 2.2250738585072014e-308  #: the smallest normal float64: below it a nonzero value loses digits
SAFE_INTEGER = 2**53                  #: integers beyond it are not exact in a JavaScript number
_LOG10_2 = math.log10(2)


@dataclass(frozen=True)
class Numeral:
    """A number rounded to significant digits, ``±d1.d2...dn × 10^exponent``, written on demand.

    >>> n = rounded(-0.0012345, 3)
    >>> n, n.text, n.latex, n.unit
    (Numeral(negative=True, digits='123', exponent=-3, zeros=False), '-0.00123', '-0.00123', Decimal('0.00001'))
    """

    negative: bool
    digits: str       #: every significant digit as rounded ("500": 0.500 to 3 digits); "" for zero
    exponent: int     #: the power of ten of the first digit (0.500: -1)
    zeros: bool = False  #: trailing zeros are significant and written (an answer), else dropped

    @property
    def unit(self) -> Decimal:
        """The place value of the last digit (0 for zero): the rounding moved the value by at most half of it."""
        return Decimal((0, (1,), self.exponent - len(self.digits) + 1)) if self.digits else Decimal(0)

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the last digit: how far from the exact value the rounding rule allows."""
        return self.unit / 2

    @property
    def value(self) -> Fraction:
        """The rounded number exactly."""
        if not self.digits:
            return Fraction(0)
        size = int(self.digits) * Fraction(10) ** (self.exponent - len(self.digits) + 1)
        return -size if self.negative else size

    @property
    def text(self) -> str:
        """Plain text: ``0.488``, ``-1.12``, ``1.25e-5``, ``1.37e7``."""
        mantissa, power = self._layout()
        return mantissa if power is None else f"{mantissa}e{power}"

    @property
    def latex(self) -> str:
        r"""The documents' LaTeX: ``0.488``, ``1.25 \times 10^{-5}``."""
        mantissa, power = self._layout()
        return mantissa if power is None else rf"{mantissa} \times 10^{{{power}}}"

    def _layout(self) -> tuple[str, int | None]:
        """The mantissa's text and the power of ten written after it (None: none)."""
        if not self.digits:
            return "0", None
        precision, sign = len(self.digits), "-" if self.negative else ""
        digits = self.digits if self.zeros else self.digits.rstrip("0")
        fixed = self.exponent < precision - 1 if self.zeros else FIXED_FROM <= self.exponent < precision
        if fixed:
            return sign + _fixed(digits, self.exponent), None
        return sign + (f"{digits[0]}.{digits[1:]}" if len(digits) > 1 else digits), self.exponent


def _fixed(digits: str, exponent: int) -> str:
    """Significant digits whose first has the place value 10^exponent, without an exponent."""
    if exponent < 0:
        return "0." + "0" * (-exponent - 1) + digits
    whole, fraction = digits[:exponent + 1].ljust(exponent + 1, "0"), digits[exponent + 1:]
    return f"{whole}.{fraction}" if fraction else whole


def exact_ratio(value) -> tuple[int, int] | None:
    """``value`` as (numerator, denominator) exactly, or None when it is no finite real number.

    A Float or mpmath number is read off its mpmath tuple (its exact binary value), a float or a
    Decimal from ``as_integer_ratio``, another SymPy expression at 60 digits.

    >>> exact_ratio(0.1), exact_ratio(Fraction(-3, 4)), exact_ratio(float("inf"))
    ((3602879701896397, 36028797018963968), (-3, 4), None)
    """
    binary = getattr(value, "_mpf_", None)
    if binary is not None:
        return _binary_ratio(binary)
    if isinstance(value, numbers.Rational):  # int, Fraction, SymPy's Integer and Rational
        return int(value.numerator), int(value.denominator)
    ratio = getattr(value, "as_integer_ratio", None)  # float, Decimal, NumPy floats
    if ratio is not None:
        try:
            return tuple(map(int, ratio()))
        except (ValueError, OverflowError):  # nan, infinity
            return None
    evaluate = getattr(value, "evalf", None)  # a SymPy expression that is no number yet (sqrt(2), exp(1000))
    if evaluate is not None:
        number = evaluate(60)
        if getattr(number, "_mpf_", None) is not None or isinstance(number, numbers.Rational):
            return exact_ratio(number)
    return None


def _binary_ratio(binary: tuple) -> tuple[int, int] | None:
    """The exact value of an mpmath tuple (sign, mantissa, exponent, bits); None for infinities and nan.

    A normalized mantissa is odd, so the fraction is in lowest terms, as a Rational's is.
    """
    sign, mantissa, exponent, _ = binary
    if not mantissa:
        return (0, 1) if binary == (0, 0, 0, 0) else None  # (+-inf and nan have a zero mantissa too)
    numerator = -mantissa if sign else mantissa
    return (numerator << exponent, 1) if exponent >= 0 else (numerator, 1 << -exponent)


def rounded(value, digits: int, *, zeros: bool = False, away: bool = False) -> Numeral | None:
    """``value`` to ``digits`` significant digits, half to even (``away``: half away from zero, as
    a hand computation rounds), from its exact value; None when it is no finite real number.

    ``zeros``: the numeral writes its trailing zeros (an exercise answer). Negative zero is 0.

    >>> rounded(Fraction(1, 8), 2).text, rounded(Fraction(1, 8), 2, away=True).text
    ('0.12', '0.13')
    """
    if digits < 1:
        raise ValueError(f"digits must be at least 1, not {digits}")
    ratio = exact_ratio(value)
    if ratio is None:
        return None
    p, q = ratio
    if p == 0:
        return Numeral(False, "", 0, zeros)
    numerator, denominator, exponent = _scaled(abs(p), q, digits)
    whole, rest = divmod(numerator, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and (away or whole % 2)):
        whole += 1
    if whole == 10**digits:  # 9.996 -> 10.0: one more digit before the point
        whole, exponent = whole // 10, exponent + 1
    return Numeral(p < 0, str(whole), exponent, zeros)


def _scaled(p: int, q: int, digits: int) -> tuple[int, int, int]:
    """p / q (positive) times the power of ten that leaves ``digits`` digits before the point, as a
    fraction, and the decade of p / q (the power of ten of its first digit)."""
    exponent = _decade(p, q)
    shift = digits - 1 - exponent
    return (p * 10**shift, q, exponent) if shift >= 0 else (p, q * 10**-shift, exponent)


def _decade(p: int, q: int) -> int:
    """floor(log10(p / q)) for positive integers, exactly."""
    exponent = math.floor((p.bit_length() - q.bit_length()) * _LOG10_2)  # within one of it
    while _at_least(p, q, exponent + 1):
        exponent += 1
    while not _at_least(p, q, exponent):
        exponent -= 1
    return exponent


def _at_least(p: int, q: int, exponent: int) -> bool:
    """p / q >= 10^exponent."""
    return p >= q * 10**exponent if exponent >= 0 else p * 10**-exponent >= q


def tie_distance(value, digits: int) -> Fraction | None:
    """How far ``value`` lies from a rounding tie at ``digits`` significant digits, in units of the
    last digit (0: on a tie, 1/2: on a digit); None for zero and what is no finite real number.

    >>> tie_distance(Fraction(1235, 10000), 3), tie_distance(0.5, 3)
    (Fraction(0, 1), Fraction(1, 2))
    """
    ratio = exact_ratio(value)
    if ratio is None or ratio[0] == 0:
        return None
    numerator, denominator, _ = _scaled(abs(ratio[0]), ratio[1], digits)
    scaled = Fraction(numerator, denominator)
    return abs(scaled - math.floor(scaled) - Fraction(1, 2))


def _shown(value, digits: int) -> Numeral | None:
    """A number as documents and messages show it: an exact integer of up to 15 (or ``digits``)
    digits in full, anything else rounded to ``digits``."""
    if isinstance(value, numbers.Rational) and value.denominator == 1 and value != 0:
        length = _decade(abs(int(value.numerator)), 1) + 1
        if length <= EXACT_INTEGER_DIGITS:
            digits = max(digits, length)
    return rounded(value, digits)


def number_text(value, digits: int = 6, *, fractions: bool = False) -> str:
    """A number as plain text (messages, CSV): ``0.817574``, ``1.25e-5``; what is no finite real
    number as ``str`` writes it. ``fractions``: a short exact rational that no decimal ends (1/3)
    is written as p/q.

    >>> number_text(2**70), number_text(123456789012345, 4), number_text(Fraction(1, 3), fractions=True)
    ('1.18059e21', '123456789012345', '1/3')
    """
    if fractions and isinstance(value, numbers.Rational) and exact_decimal(value) is None \
            and len(text := f"{value.numerator}/{value.denominator}") <= SHORT_FRACTION:
        return text
    numeral = _shown(value, digits)
    return str(value) if numeral is None else numeral.text


def number_latex(value, digits: int) -> str:
    r"""A number for a document: integers exactly (up to 15 digits), everything else to ``digits``
    significant digits, ``a \times 10^{n}`` below 10^-4 or from 10^digits on; what is no finite real
    number as ``str`` writes it (never a silent wrong digit).

    >>> number_latex(Fraction(1, 3), 30), number_latex(10**400 // 3, 4)
    ('0.333333333333333333333333333333', '3.333 \\times 10^{399}')
    """
    numeral = _shown(value, digits)
    return str(value) if numeral is None else numeral.latex


def exact_decimal(value, places: int | None = None) -> str | None:
    """A rational that a decimal ends, written out exactly (1/20 -> ``0.05``); None for any other
    value, or one that needs more than ``places`` decimals.

    >>> exact_decimal(Fraction(-1, 8)), exact_decimal(Fraction(1, 3)), exact_decimal(7)
    ('-0.125', None, '7')
    """
    if not isinstance(value, numbers.Rational):
        return None
    p, q = int(value.numerator), int(value.denominator)
    twos = (q & -q).bit_length() - 1
    rest, fives = q >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    places_needed = max(twos, fives)
    if rest != 1 or (places is not None and places_needed > places):
        return None
    whole = str(abs(p) * 10**places_needed // q)
    if p == 0:
        return "0"
    return ("-" if p < 0 else "") + _fixed(whole, len(whole) - 1 - places_needed)


def json_number(value) -> float | int | None:
    """A JSON number (README 'JSON output'): an exact integer up to 2^53 stays an integer, every other
    value becomes the nearest float64, and a value float64 cannot hold (beyond 1.8e308, or nonzero
    below 2.2e-308, or not finite) is ``null``: its decimal text is under ``exact`` (:func:`exact_text`).

    >>> json_number(Fraction(1, 4)), json_number(10**400), json_number(Fraction(1, 10**400))
    (0.25, None, None)
    """
    if isinstance(value, numbers.Rational) and value.denominator == 1 and not isinstance(value, bool) \
            and abs(int(value)) <= SAFE_INTEGER:  # (an int, a SymPy Integer, a Fraction p/1)
        return int(value)
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(result) or abs(result) > FLOAT_MAX or (result == 0) != _is_zero(value) \
            or 0 < abs(result) < FLOAT_TINY:
        return None
    return result


def _is_zero(value) -> bool:
    if getattr(value, "_mpf_", None) is not None or isinstance(value, numbers.Number):
        return not value  # at once, not through SymPy's assumptions (and Float(0) != 0)
    zero = getattr(value, "is_zero", None)  # another SymPy expression
    return bool(zero) if zero is not None else value == 0


def exact_text(value) -> str:
    """The exact value as text: ``p/q`` for a rational (``1/10**400`` written out), else every decimal
    digit its precision carries (50 for the engine's Floats), e.g. ``1.9700711140170469938888793522433231253169379853238e434``."""
    if isinstance(value, numbers.Rational):
        return str(value)
    numeral = rounded(value, carried_digits(value))
    return str(value) if numeral is None else numeral.text


def carried_digits(value) -> int:
    """The decimal digits a binary number carries: a Float's or mpmath number's (SymPy's ``repr_dps``
    of its bits), 17 for a float (enough to read the same float back)."""
    bits = getattr(value, "_prec", None) or getattr(getattr(value, "context", None), "prec", None)
    return 17 if bits is None else max(1, round(bits / math.log2(10)) - 1)
