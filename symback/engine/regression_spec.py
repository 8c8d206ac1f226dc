"""Reading the ``[regression]`` table of a spec (see :mod:`symback.engine.regression`).

Every problem is a one-line :class:`symback.engine.errors.SpecError` naming the key and the fix; the data
must give an invertible XᵀX, and a missing learning rate is answered with one that converges.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from symback.engine.numerals import number_text

REGRESSION_KEYS = ("x", "y", "intercept", "cost", "learning_rate", "steps", "start")
COSTS = ("sse", "mse")
MAX_ROWS, MAX_COEFFICIENTS, MAX_WORK = 1000, 10, 5000   #: rows, coefficients, rows × coefficients²
MAX_DESCENT_STEPS = 10_000  #: gradient-descent steps (the graph form's SGD steps: symback.engine.spec.MAX_STEPS)
_OTHER_FORMS = ("inputs", "params", "nodes", "loss", "network", "frozen", "relu_at_zero", "claims")


@dataclass(frozen=True)
class RegressionSpec:
    """``[regression]``: data (features without the ones column), cost and gradient-descent settings."""

    x: tuple[tuple[sp.Rational, ...], ...]   #: n rows of k features
    y: tuple[sp.Rational, ...]
    intercept: bool
    cost: str
    learning_rate: sp.Rational
    steps: int
    start: tuple[sp.Rational, ...]           #: β⁽⁰⁾, one per coefficient (intercept first)

    @property
    def design(self) -> sp.ImmutableMatrix:
        """X: the features with a leading column of ones when ``intercept``."""
        return sp.ImmutableMatrix([([sp.S.One] if self.intercept else []) + list(row) for row in self.x])

    @property
    def scale(self) -> sp.Rational:
        """c in E = c‖Y − Xβ‖²: 1 for "sse", 1/n for "mse"."""
        return sp.S.One if self.cost == "sse" else sp.Rational(1, len(self.y))


def read_regression(reader: Any, data: Mapping) -> RegressionSpec:
    """Validate the ``[regression]`` table of a spec (``reader``: the spec reader, for its errors)."""
    for key in data:
        if key in ("learning_rate", "steps"):
            raise reader.fail(key, "a regression sets gradient descent inside [regression]", f"move it to regression.{key}")
        if key in _OTHER_FORMS:
            raise reader.fail(key, "a spec has one of [regression], [network] or a graph (inputs/params/nodes/loss)",
                              f"remove '{key}' or the [regression] table")
    table = reader.table(data, "regression")
    reader.keys(table, REGRESSION_KEYS, "regression")
    x = _features(reader, table)
    n = len(x)
    y = table.get("y")
    if not isinstance(y, list) or any(isinstance(v, list) for v in y):
        raise reader.fail("regression.y", "missing" if y is None else f"expected a list of numbers, got {_what(y)}",
                          f"give one target per row of x, e.g. y = [{', '.join(['1.0'] * min(n, 3))}{', ...' if n > 3 else ''}]")
    if len(y) != n:
        raise reader.fail("regression.y", f"has {len(y)} values but regression.x has {n} rows", "give one y per row of x")
    y = tuple(reader.number(v, f"regression.y[{i}]") for i, v in enumerate(y))
    intercept = table.get("intercept", True)
    if not isinstance(intercept, bool):
        raise reader.fail("regression.intercept", f"expected true or false, got {_what(intercept)}",
                          "write intercept = true (prepend the column of ones for β0) or false")
    p = len(x[0]) + intercept
    if p > MAX_COEFFICIENTS or n * p * p > MAX_WORK:
        raise reader.fail("regression.x", f"{n} rows and {p} coefficients are too many for an exact worked solution "
                          f"(at most {MAX_COEFFICIENTS} coefficients and rows × coefficients² ≤ {MAX_WORK})",
                          "use a sample of the rows or fewer features (numpy.linalg.lstsq handles large data)")
    cost = table.get("cost", "sse")
    if cost not in COSTS:
        raise reader.fail("regression.cost", f"unknown cost {cost!r}",
                          'use "sse" (E = ‖Y − Xβ‖², the lecture\'s ε²) or "mse" (E = ‖Y − Xβ‖²/n)')
    _check_rank(reader, x, intercept)
    spec = RegressionSpec(x, y, intercept, cost, sp.S.One, 1, (sp.S.Zero,) * p)
    rate = _learning_rate(reader, table, spec)
    steps = table.get("steps", 100)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_DESCENT_STEPS:
        raise reader.fail("regression.steps",
                          f"expected a whole number from 1 to {MAX_DESCENT_STEPS}, got {_what(steps)}",
                          "write e.g. steps = 200")
    start = table.get("start", [0] * p)
    if not isinstance(start, list) or len(start) != p:
        raise reader.fail("regression.start", f"expected {p} numbers (β0 .. β{p - 1}), got {_what(start)}",
                          f"give one starting value per coefficient{' (intercept first)' if intercept else ''}, "
                          f"e.g. start = [{', '.join(['0'] * p)}]")
    start = tuple(reader.number(v, f"regression.start[{j}]") for j, v in enumerate(start))
    return RegressionSpec(x, y, intercept, cost, rate, steps, start)


def _features(reader: Any, table: Mapping) -> tuple[tuple[sp.Rational, ...], ...]:
    """regression.x: a list of rows (lists of numbers), or a list of numbers for one feature."""
    x = table.get("x")
    fix = "give one row per observation, e.g. x = [[1.0], [2.0], [3.0]] (or x = [1.0, 2.0, 3.0] for one feature)"
    if not isinstance(x, list) or not x:
        raise reader.fail("regression.x", "missing" if x is None else f"expected a list of rows, got {_what(x)}", fix)
    if len(x) > MAX_ROWS:
        raise reader.fail("regression.x", f"{len(x)} rows is more than {MAX_ROWS} for an exact worked solution",
                          "use a sample of the rows (numpy.linalg.lstsq handles large data)")
    rows = x if all(isinstance(r, list) for r in x) else [[v] for v in x]
    for i, row in enumerate(rows):
        if isinstance(row, list) and any(isinstance(v, list) for v in row) or not row:
            raise reader.fail(f"regression.x[{i}]", f"expected a row of numbers, got {_what(row)}", fix)
        if len(row) != len(rows[0]):
            raise reader.fail(f"regression.x[{i}]", f"row {i + 1} has {len(row)} features but row 1 has {len(rows[0])}",
                              "give every row the same number of features")
    return tuple(tuple(reader.number(v, f"regression.x[{i}][{j}]") for j, v in enumerate(r)) for i, r in enumerate(rows))


def _check_rank(reader: Any, x, intercept: bool) -> None:
    """XᵀX must be invertible: at least as many rows as coefficients and no column a combination of others."""
    names = (["the column of ones"] if intercept else []) + [f"column {j + 1} of x" for j in range(len(x[0]))]
    n, p = len(x), len(names)
    why = "so XᵀX is singular and β̂ = (XᵀX)⁻¹XᵀY does not exist (infinitely many β fit equally well)"
    if n < p:
        raise reader.fail("regression.x", f"{n} rows for {p} coefficients, {why}", f"give at least {p} rows")
    X = DomainMatrix.from_Matrix(sp.Matrix([([1] if intercept else []) + list(r) for r in x])).to_field()
    for j in range(p):
        if X.extract(list(range(n)), list(range(j + 1))).rank() <= j:
            earlier = ", ".join(names[:j]) or "nothing"
            raise reader.fail("regression.x", f"{names[j]} is {'all zero' if j == 0 else 'a linear combination of ' + earlier}"
                              f" (collinear columns), {why}", "remove that column, or add rows where it varies independently")


def _learning_rate(reader: Any, table: Mapping, spec: RegressionSpec) -> sp.Rational:
    """regression.learning_rate; when missing, the error suggests one that converges on this data."""
    largest = max(hessian_eigenvalues(spec))
    if not math.isfinite(largest) or largest <= 0:  # values near 1e300: the float64 descent would overflow
        raise reader.fail("regression.x", "the data is too large for float64 gradient descent (XᵀX overflows)",
                          "rescale x and y (e.g. divide them by 1e300)")
    if "learning_rate" not in table:
        bound = 2 / largest
        raise reader.fail("regression.learning_rate", "missing", f"add e.g. learning_rate = {number_text(bound / 2, 1)} "
                          f"(gradient descent converges on this data for η < {number_text(bound, 4)})")
    rate = reader.number(table["learning_rate"], "regression.learning_rate")
    if rate <= 0:
        raise reader.fail("regression.learning_rate", f"must be positive, got {rate}", "use e.g. learning_rate = 0.01")
    return rate


def _what(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "true/false" if isinstance(value, bool) else repr(value) if isinstance(value, (int, float, str)) else "a table"


def hessian_eigenvalues(spec: RegressionSpec) -> tuple[float, ...]:
    """The eigenvalues of the Hessian 2c XᵀX, ascending (float64)."""
    import numpy as np  # lazy: start-up time

    X = np.array(spec.design.tolist(), dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # values near 1e300: inf, which the caller refuses
        hessian = 2 * float(spec.scale) * X.T @ X
    if not np.isfinite(hessian).all():
        return (math.inf,)
    return tuple(float(v) for v in np.linalg.eigvalsh(hessian))
