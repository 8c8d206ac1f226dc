"""Which backprop misconception explains a wrong answer: the mutant of the derivation it equals.

:class:`Explainer` holds one solved problem's sweep and, per asked quantity, the values every mutation
of :mod:`symback.checking.mutations` gives it, plus the mistakes that act on a number alone (the sign,
a constant factor, the batch mean, the decimal point, another quantity's value) and on an update (the
gradient added, the learning rate dropped). A wrong number is matched to the candidate nearest to it
within its written precision; a wrong formula to the candidate it equals at every probe point. A
candidate that does not change the quantity explains nothing, and right answers are never asked.

>>> import symback
>>> explain = Explainer(symback.solve(symback.load_example("neuron")))
>>> from symback.checking.sweep import Quantity
>>> explain.number(Quantity("gradient", "w1", "L"), sp.Rational("1.22"), sp.Rational("0.01")).code
'wrong_input'
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable, Iterator, Mapping, Sequence

import mpmath
import sympy as sp

from symback.checking.equivalence import PROBE_DPS, call, close
from symback.checking.claim import CARRY_DIGITS
from symback.checking.mutations import Misconception, Mutation, named, mutations
from symback.checking.sweep import NO_CHANGE, Quantity, Sweep, mp_value

#: the catalogue's codes, most specific first: where two mutants give the same number, the first names it
CODES = ("missing_path", "missing_activation_derivative", "wrong_activation_derivative", "derivative_at_wrong_point",
         "missing_inner_derivative", "softmax_shortcut", "transposed_index", "wrong_input", "updated_weights_used",
         "gradient_ascent", "missing_learning_rate", "batch_mean", "constant_factor", "sign", "decimal_shift",
         "other_quantity", "arithmetic")
_RANK = {code: i for i, code in enumerate(CODES)}
SHIFTS = (1, 2, 3, -1, -2, -3)

Candidate = tuple[Misconception, mpmath.mpf]


class Explainer:
    """The misconceptions that can explain answers about one solved problem (values cached per quantity)."""

    def __init__(self, solution, sweep: Sweep | None = None) -> None:
        self.solution = solution
        self.graph = solution.graph
        self.sweep = sweep or Sweep(solution.derivation)
        self._mutations: dict[str, tuple[Mutation, ...]] = {}
        self._runs: dict[tuple, Mapping[Quantity, mpmath.mpf] | None] = {}

    @cached_property
    def right(self) -> Mapping[Quantity, mpmath.mpf]:
        """Every quantity's exact value at the problem's point (as mpmath numbers)."""
        return self.computed(None)

    def computed(self, digits: int | None, mutation: Mutation | None = None) -> Mapping[Quantity, mpmath.mpf] | None:
        """Every quantity at the problem's point, with ``mutation``, as a hand computation that rounds each
        stored value to ``digits`` significant digits gets it (None: exact); None where it is undefined."""
        key = (mutation, digits)
        if key not in self._runs:
            try:
                self._runs[key] = self.sweep.run(self.graph.point, digits,
                                                 change=mutation.change if mutation else NO_CHANGE)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                self._runs[key] = None
        return self._runs[key]

    @cached_property
    def samples(self) -> int:
        network = self.graph.network
        return len(network.x) if network is not None and hasattr(network, "x") else 1

    def mutations_of(self, name: str) -> tuple[Mutation, ...]:
        if name not in self._mutations:
            self._mutations[name] = tuple(mutations(self.sweep, name))
        return self._mutations[name]

    # -- candidates ------------------------------------------------------------------------------
    def candidates(self, quantity: Quantity, digits: int | None = None) -> Iterator[Candidate]:
        """(misconception, value) for every mistake that changes ``quantity`` at the problem's point,
        computed exactly or (``digits``) as a hand computation that rounds its intermediate values."""
        right = self.computed(digits)
        if right is None or quantity not in right:
            return
        if quantity.kind in ("gradient", "updated", "local"):
            for mutation in self.mutations_of(quantity.name):
                values = self.computed(digits, mutation)
                if values is not None and quantity in values:
                    yield mutation.misconception, values[quantity]
        if quantity.kind == "updated":
            yield from self._updates(quantity, right)
        for misconception, factor in self._scalar_factors():
            yield misconception, right[quantity] * factor
        for shift in SHIFTS:
            yield named("decimal_shift", shift=shift), right[quantity] * mpmath.mpf(10) ** shift
        for other, value in right.items():
            if _other(quantity, other, self.graph.loss):
                code = "transposed_index" if _transposed(quantity, other) else "other_quantity"
                yield named(code, other=other.label, value=self.right[other]), value

    def _updates(self, quantity: Quantity, values) -> Iterator[Candidate]:
        name, rate = quantity.name, mp_value(self.graph.learning_rate)
        gradient = values.get(Quantity("gradient", name, self.graph.loss), mpmath.mpf(0))
        weight = values[Quantity("value", name)]
        yield named("gradient_ascent"), weight + rate * gradient
        yield named("missing_learning_rate"), weight - gradient

    def _scalar_factors(self) -> Iterator[tuple[Misconception, mpmath.mpf]]:
        yield named("sign"), mpmath.mpf(-1)
        for factor in (sp.Integer(2), sp.Rational(1, 2)) + self._mean_factors():
            yield named("constant_factor", factor=factor), mp_value(factor)
        if self.samples > 1:
            for factor in (sp.Integer(self.samples), sp.Rational(1, self.samples)):
                yield named("batch_mean", factor=factor, samples=self.samples), mp_value(factor)

    def _mean_factors(self) -> tuple[sp.Rational, ...]:
        """n and 1/n for a loss that averages n > 2 outputs (2 and 1/2 are there already)."""
        network = self.graph.network
        n = network.layers[-1] if network is not None and getattr(network, "loss", "") in ("mse", "bce") \
            and isinstance(network.layers[-1], int) else 0
        return (sp.Integer(n), sp.Rational(1, n)) if n > 2 else ()

    # -- matching --------------------------------------------------------------------------------
    def number(self, quantity: Quantity, claimed: sp.Expr, unit: sp.Expr) -> Misconception | None:
        """The misconception whose value rounds to ``claimed`` at its written precision (``unit``: the place
        value of its last written digit, 0 for an exact claim), computed exactly or with intermediate values
        rounded as a hand computation does (2 to 6 digits); the nearest such, or None."""
        right = self.right.get(quantity)
        if right is None:
            return None
        found: dict[int, tuple] = {}  # candidate index (the same order at every precision) -> (distance, rank, it)
        with mpmath.workdps(PROBE_DPS):
            claim, half = mp_value(claimed), mp_value(unit) / 2 * (1 + mpmath.mpf(10) ** -20)
            exact = [v for _, v in self.candidates(quantity)]
            for digits in (None,) + tuple(CARRY_DIGITS):  # hand-rounded intermediates only when nothing exact fits
                if found:
                    break
                for index, (misconception, value) in enumerate(self.candidates(quantity, digits)):
                    if index >= len(exact) or not _finite(value) or not _finite(exact[index]) \
                            or close(exact[index], right):
                        continue  # undefined, or the mistake does not change this quantity
                    if (abs(value - claim) <= half) if half else close(value, claim):
                        distance = abs(exact[index] - claim) / max(abs(claim), abs(exact[index]), mpmath.mpf(10) ** -PROBE_DPS)
                        found[index] = (distance if distance > mpmath.mpf(10) ** -9 else 0,
                                        _rank(misconception.code, quantity), misconception)
        return min(found.values(), key=lambda f: f[:2])[2] if found else None

    def formula(self, quantity: Quantity, claim_at: Callable[[Mapping], object], points: Sequence[Mapping],
                dps: int = PROBE_DPS) -> Misconception | None:
        """The misconception whose formula a wrong formula claim equals at every probe point, or None.

        ``points`` are the probes' full points (leaf and node values); ``claim_at`` gives the claim's value at one.
        """
        leaves = self.graph.inputs + self.graph.params
        claims = []
        for point in points:
            value = call(claim_at, point, dps)
            if value is not None:
                claims.append(({n: point[n] for n in leaves}, value))
        if len(claims) < 2:
            return None
        with mpmath.workdps(dps):  # a candidate's scalar multiple at the claim's precision, not at 15 digits
            found = [m for m, values in self._formula_candidates(quantity, [p for p, _ in claims], dps)
                     if all(v is not None and close(v, c, dps) for v, (_, c) in zip(values, claims))]
        return min(found, key=lambda m: _rank(m.code, quantity)) if found else None

    def _formula_candidates(self, quantity: Quantity, points, dps):
        """(misconception, its values at ``points``) for every candidate that differs from the right formula."""
        rights = [self._at(p, NO_CHANGE, quantity, dps) for p in points]
        if quantity.kind in ("gradient", "updated", "local"):
            for mutation in self.mutations_of(quantity.name):
                values = [self._at(p, mutation.change, quantity, dps) for p in points]
                if _differs(values, rights, dps):
                    yield mutation.misconception, values
        if quantity.kind == "updated":
            runs = [self._at_all(p, dps) for p in points]
            with mpmath.workdps(dps):
                updates = [list(self._updates(quantity, run)) if run is not None else None for run in runs]
            for index, (misconception, _) in enumerate(self._updates(quantity, self.right)):
                yield misconception, [u[index][1] if u is not None else None for u in updates]
        for misconception, factor in self._scalar_factors():
            yield misconception, [r * factor if r is not None else None for r in rights]
        for other in self.right:
            if _other(quantity, other, self.graph.loss):
                values = [self._at(p, NO_CHANGE, other, dps) for p in points]
                if _differs(values, rights, dps):
                    code = "transposed_index" if _transposed(quantity, other) else "other_quantity"
                    yield named(code, other=other.label), values

    def _at(self, point, change, quantity: Quantity, dps: int):
        run = self._at_all(point, dps, change)
        return run.get(quantity) if run is not None else None

    def _at_all(self, point, dps: int, change=NO_CHANGE):
        try:
            with mpmath.workdps(dps):
                return self.sweep.run(point, None, dps=dps, change=change)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return None


def _other(quantity: Quantity, other: Quantity, loss: str) -> bool:
    """Whether ``other`` is a quantity whose value a student may give for ``quantity`` by mistake."""
    return other != quantity and other.kind != "local" and not (other.kind == "gradient" and other.name == loss)


def _rank(code: str, quantity: Quantity) -> int:
    """A code's priority for ``quantity``: the catalogue's order, but an update's own mistakes come first."""
    if quantity.kind == "updated" and code in ("gradient_ascent", "missing_learning_rate"):
        return -1
    return _RANK[code]


def _transposed(quantity: Quantity, other: Quantity) -> bool:
    """``other`` is the same kind of quantity of the transposed weight (w2_1_2 for w2_2_1)."""
    a, b = quantity.name.split("_"), other.name.split("_")
    return (quantity.kind == other.kind and len(a) == 3 and len(b) == 3 and a[0] == b[0] and a[0].startswith("w")
            and a[1] == b[2] and a[2] == b[1] and a[1] != a[2])


def _finite(value) -> bool:
    return value is not None and mpmath.isfinite(value)


def _differs(values, rights, dps: int) -> bool:
    return any(v is not None and r is not None and not close(v, r, dps) for v, r in zip(values, rights))


