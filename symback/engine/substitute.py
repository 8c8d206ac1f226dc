"""Numbers into the derivation: forward values, each local derivative and adjoint, the update.

Values are exact where the arithmetic is rational (the apple graph's 2.2 is 11/5) and otherwise
carried at ``precision`` significant digits (50 by default); rounding happens only for display.
The gradient check is independent of the backward pass: mpmath central differences of the forward
pass compiled once (:mod:`symback.engine.mp_program`), leaf by leaf for small graphs and along random
directions (plus a random sample of leaves) for large ones.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Mapping

import mpmath
import sympy as sp

from symback.engine.derivation import PRECISION, Check, Derivation, Numbers
from symback.engine.errors import EvaluationError
from symback.engine.graph import Graph
from symback.engine.optimizers import initial_state, optimizer_step
from symback.engine.mp_program import LossProgram, central_difference, leaf_order, mp_number, mp_point, mpmath_loss
from symback.engine.sums import sum_value


def evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr], where: str,
             precision: int = PRECISION) -> sp.Expr:
    """``expr`` at ``values``: an exact number when possible, else a Float of ``precision`` digits."""
    result = sum_value(expr, values)  # (a symbol or a neuron's sum: the fast path)
    if result is not None:
        return result
    result = expr.xreplace(values)
    if result.is_Rational or result.is_Float:  # (a finite real number: most locals are a weight or an activation)
        return result
    if not result.is_Number:
        # evalf may return a zero (or a cancelled sum) carried at fewer digits than asked for; held at
        # that precision it would round every sum it joins, so it is restored to ``precision`` digits
        result = result.evalf(precision)
        if result.is_Float:
            result = sp.Float(result, precision)
    if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise EvaluationError(where, "the value is undefined at the given point (division by zero or log(0))",
                              "change the input or parameter values, or the formula")
    if not (result.is_Number and result.is_finite):
        raise EvaluationError(where, "the value is not a real number at the given point (log or sqrt of a negative?)",
                              "change the values so the formula stays real")
    return result


def forward(graph: Graph, point: Mapping[str, sp.Expr] | None = None,
            precision: int = PRECISION) -> dict[str, sp.Expr]:
    """Every node's value at ``point`` (the graph's own point by default)."""
    point = graph.point if point is None else point
    values: dict[sp.Symbol, sp.Expr] = {sp.Symbol(n, real=True): v for n, v in point.items()}
    named = dict(point)
    for node in graph.nodes:
        if node.is_leaf:
            continue
        value = evaluate(node.expr, values, f"nodes.{node.name}", precision)
        values[node.symbol] = value
        named[node.name] = value
    return named


def substitute(derivation: Derivation, point: Mapping[str, sp.Expr] | None = None,
               precision: int = PRECISION, check: bool = True) -> Derivation:
    """A new derivation with numbers: values, local derivatives, adjoints, update, gradient check.

    Args:
        derivation: the symbolic derivation from :func:`symback.engine.backprop.backprop`.
        point: leaf values (exact numbers); the graph's own point by default.
        precision: significant digits carried where results are not rational.
        check: also compare the gradients with mpmath central differences (:func:`check_gradients`).
    """
    graph = derivation.graph
    values = forward(graph, point, precision)
    by_symbol = {graph.symbols[n]: v for n, v in values.items()}
    gradients: dict[str, sp.Expr] = {n.name: sp.S.Zero for n in graph.nodes}
    locals_: dict[tuple[str, str], sp.Expr] = {}
    for step in derivation.steps:
        if step.node == graph.loss:
            gradients[step.node] = sp.S.One
            continue
        total = sp.S.Zero
        for term in step.terms:
            local = evaluate(term.local, by_symbol, f"d{term.child}/d{step.node}", precision)
            locals_[(term.child, step.node)] = local
            total += gradients[term.child] * local
        gradients[step.node] = total
    updated = {}
    if graph.learning_rate is not None:
        updated = first_update(graph, values, gradients, precision)
    checks, directions = check_gradients(graph, gradients, point, precision) if check else ({}, ())
    return derivation.with_numbers(Numbers(values, gradients, locals_, updated, checks, precision, directions))


def first_update(graph: Graph, values: Mapping[str, sp.Expr], gradients: Mapping[str, sp.Expr],
                 precision: int = PRECISION) -> dict[str, sp.Expr]:
    """The parameters after one step of the graph's update rule (plain gradient descent without one); frozen
    parameters keep their values. Exact where the arithmetic is rational."""
    grads = {p: sp.S.Zero if p in graph.frozen else gradients[p] for p in graph.params}
    params = {p: values[p] for p in graph.params}
    if graph.optimizer is None:
        return {p: params[p] - graph.learning_rate * grads[p] for p in params}
    new, _ = optimizer_step(graph.optimizer, params, grads, initial_state(params), graph.learning_rate,
                            lambda v: evaluate(sp.sqrt(v), {}, "sqrt", precision))
    return {p: evaluate(v, {}, f"updated {p}", precision) for p, v in new.items()}


#: up to this many leaves, each input and parameter gets its own central difference (2 forward passes)
PER_LEAF_LEAVES = 64
#: above it: this many random directional derivatives, each testing every gradient at once ...
DIRECTIONS = 4
#: ... and this many leaves, drawn at random, checked one by one: O(E) in all
SAMPLED_LEAVES = 8
CHECK_SEED = 0  #: the draw is seeded, so a document is the same every run


@dataclass(frozen=True)
class _Probe:
    """What every finite difference of one check shares: the compiled loss, the point, the step."""

    loss: LossProgram
    leaves: tuple[str, ...]
    base: list
    h: mpmath.mpf
    floor: mpmath.mpf  #: gradients below this count as zero: the relative error is taken against it


def _probe(graph: Graph, point, precision: int) -> _Probe:
    h = mpmath.mpf(10) ** (-(precision // 3))
    return _Probe(mpmath_loss(graph), leaf_order(graph), mp_point(graph, point, precision), h, h ** 1.5)


def _compare(probe: _Probe, symbolic: sp.Expr, value: mpmath.mpf, direction) -> Check | None:
    try:
        estimate = central_difference(probe.loss, probe.base, direction, probe.h)
    except (ZeroDivisionError, ValueError):
        return None
    scale = max(abs(value), abs(estimate), probe.floor)
    return Check(symbolic, estimate, float(abs(value - estimate) / scale))


def gradient_check(graph: Graph, gradients: Mapping[str, sp.Expr], point=None, precision: int = PRECISION,
                   leaves: tuple[str, ...] | None = None) -> dict[str, Check]:
    """Central differences (mpmath, ``precision`` digits) for ``leaves`` (default: every input and parameter).

    Each leaf costs two evaluations of the compiled forward pass (:func:`mpmath_loss`), so checking
    every leaf of a graph of E edges is O(E^2); :func:`check_gradients` keeps large graphs O(E).
    """
    point = graph.point if point is None else point
    with mpmath.workdps(precision):
        probe = _probe(graph, point, precision)
        return _leaf_checks(probe, gradients, probe.leaves if leaves is None else leaves)


def check_gradients(graph: Graph, gradients: Mapping[str, sp.Expr], point=None, precision: int = PRECISION,
                    seed: int = CHECK_SEED) -> tuple[dict[str, Check], tuple[Check, ...]]:
    """The check :func:`substitute` runs: (per-leaf checks, directional checks).

    Every leaf one by one when there are at most :data:`PER_LEAF_LEAVES`; otherwise
    :data:`DIRECTIONS` random directions plus :data:`SAMPLED_LEAVES` leaves drawn at random, so the
    check stays O(E) and still catches a wrong gradient in any single leaf.
    """
    point = graph.point if point is None else point
    with mpmath.workdps(precision):
        probe = _probe(graph, point, precision)
        if len(probe.leaves) <= PER_LEAF_LEAVES:
            return _leaf_checks(probe, gradients, probe.leaves), ()
        rng = random.Random(seed)
        sample = tuple(sorted(rng.sample(range(len(probe.leaves)), SAMPLED_LEAVES)))
        per_leaf = _leaf_checks(probe, gradients, tuple(probe.leaves[i] for i in sample))
        return per_leaf, _direction_checks(probe, gradients, DIRECTIONS, rng, precision)


def _leaf_checks(probe: _Probe, gradients: Mapping[str, sp.Expr], names: tuple[str, ...]) -> dict[str, Check]:
    index = {name: i for i, name in enumerate(probe.leaves)}
    checks = {}
    for name in names:
        check = _compare(probe, gradients[name], mp_number(gradients[name]), index[name])
        if check is not None:
            checks[name] = check
    return checks


def _direction_checks(probe: _Probe, gradients: Mapping[str, sp.Expr], count: int, rng: random.Random,
                      precision: int) -> tuple[Check, ...]:
    grads = [mp_number(gradients[name]) for name in probe.leaves]
    checks = []
    for _ in range(count):
        direction = [mpmath.mpf(rng.uniform(-1, 1)) for _ in probe.leaves]
        value = mpmath.fsum(g * v for g, v in zip(grads, direction))
        check = _compare(probe, sp.Float(value, precision), value, direction)
        if check is not None:
            checks.append(check)
    return tuple(checks)
