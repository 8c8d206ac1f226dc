"""The layer-level (matrix) view of a network: forward pass, deltas, gradients and update per layer.

Two conventions, each a transpose of the other:

* ``"row"`` (default, seed 003 section 5): samples are rows. ``Z(l) = A(l-1) W(l) + b(l)`` with
  ``A(l-1)``: m x n(l-1), ``W(l)``: n(l-1) x n(l), ``b(l)``: 1 x n(l) added to every row. ``W(l)`` is
  the transpose of the spec's ``Wl``: ``W(l)[k][j] = w<l>_<j>_<k>``.
* ``"column"`` (Nielsen, seed 002): samples are columns. ``Z(l) = W(l) A(l-1) + b(l)`` with
  ``W(l)``: n(l) x n(l-1), the spec's own ``Wl``.

Deltas are per sample, as in seed 002: row x of ``delta(l)`` is ``dL_x/dZ_x(l)``; with m samples the
loss is the average, so ``dL/dW = (1/m) sum_x ...`` carries the 1/m explicitly. Every local
derivative comes from the rule table (:func:`symback.engine.rules.partial`), never from SymPy's matrix
calculus. Values are exact or carried at the solution's precision, and every entry (forward values,
deltas, gradients, the update) is compared with the neuron-level solution (:attr:`MatrixForm.checks`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import sympy as sp

import symback.engine.functions as fn
from symback.engine.compile import check_convention
from symback.engine.losses import LOSSES
from symback.engine.matrix_layers import Agreement, MatrixForm, MatrixLayer
from symback.engine.names import activation_name, bias_name, input_name, pre_activation_name, sample_suffix, weight_name
from symback.engine.network import activation_expr
from symback.engine.rules import Conventions, differentiate, partial
from symback.engine.spec import NetworkSpec
from symback.engine.substitute import evaluate

if TYPE_CHECKING:
    from symback.engine.solution import Solution

Z, A, Y, T = (sp.Symbol(name) for name in ("Z", "A", "Y", "T"))  #: element symbols of the formulas


def dense_matrix_form(solution: "Solution", convention: str = "row") -> MatrixForm:
    """The layer-level derivation of a solved network of layer sizes, checked entry by entry against it
    (:func:`symback.engine.network_views.matrix_form` picks it for such a network).

    Args:
        solution: a solved network spec of layer sizes (``symback.solve``).
        convention: ``"row"`` (samples are rows, seed 003) or ``"column"`` (Nielsen, seed 002).
    """
    check_convention(convention)
    net = solution.graph.network
    numbers, graph = solution.numbers, solution.graph
    precision, conventions = numbers.precision, graph.conventions
    m, depth = len(net.x), len(net.layers) - 1
    inputs: list[sp.Matrix] = [sp.Matrix(net.x)]
    weights, biases, zs, locals_, formulas = [], [], [], [], []
    for l in range(1, depth + 1):  # forward, samples as rows
        W = sp.Matrix(net.weights[l - 1]).T
        b = None if net.bias == "none" else sp.Matrix([list(net.biases[l - 1])])
        Zm = inputs[-1] * W
        if b is not None:
            Zm = Zm + (sp.ones(m, Zm.cols) * b[0, 0] if net.bias == "shared" else sp.ones(m, 1) * b)
        name = net.activations[l - 1]
        Am, local, formula = _activate(name, Zm, l, conventions, precision)
        weights.append(W), biases.append(b), zs.append(Zm), locals_.append(local), formulas.append(formula)
        inputs.append(Am)
    loss = LOSSES[net.loss]  # term, reduction and Σt = 1 only: softmax_cross_entropy's are cross_entropy's
    Tm, Ym, n_out = sp.Matrix(net.t), inputs[-1], net.layers[-1]
    scale = sp.Rational(1, n_out) if loss.reduction == "mean" else sp.S.One
    term = loss.term(Y, T)
    upstream = differentiate(term, Y, conventions)[0] * scale
    G = _entrywise(lambda y, t: evaluate(upstream, {Y: y, T: t}, "dL/dY", precision), Ym, Tm)
    loss_value = sum((evaluate(term, {Y: y, T: t}, "L", precision) for y, t in zip(Ym, Tm)), sp.S.Zero) * scale / m
    sums_one = all(sum(Tm.row(i)) == 1 for i in range(m))
    last = net.activations[-1]
    if last == "softmax" and loss.targets_sum_to_one:
        rule = "softmax_cross_entropy"
        delta = Ym - Tm if sums_one else sp.diag(*[sum(Tm.row(i)) for i in range(m)]) * Ym - Tm
    elif last == "sigmoid" and net.loss == "bce":
        rule, delta = "sigmoid_bce", (Ym - Tm) * scale
    else:
        rule, delta = "chain", _delta(last, G, Ym, locals_[-1])
    layers: list[dict] = []
    for l in range(depth, 0, -1):  # backward, last layer first
        W, b, a_prev = weights[l - 1], biases[l - 1], inputs[l - 1]
        dW = a_prev.T * delta / m
        db = None if b is None else (sp.Matrix([[sum(delta)]]) if net.bias == "shared" else sp.ones(1, m) * delta) / m
        dA_prev = delta * W.T
        layers.insert(0, dict(index=l, activation=net.activations[l - 1], A_prev=a_prev, W=W, b=b, Z=zs[l - 1],
                             A=inputs[l], local=locals_[l - 1], local_formula=formulas[l - 1], delta=delta,
                             dW=dW, db=db, dA_prev=dA_prev))
        if l > 1:
            delta = _delta(net.activations[l - 2], dA_prev, inputs[l - 1], locals_[l - 2])
    rate = graph.learning_rate
    if rate is not None:
        for layer in layers:
            layer["W_updated"] = _updated(layer["W"], layer["dW"], rate, graph.frozen,
                                          lambda k, j, l=layer["index"]: weight_name(l, j + 1, k + 1))
            if layer["b"] is not None:
                layer["b_updated"] = _updated(layer["b"], layer["db"], rate, graph.frozen,
                                              lambda i, j, l=layer["index"]: bias_name(net, l, j + 1))
    checks = _agreements(net, layers, numbers, m)
    orient = (lambda M: M) if convention == "row" else (lambda M: None if M is None else M.T)
    matrices = ("A_prev", "W", "b", "Z", "A", "local", "delta", "dW", "db", "dA_prev", "W_updated", "b_updated")
    built = tuple(MatrixLayer(**{k: orient(v) if k in matrices else v for k, v in layer.items()}) for layer in layers)
    return MatrixForm(convention, m, net.bias, net.loss, loss_value, built, orient(G), upstream, rule, orient(Tm),
                      sums_one, rate, graph.frozen, checks)


def _entrywise(function, *matrices: sp.Matrix) -> sp.Matrix:
    first = matrices[0]
    return sp.Matrix(first.rows, first.cols, [function(*entries) for entries in zip(*matrices)])


def _activate(name: str, Zm: sp.Matrix, l: int, conventions: Conventions, precision: int):
    """A(l) = activation(Z(l)) and sigma'(Z(l)) entry by entry, with sigma' from the rule table."""
    where = f"layer {l}"
    if name == "softmax":
        row_syms = sp.symbols(f"z1:{Zm.cols + 1}")
        rows = [[evaluate(fn.softmax(j, *row_syms), dict(zip(row_syms, Zm.row(i))), where, precision)
                 for j in range(1, Zm.cols + 1)] for i in range(Zm.rows)]
        return sp.Matrix(rows), None, None
    act = activation_expr(name, Z)
    Am = _entrywise(lambda z: evaluate(act, {Z: z}, where, precision), Zm)
    formula = partial(act, 0, conventions).xreplace({act: A}) if act != Z else sp.S.One
    local = _entrywise(lambda z, a: evaluate(formula, {Z: z, A: a}, f"{where}: sigma'", precision), Zm, Am)
    return Am, local, formula


def _delta(activation: str, upstream: sp.Matrix, Am: sp.Matrix, local: sp.Matrix | None) -> sp.Matrix:
    """delta = upstream ⊙ sigma'(Z), or for softmax the Jacobian row by row: A ⊙ (G - rowsum(G ⊙ A))."""
    if activation == "softmax":
        weighted = upstream.multiply_elementwise(Am)
        sums = sp.Matrix([[sum(weighted.row(i))] * Am.cols for i in range(Am.rows)])
        return Am.multiply_elementwise(upstream - sums)
    return upstream.multiply_elementwise(local)


def _updated(value: sp.Matrix, gradient: sp.Matrix, rate, frozen, name_of) -> sp.Matrix:
    """value - rate * gradient, entry by entry, except entries whose neuron-level name is frozen."""
    return sp.Matrix(value.rows, value.cols, lambda i, j: value[i, j] if name_of(i, j) in frozen
                     else value[i, j] - rate * gradient[i, j])


def _agreements(net: NetworkSpec, layers: Sequence[dict], numbers, m: int) -> tuple[Agreement, ...]:
    """Compare every row-form entry with its neuron-level name (values, gradients / m, update)."""
    tolerance = 10.0 ** (-(numbers.precision - 10))
    depth = len(layers)

    def unit(l: int, j: int, i: int) -> str:  # neuron j (0-based) of layer l (0: the input) for sample i
        suffix = sample_suffix(m, i)
        return input_name(j + 1, suffix) if l == 0 else activation_name(l, j + 1, depth, suffix)

    def z(l: int, j: int, i: int) -> str:
        return pre_activation_name(l, j + 1, sample_suffix(m, i))

    out = []
    for layer in layers:
        l = layer["index"]
        pairs = {
            "Z": [(layer["Z"][i, j], numbers.values[z(l, j, i)]) for i, j in _cells(layer["Z"])],
            "A": [(layer["A"][i, j], numbers.values[unit(l, j, i)]) for i, j in _cells(layer["A"])],
            "delta": [(layer["delta"][i, j] / m, numbers.gradients[z(l, j, i)]) for i, j in _cells(layer["delta"])],
            "dW": [(layer["dW"][k, j], numbers.gradients[weight_name(l, j + 1, k + 1)]) for k, j in _cells(layer["dW"])],
            "dA_prev": [(layer["dA_prev"][i, k] / m, numbers.gradients[unit(l - 1, k, i)]) for i, k in _cells(layer["dA_prev"])],
        }
        if layer["db"] is not None:
            pairs["db"] = [(layer["db"][0, j], numbers.gradients[bias_name(net, l, j + 1)]) for _, j in _cells(layer["db"])]
        if "W_updated" in layer:
            pairs["W_updated"] = [(layer["W_updated"][k, j], numbers.updated[weight_name(l, j + 1, k + 1)])
                                  for k, j in _cells(layer["W"])]
            if layer["b"] is not None:
                pairs["b_updated"] = [(layer["b_updated"][0, j], numbers.updated[bias_name(net, l, j + 1)])
                                      for _, j in _cells(layer["b"])]
        for quantity, entries in pairs.items():
            error = max(float(abs(a - b) / max(1, abs(b))) for a, b in entries)
            out.append(Agreement(l, quantity, len(entries), error, error <= tolerance))
    return tuple(out)


def _cells(M: sp.Matrix):
    return [(i, j) for i in range(M.rows) for j in range(M.cols)]

