"""The engine's derivation changed as students change it: each mutation is a :class:`Change` of the sweep, named.

A misconception is not guessed from a student's text: the derivation is mutated the way a student
mutates it on paper (a fan-out path left out of a sum, σ' written for a tanh unit, σ' evaluated at the
activation, the activation's derivative dropped, an inner derivative dropped, an index slipped, the
softmax shortcut y − t used where Σt ≠ 1, the backward pass run with updated weights), and the mutant's
numbers are what a claim is matched against (:mod:`symback.checking.misconceptions`). Every mutation is
built from the engine's own terms and rule table, so it is exactly as wide as the problem.

>>> import symback
>>> sweep = Sweep(symback.solve(symback.load_example("neuron")).derivation)
>>> sorted({m.misconception.code for m in mutations(sweep, "w1")})
['derivative_at_wrong_point', 'missing_activation_derivative', 'missing_inner_derivative', 'updated_weights_used', 'wrong_activation_derivative', 'wrong_input']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterator, Mapping

import sympy as sp

import symback.engine.functions as fn
from symback.checking.equivalence import lambdify_mp
from symback.checking.sweep import Change, Local, Sweep
from symback.engine.rules import differentiate, partial

MAX_MUTATIONS = 400  #: structural mutations tried for one quantity (the nearest to it first)

#: the textbook derivative of each activation, written in its output a and its input u (σ' = a(1 - a))
_FORMS = {
    "sigmoid": lambda a, u, c: a * (1 - a),
    "tanh": lambda a, u, c: 1 - a ** 2,
}
_ACTIVATIONS = {"sigmoid": fn.sigmoid, "tanh": sp.tanh, "relu": fn.relu, "leaky_relu": fn.leaky_relu,
                "softplus": fn.softplus}
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Misconception:
    """A named mistake (a code of the catalogue) and what it is about: names, formulas, numbers.

    ``params`` holds node and parameter names (text), SymPy expressions in node symbols, and numbers;
    the documents print them in their notation (:mod:`symback.documents.misconception_text`).
    """

    code: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def __reduce__(self):  # (a mapping proxy does not pickle: a graded row comes back from a pool worker)
        return (_rebuilt, (self.code, dict(self.params)))


@dataclass(frozen=True, eq=False)
class Mutation:
    """One mutation of the derivation: its misconception and the change the sweep runs it with (compared and
    hashed by identity: an explainer keeps its runs per mutation object)."""

    misconception: Misconception
    change: Change


def _rebuilt(code: str, params: dict) -> Misconception:
    return Misconception(code, MappingProxyType(params))


def named(code: str, **params) -> Misconception:
    return Misconception(code, MappingProxyType(params))


def _local(expr: sp.Expr) -> Local:
    args = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    return tuple(s.name for s in args), lambdify_mp(args, expr)


def mutations(sweep: Sweep, name: str) -> Iterator[Mutation]:
    """The structural mutations that can change dL/d(name) (and what is computed from it), nearest first.

    Only steps between ``name`` and the loss matter to its gradient; they are visited from ``name`` up,
    so a capped list (:data:`MAX_MUTATIONS`) keeps the mutations closest to the quantity.
    """
    derivation, graph = sweep.derivation, sweep.graph
    cone = _cone(graph, name)
    back_map, shapes = _back_map(graph), _shapes(graph)
    count = 0
    alike: dict[tuple, list[Mutation]] = {}
    for step in reversed(derivation.steps):  # the leaves' steps first: nearest to a parameter
        if step.node not in cone:
            continue
        for found in _step_mutations(sweep, step, back_map, shapes):
            yield found
            alike.setdefault(_every_sample(found.misconception), []).append(found)
            count += 1
            if count >= MAX_MUTATIONS:
                return
    for group in alike.values():  # the same mistake in every sample, as a student repeats it
        if len(group) > 1:
            yield _all_samples(group)
    yield from _softmax_shortcut(sweep, cone)
    if graph.learning_rate is not None and any(p in graph.params for n in cone for p in graph.node(n).parents):
        yield Mutation(named("updated_weights_used"), Change(updated_locals=True))


_SAMPLE = re.compile(r"_s\d+\b")


def _every_sample(misconception: Misconception) -> tuple:
    """A mistake's code and its parameters with names stripped of their sample suffix (``_s2``): the same
    mistake made in another sample has the same key."""
    return misconception.code, tuple((k, _SAMPLE.sub("", str(v))) for k, v in misconception.params.items())


def _all_samples(group: list[Mutation]) -> Mutation:
    """One mutation that makes the mistake of ``group`` in every sample (names without their suffix)."""
    first = group[0].misconception
    params = {k: _SAMPLE.sub("", v) if isinstance(v, str) else
              tuple(_SAMPLE.sub("", x) for x in v) if isinstance(v, tuple) else v for k, v in first.params.items()}
    return Mutation(Misconception(first.code, MappingProxyType({**params, "samples": len(group)})),
                    Change(drop=frozenset().union(*(m.change.drop for m in group)),
                           locals=MappingProxyType({k: v for m in group for k, v in m.change.locals.items()})))


def _cone(graph, name: str) -> frozenset[str]:
    """``name`` and every node on a path from it to the loss (the steps its gradient is summed over)."""
    below = {name}
    for node in graph.nodes:  # topological order: a node is below name when one of its parents is
        if node.name != name and any(p in below for p in node.parents):
            below.add(node.name)
    return frozenset(below & graph.ancestors_of_loss)


def _back_map(graph) -> dict[sp.Expr, sp.Symbol]:
    """A node's formula -> its symbol, as the engine writes its local derivatives (σ(z) -> a)."""
    relevant = graph.ancestors_of_loss
    return {n.expr: n.symbol for n in graph.nodes if n.name in relevant and n.expr is not None
            and not (n.expr.is_Symbol or n.expr.is_Number)}


def _step_mutations(sweep: Sweep, step, back_map, shapes) -> Iterator[Mutation]:
    """The mutations of one node's adjoint sum: each path left out, and each term's local derivative mis-taken."""
    graph = sweep.graph
    if len(step.terms) >= 2:
        for term in step.terms:
            kept = tuple(t.child for t in step.terms if t.child != term.child)
            yield Mutation(named("missing_path", node=step.node, child=term.child, local=term.local,
                                  paths=len(step.terms), kept=kept),
                           Change(drop=frozenset({(term.child, step.node)})))
    for term in step.terms:
        child = graph.node(term.child)
        key = (term.child, step.node)
        for misconception, local in _local_mutations(child, graph.symbols[step.node], term.local, back_map, graph,
                                                     shapes):
            yield Mutation(misconception, Change(locals=MappingProxyType({key: _local(local)})))


def _local_mutations(child, parent: sp.Symbol, engine_local: sp.Expr, back_map, graph, shapes):
    """(misconception, wrong local) for d(child)/d(parent): the activation derivative dropped, mistaken or
    taken at the wrong point, the inner derivative dropped, an index slipped."""
    conventions = graph.conventions
    chain = _chain(child.expr, parent)
    if chain is not None:
        coefficient, outer_expr, index, inner = chain
        outer = partial(outer_expr, index, conventions).xreplace(back_map)
        inner_local = differentiate(inner, parent, conventions)[0].xreplace(back_map)
        if sp.expand(coefficient * outer * inner_local - engine_local) == 0:
            function = _activation_name(outer_expr)
            if function is not None:
                a = child.symbol if outer_expr == child.expr else outer_expr
                u = inner.xreplace(back_map)
                yield (named("missing_activation_derivative", node=child.name, parent=parent.name, function=function,
                              derivative=outer), coefficient * inner_local)
                for other, form in _FORMS.items():
                    if other != function:
                        yield (named("wrong_activation_derivative", node=child.name, function=function, used=other,
                                      derivative=form(a, u, conventions), right=outer),
                               coefficient * form(a, u, conventions) * inner_local)
                if function in _FORMS:
                    at_output = partial(type(outer_expr)(a), 0, conventions)
                    at_input = _FORMS[function](u, u, conventions)
                    for point, wrong in (("activation", at_output), ("input", at_input)):
                        yield (named("derivative_at_wrong_point", node=child.name, function=function, at=point,
                                      used=wrong, right=outer), coefficient * wrong * inner_local)
            if inner != parent and inner_local != 1:
                yield (named("missing_inner_derivative", node=child.name, parent=parent.name, inner=inner_local),
                       coefficient * outer)
            if inner_local.is_Symbol and not engine_local.is_Symbol:  # σ'(w1 i1 + w2 i2)·i1 with i2 for i1
                for other, code in _slips(inner_local.name, shapes):
                    yield (named(code, node=child.name, parent=parent.name, used=other, right=inner_local.name),
                           coefficient * outer * graph.symbols[other])
    if engine_local.is_Symbol:
        for other, code in _slips(engine_local.name, shapes):
            yield (named(code, node=child.name, parent=parent.name, used=other, right=engine_local.name),
                   graph.symbols[other])


def _activation_name(expr: sp.Expr) -> str | None:
    return next((name for name, f in _ACTIVATIONS.items() if type(expr) is f), None)


def _chain(expr: sp.Expr, parent: sp.Symbol):
    """``expr`` as coefficient × op(..., inner, ...) with ``parent`` only in ``inner``: (coefficient, op, index, inner).

    None where ``parent`` appears directly (a sum or product term: no inner function) or in two places.
    """
    coefficient, e = sp.S.One, expr
    while isinstance(e, (sp.Add, sp.Mul)):
        dependent = [a for a in e.args if parent in a.free_symbols]
        if len(dependent) != 1:
            return None
        if isinstance(e, sp.Mul):
            coefficient *= sp.Mul(*(a for a in e.args if a is not dependent[0]))
        e = dependent[0]
    if e == parent or not e.args or isinstance(e, fn.softmax):
        return None
    dependent = [i for i, a in enumerate(e.args) if parent in a.free_symbols]
    if len(dependent) != 1:
        return None
    return coefficient, e, dependent[0], e.args[dependent[0]]


def _shapes(graph) -> Mapping[tuple, tuple[str, ...]]:
    """The graph's names grouped by kind and letters (``w#_#_#`` of the parameters ...): where index slips land."""
    shapes: dict[tuple, list[str]] = {}
    for node in graph.nodes:
        pieces = _DIGITS.split(node.name)
        shapes.setdefault((node.kind if node.is_leaf else "node", tuple(pieces[0::2])), []).append(node.name)
    return {k: tuple(v) for k, v in shapes.items()}


def _slips(name: str, shapes) -> Iterator[tuple[str, str]]:
    """Names a student may write for ``name`` by an index slip: (other, code).

    The same letters and kind, one index different (x2 for x1, a1_2 for a1_1, never another sample),
    or a weight's two neuron indices swapped (w2_1_2 for w2_2_1: ``transposed_index``).
    """
    pieces = _DIGITS.split(name)
    for key, names in shapes.items():
        if key[1] != tuple(pieces[0::2]) or name not in names:
            continue
        digits = pieces[1::2]
        for other in names:
            theirs = _DIGITS.split(other)[1::2]
            differ = [i for i, (a, b) in enumerate(zip(digits, theirs)) if a != b]
            if len(differ) == 2 and len(digits) == 3 and differ == [1, 2] and theirs[1:] == digits[2:0:-1] \
                    and name[0] == "w":
                yield other, "transposed_index"
            elif len(differ) == 1 and not pieces[2 * differ[0]].endswith("_s"):
                yield other, "wrong_input"


def _softmax_shortcut(sweep: Sweep, cone: frozenset[str]) -> Iterator[Mutation]:
    """δ_j = y_j − t_j at a softmax's inputs (the shortcut) for every sample whose targets do not sum to 1."""
    graph = sweep.graph
    numbers = sweep.derivation.numbers
    overrides, losses = {}, []
    for node in graph.nodes:
        if node.is_leaf or node.name not in graph.ancestors_of_loss:
            continue
        pairs = _log_terms(node.expr, graph)
        if not pairs:
            continue
        targets = [t for _, t in pairs]
        if sp.Add(*(graph.point.get(t.name, sp.nan) if t.is_Symbol else t for t in targets)) == 1:
            continue
        upstream = numbers.gradients[node.name] if numbers is not None else sp.S.One
        for y, t in pairs:
            softmax = graph.node(y.name).expr if y.is_Symbol else y
            z = softmax.args[1:][softmax.index - 1]
            if z.is_Symbol and z.name in cone and z.name in sweep.derivation.by_node:
                overrides[z.name] = _local(upstream * (y - t))
                losses.append(node.name)
    if overrides:
        yield Mutation(named("softmax_shortcut", nodes=tuple(dict.fromkeys(losses))),
                       Change(adjoints=MappingProxyType(overrides)))


def _log_terms(expr: sp.Expr, graph) -> list[tuple[sp.Expr, sp.Expr]]:
    """(y, t) for every term ``-t log y`` of a cross-entropy whose y is a softmax (a node or a call)."""
    pairs = []
    for term in sp.Add.make_args(sp.expand(expr)) if expr.has(sp.log) else ():
        logs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.log)]
        if len(logs) != 1:
            continue
        y = logs[0].args[0]
        softmax = graph.by_name[y.name].expr if y.is_Symbol and y.name in graph.by_name else y
        if isinstance(softmax, fn.softmax):
            pairs.append((y, -sp.Mul(*(f for f in sp.Mul.make_args(term) if f is not logs[0]))))
    return pairs if len(pairs) >= 2 else []
