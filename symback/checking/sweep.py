"""The numeric sweep a verifier compares claims with: forward values and adjoints at a point.

Independent of the closed forms: each node's formula and each local derivative is an mpmath
function of its own arguments, and adjoints are accumulated in reverse order as the lecture does
by hand. ``Sweep.run(point, digits)`` can round every value it stores to ``digits`` significant
digits, which is how a rounding-carried number is recognised.

>>> float(round_significant(mpmath.mpf("0.81757"), 3)), float(round_significant(mpmath.mpf(-1.25), 2))
(0.818, -1.3)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import mpmath
import sympy as sp

from symback.checking.equivalence import PROBE_DPS, lambdify_mp
from symback.engine.numerals import rounded


@dataclass(frozen=True)
class Quantity:
    """What a claim's left side names."""

    kind: str            #: value, gradient, local or updated
    name: str            #: the node, input or parameter
    child: str = ""      #: d(child)/d(name): the loss for a gradient, the node for a local derivative

    @property
    def label(self) -> str:
        """The canonical spelling: ``o``, ``dL/dw1``, ``do/dl1``, ``w1'``."""
        return {"value": self.name, "updated": f"{self.name}'"}.get(self.kind, f"d{self.child}/d{self.name}")


Local = tuple[tuple[str, ...], Callable]  #: (argument names, mpmath function of them)
_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class Change:
    """How one run departs from the engine's derivation: a student's mutation of it, or a student's numbers.

    ``drop`` leaves terms (child, node) out of a node's adjoint sum (a fan-out path forgotten);
    ``locals`` replaces a term's local derivative and ``adjoints`` a node's whole adjoint (a wrong
    rule); ``updated_locals`` evaluates the local derivatives at the updated parameters (the backward
    pass run with weights already updated). ``values`` and ``gradients`` carry a student's own numbers
    forward and backward in place of the computed ones (follow-on: what the student's chain gives).
    """

    drop: frozenset[tuple[str, str]] = frozenset()
    locals: Mapping[tuple[str, str], Local] = field(default_factory=lambda: _EMPTY)
    adjoints: Mapping[str, Local] = field(default_factory=lambda: _EMPTY)
    updated_locals: bool = False
    values: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    gradients: Mapping[str, object] = field(default_factory=lambda: _EMPTY)


NO_CHANGE = Change()


class Sweep:
    """The derivation as mpmath functions: forward values and adjoints at any point, exact or
    rounded to k significant digits at every stored value, as a hand computation is."""

    def __init__(self, derivation) -> None:
        graph = self.graph = derivation.graph
        self.derivation = derivation
        self.nodes = []
        for node in graph.nodes:
            if not node.is_leaf:
                args = sorted(node.expr.free_symbols, key=lambda s: s.name)
                self.nodes.append((node.name, [s.name for s in args], lambdify_mp(args, node.expr)))
        self.steps, seen = [], {}
        for step in derivation.steps:
            terms = []
            for term in step.terms:
                args = sorted(term.local.free_symbols, key=lambda s: s.name)
                function = lambdify_mp(args, term.local)
                terms.append((term.child, [s.name for s in args], function))
                if not term.local.is_Number:
                    seen.setdefault(term.local, (function, [s.name for s in args]))
            self.steps.append((step.node, terms))
        self.factors = [(f, fn, args) for f, (fn, args) in seen.items()]
        groups = [g for g in graph.target_groups
                  if sp.Add(*(graph.point[t] for t in g)) == 1]
        self.groups = groups
        self.eliminate = {graph.symbols[g[-1]]: 1 - sp.Add(*(graph.symbols[t] for t in g[:-1])) for g in groups}

    def assume(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the last target of every group that sums to 1 eliminated."""
        return expr.xreplace(self.eliminate) if self.eliminate else expr

    def random_point(self, rng: random.Random) -> dict[str, sp.Rational]:
        point = {n: sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 16), 8) for n in self.graph.inputs + self.graph.params}
        for group in self.groups:
            weights = [sp.Rational(rng.randint(1, 8)) for _ in group]
            point.update({t: w / sum(weights) for t, w in zip(group, weights)})
        return point

    def evaluate(self, point, dps: int = PROBE_DPS, change: Change = NO_CHANGE) -> dict[str, mpmath.mpf] | None:
        """Values and adjoints (``d:name``) at ``point`` to ``dps`` digits; None where the problem is undefined there."""
        try:
            with mpmath.workdps(dps):
                full = self.run(point, None, named=True, dps=dps, change=change)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return None
        return full if all(mpmath.isfinite(v) for v in full.values()) else None

    def run(self, point, digits: int | None, named: bool = False, dps: int = PROBE_DPS, change: Change = NO_CHANGE):
        """Forward and backward at ``point``, rounding each stored value to ``digits`` digits (None: none).

        Returns the value each quantity has before its own rounding: the number a hand computation
        writes down for it. ``change`` departs from the engine's derivation (:class:`Change`).
        """
        keep = (lambda v: v) if digits is None else (lambda v: round_significant(v, digits))
        at_update = self._updated(point, dps) if change.updated_locals else None
        with mpmath.workdps(dps):
            raw = {n: mp_value(v, dps) for n, v in point.items()}
            stored = {n: keep(mp_value(change.values[n], dps) if n in change.values else v) for n, v in raw.items()}
            for name, args, function in self.nodes:
                raw[name] = function(*(stored[a] for a in args))
                stored[name] = keep(mp_value(change.values[name], dps) if name in change.values else raw[name])
            at = stored if at_update is None else {**stored, **at_update}  # where the locals are evaluated
            grads, kept = {}, {}
            locals_ = {}
            for name, terms in self.steps:
                if name in change.adjoints:
                    args, function = change.adjoints[name]
                    total = function(*(stored[a] for a in args))
                else:
                    total = mpmath.mpf(1) if name == self.graph.loss else mpmath.mpf(0)
                    for child, args, function in terms:
                        if (child, name) in change.drop:
                            continue
                        args, function = change.locals.get((child, name), (args, function))
                        local = function(*(at[a] for a in args))
                        locals_[(child, name)] = local
                        total += kept[child] * local
                grads[name] = total
                kept[name] = keep(mp_value(change.gradients[name], dps) if name in change.gradients else total)
        if named:
            return {**raw, **{f"d:{n}": g for n, g in grads.items()}}
        rate = self.graph.learning_rate
        out = {Quantity("value", n): v for n, v in raw.items()}
        out.update({Quantity("gradient", n, self.graph.loss): g for n, g in grads.items()})
        out.update({Quantity("local", n, c): v for (c, n), v in locals_.items()})
        if rate is not None:
            with mpmath.workdps(PROBE_DPS):  # the update at full precision too, not mpmath's default 15 digits
                out.update({Quantity("updated", p): stored[p] - (0 if p in self.graph.frozen else mp_value(rate) * kept.get(p, 0))
                            for p in self.graph.params})
        return out

    def _updated(self, point, dps: int) -> dict[str, mpmath.mpf]:
        """The parameters after the engine's own update at ``point`` (what a student who updates first then uses)."""
        rate = self.graph.learning_rate
        if rate is None:
            return {}
        right = self.run(point, None, named=True, dps=dps)
        with mpmath.workdps(dps):
            return {p: right[p] - (0 if p in self.graph.frozen else mp_value(rate, dps) * right.get(f"d:{p}", 0))
                    for p in self.graph.params}

    def target(self, quantity: Quantity):
        """The quantity's true value at a full point, from the adjoint sweep (not from a closed form)."""
        if quantity.kind == "value":
            return lambda p: p[quantity.name]
        if quantity.kind == "gradient":
            return lambda p: p.get(f"d:{quantity.name}", mpmath.mpf(0))
        if quantity.kind == "updated":
            rate = mp_value(self.graph.learning_rate)
            return lambda p: p[quantity.name] - rate * p.get(f"d:{quantity.name}", mpmath.mpf(0))
        terms = dict((name, dict((c, (a, f)) for c, a, f in terms)) for name, terms in self.steps)
        args, function = terms[quantity.name][quantity.child]
        return lambda p: function(*(p[a] for a in args))


def mp_value(value, dps: int = PROBE_DPS) -> mpmath.mpf:
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, sp.Rational):
        return mpmath.mpf(int(value.p)) / int(value.q)
    if isinstance(value, sp.Basic) and not isinstance(value, sp.Float):  # exp(1)/4: Float() takes numbers only
        value = value.evalf(dps)
    return mpmath.mpf(sp.Float(value, dps)._mpf_)


def round_significant(value: mpmath.mpf, digits: int) -> mpmath.mpf:
    """``value`` rounded half away from zero, as a hand computation rounds, to ``digits`` significant
    digits (:func:`symback.engine.numerals.rounded`), at the working precision."""
    numeral = rounded(value, digits, away=True)
    if numeral is None:  # inf, nan: nothing to round
        return value
    return mpmath.mpf(numeral.value.numerator) / numeral.value.denominator
