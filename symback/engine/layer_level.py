"""The layer-level (matrix) view of a network in layers-list form: each layer's forward and backward identity.

The walk hands each layer its input matrix and, going back, ∂L/∂(its output); the layer answers with its
own textbook identity (:meth:`~symback.engine.layers.base.Layer.level_forward` and ``level_backward``:
dense ``∂L/∂W = δ Xᵀ``, ``∂L/∂X = Wᵀ δ``; an activation ``f'(Z) ⊙ G``; batch and layer normalisation's
compact identity; dropout's mask). Samples are columns while it computes (Nielsen's convention); the row
convention is the transpose of every matrix (``W`` included: ``Y = X W + b`` as seed 003 writes it).

Gradients are of the whole loss L (the batch mean, with its weight decay term), so a layer that couples
the samples is one layer like the others. ∂L/∂Y of the last layer comes from the loss's formula per
sample through the rule table. Every entry (each layer's output, ∂L/∂output, ∂L/∂input, the parameters'
gradients and their update) is compared with the neuron-level solution's number of the same name
(:attr:`LayersForm.checks`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import sympy as sp

from symback.engine.layers.base import Layer, Place
from symback.engine.layers.spec import LayersSpec
from symback.engine.losses import LOSSES
from symback.engine.matrix_layers import Agreement
from symback.engine.names import input_name, sample_suffix
from symback.engine.rule import Conventions
from symback.engine.rules import differentiate
from symback.engine.substitute import evaluate

if TYPE_CHECKING:
    from symback.engine.derivation import Numbers


@dataclass(frozen=True)
class Context:
    """What a layer-level computation evaluates with: the rules' conventions and the solution's precision."""

    conventions: Conventions
    precision: int

    def entrywise(self, expr: sp.Expr, symbols: Sequence[sp.Symbol], matrices: Sequence[sp.Matrix], where: str) -> sp.Matrix:
        """``expr`` at each entry of ``matrices`` (one per symbol, all of one shape): exact, or at the precision."""
        first = matrices[0]
        return sp.Matrix(first.rows, first.cols, [evaluate(expr, dict(zip(symbols, entries)), where, self.precision)
                                                  for entries in zip(*matrices)])


@dataclass(frozen=True)
class LevelStep:
    """One layer at layer level, every matrix in the form's convention.

    ``saved`` holds what the layer computed on the way (``local`` = f'(Z), ``mu``, ``var``, ``sigma``,
    ``xh`` = X̂); ``params`` its value keys (``W2``, ``gamma3``, the mask ``r4``) and ``grads`` ∂L/∂ of
    each parameter key (``dW2``, ``db2``, ``dgamma3``, ...), of the key's own shape oriented as the rest.
    """

    index: int
    layer: Layer
    X: sp.Matrix
    Y: sp.Matrix
    saved: tuple[tuple[str, sp.Matrix], ...]
    params: tuple[tuple[str, sp.Matrix], ...]
    G: sp.Matrix                 #: ∂L/∂Y
    dX: sp.Matrix                #: ∂L/∂X, passed back to the layer before
    grads: tuple[tuple[str, sp.Matrix], ...]
    updated: tuple[tuple[str, sp.Matrix], ...] = ()

    @property
    def label(self) -> str:
        """The layer's kind, or its activation's name."""
        return getattr(self.layer, "name", self.layer.kind)


@dataclass(frozen=True)
class LayersForm:
    """A layers-list network's layer-level derivation at its point (conventions: the module docstring)."""

    convention: str
    samples: int
    loss: str
    loss_value: sp.Expr
    weight_decay: sp.Rational | None
    learning_rate: sp.Expr | None
    steps: tuple[LevelStep, ...]
    checks: tuple[Agreement, ...]

    @property
    def consistent(self) -> bool:
        """Every checked entry equals the neuron-level number."""
        return all(c.agrees for c in self.checks)

    @property
    def gradients(self) -> dict[str, sp.Matrix]:
        """∂L/∂(value key) for every parameter key: ``{"W1": ..., "b1": ..., "gamma2": ...}``."""
        return {key[1:]: M for step in self.steps for key, M in step.grads}

    def numpy(self) -> dict:
        """The gradients as float64 arrays, keyed as :attr:`gradients`."""
        import numpy  # lazy: start-up time

        return {key: numpy.array(M.tolist(), dtype=float) for key, M in self.gradients.items()}

    def to_json(self) -> dict:
        """The ``"matrix"`` entry of the JSON output: per layer its matrices (floats), and the consistency check."""
        def floats(M: sp.Matrix):
            return [[float(v) for v in M.row(i)] for i in range(M.rows)]

        return {
            "convention": self.convention, "samples": self.samples, "loss": float(self.loss_value),
            "layers": [{"layer": s.index, "kind": s.label, "X": floats(s.X), "Y": floats(s.Y), "dY": floats(s.G),
                        "dX": floats(s.dX)} | {k: floats(M) for k, M in s.saved + s.params + s.grads + s.updated}
                       for s in self.steps],
            "consistency": {"agrees": self.consistent, "max_error": max(c.max_error for c in self.checks),
                            "checks": [{"layer": c.layer, "quantity": c.quantity, "entries": c.entries,
                                        "max_error": c.max_error} for c in self.checks]},
        }


def layers_form(net: LayersSpec, numbers: "Numbers", conventions: Conventions, convention: str = "row",
                learning_rate: sp.Expr | None = None, frozen: Sequence[str] = ()) -> LayersForm:
    """The layer-level derivation of a solved layers-list network, checked entry by entry against ``numbers``.

    ``learning_rate``: the plain gradient-descent step whose update is shown (None: no update).
    """
    context, m = Context(conventions, numbers.precision), len(net.x)
    params = _parameters(net)
    X = sp.Matrix(net.x).T
    inputs, saved = [], []
    for l, layer in enumerate(net.layers, 1):
        inputs.append(X)
        saved.append(layer.level_forward(l, X, params[l - 1], context))
        X = saved[-1]["Y"]
    loss_value, G = _loss(net, X, context)
    decay, rate = net.weight_decay or 0, learning_rate
    steps: list[LevelStep] = []
    for l in range(len(net.layers), 0, -1):
        layer, own = net.layers[l - 1], params[l - 1]
        back = layer.level_backward(l, G, inputs[l - 1], saved[l - 1], own, context)
        grads = {k: M for k, M in back.items() if k != "dX"}
        if decay:
            decayed = set(layer.decayed(l))
            grads = {k: M + decay * own[k[1:]] if set(_names(net, l, k[1:])) <= decayed else M for k, M in grads.items()}
        updated = {} if rate is None else {k[1:]: _step(own[k[1:]], M, rate, _names(net, l, k[1:]), frozen)
                                            for k, M in grads.items()}
        steps.insert(0, LevelStep(l, layer, inputs[l - 1], saved[l - 1]["Y"],
                                  tuple((k, M) for k, M in saved[l - 1].items() if k != "Y"),
                                  tuple(own.items()),
                                  G, back["dX"], tuple(grads.items()), tuple(updated.items())))
        G = back["dX"]
    loss_error = float(abs(loss_value - numbers.values["L"]) / max(1, abs(numbers.values["L"])))
    checks = _agreements(net, steps, numbers) + (Agreement(len(steps), "L", 1, loss_error, loss_error <= _tolerance(numbers)),)
    if convention == "row":
        steps = [_transposed(step) for step in steps]
    return LayersForm(convention, m, net.loss, loss_value, net.weight_decay, rate, tuple(steps), checks)


def _parameters(net: LayersSpec) -> list[dict[str, sp.Matrix]]:
    """Each layer's value keys as matrices (vectors as columns) and its inputs (a mask: features x samples)."""
    values, m = net.value, len(net.x)
    suffixes = tuple(sample_suffix(m, s) for s in range(m))
    out = []
    for l, layer in enumerate(net.layers, 1):
        own = {key: sp.Matrix(shape[0], shape[1] if len(shape) > 1 else 1, list(values[key]))
               for key, shape in layer.value_shapes(l).items()}
        for key, pairs in layer.input_leaves(l, suffixes).items():
            own[key] = sp.Matrix(m, len(pairs) // m, [sp.Integer(v) for _, v in pairs]).T
        out.append(own)
    return out


def _loss(net: LayersSpec, Y: sp.Matrix, context: Context) -> tuple[sp.Expr, sp.Matrix]:
    """L (the batch mean, plus the weight decay term) and ∂L/∂Y column by column, from the loss's formula."""
    n, m = Y.rows, Y.cols
    ys, ts = sp.symbols(f"y1:{n + 1}"), sp.symbols(f"t1:{n + 1}")
    loss = LOSSES[net.loss].build(ys, ts)
    local = [differentiate(loss, y, context.conventions)[0] for y in ys]
    total, G = sp.S.Zero, sp.zeros(n, m)
    for s in range(m):
        point = dict(zip(ys, Y.col(s))) | dict(zip(ts, net.t[s]))
        total += evaluate(loss, point, f"the loss of sample {s + 1}", context.precision)
        for j, d in enumerate(local):
            G[j, s] = evaluate(d, point, f"dL/dy{j + 1}", context.precision) / m
    decay = net.weight_decay
    penalty = decay / 2 * sum((net.value[k][i] ** 2 for k, i in map(net.parameter_slots().get, net.decayed)), sp.S.Zero) \
        if decay else sp.S.Zero
    return total / m + penalty, G


def _names(net: LayersSpec, l: int, key: str) -> list[str]:
    """The scalar names of value key ``key`` of layer l, row-major."""
    return [name for name, (k, _) in net.parameter_slots().items() if k == key] if key in net.value else []


def _step(value: sp.Matrix, gradient: sp.Matrix, rate: sp.Expr, names: Sequence[str], frozen: Sequence[str]) -> sp.Matrix:
    """value − rate · gradient, entry by entry, except frozen entries (names row-major)."""
    flat = [v if name in frozen else v - rate * g for v, g, name in zip(value, gradient, names)]
    return sp.Matrix(value.rows, value.cols, flat)


def _transposed(step: LevelStep) -> LevelStep:
    def each(pairs):
        return tuple((k, M.T) for k, M in pairs)
    return LevelStep(step.index, step.layer, step.X.T, step.Y.T, each(step.saved), each(step.params), step.G.T,
                     step.dX.T, each(step.grads), each(step.updated))


def _tolerance(numbers: "Numbers") -> float:
    """The largest relative difference of two entries that agree: 10 digits short of the solution's precision."""
    return 10.0 ** (-(numbers.precision - 10))


def _agreements(net: LayersSpec, steps: Sequence[LevelStep], numbers: "Numbers") -> tuple[Agreement, ...]:
    """Compare every entry (samples are columns) with its neuron-level name."""
    tolerance = _tolerance(numbers)
    m, depth = len(net.x), len(net.layers)
    suffixes = tuple(sample_suffix(m, s) for s in range(m))
    values, gradients = numbers.values, numbers.gradients

    def outputs(l: int) -> list[list[str]]:  # [feature][sample] names of layer l's output (0: the input)
        if l == 0:
            return [[input_name(j + 1, suffix) for suffix in suffixes] for j in range(net.input_shape[0])]
        place = Place(l, suffixes, None, l == depth)
        return [[place.output(net.layers[l - 1].stem, j + 1, s) for s in range(m)]
                for j in range(net.layers[l - 1].shape_out[0])]

    out = []
    for step in steps:
        l = step.index
        pairs = {"Y": (step.Y, values, outputs(l)), "dY": (step.G, gradients, outputs(l)),
                 "dX": (step.dX, gradients, outputs(l - 1))}
        for key, M in step.grads:
            pairs[key] = (M, gradients, [_names(net, l, key[1:])])
        for key, M in step.updated:
            pairs[f"{key}'"] = (M, numbers.updated, [_names(net, l, key)])
        for quantity, (M, reference, names) in pairs.items():
            flat = [name for row in names for name in row]
            entries = list(zip(M, flat))
            error = max(float(abs(a - reference.get(name, sp.S.Zero)) / max(1, abs(reference.get(name, sp.S.Zero))))
                        for a, name in entries)
            out.append(Agreement(l, quantity, len(entries), error, error <= tolerance))
    return tuple(out)

