"""Generated straight-line NumPy programs for values and gradients.

Two generators, both driven by the rule table and both checked against the exact path in tests:

* :func:`compile_graph`: any graph. One statement per node forward, one per adjoint backward,
  each printed from the node's formula or its local derivatives; inputs may be arrays (a batch),
  and gradients then come per sample.
* :func:`compile_network`: a layered network, at layer level (matrix products), so a batch of 1000
  costs what hand-written NumPy costs. Activation derivatives are printed from the rule table, the
  loss gradient from the loss's elementwise term, on whole arrays.

The source is generated from SymPy objects we built (never from user text) with node names
replaced by ``v0, v1, ...``; ``program.source`` shows it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from .backprop import Derivation
from .losses import LOSSES
from .network import activation_expr
from .rules import Conventions, differentiate, partial
from .spec import NetworkSpec


def _printer() -> NumPyPrinter:
    return NumPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})


def _load(source: str, name: str) -> Callable:
    namespace = {"numpy": numpy, "functools": functools, "reduce": functools.reduce, "_row_softmax": _row_softmax,
                 "_row_log_softmax": _row_log_softmax}
    exec(compile(source, f"<symback:{name}>", "exec"), namespace)  # generated from our own SymPy objects
    return namespace[name]


@dataclass(frozen=True)
class GraphProgram:
    """``program(values) -> (loss, gradients)`` for a graph; values may be floats or arrays."""

    leaves: tuple[str, ...]
    source: str
    function: Callable

    def __call__(self, values: Mapping[str, object]) -> tuple[object, dict[str, object]]:
        loss, grads = self.function(*(values[n] for n in self.leaves))
        return loss, dict(zip(self.leaves, grads))


def compile_graph(derivation: Derivation) -> GraphProgram:
    """Compile a derivation's forward and backward passes into one NumPy function.

    >>> from symback import backprop, build_graph, load_example
    >>> program = compile_graph(backprop(build_graph(load_example("chain_rule"))))
    >>> loss, grads = program({"x": 5.0, "w": -2.0, "b": 3.0})
    >>> float(loss), float(grads["w"]), float(grads["x"])
    (-7.0, 5.0, -2.0)
    """
    graph = derivation.graph
    index = {n.name: i for i, n in enumerate(graph.nodes)}
    rename = {n.symbol: sp.Symbol(f"v{index[n.name]}") for n in graph.nodes}
    printer = _printer()
    leaves = graph.inputs + graph.params
    lines = ["def program(" + ", ".join(f"v{index[n]}" for n in leaves) + "):"]
    for node in graph.nodes:
        if not node.is_leaf and node.name in graph.ancestors_of_loss:
            lines.append(f"    v{index[node.name]} = {printer.doprint(node.expr.xreplace(rename))}")
    for step in derivation.steps:
        if step.node == graph.loss:
            rhs = "1.0"
        else:
            rhs = " + ".join(f"g{index[t.child]}*({printer.doprint(t.local.xreplace(rename))})"
                             for t in step.terms) or "0.0"
        lines.append(f"    g{index[step.node]} = {rhs}")
    grads = ", ".join(f"g{index[n]}" if n in derivation.by_node else "0.0" for n in leaves)
    lines.append(f"    return v{index[graph.loss]}, ({grads}{',' if len(leaves) == 1 else ''})")
    source = "\n".join(lines) + "\n"
    return GraphProgram(tuple(leaves), source, _load(source, "program"))


@dataclass(frozen=True)
class NetworkProgram:
    """``program(X, T, weights, biases) -> (loss, dweights, dbiases)``, batch-averaged.

    ``X`` is samples x inputs, ``T`` samples x outputs, ``weights[l]`` is n_l x n_(l-1) and
    ``biases[l]`` a vector (neuron), a scalar (shared) or ``None`` (no bias).
    """

    layers: tuple[int, ...]
    bias: str
    source: str
    function: Callable

    def __call__(self, X, T, weights: Sequence, biases: Sequence):
        args = [X, T]
        for l, W in enumerate(weights):
            args.append(W)
            if self.bias != "none":
                args.append(biases[l])
        loss, grads = self.function(*args)
        step = 2 if self.bias != "none" else 1
        dweights = list(grads[::step])
        dbiases = list(grads[1::2]) if self.bias != "none" else [None] * len(weights)
        return loss, dweights, dbiases


def compile_network(net: NetworkSpec, conventions: Conventions = Conventions()) -> NetworkProgram:
    """Compile a network's forward and backward passes at layer level (matrix products)."""
    printer = _printer()
    depth = len(net.layers) - 1
    has_bias = net.bias != "none"
    params = []
    for l in range(1, depth + 1):
        params += [f"W{l}"] + ([f"b{l}"] if has_bias else [])
    lines = ["def network(X, T, " + ", ".join(params) + "):", "    m = X.shape[0]", "    A0 = X"]
    Z, Y = sp.Symbol("Z"), sp.Symbol("Y")
    for l in range(1, depth + 1):
        bias = f" + b{l}" if has_bias else ""
        lines.append(f"    Z{l} = A{l - 1} @ W{l}.T{bias}")
        name = net.activations[l - 1]
        if name == "softmax":
            lines.append(f"    A{l} = _row_softmax(Z{l})")
        else:
            lines.append(f"    A{l} = {printer.doprint(activation_expr(name, Z).xreplace({Z: sp.Symbol(f'Z{l}')}))}")
    loss = LOSSES[net.loss]
    Ysym, Tsym = sp.Symbol(f"A{depth}"), sp.Symbol("T")
    term = loss.term(Ysym, Tsym)
    scale = f" / {net.layers[-1]}" if loss.reduction == "mean" else ""
    fused = net.activations[-1] == "softmax" and loss.term is LOSSES["cross_entropy"].term
    if fused:  # -t log softmax(z) through a stable log-softmax: no 0 * log(0) when a y underflows
        term = -Tsym * sp.Symbol(f"_row_log_softmax(Z{depth})")
    lines.append(f"    loss = numpy.mean(numpy.sum({printer.doprint(term)}, axis=1){scale})")
    if fused:
        # dL/dz_j = -t_j + y_j * sum_k t_k: the softmax Jacobian contracted with -t/y (no division)
        lines.append(f"    dZ{depth} = (A{depth} * T.sum(axis=1, keepdims=True) - T) / m")
    else:
        d = differentiate(term, Ysym, conventions)[0]
        lines.append(f"    dA{depth} = ({printer.doprint(d)}){scale} / m")
    for l in range(depth, 0, -1):
        name = net.activations[l - 1]
        if not (fused and l == depth):
            if name == "softmax":
                lines.append(f"    dZ{l} = A{l} * (dA{l} - numpy.sum(dA{l} * A{l}, axis=1, keepdims=True))")
            else:
                act = activation_expr(name, Z)
                local = partial(act, 0, conventions).xreplace({act: Y}) if act != Z else sp.S.One
                local = local.xreplace({Z: sp.Symbol(f"Z{l}"), Y: sp.Symbol(f"A{l}")})
                lines.append(f"    dZ{l} = dA{l} * ({printer.doprint(local)})")
        lines.append(f"    dW{l} = dZ{l}.T @ A{l - 1}")
        if has_bias:
            axis = "" if net.bias == "shared" else "axis=0"
            lines.append(f"    db{l} = dZ{l}.sum({axis})")
        if l > 1:
            lines.append(f"    dA{l - 1} = dZ{l} @ W{l}")
    grads = []
    for l in range(1, depth + 1):
        grads += [f"dW{l}"] + ([f"db{l}"] if has_bias else [])
    lines.append(f"    return loss, ({', '.join(grads)},)")
    source = "\n".join(lines) + "\n"
    function = _load(source, "network")
    return NetworkProgram(net.layers, net.bias, source, function)


def _row_log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def _row_softmax(Z):
    shifted = numpy.exp(Z - Z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
