"""A graph's forward pass as one compiled high-precision function: the gradient check's evaluator.

:func:`mpmath_loss` lambdifies the whole forward pass once into a straight-line program (one
assignment per node the loss uses, in topological order) over mpmath, so one evaluation costs O(E)
arithmetic at the working precision and no SymPy object is built per call. Every symbol is printed
under a new name (``_p[i]`` for a leaf, ``_v<i>`` for a node): the generated code holds only printer
output of parsed expressions, never user text, and a node called ``lambda`` or ``E`` cannot clash with
Python or mpmath.
"""
from __future__ import annotations

from typing import Callable, Sequence

import mpmath
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from symback.engine.functions import MPMATH_NAMESPACE
from symback.engine.graph import Graph
from symback.engine.sums import is_symbol_product, symbols_and_products

#: terms of a sum printed in one run: Python's compiler recurses once per ``+`` of a run (a [3500, 1]
#: layer's 3,500 terms overflowed it); longer sums are printed as sums of parenthesised runs
SUM_CHUNK = 256

LossProgram = Callable[..., mpmath.mpf]  #: ``program(*leaf_values)`` in the order of :func:`leaf_order`


def leaf_order(graph: Graph) -> tuple[str, ...]:
    """The leaves a loss program takes, in order: the inputs, then the parameters."""
    return graph.inputs + graph.params


def mpmath_loss(graph: Graph) -> LossProgram:
    """The loss as one mpmath function of every leaf value (positional, :func:`leaf_order`).

    Independent of the backward pass: it evaluates the node formulas only. Call it inside
    ``mpmath.workdps(precision)``.

    >>> from symback.engine.spec_reader import spec_from_dict
    >>> from symback.engine.graph import build_graph
    >>> g = build_graph(spec_from_dict({"loss": "L", "inputs": {"x": 3}, "params": {"w": 2},
    ...                                 "nodes": {"z": "w*x", "L": "z^2"}}))
    >>> mpmath_loss(g)(mpmath.mpf(3), mpmath.mpf(2))
    mpf('36.0')
    """
    # the leaves are the entries of one argument (_p[0], _p[1], ...): lambdify sorts its arguments,
    # which for the 544 leaves of a 16-16-16 network cost as much as printing the program
    leaves = sp.DeferredVector("_p")
    # the renaming happens in the printer: the formulas are printed as stored, each symbol as its new
    # name (a renamed copy of every formula, built under sp.evaluate(False), cost as much again and
    # cleared SymPy's cache twice)
    names = {graph.symbols[name]: f"_p[{i}]" for i, name in enumerate(leaf_order(graph))}
    targets = {}
    for i, node in enumerate(graph.nodes):
        if not node.is_leaf:
            targets[node.name] = sp.Symbol(f"_v{i}")
            names[node.symbol] = targets[node.name].name
    relevant = graph.ancestors_of_loss
    assignments = [(targets[node.name], node.expr) for node in graph.nodes if not node.is_leaf and node.name in relevant]
    result = targets[graph.loss] if graph.loss in targets else sp.Symbol(names[graph.symbols[graph.loss]])
    # lambdify's own mpmath printer settings, but terms printed as stored: sorting each sum costs, and
    # the order of a sum's terms changes nothing here
    printer = _ProgramPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                               "order": "none"}, names)
    program = sp.lambdify([leaves], result, modules=[MPMATH_NAMESPACE, "mpmath"], printer=printer,
                          cse=lambda expr: (assignments, expr), docstring_limit=0)
    return lambda *values: program(values)


class _ProgramPrinter(MpmathPrinter):
    """lambdify's mpmath printer, with products and sums of plain symbols written directly (``_v1*_v2 + _v3``,
    :func:`symback.engine.sums.symbols_and_products`, in the order stored):
    most of a network's program, and the general path asks of each factor whether it is a fraction
    or negative. The arithmetic is the same; only the printing is shorter. Each graph symbol is printed
    as its name in the program (``names``)."""

    def __init__(self, settings: dict, names: dict[sp.Symbol, str]) -> None:
        super().__init__(settings)
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = self._names.get(expr)
        return super()._print_Symbol(expr) if name is None else name

    def _print_Mul(self, expr: sp.Mul) -> str:
        if is_symbol_product(expr):
            return "*".join(map(self._print, expr.args))
        return super()._print_Mul(expr)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        if len(expr.args) > SUM_CHUNK:  # a wide sum (a [3500, 1] layer, a 64x64 kernel): bounded nesting
            return _chunked([self._print(sp.Add(*expr.args[i:i + SUM_CHUNK], evaluate=False))
                             for i in range(0, len(expr.args), SUM_CHUNK)])
        if symbols_and_products(expr.args):
            return " + ".join(map(self._print, expr.args))
        return super()._print_Add(expr, order)


def _chunked(parts: list[str]) -> str:
    """``(p1) + (p2) + ...``, grouped again in parentheses while there are more than :data:`SUM_CHUNK` parts."""
    while len(parts) > SUM_CHUNK:
        parts = [" + ".join(f"({p})" for p in parts[i:i + SUM_CHUNK]) for i in range(0, len(parts), SUM_CHUNK)]
    return " + ".join(f"({p})" for p in parts)


def mp_number(value: sp.Expr) -> mpmath.mpf:
    """An exact or Float SymPy number as an mpmath number at the working precision."""
    if value.is_Rational:
        return mpmath.mpf(int(value.p)) / int(value.q)
    return mpmath.mpf(sp.Float(value)._mpf_)


def mp_point(graph: Graph, point, precision: int) -> list[mpmath.mpf]:
    """The leaf values of ``point`` as mpmath numbers, in :func:`leaf_order`."""
    return [mpmath.mpf(sp.Float(point[n], precision)._mpf_) if point[n].is_Float else mp_number(point[n])
            for n in leaf_order(graph)]


def central_difference(loss: LossProgram, base: Sequence[mpmath.mpf], direction: Sequence[mpmath.mpf] | int,
                       h: mpmath.mpf) -> mpmath.mpf:
    """``(L(p + h v) - L(p - h v)) / 2h`` for a direction ``v``, or along one leaf given by its index."""
    if isinstance(direction, int):
        up, down = list(base), list(base)
        up[direction] += h
        down[direction] -= h
    else:
        step = [h * v for v in direction]  # the same rounded h*v both ways: one product per leaf, not two
        up = [b + s for b, s in zip(base, step)]
        down = [b - s for b, s in zip(base, step)]
    return (loss(*up) - loss(*down)) / (2 * h)
