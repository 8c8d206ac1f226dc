"""One link of hand work checked: a formula against the one before it, a number at its written digits.

A homework line ``dL/dw1 = dL/dl1 · i1 = 0.2439 · 2 = 0.4878`` is a chain of links. A formula next to a
formula is compared with the problem's structure: every quantity (``dL/dl1``) stands for the engine's
formula in a proof and for the sweep's value at each probe point (:meth:`Links.formula`). A formula next
to a number is a substitution (:meth:`Links.substitution`), a number next to a number arithmetic
(:meth:`Links.arithmetic`): both judged from the student's own numbers, at the digits the right side is
written with. A number is also compared with the engine's value of the line's quantity
(:meth:`Links.value`): ``rounded`` when it rounds from it or from a hand computation with the student's
right numbers, ``follow-on`` when only the student's wrong numbers carried forward give it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import mpmath
import sympy as sp

from symback.checking.claim import CARRY_DIGITS, DECIMAL, PROBES, Detail, expression_unit, show, unit, within
from symback.checking.equivalence import (NUMERIC, PROBE_DPS, PROVED, UNDECIDED, WRONG, Comparison, close,
                                         exact_difference, exactly_different, lambdify_mp, precision, probe, scales)
from symback.checking.kinks import crossing_points, kinks, uncovered
from symback.checking.mutations import Misconception, named
from symback.checking.steps import FOLLOW_ON, GIVEN, ROUNDED
from symback.checking.sweep import Change, Quantity, mp_value, round_significant
from symback.checking.verify import ClaimChecker
from symback.engine.expr import within_size
from symback.engine.graph import expand_nodes

EXPAND_NODES = 200  #: formulas this small (tree nodes) are expanded in process before a proof is forked
RANK = {GIVEN: 0, PROVED: 1, NUMERIC: 2, ROUNDED: 3, FOLLOW_ON: 4, UNDECIDED: 5, WRONG: 6}
_DECIMAL = re.compile(r"\d*\.\d+|\d+\.\d*")


@dataclass(frozen=True)
class Link:
    """The verdict on one link (or on a number against its quantity), why, and the mistake it shows."""

    verdict: str
    details: tuple[Detail, ...] = ()
    misconception: Misconception | None = None
    comparison: Comparison | None = None


@dataclass(frozen=True)
class Written:
    """A number the student wrote for a quantity: its value, the line, and its verdict there."""

    value: sp.Expr
    line: int
    verdict: str

    @property
    def right(self) -> bool:
        return self.verdict not in (WRONG, FOLLOW_ON)


@dataclass
class Student:
    """The student's numbers so far (the last one written for each quantity)."""

    numbers: dict[Quantity, Written] = field(default_factory=dict)

    def carried(self, skip: Quantity, numbers: str) -> dict[Quantity, Written]:
        """The student's numbers a sweep carries: ``none``, the ``right`` ones or ``all`` (``skip``'s own aside)."""
        return {q: w for q, w in self.numbers.items()
                if q != skip and numbers != "none" and (w.right or numbers == "all")}

    def change(self, skip: Quantity, numbers: str) -> Change:
        """A sweep that carries the student's numbers (:meth:`carried`) in place of its own."""
        values, gradients, locals_ = {}, {}, {}
        for quantity, written in self.carried(skip, numbers).items():
            if quantity.kind == "value":
                values[quantity.name] = written.value
            elif quantity.kind == "gradient":
                gradients[quantity.name] = written.value
            elif quantity.kind == "local":
                locals_[(quantity.child, quantity.name)] = ((), lambda v=mp_value(written.value): v)
        return Change(locals=MappingProxyType(locals_), values=MappingProxyType(values),
                      gradients=MappingProxyType(gradients))

    def wrong_lines(self, skip: Quantity) -> list[int]:
        return sorted({w.line for q, w in self.numbers.items() if q != skip and not w.right})




class Links:
    """Checks the links of one problem's homework (the claim checker's sweep, proofs and explainer)."""

    def __init__(self, checker: ClaimChecker, quantities: Mapping[sp.Symbol, Quantity]) -> None:
        self.checker, self.quantities = checker, quantities
        self.graph, self.sweep = checker.graph, checker.sweep
        self._points: dict[tuple, list] = {}
        self._runs: dict[tuple, Mapping | None] = {}

    # -- values -----------------------------------------------------------------------------------
    def exact(self, expr: sp.Expr, student: Student | None = None, digits: int | None = None) -> sp.Expr | None:
        """``expr`` at the problem's point: the student's numbers where written, the engine's elsewhere
        (rounded to ``digits`` significant digits, as a student substitutes them)."""
        values = {}
        for symbol in expr.free_symbols:
            quantity = self.quantities.get(symbol) or Quantity("value", symbol.name)
            written = student.numbers.get(quantity) if student is not None else None
            values[symbol] = written.value if written is not None else self.checker.exact.get(quantity)
            if values[symbol] is None:
                return None
            if digits is not None and written is None and not values[symbol].is_Integer:
                values[symbol] = _rounded(values[symbol], digits)
        return number_value(expr.xreplace(values) if values else expr)

    def at_point(self, expr: sp.Expr):
        """``expr`` as a function of a full probe point (quantities from the sweep's values there)."""
        symbols = sorted(expr.free_symbols, key=lambda s: s.name)
        function = lambdify_mp(symbols, expr.doit())
        getters = [self._getter(s) for s in symbols]
        return lambda p: function(*(g(p) for g in getters))

    def _getter(self, symbol: sp.Symbol):
        quantity = self.quantities.get(symbol)
        if quantity is None:
            return lambda p, n=symbol.name: p[n]
        if quantity.kind == "gradient":
            return lambda p, n=quantity.name: p.get(f"d:{n}", mpmath.mpf(0))
        return self.sweep.target(quantity)

    def engine(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every quantity replaced by the engine's formula (in node symbols)."""
        return expr.xreplace({s: self.checker.engine_formula(q) for s, q in self.quantities.items()
                              if s in expr.free_symbols}).doit()

    def points(self, dps: int, sizes: tuple) -> list:
        if (dps, sizes) not in self._points:
            self._points[(dps, sizes)] = self.checker.points(dps, sizes)
        return self._points[(dps, sizes)]

    # -- links ------------------------------------------------------------------------------------
    def formula(self, quantity: Quantity | None, left: sp.Expr, right: sp.Expr, right_text: str,
                student: Student) -> Link:
        """A formula against a formula: probed with the problem's structure, then proved."""
        a, b = self.engine(left), self.engine(right)
        if quantity is not None and quantity.kind == "value" and left == self.graph.symbols.get(quantity.name):
            a = self.checker.engine_formula(quantity)  # l1 = w1 i1 + w2 i2: the node's own formula
        at_left, at_right = self.at_point(left), self.at_point(right)
        dps = precision(a, b)
        points = self.points(dps, tuple(scales(a, b)))
        symbols, folds = list(self.graph.symbols.values()), kinks(a, b)  # both sides of every kink, or no belief
        if folds:
            points = points + crossing_points(folds, symbols, points,
                                              lambda rng, size: self.checker.candidate(rng, size, dps), self.checker.seed)
        comparison = probe(at_right, at_left, points, (), dps)
        if comparison.verdict != WRONG and (difference := exact_difference(b, a)) is not None:
            comparison = exactly_different(difference, at_right, at_left, points, dps, comparison.points)
        if comparison.verdict == WRONG:
            if _DECIMAL.search(right_text):  # partly substituted (0.2439 · i1): judged at the problem's point
                partly = self.substitution(quantity, left, self.exact(right, student), right_text, student)
                if partly.verdict != WRONG:
                    return partly
            misconception = self.checker.explainer.formula(quantity, at_right, points[:PROBES], dps) \
                if quantity is not None else None
            details = (("step_counterexample", {"left": show(comparison.right), "right": show(comparison.left)}),)
            slip = (comparison.slip,) if comparison.slip and misconception is None else ()  # the named one says more
            return Link(WRONG, details + slip, misconception, comparison)
        if _expands_equal(a, b) or _expands_equal(*(expand_nodes(self.graph, e) for e in (a, b))) \
                or self.checker.prove(b, a):
            return Link(PROVED, (("proved", {}),), comparison=comparison)
        if comparison.verdict != UNDECIDED and (missing := uncovered(folds, symbols, points)):
            return Link(UNDECIDED, (("unproved_kink", {"kink": sp.sstr(missing[0]), "budget": f"{self.checker.budget:g}"}),),
                        comparison=comparison)
        key = UNDECIDED if comparison.verdict == UNDECIDED else NUMERIC
        return Link(key, ((key, {"points": str(comparison.points), "budget": f"{self.checker.budget:g}"}),),
                    comparison=comparison)

    def substitution(self, quantity: Quantity | None, left: sp.Expr, right: sp.Expr, right_text: str,
                     student: Student) -> Link:
        """A formula, then numbers: the formula at the student's numbers, at the right side's digits."""
        mine, engine = self.exact(left, student), self.exact(left)
        rounded = self.exact(left, student, digits=_digits(right_text))  # as the numbers written are rounded
        return self._numbers(quantity, (mine, engine, rounded), right, right_text, student, substituted=True)

    def arithmetic(self, quantity: Quantity | None, left: sp.Expr, right: sp.Expr, right_text: str,
                   student: Student) -> Link:
        """Numbers, then numbers: the right side's value from the left side's, at its digits."""
        return self._numbers(quantity, (left,), right, right_text, student, substituted=False)

    def _numbers(self, quantity, lefts, right, right_text, student, substituted: bool) -> Link:
        unit = written_unit(right_text, right)
        if lefts[0] is not None and _equal(lefts[0], right):
            return Link(PROVED, (("hw.exact", {}),))
        for value in lefts:
            if value is not None and within(value, right, unit):
                return Link(ROUNDED, (("hw.rounds_from", {"value": show(value, _digits(right_text) + 2),
                                                           "claimed": right_text.strip()}),))
        if quantity is not None and self.value(quantity, right, right_text, student).verdict != WRONG:
            return Link(ROUNDED, (("hw.more_precise", {}),))  # from the exact values the shown ones round
        shown = show(lefts[0], _digits(right_text) + 2) if lefts[0] is not None else "?"
        found = self.checker.explainer.number(quantity, right, unit) if substituted and quantity is not None else None
        if found is None:  # the arithmetic misconception's sentence says it all
            return Link(WRONG, (), named("arithmetic", value=shown, claimed=right_text.strip()))
        return Link(WRONG, (("hw.arithmetic", {"value": shown, "claimed": right_text.strip()}),), found)

    def value(self, quantity: Quantity, claimed: sp.Expr, text: str, student: Student) -> Link:
        """A number against the engine's value of ``quantity``: exactly, rounded, carried, follow-on or wrong."""
        exact = self.checker.exact[quantity]
        unit = written_unit(text, claimed)
        shown = {"exact": show(exact, _digits(text) + 2), "claimed": text.strip()}
        if _equal(exact, claimed):
            return Link(PROVED, (("exact", shown),))
        if within(exact, claimed, unit):
            return Link(ROUNDED, (("rounds", shown),))
        for numbers in ("none", "right", "all"):  # hand rounding alone, then with the student's own numbers
            if numbers == "all" and not student.wrong_lines(quantity):
                break
            change = student.change(quantity, numbers)
            for digits in (None,) + tuple(CARRY_DIGITS):
                run = self._run(change, digits, numbers, quantity, student)
                if run is None or quantity not in run or not within(run[quantity], claimed, unit):
                    continue
                if numbers == "all":
                    lines = ", ".join(map(str, self._needed(quantity, claimed, unit, digits, student)))
                    return Link(FOLLOW_ON, (("hw.follow_on", {**shown, "lines": lines}),))
                if digits is None:
                    return Link(ROUNDED, (("hw.own", shown),))
                return Link(ROUNDED, (("carried", {**shown, "digits": str(digits)}),))
        return Link(WRONG, (("wrong_number", shown),), self.checker.explainer.number(quantity, claimed, unit))

    def _needed(self, quantity: Quantity, claimed, unit, digits, student: Student) -> list[int]:
        """The lines of the student's wrong numbers that a follow-on answer needs (each one left out, it fails)."""
        wrong = {q: w for q, w in student.carried(quantity, "all").items() if not w.right}
        needed = []
        for left_out, written in wrong.items():
            others = Student({q: w for q, w in student.numbers.items() if q != left_out})
            run = self._run(others.change(quantity, "all"), digits, "all", quantity, others)
            if run is None or quantity not in run or not within(run[quantity], claimed, unit):
                needed.append(written.line)
        return sorted(set(needed)) or sorted({w.line for w in wrong.values() if w.verdict == WRONG})

    def _run(self, change: Change, digits, numbers: str, quantity: Quantity, student: Student):
        key = (tuple(sorted((q.label, w.value) for q, w in student.carried(quantity, numbers).items())), digits)
        if key not in self._runs:
            try:
                self._runs[key] = self.sweep.run(self.graph.point, digits, change=change)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                self._runs[key] = None
        return self._runs[key]


def number_value(expr: sp.Expr) -> sp.Expr | None:
    """A number expression's value: exact when rational (decimal arithmetic stays exact), else 60 digits;
    None when it is undefined or not real."""
    try:
        expr = expr.doit()
        if expr.is_Rational:
            return expr
        value = sp.N(expr, 60)
    except (ZeroDivisionError, ValueError, TypeError, ArithmeticError):
        return None
    return value if value.is_Float and value.is_finite else None


def _rounded(value: sp.Expr, digits: int) -> sp.Rational:
    """``value`` rounded to ``digits`` significant digits, as an exact decimal."""
    with mpmath.workdps(PROBE_DPS):
        return sp.Rational(mpmath.nstr(round_significant(mp_value(value), digits), digits + 5, strip_zeros=False))


def written_unit(text: str, value: sp.Expr) -> sp.Expr:
    """The place value of a number's last written digit, relative to its value for arithmetic (0: exact)."""
    text = text.strip()
    return unit(text) if DECIMAL.match(text) else expression_unit(text, value) if value != 0 else sp.S.Zero


def _digits(text: str) -> int:
    return max(1, max((len(d.replace(".", "").lstrip("0")) for d in _DECIMAL.findall(text)), default=4))


def _expands_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal after ``expand``, in process (small formulas only: the proof of anything else runs in a child)."""
    return within_size(a, EXPAND_NODES) and within_size(b, EXPAND_NODES) and sp.expand(a - b) == 0


def _equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Exactly equal: equal rationals, or values that agree to the probes' precision (26 digits)."""
    if a.is_Rational and b.is_Rational:
        return a == b
    with mpmath.workdps(PROBE_DPS):
        return close(mp_value(a), mp_value(b))
