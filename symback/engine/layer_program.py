"""The compiled layer-level program of a network in layers-list form: each layer prints its own NumPy code.

A layer kind prints its forward statements (``A<l>`` from ``A<l-1>``) and its backward statements
(``G<l-1>`` = ∂L/∂A<l-1> and ∂L/∂ of its value keys from ``G<l>``) with its textbook identity
(:meth:`~symback.engine.layers.base.Layer.numpy_forward`, ``numpy_backward``); this module adds the
loss, its gradient and the weight decay term, and loads the straight-line function. Samples are rows
(``X``: m x inputs); values keep the spec's shapes (``W<l>``: out x in; ``b<l>``, ``gamma<l>``,
``beta<l>``: vectors; a dropout mask ``r<l>``: m x units). Gradients are of the batch mean, as the
neuron-level solution's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from symback.engine.compile import THREADS, blas_threads, check_threads, load_program
from symback.engine.errors import SymbackError
from symback.engine.layers.base import numpy_printer
from symback.engine.layers.spec import LayersSpec
from symback.engine.losses import LOSSES
from symback.engine.names import sample_suffix
from symback.engine.rule import Conventions
from symback.engine.rules import differentiate


@dataclass(frozen=True)
class LayersProgram:
    """``program(X, T, values) -> (loss, gradients)``: ``values`` maps every key of :attr:`keys` to an array,
    ``gradients`` maps each parameter key (``W1``, ``b1``, ``gamma2``, ...) to ∂L/∂ of it, of its shape."""

    keys: tuple[str, ...]             #: the value keys the program takes, layer by layer (masks included)
    parameters: tuple[str, ...]       #: the keys it returns gradients of
    source: str
    function: Callable
    threads: int | None = THREADS

    def __call__(self, X, T, values: Mapping[str, object]):
        import numpy  # lazy: start-up time

        missing = [key for key in self.keys if key not in values]
        if missing:
            raise SymbackError("values", f"no array for {', '.join(missing)}", f"give every key of {', '.join(self.keys)}")
        with blas_threads(self.threads):
            loss, grads = self.function(numpy.asarray(X, dtype=float), numpy.asarray(T, dtype=float),
                                        *(numpy.asarray(values[key], dtype=float) for key in self.keys))
        return loss, dict(zip(self.parameters, grads))

    @staticmethod
    def arrays(net: LayersSpec) -> tuple[object, object, dict[str, object]]:
        """The spec's own X, T and values (masks included) as float64 arrays of the program's shapes."""
        import numpy  # lazy: start-up time

        m = len(net.x)
        values = {}
        for l, layer in enumerate(net.layers, 1):
            for key, shape in layer.value_shapes(l).items():
                values[key] = numpy.array([float(v) for v in net.value[key]]).reshape(shape)
            for key, pairs in layer.input_leaves(l, tuple(sample_suffix(m, s) for s in range(m))).items():
                values[key] = numpy.array([float(v) for _, v in pairs]).reshape(m, -1)
        return numpy.array(net.x, dtype=float), numpy.array(net.t, dtype=float), values


def compile_layers(net: LayersSpec, conventions: Conventions = Conventions(), threads: int | None = THREADS) -> LayersProgram:
    """Compile a layers-list network's forward and backward passes at layer level.

    >>> import symback
    >>> net = symback.load_example("batchnorm").network
    >>> program = compile_layers(net)
    >>> loss, grads = program(*program.arrays(net))
    >>> sorted(grads), grads["W1"].shape
    (['W1', 'W4', 'b1', 'b4', 'beta2', 'gamma2'], (2, 2))
    """
    check_threads(threads)
    depth, m = len(net.layers), len(net.x)
    inputs = tuple(key for l, layer in enumerate(net.layers, 1)
                   for key in layer.input_leaves(l, tuple(sample_suffix(m, s) for s in range(m))))
    parameters = tuple(key for l, layer in enumerate(net.layers, 1) for key in layer.value_shapes(l))
    keys = tuple(key for l, layer in enumerate(net.layers, 1)
                 for key in (*layer.value_shapes(l), *(k for k in inputs if k == f"r{l}")))
    lines = ["def network(X, T, " + ", ".join(keys) + "):", "    m = X.shape[0]", "    A0 = X"]
    for l, layer in enumerate(net.layers, 1):
        lines += [f"    {line}" for line in layer.numpy_forward(l)]
    lines += [f"    {line}" for line in _loss_lines(net, f"A{depth}", f"G{depth}", conventions)]
    for l in range(depth, 0, -1):
        lines += [f"    {line}" for line in net.layers[l - 1].numpy_backward(l, conventions)]
    decayed = set(net.decayed)
    for l, layer in enumerate(net.layers, 1):  # (λ/2) Σ w² over the weights: λ W added to their gradients
        for key in layer.value_shapes(l):
            names = [name for name, (k, _) in net.parameter_slots().items() if k == key]
            if net.weight_decay and set(names) <= decayed:
                lam = repr(float(net.weight_decay))
                lines += [f"    loss = loss + {lam} / 2 * numpy.sum({key} ** 2)", f"    d{key} = d{key} + {lam} * {key}"]
    lines.append(f"    return loss, [{', '.join(f'd{key}' for key in parameters)}]")
    source = "\n".join(lines) + "\n"
    return LayersProgram(keys, parameters, source, load_program(source, "network"), threads)


def _loss_lines(net: LayersSpec, Y: str, G: str, conventions: Conventions) -> tuple[str, ...]:
    """``loss`` (the batch mean) and ``G`` = ∂loss/∂Y from the network's output ``Y`` (samples are rows)."""
    loss = LOSSES[net.loss]
    if loss.name == "multiclass_hinge":  # Σ_{j≠y} max(0, s_j − s_y + 1): a margin met exactly has relu_at_zero
        at_zero = repr(float(conventions.relu_at_zero))
        return (f"M = {Y} - numpy.sum(T * {Y}, axis=1, keepdims=True) + 1",
                "loss = numpy.mean(numpy.sum((1 - T) * numpy.maximum(M, 0), axis=1))",
                f"I = (1 - T) * ((M > 0) + {at_zero} * (M == 0))",
                f"{G} = (I - T * I.sum(axis=1, keepdims=True)) / m")
    if loss.whole is not None:
        raise SymbackError("network.loss", f"{loss.name} has no compiled form", "use the neuron-level solution")
    n = net.outputs
    scale = f" / {n}" if loss.reduction == "mean" else ""
    if loss.from_logits:  # −Σ t log softmax(z) through a stable log-softmax; its gradient softmax(z) Σt − t
        return (f"loss = numpy.mean(numpy.sum(-T * _row_log_softmax({Y}), axis=1))",
                f"{G} = (_row_softmax({Y}) * T.sum(axis=1, keepdims=True) - T) / m")
    y, t = sp.Symbol(Y), sp.Symbol("T")
    term = loss.term(y, t)
    printer = numpy_printer()
    return (f"loss = numpy.mean(numpy.sum({printer.doprint(term)}, axis=1){scale})",
            f"{G} = ({printer.doprint(differentiate(term, y, conventions)[0])}){scale} / m")
