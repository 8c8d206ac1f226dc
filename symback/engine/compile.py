"""Generated straight-line NumPy programs for values and gradients.

Two generators, both driven by the rule table and both checked against the exact path in tests:

* :func:`compile_graph`: any graph. One statement per node forward, one per adjoint backward,
  each printed from the node's formula or its local derivatives; inputs may be arrays (a batch),
  and gradients then come per sample.
* :func:`compile_network`: a layered network, at layer level (matrix products), so a batch of 1000
  costs what hand-written NumPy costs. Activation derivatives are printed from the rule table, the
  loss gradient from the loss's elementwise term, on whole arrays. :func:`matrix_program` wraps it
  in the matrix view's conventions (row or column) with shape checks.

The source is generated from SymPy objects we built (never from user text) with node names
replaced by ``v0, v1, ...``; ``program.source`` shows it.

Threads: a layer-level program runs its matrix products with ``threads`` BLAS threads (1 by default,
``None`` leaves BLAS as it is). Small products on a busy machine gain nothing from more: with
OpenBLAS's default of one thread per core, [784, 64, 10] on a batch of 256-1000 ran 5-12x slower on
a shared 2-core machine than on one thread, and several programs in parallel processes oversubscribe
the cores. The limit is set (through threadpoolctl) for the duration of each call only.
"""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import sympy as sp

from symback.engine.backprop import Derivation
from symback.engine.errors import SymbackError, did_you_mean
from symback.engine.layers.base import numpy_printer
from symback.engine.losses import LOSSES
from symback.engine.network import activation_expr
from symback.engine.rules import DEFAULT_CONVENTIONS, Conventions, differentiate, partial
from symback.engine.spec import NetworkSpec

if TYPE_CHECKING:
    import numpy
    from threadpoolctl import ThreadpoolController


#: matrix orientations (--convention): samples as rows (seed 003) or columns (Nielsen); not the rules'
#: :class:`~symback.engine.rule.Conventions` at kinks (ReLU'(0))
MATRIX_CONVENTIONS = ("row", "column")
THREADS = 1  #: BLAS threads of a layer-level program by default (module docstring)


@functools.cache
def _controller() -> ThreadpoolController:
    from threadpoolctl import ThreadpoolController  # lazy: start-up time (only a layer-level program sets threads)

    return ThreadpoolController()  # finds the loaded BLAS libraries once (lazy: start-up time)


def check_threads(threads: int | None) -> None:
    """The one-line error for a ``threads`` setting that is not a positive integer or ``None``."""
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise SymbackError("threads", f"{threads!r} is not a number of threads",
                           "give a positive integer, or None to leave BLAS as it is")


def blas_threads(threads: int | None):
    """A context in which BLAS uses ``threads`` threads (``None``: as it is)."""
    return contextlib.nullcontext() if threads is None else _controller().limit(limits=threads, user_api="blas")


def check_convention(convention: str) -> None:
    """The one-line error for a matrix orientation other than those in :data:`MATRIX_CONVENTIONS`."""
    if convention not in MATRIX_CONVENTIONS:
        raise SymbackError("convention", f"unknown convention {convention!r}",
                           did_you_mean(str(convention), MATRIX_CONVENTIONS))


def load_program(source: str, name: str) -> Callable:
    """The function ``name`` defined by generated ``source`` (our own SymPy objects printed, never user text)."""
    import numpy  # lazy: start-up time (NumPy loads when a program is compiled, not with the package)

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
    printer = numpy_printer()
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
    return GraphProgram(tuple(leaves), source, load_program(source, "program"))


@dataclass(frozen=True)
class NetworkProgram:
    """``program(X, T, weights, biases) -> (loss, dweights, dbiases)``, batch-averaged.

    ``X`` is samples x inputs, ``T`` samples x outputs, ``weights[l]`` is n_l x n_(l-1) and
    ``biases[l]`` a vector (neuron), a scalar (shared) or ``None`` (no bias). Each call runs with
    ``threads`` BLAS threads (``None``: as BLAS is set).
    """

    layers: tuple[int, ...]
    bias: str
    source: str
    function: Callable
    threads: int | None = THREADS

    def __call__(self, X, T, weights: Sequence, biases: Sequence):
        import numpy  # lazy: start-up time

        X, T, sizes = numpy.asarray(X), numpy.asarray(T), self.layers
        _check_shape("X", "layer 0", X, (None, sizes[0]), "for compiled_network (samples are rows)")
        _check_shape("T", f"layer {len(sizes) - 1}", T, (X.shape[0], sizes[-1]), "for compiled_network (samples are rows)")
        if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
            raise SymbackError("weights", f"{len(weights)} weight matrices and {len(biases)} biases for "
                               f"{len(sizes) - 1} layers", "give one of each per layer")
        args = [X, T]
        for l, W in enumerate(weights, 1):
            args.append(numpy.asarray(W))
            _check_shape(f"W{l}", f"layer {l}", args[-1], (sizes[l], sizes[l - 1]), "for compiled_network (W is n_l x n_(l-1))")
            if self.bias != "none":
                args.append(_bias(biases[l - 1], self.bias, sizes[l], l))
        with blas_threads(self.threads):
            return self.function(*args)


def compile_network(net: NetworkSpec, conventions: Conventions = Conventions(),
                    threads: int | None = THREADS) -> NetworkProgram:
    """Compile a network's forward and backward passes at layer level (matrix products).

    ``threads``: BLAS threads for each call (1 by default: no oversubscription; ``None`` leaves
    BLAS's own setting).
    """
    check_threads(threads)
    printer = numpy_printer()
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
    dweights = ", ".join(f"dW{l}" for l in range(1, depth + 1))
    dbiases = ", ".join(f"db{l}" if has_bias else "None" for l in range(1, depth + 1))
    lines.append(f"    return loss, [{dweights}], [{dbiases}]")  # what a call returns, as the source says
    source = "\n".join(lines) + "\n"
    function = load_program(source, "network")
    return NetworkProgram(net.layers, net.bias, source, function, threads)


def _row_log_softmax(Z):
    import numpy  # lazy: start-up time

    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def _row_softmax(Z):
    import numpy  # lazy: start-up time

    shifted = numpy.exp(Z - Z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class MatrixProgram:
    """``program(X, T, weights, biases) -> (loss, dweights, dbiases)`` in a convention, shapes checked.

    Row convention: ``X`` m x n0, ``T`` m x nL, ``weights[l]`` n(l-1) x n(l); column: ``X`` n0 x m,
    ``T`` nL x m, ``weights[l]`` n(l) x n(l-1). Biases: a vector of n(l) (neuron), a number (shared)
    or ``None``. Gradients come back in the same orientation, averaged over the batch.
    """

    layers: tuple[int, ...]
    bias: str
    convention: str
    program: NetworkProgram

    def __call__(self, X, T, weights: Sequence, biases: Sequence | None = None):
        import numpy  # lazy: start-up time

        row = self.convention == "row"
        X, T = numpy.asarray(X), numpy.asarray(T)
        sizes = self.layers
        context = f"in the {self.convention} convention"
        _check_shape("X", "layer 0", X, (None, sizes[0]) if row else (sizes[0], None), context)
        m = X.shape[0] if row else X.shape[1]
        _check_shape("T", f"layer {len(sizes) - 1}", T, (m, sizes[-1]) if row else (sizes[-1], m), context)
        if len(weights) != len(sizes) - 1:
            raise SymbackError("weights", f"{len(weights)} matrices for {len(sizes) - 1} layers", "give one per layer")
        biases = [None] * len(weights) if biases is None else list(biases)
        spec_weights, flat_biases = [], []
        for l, W in enumerate(weights, 1):
            W = numpy.asarray(W)
            want = (sizes[l - 1], sizes[l]) if row else (sizes[l], sizes[l - 1])
            _check_shape(f"W{l}", f"layer {l}", W, want, context)
            spec_weights.append(W.T if row else W)
            flat_biases.append(_bias(biases[l - 1], self.bias, sizes[l], l))
        loss, dws, dbs = self.program(X if row else X.T, T if row else T.T, spec_weights, flat_biases)
        return loss, [dW.T if row else dW for dW in dws], dbs


def _check_shape(name: str, layer: str, array: numpy.ndarray, want: tuple, context: str) -> None:
    """Refuse an array whose shape is not ``want`` (None: any), naming it, its layer and ``context``."""
    got = array.shape
    if len(got) != 2 or any(w is not None and g != w for g, w in zip(got, want)):
        shown = " x ".join("m" if w is None else str(w) for w in want)
        hint = f" ({name}.T: this one is transposed)" if got == tuple(want[::-1]) else ""
        raise SymbackError(f"{layer}: {name}", f"has shape {' x '.join(map(str, got))}, expected {shown} {context}",
                           f"pass a {shown} array{hint}")


def _bias(value, mode: str, size: int, l: int):
    import numpy  # lazy: start-up time

    if mode == "none":
        if value is not None:
            raise SymbackError(f"layer {l}: b{l}", "the network has no biases (bias = \"none\")", "pass None")
        return None
    if mode == "shared":
        if value is None or numpy.size(value) != 1:
            raise SymbackError(f"layer {l}: b{l}", f"has shape {numpy.shape(value)}, expected a number (shared bias)",
                               "pass one number per layer")
        return float(numpy.reshape(value, -1)[0])
    array = numpy.asarray(value)  # its dtype is kept: float32 stays float32
    if array.size != size or array.ndim > 2 or (array.ndim == 2 and 1 not in array.shape):
        raise SymbackError(f"layer {l}: b{l}", f"has shape {array.shape}, expected {size} values",
                           f"pass a vector of {size} numbers (1 x {size} or {size} x 1)")
    return array.reshape(-1)


def matrix_program(network: NetworkSpec, convention: str = "row",
                   conventions: Conventions = DEFAULT_CONVENTIONS, threads: int | None = THREADS) -> MatrixProgram:
    """The compiled layer-level gradients of a network (any size) in a convention, with shape checks.

    ``threads``: BLAS threads for each call (1 by default; ``None`` leaves BLAS's own setting).

    >>> import numpy, symback
    >>> net = symback.load_example("softmax_233").network
    >>> loss, (dW1, dW2), _ = matrix_program(net)(numpy.array(net.x, float), numpy.array(net.t, float),
    ...                                           [numpy.array(W, float).T for W in net.weights])
    >>> dW1.shape, dW2.shape
    ((2, 3), (3, 3))
    """
    check_convention(convention)
    return MatrixProgram(network.layers, network.bias, convention, compile_network(network, conventions, threads))
