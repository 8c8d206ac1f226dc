"""Update rules beyond plain gradient descent, as ``torch.optim`` defines them: SGD with momentum, and Adam.

``optimizer = { name = "momentum", momentum = 0.9 }`` (``torch.optim.SGD(lr, momentum=0.9)``: no
dampening, not Nesterov)::

    v ← μ v + g            p ← p − η v                      (v starts at 0, so the first v is g)

``optimizer = { name = "adam", beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }`` (``torch.optim.Adam``, step t from 1)::

    m ← β1 m + (1 − β1) g      v ← β2 v + (1 − β2) g²
    m̂ = m / (1 − β1^t)         v̂ = v / (1 − β2^t)         p ← p − η m̂ / (√v̂ + ε)

:func:`optimizer_step` runs one step on any numbers (exact SymPy numbers for the worked solution's first
step, float64 arrays in training); frozen parameters get gradient 0 and do not move.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import sympy as sp

from symback.engine.errors import did_you_mean

#: each rule's keys and their defaults (PyTorch's)
UPDATE_RULES: dict[str, dict[str, sp.Rational]] = {
    "momentum": {"momentum": sp.Rational(9, 10)},
    "adam": {"beta1": sp.Rational(9, 10), "beta2": sp.Rational(999, 1000), "eps": sp.Rational(1, 10 ** 8)},
}


@dataclass(frozen=True)
class Optimizer:
    """An update rule and its constants (exact), by name: ``momentum`` or ``adam``."""

    name: str
    settings: tuple[tuple[str, sp.Rational], ...]

    def __getitem__(self, key: str) -> sp.Rational:
        return dict(self.settings)[key]


@dataclass(frozen=True)
class OptimizerState:
    """What an update rule carries from step to step: the step count, the velocity (momentum) or m and v (Adam),
    and for the worked solution Adam's bias-corrected m̂ and v̂ of the last step."""

    step: int
    velocity: Mapping[str, Any]
    second: Mapping[str, Any]
    corrected: Mapping[str, Any]
    corrected_second: Mapping[str, Any]


def initial_state(params: Mapping[str, Any]) -> OptimizerState:
    """The state before the first step: everything 0."""
    zero = {p: 0 for p in params}
    return OptimizerState(0, zero, zero, {}, {})


def optimizer_step(optimizer: Optimizer, params: Mapping[str, Any], grads: Mapping[str, Any], state: OptimizerState,
                   rate: Any, sqrt: Callable[[Any], Any]) -> tuple[dict[str, Any], OptimizerState]:
    """One step of ``optimizer``: the new parameters and state (``sqrt`` on the numbers used: ``sp.sqrt``, ``numpy.sqrt``)."""
    t = state.step + 1
    if optimizer.name == "momentum":
        mu = optimizer["momentum"]
        velocity = {p: mu * state.velocity[p] + grads[p] for p in params}
        return {p: params[p] - rate * velocity[p] for p in params}, OptimizerState(t, velocity, {}, {}, {})
    beta1, beta2, eps = optimizer["beta1"], optimizer["beta2"], optimizer["eps"]
    first = {p: beta1 * state.velocity[p] + (1 - beta1) * grads[p] for p in params}
    second = {p: beta2 * state.second[p] + (1 - beta2) * grads[p] ** 2 for p in params}
    m_hat = {p: first[p] / (1 - beta1 ** t) for p in params}
    v_hat = {p: second[p] / (1 - beta2 ** t) for p in params}
    new = {p: params[p] - rate * m_hat[p] / (sqrt(v_hat[p]) + eps) for p in params}
    return new, OptimizerState(t, first, second, m_hat, v_hat)


def read_optimizer(reader, data: Mapping) -> Optimizer | None:
    """The ``optimizer`` table of a spec (``reader``: the spec reader's ``fail``, ``keys`` and ``number``)."""
    if "optimizer" not in data:
        return None
    table = data["optimizer"]
    if not isinstance(table, Mapping) or not isinstance(table.get("name"), str):
        raise reader.fail("optimizer", "expected a table with a name", 'write e.g. optimizer = { name = "adam" }')
    name = table["name"]
    if name not in UPDATE_RULES:
        raise reader.fail("optimizer.name", f"unknown update rule {name!r}", did_you_mean(name, UPDATE_RULES) or
                          "use \"momentum\" or \"adam\" (plain gradient descent needs no optimizer)")
    if "learning_rate" not in data:
        raise reader.fail("optimizer", "an update rule needs a learning rate", "add learning_rate = 0.1")
    reader.keys(table, ("name", *UPDATE_RULES[name]), "optimizer")
    settings = []
    for key, default in UPDATE_RULES[name].items():
        value = reader.number(table[key], f"optimizer.{key}") if key in table else default
        low_ok = value > 0 if key == "eps" else value >= 0
        if not (low_ok and (key == "eps" or value < 1)):
            wanted = "positive" if key == "eps" else "at least 0 and below 1"
            raise reader.fail(f"optimizer.{key}", f"must be {wanted}, got {value}", f"use PyTorch's default {key} = {float(default):g}")
        settings.append((key, value))
    return Optimizer(name, tuple(settings))
