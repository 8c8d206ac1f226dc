"""Numbers are read from their text and written as strict JSON (their display: test_numerals.py).

Also: training that diverges stops with one line, and the names e and pi are the user's.
Oracles: Python's fractions module and mpmath at 60 digits.
"""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy as sp

import symback
from symback.documents.plain import plain
from symback.documents.printing import latex
from symback.engine.errors import EvaluationError, FormulaError, SpecError
from symback.engine.expr import symbol
from symback.engine.limits import DEFAULTS
from symback.engine.literals import LiteralProblem, read_decimal


def _spec(tmp_path, text: str):
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return symback.load_spec(path)


# -- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1e-400", "1.00000000000000000001", "-2.5e+300", "0.1", "1_000.25", ".5", "7.",
                                  "123456789012345678901234567890e-50", "0e99", "-0.0"])
def test_a_decimal_is_read_exactly_from_its_text(text):
    assert read_decimal(text) == sp.Rational(Fraction(text.replace("_", "")))


def test_toml_values_are_read_from_their_text_not_through_float64(tmp_path):
    spec = _spec(tmp_path, 'loss = "L"\nlearning_rate = 1e-400\n[inputs]\nx = 1e-400\ny = 1.00000000000000000001\n'
                           '[params]\nw = 2\n[nodes]\nL = "w*x + y"\n')
    assert dict(spec.inputs) == {"x": sp.Rational(1, 10**400), "y": 1 + sp.Rational(1, 10**20)}
    assert spec.learning_rate == sp.Rational(1, 10**400)
    solution = symback.solve(spec)
    assert solution.loss == 2 * sp.Rational(1, 10**400) + 1 + sp.Rational(1, 10**20)
    assert solution.gradients["w"] == sp.Rational(1, 10**400)  # float64 would say 0


def test_formula_literals_are_read_from_their_text():
    x = symbol("x")
    parsed = symback.parse_formula("1e-400*x + 1.00000000000000000001 - 2^-3", {"x": x}).expr
    assert parsed == sp.Rational(1, 10**400) * x + 1 + sp.Rational(1, 10**20) - sp.Rational(1, 8)
    assert symback.parse_formula("1e999", None).expr == sp.Integer(10) ** 999  # a float would be inf
    assert symback.parse_formula("0x10", None).expr == 16


@pytest.mark.parametrize("text", ["1e999999999*x", "1e-5000", "1." + "3" * 61])
def test_huge_written_numbers_are_refused_with_the_limit(text, tmp_path):
    with pytest.raises(FormulaError) as caught:
        symback.parse_formula(text, None)
    assert "\n" not in caught.value.line() and ("limit" in caught.value.line() or "at most" in caught.value.line())
    with pytest.raises(SpecError) as caught:
        _spec(tmp_path, f'loss = "L"\n[inputs]\nx = {text.removesuffix("*x")}\n[nodes]\nL = "x"\n')
    assert "inputs.x" in caught.value.line()


def test_the_digit_cap_is_the_commands_and_names_how_to_raise_it():
    with pytest.raises(LiteralProblem) as caught:
        read_decimal(f"1e{DEFAULTS.digits}")
    assert str(DEFAULTS.digits) in caught.value.message and "--max-digits" in caught.value.fix
    assert read_decimal(f"1e{DEFAULTS.digits - 1}") == sp.Integer(10) ** (DEFAULTS.digits - 1)


@pytest.mark.parametrize("text", ["inf", "nan", "-inf"])
def test_toml_non_finite_values_are_refused(tmp_path, text):
    with pytest.raises(SpecError, match="not finite"):
        _spec(tmp_path, f'loss = "L"\n[inputs]\nx = {text}\n[nodes]\nL = "x"\n')




# -- training --------------------------------------------------------------------------------

@pytest.mark.parametrize("formula, steps", [("log(w)*x", 20), ("w^4*x", 50)])
def test_diverging_training_stops_with_one_line(tmp_path, formula, steps):
    spec = _spec(tmp_path, f'loss = "L"\nlearning_rate = 10\nsteps = {steps}\n[inputs]\nx = 1.5\n'
                           f'[params]\nw = 1.5\n[nodes]\nL = "{formula}"\n')
    solution = symback.solve(spec)
    with pytest.raises(EvaluationError) as caught:
        solution.history
    line = caught.value.line()
    assert "\n" not in line and "diverged" in line and "learning_rate" in line
    # the oracle: the same SGD in plain Python floats, stopped at the first non-finite loss
    w, losses = 1.5, []
    loss = (lambda w: math.log(w) * 1.5) if formula.startswith("log") else (lambda w: w**4 * 1.5)
    slope = (lambda w: 1.5 / w) if formula.startswith("log") else (lambda w: 6 * w**3)
    for _ in range(steps + 1):
        try:
            value = loss(w)
        except (ValueError, OverflowError):
            break
        if not math.isfinite(value):
            break
        losses.append(value)
        w -= 10 * slope(w)
    mantissa, _, exponent = f"{losses[-1]:.6g}".partition("e")  # printf, in symback's exponent form (1e111)
    assert f"after step {len(losses)} of {steps}" in line and mantissa + (f"e{int(exponent)}" if exponent else "") in line


# -- names -----------------------------------------------------------------------------------

def test_e_and_pi_are_user_names_and_eulers_number_is_exp_1(tmp_path):
    spec = _spec(tmp_path, 'loss = "L"\n[inputs]\nE = 3\n[params]\npi = 2\n[nodes]\ne = "pi*E"\n'
                           'L = "e^2 + exp(1)*e"\n')
    solution = symback.solve(spec)
    assert abs(solution.loss - (36 + 6 * sp.E)) < 1e-45  # e is the user's node (6), exp(1) is Euler's number
    assert abs(solution.gradients["pi"] - (2 * 6 + sp.E) * 3) < 1e-45
    data = solution.to_json()
    assert "exp(1)" in data["symbolic"]["nodes"]["L"] and "E" not in data["symbolic"]["nodes"]["L"]
    assert r"\exp\left(1\right)" in data["symbolic"]["latex"]["nodes"]["L"]
    assert plain(sp.E * symbol("E")) == "exp(1)*E"
    assert latex(sp.E) == r"\mathrm{e}" and latex(sp.E * symbol("e")) == r"\exp\left(1\right) e"
    # Euler's number without the user's e in sight is upright: it cannot read as a parameter called e
    assert solution.gradient("e") == 2 * symbol("e") + sp.E and plain(solution.gradient("e")) == "2*e + exp(1)"
    assert latex(2 * symbol("x") + sp.E) == r"2 x + \mathrm{e}"


# -- grad ------------------------------------------------------------------------------------

