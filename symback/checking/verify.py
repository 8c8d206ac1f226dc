"""Checking claims about a problem: node values, gradients, local derivatives, updates, formulas.

A claim names a quantity on its left (``o``, ``dL/dw1``, ``d(L)/d(w1)``, ``do/dl1``, ``w1'`` or
``w1_new``) and gives a number or a formula on its right. Numbers are compared with the exact
values, rounding-aware: a decimal is ``correct`` when the exact value rounds to it, ``rounding-
carried`` when it is what a hand computation that rounds its intermediate values gives, and
``wrong`` otherwise. Formulas are compared with the engine's gradient (:mod:`symback.checking.equivalence`):
``correct`` (proved), ``numeric`` (equal at every probe, unproved within the budget) or ``wrong``
with a counterexample and, where one explains it, the likely slip.

>>> from symback import load_example, solve
>>> report = verify_claims(solve(load_example("neuron")), [("o", "0.8180"), ("dL/dw1", "0.488")])
>>> [r.verdict for r in report.results]
['wrong', 'correct']
"""
from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

import mpmath
import sympy as sp

from symback.checking.latex_reader import read_latex
from symback.checking.notation import Vocabulary
from symback.checking.equivalence import (DEFAULT_BUDGET, WRONG, call, exact_difference, exactly_different, lambdify_mp, precision,
                                         probe, prove_equal, scales)
from symback.engine.errors import SymbackError, did_you_mean
from symback.engine.expr import parse_as_written, parse_formula, within_size
from symback.engine.graph import expand_nodes
from symback.engine.literals import LiteralProblem, read_decimal
from symback.checking.claim import (CARRIED, CARRY_DIGITS, CORRECT, DECIMAL, DERIVATIVE, DIGIT_RUNS, NUMERIC, PROBES, UNDECIDED, UNPROVED,
                                    UPDATED, ClaimResult, ClaimsReport, Detail, expression_unit, show, significant, unit,
                                    within)
from symback.checking.equivalence import PROBE_DPS
from symback.checking.kinks import crossing_points, kinks, uncovered
from symback.checking.misconceptions import Explainer
from symback.checking.sweep import Quantity, Sweep
from symback.engine.numerals import number_text

if TYPE_CHECKING:
    from symback.engine.solution import Solution

SLIP_OPS = 4                 #: a missing or extra factor of at most this many operations is named as the slip
SLIP_NODES = 80              #: ... found by an exact quotient only of formulas this small (tree nodes)


def verify_claims(solution: "Solution", claims: Iterable[tuple[str, str]] | None = None,
                  budget: float = DEFAULT_BUDGET, seed: int = 0, latex: bool = False) -> ClaimsReport:
    """Check ``claims`` ((left side, right side) texts; the spec's ``[claims]`` by default).

    Args:
        solution: the solved problem (:func:`symback.solve`).
        claims: pairs such as ``("dL/dw1", "0.488")`` or ``("dL/dw1", "2*(o - t)*o*(1 - o)*i1")``.
        budget: seconds allowed for each proof of a formula claim.
        seed: the seed of the random probe points (results are reproducible).
        latex: formula claims are LaTeX (:mod:`symback.checking.latex_reader`; numbers stay plain decimals).
    """
    claims = list(solution.spec.claims if claims is None else claims)
    if not claims:
        raise SymbackError(solution.spec.source, "there are no claims to check",
                           'add a [claims] table (e.g. o = "0.8180") or --claim "o = 0.8180"')
    checker = ClaimChecker(solution, budget, seed, latex)
    return ClaimsReport(solution, tuple(checker.check(name, text) for name, text in claims), budget)


class ClaimChecker:
    """Checks claims about one solution; holds its numeric sweep and the rounded recomputations."""

    def __init__(self, solution: "Solution", budget: float, seed: int, latex: bool = False) -> None:
        self.solution, self.budget, self.seed, self.latex = solution, budget, seed, latex
        self.graph = solution.graph
        self.sweep = Sweep(solution.derivation)
        self.explainer = Explainer(solution, self.sweep)
        self.exact = self._quantities(solution)
        self._carried: dict[int, dict[Quantity, mpmath.mpf]] = {}

    def check(self, name: str, text: str) -> ClaimResult:
        where = f"{self.solution.spec.source}: claims.{name}"
        quantity = self.quantity(name, where)
        actual = self.exact[quantity]
        if DECIMAL.match(text.strip()):
            try:  # exactly as written, within the digit cap (1e999999999 is refused, not computed)
                claimed = read_decimal(text)
            except LiteralProblem as problem:
                raise SymbackError(where, problem.message, problem.fix) from None
            return self.number(name, text, quantity, actual, claimed, unit(text.strip()))
        if self.latex:
            read = read_latex(text, Vocabulary(self.graph.symbols), where)
            formula, echo = read.expr, read.echo
        else:
            formula, echo = parse_formula(text, self.graph.symbols, where).expr, None
        if not formula.free_symbols:
            if call(lambda point: lambdify_mp([], formula)(), {}) is None:  # sqrt(-1), exp(exp(exp(exp(3))))
                raise SymbackError(where, f"the claimed value '{text.strip()[:80]}' is not a real number, or too "
                                   "large to compare", "claim a real number or formula")
            return self.number(name, text, quantity, actual, formula, expression_unit(echo or text, formula))
        result = self.formula(name, text, quantity, actual, formula)
        shown = formula if echo else parse_as_written(text, self.graph.symbols, None, formula)
        return replace(result, claimed_expr=shown, echo=echo)

    def quantity(self, text: str, where: str) -> Quantity:
        names = self.graph.by_name
        if text in names:
            return Quantity("value", text)
        if match := DERIVATIVE.match(text):
            return self.derivative(*match.groups(), where)
        if (match := UPDATED.match(text)) and (found := self.updated(match.group(1), where)) is not None:
            return found
        raise SymbackError(where, f"'{text}' names nothing in the problem",
                           "claim a name (o), a gradient (dL/dw1), a local derivative (do/dl1) or an update (w1')"
                           + (f"; {hint}" if (hint := did_you_mean(text, names)) else ""))

    def derivative(self, top: str, bottom: str, where: str) -> Quantity:
        """d(top)/d(bottom): a gradient of the loss or a local derivative."""
        names = self.graph.by_name
        for n in (top, bottom):
            if n not in names:
                raise SymbackError(where, f"'{n}' is not in the problem", did_you_mean(n, names))
        if top == self.graph.loss:
            return Quantity("gradient", bottom, top)
        if bottom in names[top].parents:
            return Quantity("local", bottom, top)
        raise SymbackError(where, f"'{bottom}' is not an input of node '{top}'",
                           f"claim d{self.graph.loss}/d{bottom} (a gradient of the loss) or a local "
                           f"derivative d{top}/d(one of {', '.join(names[top].parents) or 'its inputs'})")

    def updated(self, param: str, where: str) -> Quantity | None:
        """``param`` after the update (None when ``param`` is no parameter)."""
        if param in self.graph.params and self.graph.learning_rate is not None:
            return Quantity("updated", param)
        if param in self.graph.params:
            raise SymbackError(where, f"the spec has no learning rate, so '{param}\'' is undefined",
                               "add learning_rate = ... to the spec")
        return None

    @staticmethod
    def _quantities(solution) -> dict[Quantity, sp.Expr]:
        numbers = solution.numbers
        exact = {Quantity("value", n): v for n, v in numbers.values.items()}
        exact.update({Quantity("gradient", n, solution.graph.loss): g for n, g in numbers.gradients.items()})
        exact.update({Quantity("local", n, c): v for (c, n), v in numbers.locals.items()})
        exact.update({Quantity("updated", n): v for n, v in numbers.updated.items()})
        return exact

    # -- numbers -----------------------------------------------------------------------------
    def number(self, name, text, quantity, actual, claimed, unit) -> ClaimResult:
        shown = {"exact": show(actual, significant(text) + 2), "claimed": text}

        def result(verdict, *details):
            return ClaimResult(name, text, quantity, verdict, actual, None, claimed, details)

        if within(actual, claimed, unit):
            return result(CORRECT, ("exact" if unit == 0 else "rounds", shown))
        for digits in CARRY_DIGITS:
            carried = self.carried(digits).get(quantity)
            if carried is not None and within(carried, claimed, unit):
                return result(CARRIED, ("carried", {**shown, "digits": str(digits)}))
        details: list[Detail] = [("wrong_number", shown)]
        if slip := self.number_slip(quantity, actual, claimed, unit):
            details.append(slip)
        return replace(result(WRONG, *details), misconception=self.explainer.number(quantity, claimed, unit))

    def carried(self, digits: int) -> dict[Quantity, mpmath.mpf]:
        """Every quantity as a hand computation gets it, rounding stored values to ``digits`` digits."""
        if digits not in self._carried:
            self._carried[digits] = self.sweep.run(self.graph.point, digits)
        return self._carried[digits]

    def number_slip(self, quantity, actual, claimed, unit) -> Detail | None:
        if claimed != 0 and within(-actual, claimed, unit):
            return ("slip.sign", {})
        for shift in (1, 2, 3, -1, -2, -3):
            if within(actual * sp.Integer(10) ** shift, claimed, unit):
                return ("slip.decimal", {"shift": str(shift)})
        for other, value in self.exact.items():
            if other != quantity and other.kind != "local" and within(value, claimed, unit):
                return ("slip.matches", {"other": other.label, "value": show(value)})
        for factor in (2, sp.Rational(1, 2)):
            if within(actual * factor, claimed, unit):
                return ("slip.factor", {"factor": str(factor)})
        return None

    # -- formulas ----------------------------------------------------------------------------
    def formula(self, name, text, quantity, actual, claimed) -> ClaimResult:
        engine = self.engine_formula(quantity)
        symbols = list(self.graph.symbols.values())
        left = lambdify_mp(symbols, claimed)
        claim_at = lambda p: left(*(p[s.name] for s in symbols))  # noqa: E731
        target, dps = self.sweep.target(quantity), precision(claimed, engine)  # 10^-30 in the claim: 70 digits
        points = self.points(dps, scales(claimed, engine))
        folds = kinks(claimed, engine)  # both sides of every kink probed, or no belief in "equal"
        if folds:
            points += crossing_points(folds, symbols, points, lambda rng, size: self.candidate(rng, size, dps), self.seed)
        comparison = probe(claim_at, target, points, self.variants(left, symbols, claimed), dps)
        if comparison.verdict != WRONG and (difference := exact_difference(claimed, engine)) is not None:
            comparison = exactly_different(difference, claim_at, target, points, dps, comparison.points)
        details: list[Detail] = []
        if comparison.verdict == WRONG:
            if comparison.left is not None:
                details.append(("counterexample", {"left": show(comparison.left), "right": show(comparison.right)}))
            if slip := comparison.slip or _factor_slip(claimed, engine):
                details.append(slip)
            point = {n: comparison.point[n] for n in self.graph.inputs + self.graph.params if n in comparison.point}
            misconception = self.explainer.formula(quantity, claim_at, points[:PROBES], dps)
            return ClaimResult(name, text, quantity, WRONG, actual, engine, claimed, tuple(details), point or None,
                               misconception=misconception)
        assumed = self.solution.derivation.by_node.get(quantity.name)
        if self.prove(claimed, engine):
            verdict, detail = CORRECT, ("proved", {})
        elif comparison.verdict == UNDECIDED:  # too few points where the problem is defined to believe it
            verdict, detail = UNDECIDED, ("undecided", {"points": str(comparison.points), "budget": number_text(self.budget)})
        elif missing := uncovered(folds, symbols, points):  # equal where probed, but one side of a kink never was
            verdict, detail = UNPROVED, ("unproved_kink", {"kink": sp.sstr(missing[0]), "budget": number_text(self.budget)})
        else:
            verdict, detail = NUMERIC, ("numeric", {"points": str(comparison.points), "budget": number_text(self.budget)})
        details.append(detail)
        if assumed is not None and assumed.assumptions and quantity.kind == "gradient":
            details.append(("assumption", {"text": "; ".join(map(str, assumed.assumptions))}))
        return ClaimResult(name, text, quantity, verdict, actual, engine, claimed, tuple(details))

    def engine_formula(self, quantity: Quantity) -> sp.Expr:
        derivation, graph = self.solution.derivation, self.graph
        if quantity.kind == "value":
            node = graph.node(quantity.name)
            return node.symbol if node.is_leaf else node.expr
        if quantity.kind == "local":
            step = derivation.by_node[quantity.name]
            return next(t.local for t in step.terms if t.child == quantity.child)
        gradient = derivation.gradient(quantity.name)
        if quantity.kind == "gradient":
            return gradient
        return graph.symbols[quantity.name] - graph.learning_rate * gradient

    def prove(self, claimed: sp.Expr, engine: sp.Expr) -> bool:
        """A proof in node symbols first (cheap when the claim is written like the engine), then in leaves."""

        deadline = time.monotonic() + self.budget
        claimed, engine = self.sweep.assume(claimed), self.sweep.assume(engine)
        if prove_equal(claimed, engine, self.budget / 2):
            return True
        left = self.sweep.assume(expand_nodes(self.graph, claimed))
        right = self.sweep.assume(expand_nodes(self.graph, engine))
        return prove_equal(left, right, deadline - time.monotonic())

    def points(self, dps: int = PROBE_DPS, sizes=()) -> list[dict[str, mpmath.mpf]]:
        """The problem's own point, then random points (targets kept summing to 1 where assumed), then
        fewer at each of ``sizes`` (leaves scaled to the claim's constants: thresholds like step(x - 1000))."""
        rng = random.Random(self.seed)
        points = []
        for size, wanted in [(sp.S.One, PROBES)] + [(size, PROBES // 2) for size in sizes]:
            candidates = ([self.graph.point] if size == 1 else []) + [self.sweep.random_point(rng) for _ in range(4 * wanted)]
            found = 0
            for candidate in candidates:
                full = self._scaled(candidate, size, dps)
                if full is not None:
                    points.append(full)
                    found += 1
                if found == wanted:
                    break
        return points

    def candidate(self, rng: random.Random, size, dps: int) -> dict[str, mpmath.mpf] | None:
        """A random full point with the leaves scaled by ``size``; None where the problem is undefined."""
        return self._scaled(self.sweep.random_point(rng), size, dps)

    def _scaled(self, point, size, dps: int) -> dict[str, mpmath.mpf] | None:
        """``point``'s leaves times ``size`` (targets that sum to 1 kept), evaluated in full; None if undefined."""
        fixed = {t for group in self.sweep.groups for t in group}
        return self.sweep.evaluate({n: v if n in fixed else v * size for n, v in point.items()}, dps)

    def variants(self, left, symbols, claimed) -> list[tuple[Detail, object]]:
        """The claim with one slip undone: a factor of the chain restored or dropped, a name swapped."""
        variants: list[tuple[Detail, object]] = []
        at = lambda p, swap=None: left(*(p[(swap or {}).get(s.name, s.name)] for s in symbols))  # noqa: E731
        for factor, function, args in self.sweep.factors:
            shown = sp.sstr(factor)
            value = lambda p, f=function, a=args: f(*(p[n] for n in a))  # noqa: E731
            variants.append((("slip.missing", {"factor": shown}), lambda p, v=value: at(p) * v(p)))
            variants.append((("slip.extra", {"factor": shown}), lambda p, v=value: at(p) / v(p)))
        kinds = {n.name: (n.kind if n.is_leaf else "node") for n in self.graph.nodes}
        used = sorted(s.name for s in claimed.free_symbols)
        for a in used:
            for b in self.graph.by_name:  # index slips: names alike but for their digits (i1/i2, w1_2_1/w1_1_2)
                if b != a and kinds[b] == kinds[a] and DIGIT_RUNS.sub("#", a) == DIGIT_RUNS.sub("#", b):
                    swap = {a: b, b: a} if b in used else {a: b}
                    key = "slip.swapped" if b in used else "slip.instead"
                    variants.append(((key, {"a": a, "b": b}), lambda p, s=swap: at(p, s)))
        return variants


def _factor_slip(claimed: sp.Expr, engine: sp.Expr) -> Detail | None:
    """A short factor by which the claim differs from the engine's formula (both in node symbols).

    The probes' variants only try whole local derivatives; a student who writes (y - t) y for
    (y - t) y (1 - y) dropped part of one, which the exact quotient names: engine / claim = 1 - y.
    Small expressions only (``cancel`` is a polynomial gcd), and only a factor of at most a few
    operations in the problem's own symbols counts as an explanation.
    """
    if claimed == 0 or not (within_size(claimed, SLIP_NODES) and within_size(engine, SLIP_NODES)):
        return None
    quotient = sp.cancel(engine / claimed)
    if quotient.is_Number or not quotient.free_symbols <= engine.free_symbols | claimed.free_symbols:
        return None
    for value, key in ((quotient, "slip.missing"), (sp.cancel(1 / quotient), "slip.extra")):
        if sp.count_ops(value) <= SLIP_OPS and not sp.fraction(sp.together(value))[1].free_symbols:
            return (key, {"factor": sp.sstr(sp.factor_terms(value))})
    return None


