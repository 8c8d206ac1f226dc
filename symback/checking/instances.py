"""Abstract functions made concrete for probing: random smooth functions, evaluated without composing them.

A derivation with ``# functions: f`` is probed under several random concrete ``f`` (:func:`concrete`).
Substituting one into ``diff(f(f(...f(x)...)), x)`` and differentiating again builds the composition as a
tree, which doubles at each level when the function uses its variable twice (``a e^{u/2} + b u``): 30
levels took minutes. :func:`instance_program` instead writes each derivative of an abstract function as
a call (``f'(g(x))`` becomes ``_d1_f(g(x))``) and evaluates the calls numerically, so the cost is the
size of the abstract expression.
"""
from __future__ import annotations

import random
from typing import Callable, Mapping, Sequence

import sympy as sp

from symback.checking.equivalence import lambdify_mp

INSTANCES = 4          #: random concrete instantiations of the abstract functions


def concrete(rng: random.Random) -> sp.Lambda:
    """A random smooth function of one variable (polynomial, sine, exponential or sigmoid-like)."""
    u = sp.Dummy("u", real=True)
    a, b, c = (sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 9), rng.randint(1, 4)) for _ in range(3))
    family = rng.randrange(4)
    body = (a * u**2 + b * u + c, a * sp.sin(b * u) + c, a * sp.exp(u / 2) + b * u, a / (1 + sp.exp(-b * u)) + c)[family]
    return sp.Lambda(u, body)


def instance_program(symbols: Sequence[sp.Symbol], expr: sp.Expr, instance: Mapping) -> Callable:
    """``expr`` with the abstract functions of ``instance`` (function -> :class:`sp.Lambda`) as an mpmath function."""
    calls = _calls(expr, set(instance))
    if calls is None:  # a derivative not of the form f^(k)(argument): the symbolic way
        return lambdify_mp(symbols, expr.subs(instance).doit())
    namespace = {}
    for function, body in instance.items():
        u = body.variables[0]
        for order in range(max((k for f, k in calls[1] if f == function), default=0) + 1):
            name = _derivative_name(function, order)
            namespace[name] = lambdify_mp([u], sp.diff(body.expr, u, order) if order else body.expr)
    return lambdify_mp(symbols, calls[0], namespace)


def _calls(expr: sp.Expr, functions: set) -> tuple[sp.Expr, set] | None:
    """``expr`` with every abstract function and its derivatives as plain calls, and the (function, order)
    pairs used; None when some other derivative is left."""
    used: set = set()
    seen: dict = {}

    def call(function, order: int, argument: sp.Expr) -> sp.Expr:
        used.add((function, order))
        return sp.Function(_derivative_name(function, order))(rewrite(argument))

    def rewrite(e: sp.Expr) -> sp.Expr:
        if e in seen:
            return seen[e]
        result = None
        if isinstance(e, sp.Subs) and len(e.variables) == 1:
            inner = e.expr
            if isinstance(inner, sp.Derivative) and _is_call(inner.expr, functions, e.variables[0]) \
                    and set(inner.variables) == {e.variables[0]}:
                result = call(inner.expr.func, inner.derivative_count, e.point[0])
        elif isinstance(e, sp.Derivative) and _is_call(e.expr, functions) and set(e.variables) == {e.expr.args[0]}:
            result = call(e.expr.func, e.derivative_count, e.expr.args[0])
        elif isinstance(e, sp.core.function.AppliedUndef) and e.func in functions and len(e.args) == 1:
            result = call(e.func, 0, e.args[0])
        if result is None:
            result = e.func(*map(rewrite, e.args)) if e.args else e
        seen[e] = result
        return result

    rewritten = rewrite(expr)
    if rewritten.has(sp.Derivative, sp.Subs):
        return None
    return rewritten, used


def _is_call(e: sp.Expr, functions: set, variable: sp.Expr | None = None) -> bool:
    """``e`` is f(argument) for an abstract f (and the argument is ``variable``, when given)."""
    return e.func in functions and len(e.args) == 1 and (variable is None or e.args[0] == variable)


def _derivative_name(function, order: int) -> str:
    """The program's name of the order-th derivative of ``function`` (never a user name: those start with a letter)."""
    return f"_d{order}_{function.__name__}"

