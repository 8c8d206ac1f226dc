"""Exercise variants: the same problem with numbers drawn from the spec's ``[vary]`` table.

Randomness is :class:`random.Random` only, so the same seed draws the same numbers on every
machine and Python version: the exercise seed ``S`` seeds ``random.Random(S)``, which gives each
variant ``i`` its own seed (``getrandbits(32)``, in order); variant ``i`` then draws with
``random.Random(its seed)``, each name in ``[vary]`` order (a range or a choice: ``choice`` of the
candidates; a one-hot vector: ``randrange(N)``), and draws again, up to :data:`MAX_TRIES` times, while
a constraint fails. A variant can therefore be redrawn alone from the seed in ``variants.json``.

The constraints: every ReLU / leaky ReLU / step / abs input is at least :data:`KINK_MARGIN` away from
0 and the arguments of max/min differ by as much (``avoid_kinks``, on by default), and no asked answer
lies within :data:`TIE_MARGIN` of a unit of a rounding tie at ``digits`` significant digits (a
value such as 0.1235 at 3 digits, where a correct hand computation could round either way), nor
closer to 0 than ``min_abs`` (default 0: any; Canvas stores an answer below 1e-4 in magnitude as 0).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import product
from typing import Callable, Mapping

import sympy as sp

from symback.engine.conv_names import channel_input_name as conv_input_name, layer_parameter_names
from symback.engine.conv_spec import ConvNetworkSpec, value_shapes
from symback.engine.layers import LayersSpec
from symback.engine.layers.sequence import step_names
from symback.engine.errors import EvaluationError, SpecError, did_you_mean
from symback.engine.functions import leaky_relu, relu, step
from symback.engine.graph import build_graph
from symback.engine.names import bias_name, input_name, sample_suffix, target_name, weight_name
from symback.engine.numerals import Numeral, rounded, tie_distance
from symback.engine.spec import Spec
from symback.engine.substitute import forward
from symback.engine.vary_spec import Ask, Draw

MAX_TRIES = 1000                   #: draws per variant before the constraints are declared unmeetable
KINK_MARGIN = sp.Rational(1, 20)   #: a kink's input is at least this far from the kink
TIE_MARGIN = Fraction(1, 50)       #: an answer is at least this many units (of its last digit) from a tie
KINKED = (relu, leaky_relu, step, sp.Abs)


@dataclass(frozen=True)
class Question:
    """One asked quantity: its kind (value, gradient, updated), its name and its claim label."""

    kind: str
    name: str
    label: str        #: what a claim or a submission column calls it: ``o``, ``dL/dw1``, ``w1'``


def variant_seeds(seed: int, count: int) -> list[int]:
    """The seeds of variants 1 .. count: ``random.Random(seed).getrandbits(32)``, in order."""
    master = random.Random(seed)
    return [master.getrandbits(32) for _ in range(count)]


def leaf_values(spec: Spec) -> dict[str, sp.Rational]:
    """Every input and parameter of a graph or network spec by its (stable) name, in spec order."""
    if spec.network is None:
        return dict(spec.inputs + spec.params)
    return {name: _network_get(spec, slot) for name, slot in _network_slots(spec).items()}


def variant_spec(spec: Spec, values: Mapping[str, sp.Rational]) -> Spec:
    """``spec`` with the given inputs and parameters replaced (names as :func:`leaf_values` gives them)."""
    if spec.network is None:
        pick = lambda pairs: tuple((n, values.get(n, v)) for n, v in pairs)  # noqa: E731
        return replace(spec, inputs=pick(spec.inputs), params=pick(spec.params))
    net = spec.network
    tables = {"x": [list(r) for r in net.x], "t": [list(r) for r in net.t]}
    if isinstance(net, (ConvNetworkSpec, LayersSpec)):
        tables["value"] = {key: list(v) for key, v in net.values}
    else:
        tables.update(weights=[[list(r) for r in m] for m in net.weights], biases=[list(b) for b in net.biases])
    for name, slot in _network_slots(spec).items():
        if name in values:
            field, *index = slot
            target = tables[field]
            for i in index[:-1]:
                target = target[i]
            target[index[-1]] = values[name]
    frozen = lambda rows: tuple(tuple(r) for r in rows)  # noqa: E731
    if isinstance(net, (ConvNetworkSpec, LayersSpec)):
        network = replace(net, x=frozen(tables["x"]), t=frozen(tables["t"]), values=tuple(
            (key, tuple(v)) for key, v in tables["value"].items()))
    else:
        network = replace(net, x=frozen(tables["x"]), t=frozen(tables["t"]),
                          weights=tuple(frozen(m) for m in tables["weights"]), biases=frozen(tables["biases"]))
    return replace(spec, network=network)


def questions(spec: Spec) -> tuple[Question, ...]:
    """What the exercise asks, checked against the problem (``[ask]``, or the loss, every gradient and update)."""
    graph = build_graph(spec)
    names, leaves = list(graph.by_name), list(graph.params or graph.inputs)
    ask = spec.ask or Ask(values=(graph.loss,), gradients=tuple(leaves),
                          updated=tuple(p for p in graph.params if p not in graph.frozen) if graph.learning_rate else ())
    asked = []
    for name in ask.values:
        _known(spec, "ask.values", name, names)
        asked.append(Question("value", name, name))
    for name in ask.gradients:
        _known(spec, "ask.gradients", name, names)
        asked.append(Question("gradient", name, f"d{graph.loss}/d{name}"))
    for name in ask.updated:
        _known(spec, "ask.updated", name, list(graph.params))
        if graph.learning_rate is None or graph.steps != 1:
            raise SpecError(f"{spec.source}: ask.updated", "an update is asked without one step of gradient descent",
                            "set learning_rate (and steps = 1), or remove ask.updated")
        asked.append(Question("updated", name, f"{name}'"))
    return tuple(asked)


def check_vary(spec: Spec) -> None:
    """Every name in ``[vary]`` is an input or parameter of the problem (a one-hot vector: name1 .. nameN)."""
    if spec.vary is None:
        raise SpecError(spec.source, "the spec has no [vary] table",
                        "add one, e.g. [vary] w1 = { from = -1, to = 1, step = 0.1 } (README 'Exercises for a course')")
    if spec.regression is not None:
        raise SpecError(f"{spec.source}: vary", "a regression spec cannot be varied", "vary a graph or network spec")
    leaves = list(leaf_values(spec))
    for draw in spec.vary.draws:
        for name in _names(spec, draw):
            if name not in leaves:
                raise SpecError(f"{spec.source}: vary.{draw.name}", f"'{name}' is not an input or parameter",
                                did_you_mean(name, leaves))


def draw_variant(spec: Spec, seed: int, solve: Callable[[Spec], object], asked: tuple[Question, ...]):
    """Draw variant values with ``random.Random(seed)`` until every constraint holds; (values, spec, solution).

    ``solve`` is the engine's solve (the public :func:`symback.solve`); a draw that no constraint
    lets through in :data:`MAX_TRIES` tries is a :class:`SpecError` naming the constraint that failed most.
    """
    rng, failures, last = random.Random(seed), {}, None
    for _ in range(MAX_TRIES):
        values = _draw_values(spec, rng)
        candidate = variant_spec(spec, values)
        try:
            graph = build_graph(candidate)
            if spec.vary.avoid_kinks and _near_kink(graph, forward(graph)):  # cheap: before solving
                failures["avoid_kinks"] = failures.get("avoid_kinks", 0) + 1
                continue
            solution = solve(candidate)
        except EvaluationError as exc:  # an undefined value at this draw (log 0, 1/0): draw again
            failures["undefined"] = failures.get("undefined", 0) + 1
            last = exc
            continue
        answers = [answer(solution, q) for q in asked]
        if any(abs(a) < spec.vary.min_abs for a in answers):
            failures["min_abs"] = failures.get("min_abs", 0) + 1
        elif not any(near_tie(a, spec.vary.digits) for a in answers):
            return values, candidate, solution
        else:
            failures["digits"] = failures.get("digits", 0) + 1
    worst = max(failures, key=failures.get)
    hint = {"avoid_kinks": "widen the ranges, or set avoid_kinks = false",
            "digits": "change digits or the ranges (answers keep landing on rounding ties)",
            "min_abs": "lower min_abs or change the ranges (asked answers keep landing nearer 0)",
            "undefined": f"the problem is undefined at every draw ({last}); narrow the ranges"}[worst]
    raise SpecError(f"{spec.source}: vary" + ("" if worst == "undefined" else f".{worst}"),
                    f"no draw met the constraints in {MAX_TRIES} tries (seed {seed})", hint)


def answer(solution, question: Question) -> sp.Expr:
    """The engine's exact (or 50-digit) value of an asked quantity."""
    table = {"value": solution.values, "gradient": solution.gradients, "updated": solution.updated}[question.kind]
    return table[question.name]


def round_answer(value: sp.Expr, digits: int) -> Numeral:
    """``value`` to ``digits`` significant digits (ties to even), its zeros kept: ``0.48780`` -> ``0.488``,
    ``1/2`` -> ``0.500`` (``.text``; ``.tolerance`` is half a unit of the last digit)."""
    return rounded(value, digits, zeros=True)


def near_tie(value: sp.Expr, digits: int) -> bool:
    """``value`` is within :data:`TIE_MARGIN` units of its last digit of a rounding tie."""
    distance = tie_distance(value, digits)
    return distance is not None and distance < TIE_MARGIN


def _near_kink(graph, values: Mapping[str, sp.Expr]) -> bool:
    """Some kink's input (ReLU, step, abs; max/min: the gap of two arguments) is within KINK_MARGIN of it."""
    point = {graph.symbols[n]: v for n, v in values.items() if n in graph.symbols}
    for node in graph.nodes:
        if node.is_leaf:
            continue
        for call in node.expr.atoms(sp.Function, sp.Abs, sp.Max, sp.Min):
            if isinstance(call, KINKED):
                gaps = [call.args[0]]
            elif isinstance(call, (sp.Max, sp.Min)):
                gaps = [a - b for i, a in enumerate(call.args) for b in call.args[i + 1:]]
            else:
                continue
            if any(abs(sp.N(g.xreplace(point), 30)) < KINK_MARGIN for g in gaps):
                return True
    return False


def _draw_values(spec: Spec, rng: random.Random) -> dict[str, sp.Rational]:
    values: dict[str, sp.Rational] = {}
    for draw in spec.vary.draws:
        if draw.one_hot:
            hot = rng.randrange(draw.one_hot)
            values.update({name: sp.Integer(int(i == hot)) for i, name in enumerate(_names(spec, draw))})
        else:
            for name in _names(spec, draw):
                values[name] = rng.choice(draw.values)
    return values


def _names(spec: Spec, draw: Draw) -> list[str]:
    """The scalar names a draw sets: itself, name1 .. nameN (one-hot), or a network table's entries (x, W1)."""
    if draw.one_hot:
        return [f"{draw.name}{i}" for i in range(1, draw.one_hot + 1)]
    if spec.network is not None and draw.name not in _network_slots(spec):
        entries = [n for n, slot in _network_slots(spec).items() if _table_key(spec, slot) == draw.name]
        if entries:
            return entries
    return [draw.name]


def _known(spec: Spec, key: str, name: str, names: list[str]) -> None:
    if name not in names:
        raise SpecError(f"{spec.source}: {key}", f"'{name}' is not in the problem", did_you_mean(name, names))


def _network_slots(spec: Spec) -> dict[str, tuple]:
    """Stable name -> (field, indices) of every input, target, weight and bias of a network spec."""
    net = spec.network
    if isinstance(net, ConvNetworkSpec):
        return _conv_slots(net)
    if isinstance(net, LayersSpec):
        return _layers_slots(net)
    slots = _sample_slots(net)
    for l in range(1, len(net.layers)):
        for j in range(net.layers[l]):
            slots.update({weight_name(l, j + 1, k + 1): ("weights", l - 1, j, k) for k in range(net.layers[l - 1])})
        for j, _ in enumerate(net.biases[l - 1]):
            name = bias_name(net, l, j + 1)
            slots.setdefault(name, ("biases", l - 1, j))
    return slots


def _conv_slots(net: ConvNetworkSpec) -> dict[str, tuple]:
    """The slots of a convolutional network: x and t per sample, then ``("value", key, flat index)`` of
    every kernel weight and bias (K<l>, b<l>) and dense weight and bias (W<l>, b<l>), by their stable names."""
    slots: dict[str, tuple] = {}
    m = len(net.x)
    for s in range(m):
        suffix = sample_suffix(m, s)
        slots.update({conv_input_name(c, tuple(idx), suffix): ("x", s, flat)
                      for flat, (c, *idx) in enumerate(product(*map(range, net.input_shape)))})
        slots.update({target_name(j + 1, suffix): ("t", s, j) for j in range(len(net.t[s]))})
    shapes = value_shapes(net.layers)
    for l, layer in enumerate(net.layers, 1):
        names = iter(layer_parameter_names(l, layer))
        for key in (f"K{l}", f"W{l}", f"b{l}"):
            if key in shapes:  # the names come in the same order: kernel or weights, then biases
                slots.update({next(names): ("value", key, i) for i in range(len(net.value[key]))})
    return slots


def _layers_slots(net: LayersSpec) -> dict[str, tuple]:
    """The slots of a layers-list network: x and t per sample (``x<k>_t<t>`` of a sequence), then
    ``("value", key, flat index)`` of every parameter."""
    slots: dict[str, tuple] = {}
    for s, suffix in enumerate(sample_suffix(len(net.x), s) for s in range(len(net.x))):
        slots.update({input_name(k, named): ("x", s, i)
                      for i, (k, named, _) in enumerate(step_names(net.input_shape, suffix, net.x[s]))})
        slots.update({target_name(j, named): ("t", s, i)
                      for i, (j, named, _) in enumerate(step_names(net.layers[-1].shape_out, suffix, net.t[s]))})
    return slots | {name: ("value", key, i) for name, (key, i) in net.parameter_slots().items()}


def _sample_slots(net) -> dict[str, tuple]:
    """``x<k>`` and ``t<j>`` of every sample (with its suffix) of a network whose input is a vector."""
    slots: dict[str, tuple] = {}
    m = len(net.x)
    for s in range(m):
        suffix = sample_suffix(m, s)
        slots.update({input_name(k + 1, suffix): ("x", s, k) for k in range(len(net.x[s]))})
        slots.update({target_name(j + 1, suffix): ("t", s, j) for j in range(len(net.t[s]))})
    return slots


def _network_get(spec: Spec, slot: tuple) -> sp.Rational:
    field, *index = slot
    target = getattr(spec.network, field)
    for i in index:
        target = target[i]
    return target


def _table_key(spec: Spec, slot: tuple) -> str:
    """The ``[network.values]`` key holding a slot: x, t, W1, b1."""
    field, layer = slot[0], slot[1]
    if field == "value":
        return layer
    return {"x": "x", "t": "t"}.get(field) or (f"W{layer + 1}" if field == "weights" else f"b{layer + 1}")
