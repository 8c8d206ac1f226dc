"""The data of the layer-level (matrix) view: one :class:`MatrixLayer` per layer, and the :class:`MatrixForm`.

:func:`symback.engine.matrix.dense_matrix_form` computes them (conventions: its module docstring).
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    import numpy


@dataclass(frozen=True)
class MatrixLayer:
    """One dense layer l at one point, every matrix in the form's convention (``None``: no bias)."""

    index: int
    activation: str
    A_prev: sp.Matrix            #: the layer's input A(l-1) (X for l = 1)
    W: sp.Matrix
    b: sp.Matrix | None          #: 1 x n (row), n x 1 (column), 1 x 1 when shared
    Z: sp.Matrix
    A: sp.Matrix
    local: sp.Matrix | None      #: sigma'(Z) entry by entry (None for softmax: its Jacobian is not elementwise)
    local_formula: sp.Expr | None  #: sigma' in the element symbols Z and A, from the rule table
    delta: sp.Matrix             #: per-sample dL_x/dZ
    dW: sp.Matrix                #: dL/dW = (1/m) sum over samples
    db: sp.Matrix | None
    dA_prev: sp.Matrix           #: per-sample dL_x/dA(l-1): the gradient passed back (seed 003's dL/dX)
    W_updated: sp.Matrix | None = None
    b_updated: sp.Matrix | None = None


@dataclass(frozen=True)
class Agreement:
    """Matrix-form entries of one quantity of one layer against the neuron-level numbers."""

    layer: int
    quantity: str                #: "Z", "A", "delta", "dW", "db", "dA_prev", "W_updated", "b_updated"
    entries: int
    max_error: float             #: largest |matrix - neuron| / max(1, |neuron|)
    agrees: bool


@dataclass(frozen=True)
class MatrixForm:
    """A network's layer-level derivation at its point (see the module docstring for the conventions)."""

    convention: str
    samples: int
    bias: str                    #: "none", "neuron" or "shared"
    loss: str                    #: the spec's loss name
    loss_value: sp.Expr
    layers: tuple[MatrixLayer, ...]
    output_gradient: sp.Matrix   #: per-sample dL_x/dY, the upstream of BP1
    output_gradient_formula: sp.Expr  #: dL_x/dY of one entry in the element symbols Y and T (1/n included)
    output_rule: str             #: "softmax_cross_entropy", "sigmoid_bce" or "chain" (grad ⊙ sigma')
    targets: sp.Matrix
    targets_sum_to_one: bool     #: Sigma t = 1 for every sample (softmax + cross-entropy uses it)
    learning_rate: sp.Expr | None
    frozen: tuple[str, ...]
    checks: tuple[Agreement, ...]

    @property
    def consistent(self) -> bool:
        """Every checked entry equals the neuron-level number."""
        return all(c.agrees for c in self.checks)

    @property
    def gradients(self) -> list[sp.Matrix]:
        """dL/dW(l) for every layer, in the convention's orientation."""
        return [layer.dW for layer in self.layers]

    @property
    def bias_gradients(self) -> list[sp.Matrix | None]:
        """dL/db(l) for every layer (1 x 1 when shared, ``None`` without biases)."""
        return [layer.db for layer in self.layers]

    def numpy(self) -> dict[str, numpy.ndarray]:
        """The gradients as float64 arrays: ``{"W1": dL/dW1, "b1": dL/db1, ...}`` (the convention's shapes)."""
        import numpy  # lazy: start-up time

        result = {}
        for layer in self.layers:
            result[f"W{layer.index}"] = numpy.array(layer.dW.tolist(), dtype=float)
            if layer.db is not None:
                result[f"b{layer.index}"] = numpy.array(layer.db.tolist(), dtype=float)
        return result

    def to_json(self) -> dict:
        """The ``"matrix"`` entry of the JSON output: shapes, per-layer matrices (floats), the consistency check."""
        def floats(M: sp.Matrix | None):
            return None if M is None else [[float(v) for v in M.row(i)] for i in range(M.rows)]

        keys = ("A_prev", "W", "b", "Z", "A", "local", "delta", "dW", "db", "dA_prev", "W_updated", "b_updated")
        return {
            "convention": self.convention, "samples": self.samples, "bias": self.bias, "loss": float(self.loss_value),
            "output_delta": self.output_rule, "shapes": {k: list(v) for k, v in self.shapes().items()},
            "layers": [{"layer": layer.index, "activation": layer.activation} |
                       {k: floats(getattr(layer, k)) for k in keys} for layer in self.layers],
            "consistency": {"agrees": self.consistent, "max_error": max(c.max_error for c in self.checks),
                            "checks": [{"layer": c.layer, "quantity": c.quantity, "entries": c.entries,
                                        "max_error": c.max_error} for c in self.checks]},
        }

    def symbolic(self) -> tuple[tuple[sp.MatrixSymbol, sp.MatrixExpr], ...]:
        """The per-layer equations as SymPy matrix expressions with shapes (``MatrixSymbol('W1', 2, 3)``).

        Names: ``X`` (= A0), ``A<l>``, ``W<l>``, ``b<l>``, ``Z<l>``, ``delta<l>``, ``S<l>`` (sigma'(Z<l>)),
        ``dW<l>``, ``db<l>``, ``dA<l-1>``; SymPy checks every product's shapes when they are built.
        """
        m, row = self.samples, self.convention == "row"
        sym = {name: sp.MatrixSymbol(name, *shape) for name, shape in self.shapes().items()}
        ones = sp.OneMatrix(m, 1) if row else sp.OneMatrix(1, m)
        equations = []
        for layer in self.layers:
            l = layer.index
            a_prev, W, delta = sym[_act_name(l - 1)], sym[f"W{l}"], sym[f"delta{l}"]
            affine = a_prev * W if row else W * a_prev
            if layer.b is not None:
                b = sym[f"b{l}"]
                if self.bias == "shared":
                    n = layer.Z.shape[1] if row else layer.Z.shape[0]
                    b = sp.OneMatrix(m, 1) * b * sp.OneMatrix(1, n) if row else sp.OneMatrix(n, 1) * b * sp.OneMatrix(1, m)
                    affine = affine + b
                else:
                    affine = affine + (ones * b if row else b * ones)
            equations.append((sym[f"Z{l}"], affine))
            if l < len(self.layers) and layer.local is not None:
                upstream = sym[f"dA{l}"]
                equations.append((delta, sp.HadamardProduct(upstream, sym[f"S{l}"])))
            scale = sp.Rational(1, m)
            equations.append((sym[f"dW{l}"], scale * (a_prev.T * delta if row else delta * a_prev.T)))
            if layer.db is not None:
                total = ones.T * delta if row else delta * ones.T
                if self.bias == "shared":
                    total = total * sp.OneMatrix(delta.shape[1], 1) if row else sp.OneMatrix(1, delta.shape[0]) * total
                equations.append((sym[f"db{l}"], scale * total))
            equations.append((sym[f"dA{l - 1}"], delta * W.T if row else W.T * delta))
        return tuple(equations)

    def shapes(self) -> dict[str, tuple[int, int]]:
        """Every matrix of the derivation and its shape, e.g. ``{"X": (1, 2), "W1": (2, 3), ...}``."""
        out: dict[str, tuple[int, int]] = {"X": self.layers[0].A_prev.shape}
        for layer in self.layers:
            l = layer.index
            out[f"W{l}"] = layer.W.shape
            if layer.b is not None:
                out[f"b{l}"] = layer.b.shape
            out |= {f"Z{l}": layer.Z.shape, _act_name(l): layer.A.shape, f"delta{l}": layer.delta.shape}
            if layer.local is not None:
                out[f"S{l}"] = layer.local.shape
            out[f"dW{l}"] = layer.dW.shape
            if layer.db is not None:
                out[f"db{l}"] = layer.db.shape
            out[f"dA{l - 1}"] = layer.dA_prev.shape
        return out


def _act_name(l: int) -> str:
    return "X" if l == 0 else f"A{l}"
