"""Checked derivations: lines, routes, and the check that each line equals the one before.

:func:`check_chain` checks every step twice, by probing at random exact points with 40-digit
arithmetic and by a SymPy proof (:func:`symback.checking.equivalence.prove_equal`) that the
difference is zero.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from symback.checking.equivalence import prove_equal


class ChainError(Exception):
    """A derivation failed its own check: a bug in this module, never a user error."""


@dataclass(frozen=True)
class Line:
    """One line of a derivation: an expression and the rule that gets it from the previous line."""

    expr: sp.Expr
    reason: str
    assumed: bool = False  #: the step uses the identity's assumptions (checked under ``given``)


@dataclass(frozen=True)
class Route:
    """One derivation of an identity, with a title; its first line is its left-hand side."""

    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Identity:
    """A derived identity: its main route ``lines`` (starting at ``lhs``), further ``routes``, and
    optionally a tempting ``wrong`` route whose end differs from the truth at ``counterexample``.

    ``given`` substitutes the assumptions (``t3 = 1 - t1 - t2`` for Sigma t = 1) into the steps
    marked ``assumed``, and into the comparison at the counterexample."""

    name: str
    title: str
    lhs: sp.Expr
    lines: tuple[Line, ...]
    conclusion: str
    assumptions: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()
    method: str = ""  #: the title of the main route
    routes: tuple[Route, ...] = ()
    wrong: tuple[Line, ...] = ()
    wrong_explanation: str = ""
    counterexample: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    given: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()

    @property
    def all_routes(self) -> tuple[Route, ...]:
        """The main route followed by the further ones."""
        return (Route(self.method, self.lines),) + self.routes


# ---------------------------------------------------------------------------------------- checks
_SEED, _PROBES, _DIGITS, _TOL = 20240531, 4, 40, sp.Float("1e-25", 40)
PROOF_BUDGET = 60.0  #: seconds for each line's proof: generous, so a loaded machine does not fail a sound identity


def _elementary(expr: sp.Expr, given: dict) -> sp.Expr:
    """Derivatives done, symback functions in exp/log/Piecewise form, assumptions substituted."""
    return expr.doit().rewrite(sp.exp).rewrite(sp.Piecewise).xreplace(given)


def _value(expr: sp.Expr, point: dict) -> sp.Expr | None:
    """``expr`` at an exact point, to 40 digits; None unless that is a finite real number."""
    value = sp.N(expr.xreplace(point), _DIGITS)
    return value if value.is_real and value.is_finite else None


def _point(symbols: set, rng: random.Random) -> dict:
    """A random exact point: positive where the symbol is positive, else nonzero of either sign."""
    point = {}
    for s in sorted(symbols, key=str):
        size = sp.Rational(rng.randint(100, 2500), 1000)
        point[s] = size if s.is_positive or rng.random() < 0.5 else -size
    return point


def _proved(difference: sp.Expr) -> bool:
    """A symbolic proof that ``difference`` is 0, by :func:`symback.checking.equivalence.prove_equal`: in a
    child process under a time budget, like every proof symback makes."""
    return prove_equal(difference, sp.S.Zero, PROOF_BUDGET)


def _check_lines(identity: Identity, title: str, lines: tuple[Line, ...], rng: random.Random) -> None:
    """Each line equal to the previous: numerically at random points, then by proof."""
    given = dict(identity.given)
    for k in range(1, len(lines)):
        sub = given if lines[k].assumed else {}
        a, b = _elementary(lines[k - 1].expr, sub), _elementary(lines[k].expr, sub)
        where = f"identity '{identity.name}', {title or 'main route'}, line {k} ({lines[k].reason})"
        for _ in range(_PROBES):
            point = _point(a.free_symbols | b.free_symbols, rng)
            va, vb = _value(a, point), _value(b, point)
            if va is None or vb is None or abs(va - vb) > _TOL * max(1, abs(va)):
                raise ChainError(f"{where}: {va} != {vb} at {point}")
        if not _proved(a - b):
            raise ChainError(f"{where}: numerically equal but not proved: {a} = {b}")


def check_chain(identity: Identity) -> None:
    """Raise :class:`ChainError` unless the identity is sound.

    Every route starts at ``lhs`` and each line equals the previous one (under ``given`` where a
    step is marked ``assumed``), numerically and by proof; the wrong route, if any, is sound after
    its wrong first step, and its end differs from the true result at the recorded counterexample.
    """
    if not identity.lines or identity.lines[0].expr != identity.lhs:
        raise ChainError(f"identity '{identity.name}': the main route must start at the lhs")
    rng = random.Random(_SEED)
    for route in identity.all_routes:
        _check_lines(identity, route.title, route.lines, rng)
    if not identity.wrong:
        return
    _check_lines(identity, "wrong route", identity.wrong, rng)
    given, point = dict(identity.given), dict(identity.counterexample)
    if not point or any(s in point and point[s] != e.xreplace(point) for s, e in given.items()):
        raise ChainError(f"identity '{identity.name}': the counterexample must satisfy the assumptions")
    wrong = _value(_elementary(identity.wrong[-1].expr, given), point)
    true = _value(_elementary(identity.lines[-1].expr, given), point)
    if wrong is None or true is None or abs(wrong - true) < sp.Float("1e-10"):
        raise ChainError(f"identity '{identity.name}': the wrong route agrees with the truth at {point}")
