"""SGD on the compiled numeric path: ``steps`` updates, all gradients at the old parameters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy

from symback.engine.backprop import Derivation
from symback.engine.compile import compile_graph, compile_network
from symback.engine.names import bias_name, weight_name


@dataclass(frozen=True)
class Training:
    """Loss at the initial parameters and after each step (steps + 1 values), final parameters."""

    history: tuple[float, ...]
    params: Mapping[str, float]


def train(derivation: Derivation, steps: int | None = None) -> Training:
    """Run ``steps`` SGD steps (the graph's own ``steps`` by default) in float64.

    ``p <- p - learning_rate * dL/dp`` for every parameter not listed in ``frozen``.
    """
    graph = derivation.graph
    steps = graph.steps if steps is None else steps
    if graph.learning_rate is None:
        raise ValueError("training needs a learning rate")
    rate = float(graph.learning_rate)
    if graph.network is not None:
        return _train_network(graph, steps, rate)
    program = compile_graph(derivation)
    values = {n: float(v) for n, v in graph.point.items()}
    trainable = [p for p in graph.params if p not in graph.frozen]
    history = []
    for _ in range(steps):
        loss, grads = program(values)
        history.append(float(loss))
        for p in trainable:
            values[p] -= rate * float(grads[p])
    history.append(float(program(values)[0]))
    return Training(tuple(history), {p: values[p] for p in graph.params})


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
    history = []
    for _ in range(steps):
        loss, dws, dbs = program(X, T, weights, biases)
        history.append(float(loss))
        weights = [W - rate * m * dW for W, m, dW in zip(weights, wmask, dws)]
        biases = [b if b is None else b - rate * m * db for b, m, db in zip(biases, bmask, dbs)]
    history.append(float(program(X, T, weights, biases)[0]))
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
