"""checking.acceptance: the one rule for a numeric answer, the same in grade and in the Moodle export.

The oracle is Python's decimal module: the key is the value rounded half-even to the asked digits, its
window the key ± half a unit of its last digit, as Moodle's numerical question accepts a response.
"""
import random
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

import pytest
import sympy as sp

import symback
from symback.checking.acceptance import (BLANK, CORRECT, NOT_A_NUMBER, TOO_FEW_DIGITS, accepts, judge, read_answer)
from symback.engine.vary import round_answer


def key_of(value: Fraction, digits: int) -> tuple[Decimal, Decimal]:
    """(key, tolerance) by the decimal module."""
    exact = Context(prec=60).divide(Decimal(value.numerator), Decimal(value.denominator))
    key = Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(exact)
    return key, Decimal(1).scaleb(key.adjusted() - digits + 1) / 2


@pytest.mark.parametrize("text, value, digits", [
    ("0.0522", "0.0522", 3), ("-0.0522", "-0.0522", 3), ("\u22120.0522", "-0.0522", 3), ("+0.0522", "0.0522", 3),
    ("5.22e-2", "0.0522", 3), ("5.22E-2", "0.0522", 3), ("5.22×10^-2", "0.0522", 3), ("5.22·10^(-2)", "0.0522", 3),
    ("1 370 000", "1370000", 7), ("1\u2009370\u202f000", "1370000", 7), (" 0.500 ", "0.5", 3), (".25", "0.25", 2),
    ("13700000", "13700000", 8), ("0", "0", 0), ("-0.000", "0", 0),
])
def test_numbers_are_read_as_people_write_them(text, value, digits):
    number = read_answer(text)
    assert number is not None and number.value == Fraction(value) and number.digits == digits


@pytest.mark.parametrize("text", ["o", "2*(o - t)*o*(1 - o)*i1", "1/2", "0,406", "sqrt(-1)", "0.5 0.6", "1e999999999",
                                  "--1", "0x10", "1e", "", "nan", "inf", "½"])
def test_anything_else_is_not_a_number(text):
    assert read_answer(text) is None


def test_the_verdicts_of_the_rule():
    key = round_answer(sp.Rational(522359, 10 ** 7), 3)   # 0.0522359 -> 0.0522
    assert judge("", key, 3).verdict == BLANK and judge("  ", key, 3).verdict == BLANK
    assert judge("0.0522", key, 3).verdict == CORRECT and judge("\u22120.0522", key, 3).verdict is None
    assert judge("0.05", key, 3).verdict == TOO_FEW_DIGITS     # Moodle rejects it too: |0.05 - 0.0522| > 0.00005
    assert judge("0.052", key, 3).verdict == TOO_FEW_DIGITS
    assert judge("0.0523", key, 3).verdict is None             # outside the window: for the grader
    assert judge("0.05224", key, 3).verdict == CORRECT and judge("0.05226", key, 3).verdict is None
    comma = judge("0,0522", key, 3)
    assert comma.verdict == NOT_A_NUMBER and comma.hint == "decimal_comma"
    assert judge("o", key, 3).verdict == NOT_A_NUMBER and judge("o", key, 3).hint is None
    big = round_answer(sp.Integer(13712345), 3)                # 1.37e7 at 3 digits: any magnitude
    assert judge("13700000", big, 3).verdict == CORRECT and judge("1.37e7", big, 3).verdict == CORRECT
    assert judge("1.37×10^7", big, 3).verdict == CORRECT and judge("1.38e7", big, 3).verdict is None
    zero = round_answer(sp.Integer(0), 3)
    assert judge("0", zero, 3).verdict == CORRECT and judge("0.001", zero, 3).verdict is None


def test_the_window_is_the_decimal_modules_on_random_values():
    rng = random.Random(26)
    checked = 0
    for _ in range(3000):
        digits = rng.randint(1, 6)
        value = Fraction(rng.randint(-10 ** 9, 10 ** 9), 10 ** rng.randint(0, 14))
        if value == 0:
            continue
        key, tolerance = key_of(value, digits)
        numeral = round_answer(sp.Rational(value.numerator, value.denominator), digits)
        assert Decimal(numeral.text) == key
        for offset in (-tolerance * 2, -tolerance, -tolerance / 2, 0, tolerance / 3, tolerance, tolerance * 3 / 2):
            response = key + offset
            inside = abs(response - key) <= tolerance
            assert accepts(Fraction(response), numeral) is inside
            checked += 1
    assert checked > 15000


def test_grade_accepts_exactly_what_the_exported_moodle_question_accepts(tmp_path):
    """Every response with the asked digits: grade says correct iff Moodle's answer ± tolerance holds it."""
    spec = symback.example_path("exercise_neuron")
    ex = symback.exercise(spec, variants=6, seed=11, name="example:exercise_neuron")
    from symback.documents.moodle import moodle_xml

    root = ET.fromstring(moodle_xml(ex))
    rng = random.Random(7)
    compared = 0
    for question in root.iter("question"):
        if question.get("type") != "numerical":
            continue
        answer = Decimal(question.find("answer/text").text)
        tolerance = Decimal(question.find("answer/tolerance").text)
        numeral = round_answer(sp.Rational(str(answer)), ex.digits)
        assert Decimal(numeral.text) == answer
        for _ in range(40):
            response = answer + tolerance * Decimal(rng.randint(-300, 300)) / 100
            text = format(response, "f")
            judged = judge(text, numeral, ex.digits)
            if judged.verdict == TOO_FEW_DIGITS:
                continue
            assert (judged.verdict == CORRECT) is (abs(response - answer) <= tolerance), (text, answer, tolerance)
            compared += 1
    assert compared > 100
