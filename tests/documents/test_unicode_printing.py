"""Formulas as one line of Unicode: the notation students read in terminals, JSON and feedback."""
import pytest
import sympy as sp

from symback.documents.unicode_printing import unicode_formula, unicode_number
from symback.engine import functions as fn

o, t, a, y, x, z = sp.symbols("o t a y x z", real=True)
w, delta, eta = sp.Symbol("w2_2_1", real=True), sp.Symbol("delta2_2", real=True), sp.Symbol("eta", real=True)


@pytest.mark.parametrize("expr, text", [
    (o * (1 - o), "o(1 − o)"),
    (1 - a ** 2, "1 − a²"),
    (y - t, "y − t"),
    (t - y, "t − y"),
    (-x, "−x"),
    (w * delta, "δ2_2·w2_2_1"),
    (2 * o, "2o"),
    (2 * x * y, "2x·y"),
    (fn.sigmoid(z) * (1 - fn.sigmoid(z)), "σ(z)(1 − σ(z))"),
    (sp.tanh(z), "tanh(z)"),
    (fn.relu(z), "ReLU(z)"),
    ((y - t) ** 2 / 2, "(y − t)²/2"),
    (x / (1 + sp.exp(-x)), "x/(1 + exp(−x))"),
    (1 / x, "1/x"),
    (sp.sqrt(x), "√x"),
    (x ** sp.Rational(1, 3), "x^(1/3)"),
    (3 * x / (2 * y), "3x/(2y)"),
    (sp.Rational(-1, 2), "−1/2"),
    (eta, "η"),
    (sp.Symbol("gamma2_1") * sp.Symbol("xh2_1_s3"), "gamma2_1·x̂2_1_s3"),
    (sp.Symbol("xh") + sp.Symbol("xhat"), "x̂ + xhat"),
    (sp.Float("0.48775332971", 30) * x, "0.4878x"),
])
def test_one_line_of_unicode(expr, text):
    assert unicode_formula(expr) == text


def test_numbers_in_unicode():
    assert unicode_number(r"-1.25 \times 10^{-5}") == "−1.25×10⁻⁵"
    assert unicode_number(r"3.2 \times 10^{12}") == "3.2×10¹²"
    assert unicode_number("-0.0381") == "−0.0381"
