"""Numbers for people (symback.engine.numerals): one rounding rule, one plain form, one LaTeX form.

Oracles: Python's decimal module (division rounded once, half to even or half up, at the asked
precision), fractions (exact arithmetic), mpmath at 60 digits, and C's printf (``%g``) where its
rules and ours coincide (floats; printf writes ``e-05`` where we write ``e-5``).
"""
from __future__ import annotations

import decimal
import random
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symback
from symback.documents.printing import latex
from symback.engine.numerals import (Numeral, exact_decimal, exact_ratio, exact_text, json_number, number_latex,
                                     number_text, rounded, tie_distance)

CASES = settings(max_examples=400, deadline=None, derandomize=True, database=None, print_blob=False,
                 suppress_health_check=[HealthCheck.too_slow])


def oracle(p: int, q: int, digits: int, rounding=decimal.ROUND_HALF_EVEN) -> Decimal:
    """p / q rounded once to ``digits`` significant digits by the decimal module."""
    with decimal.localcontext() as context:
        context.prec, context.rounding = digits, rounding
        context.Emax, context.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        return Decimal(p) / Decimal(q)


def printf(value: float, digits: int) -> str:
    """C's %g with our exponent (``1.25e-5``, ``1.37e7``)."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def parsed(text: str) -> Fraction:
    """What a person typing ``text`` (plain or our LaTeX) back means, exactly."""
    return Fraction(text.replace(r" \times 10^{", "e").replace("}", ""))


# -- the two disagreements of issue 20 ---------------------------------------------------------

def test_a_tie_rounds_to_even_in_every_form():
    """0.125 to 2 digits was 0.13 in the printer (mpmath rounds from its own digits) and 0.12 elsewhere."""
    assert str(oracle(1, 8, 2)) == "0.12"
    for value in (0.125, sp.Float(0.125), sp.Rational(1, 8), Fraction(1, 8), mpmath.mpf(0.125), Decimal("0.125")):
        assert number_text(value, 2) == number_latex(value, 2) == "0.12", value
        assert rounded(value, 2, zeros=True).text == "0.12"
    assert latex(sp.Float(0.125), digits=2) == "0.12" and latex(sp.Float(0.375) * sp.Symbol("x"), digits=2) == "0.38 x"


def test_the_documents_have_one_times_ten_form():
    """1/80000 was ``1.25 \\cdot 10^{-5}`` from the printer and ``1.25 \\times 10^{-5}`` from format_number."""
    expected = r"1.25 \times 10^{-5}"
    assert number_latex(sp.Rational(1, 80000), 3) == expected == number_latex(1 / 80000, 3)
    assert latex(sp.Float(1) / 80000, digits=3) == expected
    assert latex(sp.Float(1.0e-32), digits=2) == r"1 \times 10^{-32}"  # (SymPy: 1.0 \cdot 10^{-32})
    assert number_text(sp.Rational(1, 80000), 3) == "1.25e-5" and number_text(1.37e7, 3) == "1.37e7"


# -- exact values, ties, sizes ---------------------------------------------------------------

def test_values_are_read_exactly():
    third = sp.Float(1, 50) / 3
    p, q = exact_ratio(third)
    assert Fraction(p, q) == Fraction(*sp.Rational(third).as_numer_denom())  # a Float's binary value
    assert exact_ratio(0.1) == (0.1).as_integer_ratio() and exact_ratio(Decimal("0.1")) == (1, 10)
    assert exact_ratio(mpmath.mpf(-0.75)) == (-3, 4) and exact_ratio(sp.Rational(-2, 6)) == (-1, 3)
    assert exact_ratio(sp.sqrt(2)) is not None and exact_ratio(7) == (7, 1)
    for not_real in (float("inf"), float("nan"), sp.oo, sp.nan, sp.zoo, sp.I, mpmath.mpf("inf"), Decimal("NaN"), "1"):
        assert exact_ratio(not_real) is None and rounded(not_real, 3) is None
    assert number_latex(sp.oo, 4) == "oo" and number_text(float("nan")) == "nan"


@pytest.mark.parametrize("value, digits, text", [
    (Fraction(1, 8), 2, "0.12"), (Fraction(3, 8), 2, "0.38"), (Fraction(-1, 8), 2, "-0.12"),
    (Fraction(25, 10**6), 1, "2e-5"), (Fraction(35, 10**6), 1, "4e-5"), (Fraction(5, 2), 1, "2"),
    (Fraction(-15, 10), 1, "-2"), (Fraction(9995, 1000), 3, "10"), (Fraction(99995, 10**10), 4, "1e-5"),
])
def test_ties_go_to_the_even_digit(value, digits, text):
    assert number_text(value, digits) == text
    assert Decimal(text) == oracle(value.numerator, value.denominator, digits)


def test_a_float_tie_is_decided_by_its_binary_value():
    """2.5e-5 is no tie in binary (its float is a little above or below): its digits are the float's."""
    p, q = (2.5e-5).as_integer_ratio()
    assert Fraction(p, q) != Fraction(25, 10**6)
    assert number_text(2.5e-5, 1) == printf(2.5e-5, 1) and Decimal(number_text(2.5e-5, 1)) == oracle(p, q, 1)
    assert number_text(sp.Rational(25, 10**6), 1) == "2e-5"


def test_huge_and_tiny_values():
    third = Fraction(10**400, 3)
    assert number_latex(third, 4) == r"3.333 \times 10^{399}" and number_text(third, 4) == "3.333e399"
    assert number_text(Fraction(1, 10**400), 3) == "1e-400" and number_text(-Fraction(2, 3 * 10**400), 3) == "-6.67e-401"
    assert number_latex(sp.Integer(10) ** 400 / 3, 4) == r"3.333 \times 10^{399}"
    assert number_latex(-sp.Rational(2, 3 * 10**400), 3) == r"-6.67 \times 10^{-401}"
    assert number_latex(sp.exp(1000).evalf(50), 6) == r"1.97007 \times 10^{434}"
    with mpmath.workdps(60):
        assert number_text(sp.exp(1000).evalf(50), 6) == mpmath.nstr(mpmath.exp(1000), 6).replace("+", "")
    for digits in (1, 5, 30):
        for value in (third, Fraction(1, 3 * 10**400), Fraction(-7, 10**4300)):
            expected = oracle(value.numerator, value.denominator, digits)
            assert Decimal(number_text(value, digits)) == expected


def test_negative_zero_is_zero():
    for zero in (-0.0, Decimal("-0"), sp.Float("-0.0"), mpmath.mpf("-0.0"), 0, sp.Integer(0)):
        numeral = rounded(zero, 3, zeros=True)
        assert numeral == Numeral(False, "", 0, True) and numeral.text == "0" and numeral.unit == 0
        assert number_text(zero) == number_latex(zero, 4) == "0"


def test_integers_up_to_15_digits_are_exact_longer_ones_rounded():
    assert number_latex(sp.Integer(123456789012345), 4) == "123456789012345"
    assert number_latex(sp.Integer(-2**70), 30) == str(-2**70)  # within 30 digits: exact
    assert number_latex(sp.Integer(10) ** 400 + 7, 4) == r"1 \times 10^{400}"
    assert number_text(10**15 + 1, 4) == "1e15" and number_text(-(10**16 + 6 * 10**12), 4) == "-1.001e16"
    assert number_text(10**16 + 5 * 10**12, 4) == "1e16"  # a tie: to the even digit
    assert number_text(float(123456), 3) == "1.23e5"  # a float is no exact integer: rounded


def test_thirty_digits_are_thirty_right_digits():
    solution = symback.solve(symback.load_example("neuron"))
    with mpmath.workdps(60):
        expected = mpmath.nstr(1 / (1 + mpmath.exp(-mpmath.mpf(3) / 2)), 30)
    assert number_latex(solution.numbers.values["o"], 30) == expected == "0.817574476193643659607217178656"


def test_floats_are_written_as_printf_writes_them():
    rng = random.Random(1)
    for _ in range(3000):
        value = rng.choice((-1, 1)) * rng.random() * 10.0 ** rng.randint(-12, 25)
        digits = rng.randint(1, 15)
        text = printf(value, digits)
        assert number_text(value, digits) == text, (value, digits)
        assert number_latex(value, digits) == text.replace("e", r" \times 10^{") + ("}" if "e" in text else "")
        if not value.is_integer():  # (an integral Rational is an Integer: shown in full)
            assert number_text(sp.Rational(value), digits) == text  # the same exact value as a Rational


def test_a_float_is_rounded_from_its_binary_value_as_through_a_rational():
    """The short cut for a Float (its mpmath tuple) gives the digits of its exact Rational, at every
    size, sign and precision, ties included."""
    rng = random.Random(3)
    values = [sp.Float(0), sp.Float("-0.0"), sp.Float("0.125"), sp.Float("-5.4125", 50), sp.Float(2) ** 80,
              sp.Float("1e-400", 50), sp.Float("9.99995", 30), sp.Float(1, 50) / 3]
    for _ in range(500):
        mantissa = rng.uniform(-10, 10)
        values.append(sp.Float(mantissa, rng.choice([15, 30, 50])) * sp.Float(10, 50) ** rng.randint(-30, 30))
    fast = [(number_latex(v, digits), digits) for v in values for digits in (1, 4, 6, 30)]
    general = [(rounded(sp.Rational(v), digits).latex, digits) for v in values for digits in (1, 4, 6, 30)]
    assert fast == general


# -- answers: significant zeros, units, ties -------------------------------------------------

@pytest.mark.parametrize("value, digits, text, unit", [
    (Fraction(1, 2), 3, "0.500", "0.001"), (Fraction(9996, 1000), 3, "10.0", "0.1"), (Fraction(-1, 8), 2, "-0.12", "0.01"),
    (Fraction(123), 3, "1.23e2", "1"), (Fraction(-12345678, 10), 3, "-1.23e6", "1E+4"), (Fraction(1, 8000), 3, "0.000125", "0.000001"),
])
def test_an_answer_keeps_its_significant_zeros(value, digits, text, unit):
    numeral = rounded(value, digits, zeros=True)
    assert numeral.text == text and numeral.unit == Decimal(unit) and numeral.tolerance == Decimal(unit) / 2
    assert Decimal(text) == oracle(value.numerator, value.denominator, digits)


def test_half_away_from_zero_is_the_decimal_modules_half_up():
    rng = random.Random(7)
    for _ in range(2000):
        p, q = rng.randrange(-10**6, 10**6), rng.choice((8, 16, 100, 1000, 40, 3, 7))
        digits = rng.randint(1, 5)
        if p:
            assert rounded(Fraction(p, q), digits, away=True).value == oracle(p, q, digits, decimal.ROUND_HALF_UP)


def test_tie_distance():
    assert tie_distance(Fraction(1235, 10000), 3) == 0 and tie_distance(Fraction(12349, 100000), 3) == Fraction(1, 100)
    assert tie_distance(Fraction(1234, 10000), 3) == Fraction(1, 10) and tie_distance(Fraction(123, 1000), 3) == Fraction(1, 2) and tie_distance(0, 3) is None
    assert tie_distance(-2.5e-5, 1) == abs(Fraction(2.5e-5) * 10**5 - Fraction(5, 2))


def test_exact_decimals():
    assert exact_decimal(sp.Rational(1, 20)) == "0.05" and exact_decimal(sp.Rational(-5, 4)) == "-1.25"
    assert exact_decimal(sp.Rational(1, 3)) is None and exact_decimal(sp.Float(0.5)) is None
    assert exact_decimal(sp.Rational(1, 2**31), places=30) is None and exact_decimal(0) == "0"
    rng = random.Random(11)
    for _ in range(500):
        value = Fraction(rng.randrange(-10**9, 10**9), 2 ** rng.randrange(0, 40) * 5 ** rng.randrange(0, 40))
        assert Fraction(exact_decimal(value)) == value and "e" not in exact_decimal(value)


def test_messages_write_short_fractions_no_decimal_ends():
    assert number_text(sp.Rational(1, 3), fractions=True) == "1/3" and number_text(sp.Rational(409, 500), fractions=True) == "0.818"
    assert number_text(sp.Rational(7, 4), fractions=True) == "1.75" and number_text(sp.Rational(1, 3000007), fractions=True) \
        == f"{oracle(1, 3000007, 6):e}".replace("e-07", "e-7")
    assert number_text(mpmath.mpf(1), fractions=True) == "1"


# -- JSON ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(sp.Rational(1, 4), 0.25), (sp.Integer(2**53), 2**53),
                                             (sp.Integer(2**53 + 1), float(2**53 + 1)),
                                             (sp.Integer(10) ** 400, None), (sp.Rational(1, 10**320), None),
                                             (float("nan"), None), (sp.Float("1e-300", 50), 1e-300),
                                             (Fraction(4, 2), 2), (mpmath.mpf(2), 2.0)])
def test_json_numbers(value, expected):
    assert json_number(value) == expected and type(json_number(value)) is type(expected)


def test_exact_text():
    assert exact_text(sp.Rational(1, 10**400)) == "1/1" + "0" * 400 and exact_text(sp.Integer(-3)) == "-3"
    with mpmath.workdps(60):
        big = sp.exp(1000).evalf(50)
        assert exact_text(big) == mpmath.nstr(mpmath.exp(1000), 50).replace("+", "")
    assert float(exact_text(0.1)) == 0.1 and exact_text(mpmath.mpf(0.5)) == "0.5"


# -- properties: typed back, the text is within half a unit of the exact value ----------------

rationals = st.fractions(max_denominator=10**30).filter(bool) | st.builds(
    lambda p, q, k: Fraction(p, q) * Fraction(10) ** k, st.integers(-10**40, 10**40).filter(bool),
    st.integers(1, 10**20), st.integers(-500, 500))


@CASES
@given(rationals, st.integers(1, 40))
def test_plain_and_latex_text_read_back_within_half_a_unit(value, digits):
    numeral = rounded(value, digits)
    unit = Fraction(numeral.unit)
    assert abs(parsed(numeral.text) - value) <= unit / 2 and parsed(numeral.latex) == parsed(numeral.text)
    assert parsed(numeral.text) == numeral.value == oracle(value.numerator, value.denominator, digits)
    answer = rounded(value, digits, zeros=True)
    assert parsed(answer.text) == numeral.value and Decimal(answer.text.partition("e")[0]).as_tuple().digits \
        == tuple(map(int, answer.digits))  # every significant digit written


@CASES
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 17))
def test_floats_read_back_within_half_a_unit(value, digits):
    numeral = rounded(value, digits)
    assert abs(parsed(numeral.text) - Fraction(value)) <= Fraction(numeral.unit) / 2  # (Fraction(float): exact)
    if value:
        assert number_text(value, digits) == printf(value, digits)
