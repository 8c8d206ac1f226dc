"""Loss functions as data: an elementwise term l(y, t) and a reduction over the outputs.

``build`` turns a loss into a SymPy expression over output and target symbols (for formulas such
as ``mse([y1, y2], [t1, t2])`` and for the network builder); the layer-level compiled path uses the
same term on whole arrays. Cross-entropy losses mark their targets as a distribution, so the
engine can state and apply Sigma t = 1 where it turns a gradient into y - t.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

import symback.engine.functions as fn


@dataclass(frozen=True)
class Loss:
    """A named loss: elementwise term, ``"sum"`` or ``"mean"`` over outputs, and its description."""

    name: str
    term: Callable[[sp.Expr, sp.Expr], sp.Expr] | None  #: None for a loss built ``whole``
    reduction: str
    text: str
    targets_sum_to_one: bool = False
    from_logits: bool = False  #: applies softmax to its first argument first
    whole: Callable[[Sequence[sp.Expr], Sequence[sp.Expr]], sp.Expr] | None = None  #: a loss that is no sum of terms
    one_hot: bool = False      #: its targets are one-hot (1 at the true class)

    def build(self, ys: Sequence[sp.Expr], ts: Sequence[sp.Expr]) -> sp.Expr:
        """The loss over outputs ``ys`` (logits when ``from_logits``) and targets ``ts``."""
        if self.whole is not None:
            return self.whole(ys, ts)
        if self.from_logits:
            ys = [fn.softmax(k, *ys) for k in range(1, len(ys) + 1)]
        total = sp.Add(*(self.term(y, t) for y, t in zip(ys, ts)))
        return total / len(ys) if self.reduction == "mean" else total


def _cross_entropy(y, t):
    return -t * sp.log(y)


def _multiclass_hinge(scores, ts):
    """Σ_{j≠y} max(0, s_j − s_y + 1) with one-hot targets: s_y = Σ_k t_k s_k, and the term of j = y is left out by
    1 − t_j. max(0, ·) is ReLU, so a margin met exactly (a tie) has the derivative ``relu_at_zero`` (0, as
    PyTorch's ``multi_margin_loss`` and CS231n's ``margins > 0``)."""
    true_score = sp.Add(*(t * s for s, t in zip(scores, ts)))
    return sp.Add(*((1 - t) * fn.relu(s - true_score + 1) for s, t in zip(scores, ts)))


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    Loss("mse", lambda y, t: (y - t) ** 2, "mean", "mean squared error (1/n) Σ (y - t)²"),
    Loss("half_sse", lambda y, t: sp.Rational(1, 2) * (y - t) ** 2, "sum", "half sum of squared errors ½ Σ (y - t)²"),
    Loss("sse", lambda y, t: (y - t) ** 2, "sum", "sum of squared errors Σ (y - t)²"),
    Loss("bce", lambda y, t: -(t * sp.log(y) + (1 - t) * sp.log(1 - y)), "mean",
         "binary cross-entropy -(1/n) Σ [t log y + (1 - t) log(1 - y)]"),
    Loss("cross_entropy", _cross_entropy, "sum", "cross-entropy -Σ t log y", targets_sum_to_one=True),
    Loss("softmax_cross_entropy", _cross_entropy, "sum", "softmax cross-entropy -Σ t_k log softmax_k(z)",
         targets_sum_to_one=True, from_logits=True),
    Loss("multiclass_hinge", None, "sum", "multiclass hinge (SVM) loss Σ_{j≠y} max(0, s_j − s_y + 1), one-hot t",
         whole=_multiclass_hinge, one_hot=True),
)}
#: losses only a network in layers-list form takes (the dense and convolutional paths use elementwise terms)
LAYERS_ONLY = frozenset(name for name, loss in LOSSES.items() if loss.whole is not None)
