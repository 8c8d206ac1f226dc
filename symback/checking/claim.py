"""A claim about a problem: its verdicts, results and reports, and how its written number is read.

A number is right when it is within half a unit of its last written digit of the exact value
(:func:`within`); :func:`unit` and :func:`expression_unit` give that unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import mpmath
import sympy as sp

from symback.checking.equivalence import PROBE_DPS
from symback.checking.sweep import Quantity, mp_value as _mp
from symback.engine.errors import SymbackError
from symback.engine.numerals import number_text

if TYPE_CHECKING:
    from symback.checking.mutations import Misconception
    from symback.engine.solution import Solution

CORRECT, NUMERIC, CARRIED, UNDECIDED = "correct", "numeric", "rounding-carried", "undecided"
UNPROVED = "unproved"   #: equal at every probe, but a kink's other side never probed and no proof: not right
RIGHT = frozenset({CORRECT, NUMERIC, CARRIED})   #: verdicts that count as right (exit code 0)
CARRY_DIGITS = range(2, 7)   #: significant digits a hand computation may round its intermediates to
PROBES = 10                  #: probe points for a formula claim (the problem's own point first)

DERIVATIVE = re.compile(r"(?:d|∂)\s*\(?\s*([A-Za-z]\w*)\s*\)?\s*/\s*(?:d|∂)\s*\(?\s*([A-Za-z]\w*)\s*\)?\Z")
UPDATED = re.compile(r"([A-Za-z]\w*?)(?:\s*['’⁺]|_new)\Z")
DIGIT_RUNS = re.compile(r"\d+")
DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")

Detail = tuple[str, Mapping[str, str]]   #: a message key of ``[verify]`` and its arguments


@dataclass(frozen=True)
class ClaimResult:
    """One checked claim."""

    name: str                 #: the left side as written
    claimed: str              #: the right side as written
    quantity: Quantity
    verdict: str              #: correct, numeric, rounding-carried, wrong, unproved (a kink unprobed), undecided
    actual: sp.Expr           #: the exact (or 50-digit) value at the problem's point
    formula: sp.Expr | None   #: the engine's formula, for a formula claim
    claimed_expr: sp.Expr | None  #: the claim as written (unevaluated), for printing
    details: tuple[Detail, ...]
    counterexample: Mapping[str, sp.Expr] | None = None  #: leaf values where a formula claim fails
    echo: str | None = None   #: a LaTeX claim as symback read it (plain syntax), to confirm
    misconception: "Misconception | None" = None  #: the named mistake that explains a wrong claim

    @property
    def right(self) -> bool:
        return self.verdict in RIGHT


@dataclass(frozen=True)
class ClaimsReport:
    """Every claim about one problem, checked."""

    solution: "Solution"
    results: tuple[ClaimResult, ...]
    budget: float

    @property
    def wrong(self) -> tuple[ClaimResult, ...]:
        return tuple(r for r in self.results if not r.right)


def parse_claim(text: str, where: str = "--claim") -> tuple[str, str]:
    """``"dL/dw1 = 0.488"`` -> ``("dL/dw1", "0.488")``."""
    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise SymbackError(where, f"'{text}' is not 'name = value'", 'write e.g. --claim "dL/dw1 = 0.488"')
    return left.strip(), right.strip()


def unit(text: str) -> sp.Rational:
    """The place value of a decimal's last digit (0 for an integer: integers are claimed exactly)."""
    match = DECIMAL.match(text)
    mantissa, exponent = match.group(1), int((match.group(2) or "e0")[1:])
    if "." not in mantissa and exponent >= 0:
        return sp.S.Zero
    decimals = len(mantissa.partition(".")[2])
    return sp.Integer(10) ** (exponent - decimals)


def expression_unit(text: str, value: sp.Expr) -> sp.Expr:
    """Arithmetic with decimals is as precise as its most precise literal (relative to the result)."""
    decimals = [m.group(0) for m in re.finditer(r"\d*\.\d+|\d+\.\d*", text)]
    if not decimals or value == 0:
        return sp.S.Zero
    digits = max(len(d.replace(".", "").lstrip("0")) for d in decimals)
    exponent = int(mpmath.floor(mpmath.log10(abs(_mp(value)))))
    return sp.Integer(10) ** (exponent - digits + 1)


def within(actual, claimed: sp.Expr, unit: sp.Expr) -> bool:
    """|actual - claimed| <= unit / 2 (exact equality when unit is 0), at 80 digits (a written number
    has at most 60); an exact actual value and an exact claim are compared exactly: ``L = 0`` is
    wrong when L is 10^-400."""
    if unit == 0 and isinstance(actual, sp.Rational) and isinstance(claimed, sp.Rational):
        return actual == claimed
    with mpmath.workdps(2 * PROBE_DPS):
        difference = abs(_mp(actual) - _mp(claimed))
        if unit == 0:
            return difference <= mpmath.mpf(10) ** (-PROBE_DPS + 5) * max(1, abs(_mp(claimed)))
        return difference <= _mp(unit) / 2 * (1 + mpmath.mpf(10) ** -20)


def show(value, digits: int = 6) -> str:
    """A number for a detail line (:func:`symback.engine.numerals.number_text`): integers and short
    fractions that no decimal ends exactly, else ``digits`` (at least 6) significant digits, so that
    "the exact value 0.0821670412 rounds to 0.082167041" shows why."""
    return number_text(value, max(6, digits), fractions=True)


def significant(text: str) -> int:
    """Significant digits written in a decimal (``0.0820`` has 3); 0 when ``text`` is no plain decimal."""
    match = DECIMAL.match(text.strip())
    return len(match.group(1).replace(".", "").lstrip("0")) if match else 0
