"""SGD on the compiled numeric path: ``steps`` updates, all gradients at the old parameters.

Training that diverges stops at the first loss that is not a finite float64 (nan, inf, an overflow)
with an :class:`~symback.engine.errors.EvaluationError` naming the step and the last finite loss:
no history with NaN in it is ever returned (README "Training").
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy

from symback.engine.backprop import Derivation
from symback.engine.compile import compile_graph, compile_network
from symback.engine.errors import EvaluationError
from symback.engine.names import bias_name, weight_name
from symback.engine.numerals import number_text
from symback.engine.optimizers import Optimizer, initial_state, optimizer_step


@dataclass(frozen=True)
class Training:
    """Loss at the initial parameters and after each step (steps + 1 values), final parameters."""

    history: tuple[float, ...]
    params: Mapping[str, float]


def train(derivation: Derivation, steps: int | None = None, where: str = "learning_rate") -> Training:
    """Run ``steps`` steps (the graph's own ``steps`` by default) in float64.

    ``p <- p - learning_rate * dL/dp`` for every parameter not listed in ``frozen``, or the graph's update rule
    (:mod:`symback.engine.optimizers`); ``where`` (the
    spec's name) begins the error raised when the loss stops being finite (:func:`diverged`).
    """
    graph = derivation.graph
    steps = graph.steps if steps is None else steps
    if graph.learning_rate is None:
        raise ValueError("training needs a learning rate")
    rate = float(graph.learning_rate)
    with numpy.errstate(all="ignore"):  # an overflow is caught below as a loss that is not finite
        try:
            if graph.network is not None:
                return _train_network(graph, steps, rate)
            return _train_graph(derivation, graph, steps, rate)
        except _Diverged as stop:
            raise diverged(where, stop.history, steps, graph.learning_rate) from None
        except OverflowError:  # a starting value or the rate beyond float64
            raise EvaluationError(where, "a value is beyond the float64 range (1.8e308) that training runs in",
                                  "rescale the problem's values") from None


class _Diverged(Exception):
    """The loss left float64 after the steps of ``history`` (the finite losses before it)."""

    def __init__(self, history: list[float]) -> None:
        super().__init__()
        self.history = tuple(history)


def _record(history: list[float], compute):
    """``compute()`` (a tuple whose first item is the loss), its loss appended to ``history``; :class:`_Diverged`
    if the loss is not finite or the computation overflowed."""
    try:
        result = compute()
        loss = float(result[0])
    except (OverflowError, ZeroDivisionError, ValueError):
        raise _Diverged(history) from None
    if not math.isfinite(loss):
        raise _Diverged(history)
    history.append(loss)
    return result


def diverged(where: str, history: tuple[float, ...], steps: int, rate) -> EvaluationError:
    """The one-line error of a training whose loss stopped being finite after ``len(history) - 1`` steps."""
    if history:
        at = f"after step {len(history)} of {steps} (it was {number_text(history[-1])} after step {len(history) - 1})"
    else:
        return EvaluationError(where, "the loss at the starting values is beyond float64, in which training runs",
                               "rescale the values, or drop learning_rate to get the exact values alone")
    return EvaluationError(where, f"training diverged: the loss is not finite (nan or overflow) {at}",
                           f"lower learning_rate (now {number_text(rate)}), or use fewer steps or other starting values")


def _update(graph, rate: float):
    """``update(params, grads, state) -> (params, state)``: one step of the graph's update rule in float64
    (plain gradient descent without one); the state starts as None."""
    rule = graph.optimizer
    if rule is None:
        return lambda params, grads, state: ({p: params[p] - rate * grads[p] for p in params}, None)
    rule = Optimizer(rule.name, tuple((k, float(v)) for k, v in rule.settings))

    def update(params, grads, state):
        return optimizer_step(rule, params, grads, state or initial_state(params), rate, numpy.sqrt)
    return update


def _train_graph(derivation: Derivation, graph, steps: int, rate: float) -> Training:
    program = compile_graph(derivation)
    values = {n: float(v) for n, v in graph.point.items()}
    trainable = [p for p in graph.params if p not in graph.frozen]
    update, state = _update(graph, rate), None
    history: list[float] = []
    for _ in range(steps):
        _, grads = _record(history, lambda: program(values))
        new, state = update({p: values[p] for p in trainable}, {p: float(grads[p]) for p in trainable}, state)
        values.update(new)
    _record(history, lambda: program(values))
    return Training(tuple(history), {p: float(values[p]) for p in graph.params})


def _train_network(graph, steps: int, rate: float) -> Training:
    net = graph.network
    program = compile_network(net, graph.conventions)
    X = numpy.array(net.x, dtype=float)
    T = numpy.array(net.t, dtype=float)
    weights = [numpy.array(W, dtype=float) for W in net.weights]
    biases = [_bias_array(net, b) for b in net.biases]
    frozen = set(graph.frozen)
    wmask = [numpy.array([[0.0 if weight_name(l, j, k) in frozen else 1.0
                           for k in range(1, net.layers[l - 1] + 1)]
                          for j in range(1, net.layers[l] + 1)]) for l in range(1, len(net.layers))]
    bmask = [None if b is None else numpy.array(
        [0.0 if bias_name(net, l, j) in frozen else 1.0 for j in range(1, numpy.size(b) + 1)]).reshape(numpy.shape(b))
        for l, b in enumerate(biases, 1)]
    update, state = _update(graph, rate), None
    history: list[float] = []
    for _ in range(steps):
        _, dws, dbs = _record(history, lambda: program(X, T, weights, biases))
        params = {("W", l): W for l, W in enumerate(weights)} | {("b", l): b for l, b in enumerate(biases) if b is not None}
        grads = {("W", l): m * dW for l, (m, dW) in enumerate(zip(wmask, dws))} | \
                {("b", l): m * db for l, (b, m, db) in enumerate(zip(biases, bmask, dbs)) if b is not None}
        params, state = update(params, grads, state)
        weights = [params["W", l] for l in range(len(weights))]
        biases = [params.get(("b", l)) for l in range(len(biases))]
    _record(history, lambda: program(X, T, weights, biases))
    params = {}
    for l, (W, b) in enumerate(zip(weights, biases), 1):
        for j in range(1, W.shape[0] + 1):
            for k in range(1, W.shape[1] + 1):
                params[weight_name(l, j, k)] = float(W[j - 1, k - 1])
            name = bias_name(net, l, j)
            if name is not None:
                params[name] = float(b if net.bias == "shared" else b[j - 1])
    return Training(tuple(history), params)


def _bias_array(net, values):
    if net.bias == "none":
        return None
    if net.bias == "shared":
        return numpy.float64(values[0])
    return numpy.array(values, dtype=float)
