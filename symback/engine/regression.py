r"""Linear regression (seed 003 §1): the closed form and gradient descent, side by side.

``Y = X β + ε`` with a leading column of ones in ``X`` (``intercept = true``). The cost is
``E(β) = c ‖Y − Xβ‖²`` with ``c = 1`` (``cost = "sse"``, the lecture's ε²) or ``c = 1/n`` (``"mse"``).
The closed form ``β̂ = (XᵀX)⁻¹XᵀY`` is computed exactly (rationals); the gradient is derived by
the rule table from ``E`` written in the symbols β0..βk and checked equal to ``−2c Xᵀ(Y − Xβ)``;
gradient descent ``β⁽ᵗ⁺¹⁾ = β⁽ᵗ⁾ − η ∇E`` runs in float64 (its first step also exactly), and
converges exactly when ``η < 2/λ_max`` of the Hessian ``2c XᵀX``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from symback.engine.expr import symbol
from symback.engine.regression_spec import RegressionSpec, hessian_eigenvalues
from symback.engine.rules import differentiate

from symback.engine.spec import Spec

if TYPE_CHECKING:
    import numpy as np

TOLERANCE = 1e-6     #: "converged": the distance to β̂ is this fraction of the starting distance


@dataclass(frozen=True)
class Iterate:
    """One gradient-descent iterate β⁽ᵗ⁾ with its cost E(β⁽ᵗ⁾) and distance ‖β⁽ᵗ⁾ − β̂‖₂ (float64)."""

    step: int
    beta: tuple[float, ...]
    cost: float
    distance: float


@dataclass(frozen=True)
class Descent:
    """Gradient descent from ``start``: the exact first step, the float64 iterates, the step-size analysis."""

    learning_rate: sp.Rational
    eigenvalues: tuple[float, ...]          #: of the Hessian, ascending
    first_gradient: sp.ImmutableMatrix      #: ∇E(β⁽⁰⁾), exact
    first: sp.ImmutableMatrix               #: β⁽¹⁾ = β⁽⁰⁾ − η ∇E(β⁽⁰⁾), exact
    iterations: tuple[Iterate, ...]         #: β⁽⁰⁾ .. β⁽steps⁾, cut where float64 overflows
    diverged_at: int | None                 #: the first step whose cost overflowed float64

    @property
    def max_rate(self) -> float:
        """2/λ_max: gradient descent converges exactly for 0 < η below this."""
        return 2 / self.eigenvalues[-1]

    @property
    def contraction(self) -> float:
        """ρ = max |1 − ηλ|: the error shrinks (ρ < 1) or grows (ρ > 1) by about this factor per step."""
        eta = float(self.learning_rate)
        return max(abs(1 - eta * lam) for lam in self.eigenvalues)

    @property
    def converges(self) -> bool:
        return self.contraction < 1

    @property
    def steps_to_tolerance(self) -> int | None:
        """Steps after which ρᵗ ≤ TOLERANCE (None when it does not converge)."""
        rho = self.contraction
        if rho >= 1:
            return None
        return 1 if rho == 0 else max(1, math.ceil(math.log(TOLERANCE) / math.log(rho)))


@dataclass(frozen=True)
class RegressionSolution:
    """A solved regression spec: the exact closed form, the derived gradient, and gradient descent."""

    spec: Spec
    X: sp.ImmutableMatrix
    Y: sp.ImmutableMatrix
    xtx: sp.ImmutableMatrix
    xty: sp.ImmutableMatrix
    xtx_inv: sp.ImmutableMatrix
    beta_hat: sp.ImmutableMatrix            #: (XᵀX)⁻¹XᵀY, exact
    cost_at_beta_hat: sp.Rational
    r_squared: sp.Rational | None           #: 1 − SSE/SST (with an intercept only)
    gradient: tuple[sp.Expr, ...]           #: ∂E/∂β_j from the rule table, expanded (linear in β)
    gradient_rules: tuple[str, ...]
    gradient_checked: bool                  #: every component equals (−2c Xᵀ(Y − Xβ))_j exactly
    descent: Descent

    @property
    def title(self) -> str:
        return self.spec.title or Path(self.spec.source).stem

    @property
    def regression(self) -> RegressionSpec:
        return self.spec.regression

    @property
    def betas(self) -> tuple[sp.Symbol, ...]:
        """The coefficient symbols β0, β1, ... (β0 is the intercept when there is one)."""
        return coefficient_symbols(self.X.cols)

    @property
    def iterations(self) -> tuple[Iterate, ...]:
        return self.descent.iterations

    @property
    def converges(self) -> bool:
        return self.descent.converges

    @property
    def flops(self) -> dict[str, int]:
        """Multiply-adds of each method (naive algorithms): the closed form and gradient descent."""
        n, p = self.X.shape
        closed = {"XtX": n * p * p, "XtY": n * p, "inverse": p ** 3, "product": p * p}
        per_step = 2 * n * p + p  # Xβ, Xᵀr, and the update
        needed = self.descent.steps_to_tolerance
        return {**{f"closed_form_{k}": v for k, v in closed.items()}, "closed_form": sum(closed.values()),
                "gd_per_step": per_step, "gd": per_step * self.regression.steps,
                "gd_to_tolerance": None if needed is None else per_step * needed,
                "break_even_steps": -(-sum(closed.values()) // per_step)}

    def numpy(self) -> np.ndarray:
        """β̂ as a float64 array (the last gradient-descent iterate is ``iterations[-1].beta``)."""
        import numpy as np  # lazy: start-up time

        return np.array([float(v) for v in self.beta_hat], dtype=float)


def coefficient_symbols(count: int) -> tuple[sp.Symbol, ...]:
    """β0 .. β(count−1) as symback symbols (printed ``\\beta_{0}``)."""
    return tuple(symbol(f"beta{j}") for j in range(count))


def cost_expression(X: sp.Matrix, Y: sp.Matrix, scale: sp.Rational) -> sp.Expr:
    """E(β) = c Σ_i (y_i − x_iᵀβ)² in the symbols β0..βk, as written (not expanded)."""
    betas = coefficient_symbols(X.cols)
    return scale * sp.Add(*((Y[i] - sp.Add(*(X[i, j] * b for j, b in enumerate(betas)))) ** 2 for i in range(X.rows)))


def regress(spec: Spec) -> RegressionSolution:
    """Solve a regression spec: exact closed form, derived gradient, gradient descent.

    >>> import symback
    >>> sol = regress(symback.spec_from_dict({"regression": {"x": [1, 2, 3], "y": [2, 4, 6], "learning_rate": 0.05}}))
    >>> sol.beta_hat.T, sol.converges
    (Matrix([[0, 2]]), True)
    """
    reg = spec.regression
    X, Y, c = reg.design, sp.ImmutableMatrix(reg.y), reg.scale
    field = lambda m: DomainMatrix.from_Matrix(sp.Matrix(m)).to_field()  # exact rationals, fast
    Xd, Yd = field(X), field(Y)
    xtx, xty = Xd.transpose() * Xd, Xd.transpose() * Yd
    inv = xtx.inv()
    beta_hat = (inv * xty).to_Matrix().as_immutable()
    residual = Y - X * beta_hat
    sse = (residual.T * residual)[0]
    r_squared = None
    if reg.intercept:
        sst = sum((v - sp.Rational(sum(reg.y), len(reg.y))) ** 2 for v in reg.y)
        r_squared = 1 - sse / sst if sst else None
    betas = coefficient_symbols(X.cols)
    cost = cost_expression(X, Y, c)
    matrix_form = -2 * c * X.T * (Y - X * sp.Matrix(betas))
    gradient, rules = [], []
    for j, b in enumerate(betas):
        derivative, used = differentiate(cost, b)
        gradient.append(sp.expand(derivative))
        rules += [r for r in used if r not in rules]
    checked = all(sp.expand(g - m) == 0 for g, m in zip(gradient, matrix_form))
    return RegressionSolution(spec, X, Y, xtx.to_Matrix().as_immutable(), xty.to_Matrix().as_immutable(),
                              inv.to_Matrix().as_immutable(), beta_hat, c * sse, r_squared, tuple(gradient),
                              tuple(rules), checked, _descend(reg, X, Y, beta_hat))


def _descend(reg: RegressionSpec, X: sp.Matrix, Y: sp.Matrix, beta_hat: sp.Matrix) -> Descent:
    """The exact first step, then ``steps`` float64 steps, stopping where float64 overflows."""
    import numpy as np  # lazy: start-up time

    c, eta = reg.scale, reg.learning_rate
    start = sp.ImmutableMatrix(reg.start)
    first_gradient = (-2 * c * X.T * (Y - X * start)).as_immutable()
    Xf, Yf = np.array(X.tolist(), dtype=float), np.array([float(v) for v in Y], dtype=float)
    target = np.array([float(v) for v in beta_hat])
    beta, rate, scale = np.array([float(v) for v in start]), float(eta), float(c)
    iterations, diverged = [], None
    with np.errstate(all="ignore"):
        for step in range(reg.steps + 1):
            residual = Yf - Xf @ beta
            cost = scale * float(residual @ residual)
            if not (math.isfinite(cost) and np.all(np.isfinite(beta))):
                diverged = step
                break
            iterations.append(Iterate(step, tuple(float(v) for v in beta), cost, float(np.linalg.norm(beta - target))))
            beta = beta + rate * 2 * scale * (Xf.T @ residual)
    return Descent(eta, hessian_eigenvalues(reg), first_gradient, (start - eta * first_gradient).as_immutable(),
                   tuple(iterations), diverged)
