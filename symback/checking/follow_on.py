"""Follow-on credit (error carried forward) for a graded row: a wrong answer that is right from the student's own.

A downstream answer is ``follow-on`` when the engine, run with the student's own answers to the other asked
quantities in place of its values (a node's value carried forward, a gradient carried into the update;
quantities nobody asked keep their right values), gives the student's number at the digits it is written
with, exactly or as a hand computation that rounds its intermediates (2 to 6 digits). At least one of those
answers must be wrong, and it must change this one. A blank, a zero or a cell that is not a number is never
carried forward (the known way to game error-carried-forward marking: leave the upstream box empty or 0).

>>> import symback
>>> from symback.checking.verify import ClaimChecker
>>> checker = ClaimChecker(symback.solve(symback.load_example("neuron")), 5, 0)
>>> o, dw1 = Quantity("value", "o"), Quantity("gradient", "w1", "L")
>>> carried_from(checker, dw1, sp.Rational("0.324"), sp.Rational(1, 1000), {o: (sp.Rational("0.9"), False)})
('o',)
"""
from __future__ import annotations

from typing import Mapping

import sympy as sp

from symback.checking.claim import CARRY_DIGITS, within
from symback.checking.sweep import Change, Quantity

Upstream = Mapping[Quantity, tuple[sp.Rational, bool]]  #: asked quantity -> (the student's number, whether right)


def carried_from(checker, quantity: Quantity, claimed: sp.Rational, unit: sp.Expr,
                 upstream: Upstream) -> tuple[str, ...] | None:
    """The labels of the student's wrong answers that ``claimed`` follows from, or None when it does not.

    ``checker``: the variant's :class:`symback.checking.verify.ClaimChecker` (its sweep and problem point);
    ``unit``: the place value of the claim's last written digit; ``upstream``: the student's numeric,
    nonzero answers to the other asked quantities.
    """
    given = {q: v for q, (v, _) in upstream.items() if q != quantity and q.kind in ("value", "gradient") and v != 0}
    wrong = [q for q in given if not upstream[q][1]]
    if not wrong or not _gives(checker, quantity, claimed, unit, given) \
            or _gives(checker, quantity, claimed, unit, {q: v for q, v in given.items() if q not in wrong}):
        return None  # it does not follow from the student's numbers, or it follows without the wrong ones
    right = checker.exact[quantity]
    changing = [q for q in wrong if not _same(_value(checker, quantity, {q: given[q]}), right)]
    return tuple(q.label for q in changing) or tuple(q.label for q in wrong)


def _value(checker, quantity: Quantity, given: Mapping[Quantity, sp.Rational]):
    """``quantity`` from the engine run with ``given`` in place of its own values (None where undefined)."""
    try:
        return checker.sweep.run(checker.graph.point, None, change=_change(given)).get(quantity)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None


def _same(value, right) -> bool:
    """Whether a value run with one wrong answer is still the right value (that answer does not reach it)."""
    return value is not None and within(value, right, 0)


def _change(given: Mapping[Quantity, sp.Rational]) -> Change:
    return Change(values={q.name: v for q, v in given.items() if q.kind == "value"},
                  gradients={q.name: v for q, v in given.items() if q.kind == "gradient"})


def _gives(checker, quantity: Quantity, claimed: sp.Rational, unit: sp.Expr, given: Mapping[Quantity, sp.Rational]) -> bool:
    """Whether the engine run with ``given`` in place of its own values gives ``claimed`` (rounding allowed)."""
    change = _change(given)
    for digits in (None, *CARRY_DIGITS):
        try:
            got = checker.sweep.run(checker.graph.point, digits, change=change).get(quantity)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):  # undefined at the student's numbers
            return False
        if got is not None and within(got, claimed, unit):
            return True
    return False
