"""claim: how a claim is read (its sides, its quantity's spelling) and how a written number's precision is judged."""
import pytest
import sympy as sp

from symback.checking.claim import (DERIVATIVE, RIGHT, UPDATED, expression_unit, parse_claim, significant, unit,
                                    within)
from symback.engine.errors import SymbackError


def test_a_claim_is_split_at_its_first_equals_sign():
    assert parse_claim("dL/dw1 = 0.488") == ("dL/dw1", "0.488")
    assert parse_claim(" o=sigmoid(l1) ") == ("o", "sigmoid(l1)")
    for text in ("dL/dw1 0.488", "= 0.488", "o = "):
        with pytest.raises(SymbackError, match="is not 'name = value'"):
            parse_claim(text)


@pytest.mark.parametrize("text", ["dL/dw1", "d(L)/d(w1)", "∂L/∂w1", "dL / dw1"])
def test_the_readme_spellings_of_a_gradient(text):
    assert DERIVATIVE.match(text).groups() == ("L", "w1")


def test_an_updated_parameter_is_primed_or_new():
    assert [UPDATED.match(t).group(1) for t in ("w1'", "w1’", "w1_new")] == ["w1", "w1", "w1"]
    assert UPDATED.match("w1") is None


def test_the_unit_of_the_last_written_digit():
    assert unit("0.488") == sp.Rational(1, 1000) and unit("1.5e-3") == sp.Rational(1, 10**4)
    assert unit("12") == 0 and unit("2e3") == 0  # integers are claimed exactly
    assert unit("0.8180") == sp.Rational(1, 10**4)  # a trailing zero is a significant digit
    assert significant("0.0820") == 3 and significant("1.22") == 3 and significant("x") == 0


def test_arithmetic_is_as_precise_as_its_most_precise_literal():
    # 0.818 has 3 significant digits, so 2*0.818 = 1.636 is known to 3 digits: to the hundredths
    assert expression_unit("2*0.818", sp.Rational(1636, 1000)) == sp.Rational(1, 100)
    assert expression_unit("0.25*40", sp.Integer(10)) == 1  # 0.25: 2 significant digits, and 10 has them to the ones
    assert expression_unit("2*3", sp.Integer(6)) == 0


def test_within_half_a_unit_and_exactly_for_exact_claims():
    exact = sp.Rational(487753, 10**6)
    assert within(exact, sp.Rational(488, 1000), sp.Rational(1, 1000))        # 0.487753 rounds to 0.488
    assert not within(exact, sp.Rational(487, 1000), sp.Rational(1, 1000))
    assert not within(sp.Rational(1, 10**400), sp.Integer(0), sp.Integer(0))  # L = 0 is wrong at 10^-400
    assert within(sp.Rational(1, 4), sp.Rational(1, 4), sp.Integer(0))
    assert RIGHT == {"correct", "numeric", "rounding-carried"}
