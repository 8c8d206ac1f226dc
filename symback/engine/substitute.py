"""Numbers into the derivation: forward values, each local derivative and adjoint, the update.

Values are exact where the arithmetic is rational (the apple graph's 2.2 is 11/5) and otherwise
carried at ``precision`` significant digits (50 by default); rounding happens only for display.
The gradient check is independent of the backward pass: mpmath central differences of a forward
evaluation.
"""
from __future__ import annotations

from typing import Mapping

import mpmath
import sympy as sp

from symback.engine.derivation import PRECISION, Check, Derivation, Numbers
from symback.engine.errors import EvaluationError
from symback.engine.functions import MPMATH_NAMESPACE
from symback.engine.graph import Graph

def evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr], where: str,
             precision: int = PRECISION) -> sp.Expr:
    """``expr`` at ``values``: an exact number when possible, else a Float of ``precision`` digits."""
    result = expr.xreplace(values)
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
        check: also compare every parameter's gradient with mpmath central differences.
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
        updated = {p: values[p] - (0 if p in graph.frozen else graph.learning_rate * gradients[p])
                   for p in graph.params}
    checks = gradient_check(graph, gradients, point, precision) if check else {}
    return derivation.with_numbers(Numbers(values, gradients, locals_, updated, checks, precision))


def loss_function(graph: Graph):
    """The loss as an mpmath function of a full leaf point (an independent forward evaluation)."""
    programs = []
    for node in graph.nodes:
        if node.is_leaf:
            continue
        args = [graph.symbols[p] for p in node.parents]
        programs.append((node.name, node.parents,
                         sp.lambdify(args, node.expr, modules=[MPMATH_NAMESPACE, "mpmath"])))

    def loss(point: Mapping[str, mpmath.mpf]) -> mpmath.mpf:
        values = dict(point)
        for name, parents, program in programs:
            values[name] = program(*(values[p] for p in parents))
        return values[graph.loss]

    return loss


def gradient_check(graph: Graph, gradients: Mapping[str, sp.Expr], point=None,
                   precision: int = PRECISION) -> dict[str, Check]:
    """Central differences (mpmath, ``precision`` digits) for every input and parameter."""
    point = graph.point if point is None else point
    loss = loss_function(graph)
    checks = {}
    with mpmath.workdps(precision):
        base = {n: mpmath.mpf(sp.Float(v, precision)._mpf_) if v.is_Float else _mp(v) for n, v in point.items()}
        h = mpmath.mpf(10) ** (-(precision // 3))
        floor = h ** 1.5  # gradients below this count as zero: the relative error is taken against it
        for p in graph.inputs + graph.params:
            up, down = dict(base), dict(base)
            up[p] += h
            down[p] -= h
            try:
                estimate = (loss(up) - loss(down)) / (2 * h)
            except (ZeroDivisionError, ValueError):
                continue
            symbolic = _mp(gradients[p])
            scale = max(abs(symbolic), abs(estimate), floor)
            error = float(abs(symbolic - estimate) / scale)
            checks[p] = Check(gradients[p], estimate, error)
    return checks


def _mp(value: sp.Expr) -> mpmath.mpf:
    if value.is_Rational:
        return mpmath.mpf(int(value.p)) / int(value.q)
    return mpmath.mpf(sp.Float(value)._mpf_)
