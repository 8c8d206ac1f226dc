"""Kinks: where a formula changes its piece (ReLU, step, |x|, max, min), and whether probes saw both sides.

Two formulas equal at every probe point are believed equal (``numeric``) only if the probes lie on both
sides of every kink of both: ``f + relu(i2*w2 - 7.3)`` equals ``f`` wherever ``i2*w2 < 7.3``, which is all
of the unit-sized probe points. :func:`kinks` lists each kink's argument (zero at the kink; for max and
min the difference of two arguments), :func:`uncovered` those the points leave on one side, and
:func:`crossing_points` searches wider points for the missing sides.

>>> x, y = sp.symbols("x y", real=True)
>>> kinks(fn.relu(x - 7) + sp.Abs(y), fn.step(x * y) + x)
(y, x - 7, x*y)
"""
from __future__ import annotations

import random
from typing import Callable, Iterable, Mapping, Sequence

import sympy as sp

import symback.engine.functions as fn
from symback.checking.equivalence import call, lambdify_mp

_ONE_ARGUMENT = (fn.relu, fn.leaky_relu, fn.step, fn.Indicator, sp.Abs, sp.sign, sp.Heaviside)
SCALES = (2, 5, 10, 100, 1000)   #: sizes of the leaves tried beyond the unit probes
CROSSING_TRIES = 24                       #: random points tried at each size
MAX_KINKS = 64                   #: kinks followed in one comparison (a wide ReLU network has one per neuron)


def kinks(*exprs: sp.Expr) -> tuple[sp.Expr, ...]:
    """The arguments of every kink of ``exprs`` (each once, in the order met; constant ones left out)."""
    found: dict[sp.Expr, None] = {}
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, _ONE_ARGUMENT):
                found.setdefault(node.args[0])
            elif isinstance(node, (sp.Max, sp.Min)):
                args = node.args
                for i, a in enumerate(args):
                    for b in args[i + 1:]:
                        found.setdefault(a - b)
            if len(found) >= MAX_KINKS:
                break
    return tuple(k for k in found if k.free_symbols)


def sides(kink_values: Callable[[Mapping], object], points: Iterable[Mapping]) -> set[int]:
    """The signs (+1, -1) a kink's argument takes at ``points`` (undefined points and zeros left out)."""
    seen = set()
    for point in points:
        value = call(kink_values, point)
        if value is not None and value != 0:
            seen.add(1 if value > 0 else -1)
    return seen


def evaluators(arguments: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> list[Callable[[Mapping], object]]:
    """Each kink argument as a function of a full point (names to values)."""
    out = []
    for argument in arguments:
        used = sorted(argument.free_symbols & set(symbols), key=lambda s: s.name)
        function = lambdify_mp(used, argument)
        out.append(lambda p, f=function, u=tuple(s.name for s in used): f(*(p[n] for n in u)))
    return out


def uncovered(arguments: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], points: Sequence[Mapping]) -> list[sp.Expr]:
    """The kinks that ``points`` do not see on both sides."""
    return [a for a, f in zip(arguments, evaluators(arguments, symbols)) if len(sides(f, points)) < 2]


def crossing_points(arguments: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], points: Sequence[Mapping],
                    candidate: Callable[[random.Random, int], Mapping | None], seed: int = 0) -> list[Mapping]:
    """Points (from ``candidate(rng, size)``, a full point or None) that add a missing side of some kink."""
    functions = dict(zip(arguments, evaluators(arguments, symbols)))
    missing = {a: {1, -1} - sides(f, points) for a, f in functions.items()}
    missing = {a: s for a, s in missing.items() if s}
    rng, added = random.Random(seed), []
    for size in SCALES:
        for _ in range(CROSSING_TRIES):
            if not missing:
                return added
            point = candidate(rng, size)
            if point is None:
                continue
            found = False
            for a in list(missing):
                value = call(functions[a], point)
                side = None if value is None or value == 0 else (1 if value > 0 else -1)
                if side in missing[a]:
                    found = True
                    missing[a].discard(side)
                    if not missing[a]:
                        del missing[a]
            if found:
                added.append(point)
    return added
