"""checking.links: each link of hand work (formula to formula, substitution, arithmetic, value) and its verdict.

Every expected number is computed here with mpmath from the seed 000 neuron (l1 = w1 i1 + w2 i2,
o = σ(l1), L = (t − o)², i1 = 2, i2 = 5, t = 0, w1 = 0.5, w2 = 0.1, η = 1), never read from symback.
"""
from fractions import Fraction

import mpmath

from symback.checking.equivalence import NUMERIC, PROVED, WRONG
from symback.checking.homework import verify_homework
from symback.checking.steps import FOLLOW_ON, GIVEN, ROUNDED

mpmath.mp.dps = 40
O = 1 / (1 + mpmath.exp(-mpmath.mpf("1.5")))        # o = σ(0.5·2 + 0.1·5)
DL_DO = 2 * (O - 0)                                 # 2(o − t)
DL_DL1 = DL_DO * O * (1 - O)
DL_DW1, DL_DW2 = DL_DL1 * 2, DL_DL1 * 5


def rounds(value, text) -> bool:
    """Whether ``value`` rounds to the decimal ``text`` at its last written digit."""
    decimals = len(text.partition(".")[2])
    return abs(value - mpmath.mpf(text)) <= mpmath.mpf(10) ** -decimals / 2


def test_the_reference_values_are_the_seeds():
    assert rounds(O, "0.8176") and rounds(DL_DW1, "0.4878") and rounds(DL_DW2, "1.219")


def test_proved_formulas_and_exact_arithmetic(neuron, verdicts):
    assert verdicts("l1 = w1 i1 + w2 i2 = 0.5·2 + 0.1·5 = 1.5", neuron) == ([PROVED], [None])
    assert verdicts("dL/dw1 = dL/do · do/dl1 · dl1/dw1 = 2(o − t) · o(1 − o) · i1", neuron) == ([PROVED], [None])
    assert verdicts("o = σ(l1) = 1/(1 + exp(−l1))", neuron) == ([PROVED], [None])


def test_numeric_when_no_proof_is_found(neuron, monkeypatch, verdicts):
    import symback.checking.links as links
    monkeypatch.setattr(links, "_expands_equal", lambda a, b: False)
    monkeypatch.setattr(links.ClaimChecker, "prove", lambda self, a, b: False)
    assert verdicts("do/dl1 = exp(−l1)/(1 + exp(−l1))²", neuron)[0] == [NUMERIC]


def test_rounded_as_people_round(neuron, verdicts):
    assert rounds(O, "0.8176") and not O == mpmath.mpf("0.8176")
    assert verdicts("o = σ(1.5) = 0.8176", neuron)[0] == [ROUNDED]
    assert verdicts("σ(1.5)\n= 1/(1 + exp(−1.5))\n= 0.8176", neuron)[0] == [GIVEN, PROVED, ROUNDED]  # a chain
    # 1.636 is 2 × the student's 0.818, not the exact 2σ(1.5) rounded: still right
    assert not rounds(DL_DO, "1.636") and 2 * mpmath.mpf("0.818") == mpmath.mpf("1.636")
    assert verdicts("o = 0.818\ndL/do = 2(o − t) = 1.636", neuron)[0] == [ROUNDED, ROUNDED]
    # a number computed exactly from rounded ones is as precise as they are (0.2439 · 5 = 1.2195)
    assert not rounds(DL_DW2, "1.2195") and rounds(DL_DL1, "0.2439")
    assert verdicts("dL/dw2 = dL/dl1 · i2 = 0.2439 · 5 = 1.2195", neuron)[0] == [ROUNDED]
    # partly substituted: 0.2439 stands for dL/dl1
    assert verdicts("dL/dw1 = 0.2439 · i1 = 0.4878", neuron)[0] == [ROUNDED]


def test_follow_on_carries_the_students_own_wrong_number(neuron, verdicts):
    assert not rounds(DL_DL1, "0.250") and not rounds(DL_DW1, "0.500") and not rounds(mpmath.mpf("0.5") - DL_DW1, "0.000")
    text = "dL/dl1 = 0.250\ndL/dw1 = dL/dl1 · i1 = 0.250 · 2 = 0.500\nw1' = w1 − η·dL/dw1 = 0.5 − 0.500 = 0.000"
    report = verify_homework(text, neuron)
    assert [s.verdict for s in report.steps] == [WRONG, FOLLOW_ON, FOLLOW_ON]
    assert report.first_wrong == 1  # only the first error counts
    assert "line 1" in report.steps[2].details[0][0] or report.steps[2].details[0][1]["lines"] == "1"
    # the same downstream answer without the wrong upstream line is plain wrong
    assert verdicts("dL/dw1 = 0.500", neuron)[0] == [WRONG]


def test_arithmetic_and_named_misconceptions(neuron, verdicts):
    assert 5 * Fraction("0.2438") == Fraction("1.219")
    assert verdicts("dL/dw2 = 0.2438 · 5 = 1.291", neuron) == ([WRONG], ["arithmetic"])
    assert verdicts("dL/dw1 = dL/dl1 · i2", neuron) == ([WRONG], ["wrong_input"])
    assert verdicts("w1' = w1 + η · dL/dw1", neuron) == ([WRONG], ["gradient_ascent"])
    assert verdicts("do/dl1 = l1(1 − l1)", neuron) == ([WRONG], ["derivative_at_wrong_point"])
    assert verdicts("dL/dl1 = 2(o − t)", neuron) == ([WRONG], ["missing_activation_derivative"])
    assert verdicts("dL/do = o − t", neuron) == ([WRONG], ["constant_factor"])
    wrong_shift = mpmath.nstr(10 * DL_DW2, 4)
    assert verdicts(f"dL/dw2 = {wrong_shift}", neuron) == ([WRONG], ["decimal_shift"])
