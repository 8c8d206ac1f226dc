"""Loss functions as SymPy expressions over output and target symbols.

Shared by formulas (``mse([y1, y2], [t1, t2])``) and the network builder. Each loss also tells
which targets form a probability vector whose sum may be assumed 1 (cross-entropy losses), so the
engine can state and apply the assumption Sigma t = 1 where it turns a gradient into y - t.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

from . import functions as fn


@dataclass(frozen=True)
class Loss:
    """A named loss: how to build it, and whether its targets are a distribution (Sigma t = 1)."""

    name: str
    build: Callable[[Sequence[sp.Expr], Sequence[sp.Expr]], sp.Expr]
    text: str
    targets_sum_to_one: bool = False


def _pairs(ys, ts):
    return list(zip(ys, ts))


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", lambda ys, ts: sp.Rational(1, len(ys)) * sp.Add(*((y - t) ** 2 for y, t in _pairs(ys, ts))),
                "mean squared error (1/n) Σ (y - t)²"),
    "half_sse": Loss("half_sse", lambda ys, ts: sp.Rational(1, 2) * sp.Add(*((y - t) ** 2 for y, t in _pairs(ys, ts))),
                     "half sum of squared errors ½ Σ (y - t)²"),
    "sse": Loss("sse", lambda ys, ts: sp.Add(*((y - t) ** 2 for y, t in _pairs(ys, ts))),
                "sum of squared errors Σ (y - t)²"),
    "bce": Loss("bce", lambda ys, ts: -sp.Rational(1, len(ys)) * sp.Add(
        *(t * sp.log(y) + (1 - t) * sp.log(1 - y) for y, t in _pairs(ys, ts))),
                "binary cross-entropy -(1/n) Σ [t log y + (1 - t) log(1 - y)]"),
    "cross_entropy": Loss("cross_entropy", lambda ys, ts: -sp.Add(*(t * sp.log(y) for y, t in _pairs(ys, ts))),
                          "cross-entropy -Σ t log y", targets_sum_to_one=True),
    "softmax_cross_entropy": Loss(
        "softmax_cross_entropy",
        lambda zs, ts: -sp.Add(*(t * sp.log(fn.softmax(k, *zs)) for k, t in enumerate(ts, start=1))),
        "softmax cross-entropy -Σ t_k log softmax_k(z)", targets_sum_to_one=True),
}
