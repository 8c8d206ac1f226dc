"""Reverse-mode backpropagation over node symbols.

One symbol per node; each node's local partial derivatives come from the rule table
(:func:`symback.engine.rules.differentiate`) and are written back in node symbols (sigma(l1) -> o), and
adjoints are accumulated in reverse topological order, summing over fan-out. The composed loss is
never differentiated per parameter. The walk knows no operation.
"""
from __future__ import annotations

import sympy as sp

from symback.engine.derivation import BackStep, Derivation, SumToOne, Term
from symback.engine.expr import within_size
from symback.engine.graph import Graph
from symback.engine.rule import RuleNote
from symback.engine.rules import differentiate, neuron_locals, notes_for
from symback.engine.sums import times

#: closed forms with more tree nodes than this are kept as built (nested), not simplified
TIDY_NODES = 120
#: factor/cancel (multivariate gcds, costly) only run on expressions with at most this many symbols
FACTOR_SYMBOLS = 6
#: Σt = 1 elimination (an expansion per target) only on expressions this small: y - t forms at a
#: softmax's inputs are; a hidden node's adjoint in a batch is not, and expanding it cost seconds
ELIMINATE_NODES = 48


def assumed_groups(graph: Graph) -> tuple[tuple[str, ...], ...]:
    """Cross-entropy target groups whose given values sum to exactly 1 (so Sigma t = 1 holds)."""
    return tuple(g for g in graph.target_groups if sp.Add(*(graph.point[t] for t in g)) == 1)


def backprop(graph: Graph) -> Derivation:
    """The symbolic backward pass of ``graph``: one :class:`BackStep` per node the loss uses.

    >>> from symback.engine.spec_reader import spec_from_dict
    >>> from symback.engine.graph import build_graph
    >>> d = backprop(build_graph(spec_from_dict({"loss": "f", "inputs": {"x": 5},
    ...     "params": {"w": -2, "b": 3}, "nodes": {"g": "w*x", "f": "g + b"}})))
    >>> d.gradient("w")
    x
    """
    symbols = graph.symbols
    relevant = graph.ancestors_of_loss
    # a local derivative may name a node only if that node is computed on the way to the loss
    back_map = {n.expr: n.symbol for n in graph.nodes
                if n.name in relevant and n.expr is not None and not (n.expr.is_Symbol or n.expr.is_Number)}
    groups = [tuple(symbols[t] for t in g) for g in assumed_groups(graph)]
    incoming: dict[str, list[Term]] = {name: [] for name in relevant}
    closed: dict[str, sp.Expr] = {}
    steps: list[BackStep] = []
    used_assumptions: list[SumToOne] = []
    notes: list[RuleNote] = []
    memo: dict[sp.Expr, tuple[sp.Expr, tuple[str, ...]]] = {}
    for node in reversed(graph.nodes):
        if node.name not in relevant:
            continue
        terms = tuple(incoming[node.name][::-1])  # children in forward (topological) order
        if node.name == graph.loss:
            raw = tidy = sp.S.One
            applied: tuple[SumToOne, ...] = ()
        else:
            raw = sp.Add(*(times(closed[t.child], t.local) for t in terms))
            simple = len(terms) == 1 and (terms[0].local.is_Symbol or terms[0].local.is_Number)
            tidy, applied = (raw, ()) if simple else _tidy_once(raw, groups, memo)
            used_assumptions.extend(applied)
        closed[node.name] = tidy
        steps.append(BackStep(node.name, terms, tidy, raw, applied))
        if node.is_leaf:
            continue
        notes.extend(notes_for(node.expr))
        neuron = neuron_locals(node.expr)
        for parent in node.parents:
            found = neuron.get(symbols[parent]) if neuron is not None else None
            local, rules = found or differentiate(node.expr, symbols[parent], graph.conventions)
            if local != 0:
                incoming[parent].append(Term(node.name, local.xreplace(back_map), rules))
    return Derivation(graph, tuple(steps), tuple(dict.fromkeys(used_assumptions)), tuple(dict.fromkeys(notes)))


def _tidy_once(expr: sp.Expr, groups, memo: dict) -> tuple[sp.Expr, tuple[SumToOne, ...]]:
    """:func:`_tidy`, computed once per shape: expressions equal up to a renaming of their symbols share it.

    A layer's n^2 weights give n^2 closed forms such as ``a1_k*y_j*(1 - y_j)*(y_j - t_j)`` that differ
    only in names; their symbols are renamed to placeholders in the same sorted order (SymPy's choices
    depend only on that order), tidied once, and renamed back, so graph form, whose weights' locals
    are products, costs what network form costs and gives the same expressions. An expression that a
    Sigma t = 1 elimination could touch is tidied directly (the elimination reads the whole group).
    """
    if not within_size(expr, TIDY_NODES):
        return expr, ()
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    if any(len(expr.free_symbols.intersection(g)) >= 2 for g in groups) or \
            any(s.assumptions0 != _REAL for s in free):
        return _tidy(expr, groups)
    placeholders = [sp.Symbol(f"_tidy{i:06d}", real=True) for i in range(len(free))]
    key = expr.xreplace(dict(zip(free, placeholders)))
    if key not in memo:
        memo[key] = _tidy(key, ())
    tidy, applied = memo[key]
    return _rename_as_built(tidy, dict(zip(placeholders, free))), applied


#: operations :func:`_rename_as_built` rebuilds itself (``evaluate=False`` means the same for each)
_AS_BUILT = (sp.Add, sp.Mul, sp.Pow)


def _rename_as_built(expr: sp.Expr, names: dict) -> sp.Expr:
    """``expr`` with symbols renamed and its structure as it stands: 2*(y - t)/4 must not redistribute into
    y/2 - t/2.

    The same expression ``expr.xreplace(names)`` gives under ``sp.evaluate(False)``, whose every switch
    clears SymPy's whole cache (twice per closed form: the next steps then rebuilt what they had).
    Sums, products and powers are rebuilt with ``evaluate=False`` (what the switch means for them);
    any other operation takes the switch.
    """
    if not all(type(e) in _AS_BUILT or not e.args for e in sp.preorder_traversal(expr)):
        with sp.evaluate(False):
            return expr.xreplace(names)
    return _renamed(expr, names)[0]


def _renamed(expr: sp.Expr, names: dict) -> tuple[sp.Expr, bool]:
    """:func:`_rename_as_built` of a tree of sums, products, powers and atoms: (result, changed),
    ``Basic._xreplace`` step by step (a changed argument rebuilds its parent)."""
    if not expr.args:
        return (names[expr], True) if expr in names else (expr, False)
    args, changed = [], False
    for arg in expr.args:
        new, moved = _renamed(arg, names)
        args.append(new)
        changed |= moved
    return (expr.func(*args, evaluate=False), True) if changed else (expr, False)


_REAL = sp.Symbol("x", real=True).assumptions0


def _tidy(expr: sp.Expr, groups) -> tuple[sp.Expr, tuple[SumToOne, ...]]:
    """The shortest of a few textbook rewrites of a small expression, and the assumptions used.

    Candidates: the expression as built, with common factors pulled out, ``cancel`` and ``factor``
    for expressions in few symbols (sigmoid + BCE gives y - t), and for each cross-entropy target
    group t1..tK whose sum is 1, the expansion with one t_k eliminated (softmax + cross-entropy gives
    y - t). Large expressions are kept as built: tidying must not cost more than the walk.
    """
    if not within_size(expr, TIDY_NODES):
        return expr, ()
    candidates = [(expr, ()), (sp.factor_terms(expr), ())]
    free = expr.free_symbols
    if len(free) <= FACTOR_SYMBOLS and not _big_power(expr):
        candidates += [(sp.cancel(expr), ()), (sp.factor(expr), ())]
    for group in groups if within_size(expr, ELIMINATE_NODES) else ():
        if len(free.intersection(group)) < 2:
            continue
        assumption = (SumToOne(tuple(s.name for s in group)),)
        for k, t in enumerate(group):
            rest = sp.Add(*(s for i, s in enumerate(group) if i != k))
            candidates.append((sp.factor_terms(sp.expand(expr.xreplace({t: 1 - rest}))), assumption))
    return min(candidates, key=lambda c: _score(c[0]))


#: a sum raised to a power above this is not given to cancel/factor, which expand it (a multinomial
#: of (w*x + b + y)^199 took 83 s); such a closed form stays as built
EXPAND_POWER = 8


def _big_power(expr: sp.Expr) -> bool:
    """Whether ``expr`` has a sum raised to an integer power of more than :data:`EXPAND_POWER`."""
    return any(p.base.is_Add and p.exp.is_Integer and abs(p.exp) > EXPAND_POWER for p in expr.atoms(sp.Pow))


_OPS_WEIGHT = {"NEG": 2}


def _score(expr: sp.Expr) -> int:
    """Operation count with negations weighted double: textbook forms read (y - t), not -(t - y)."""
    visual = sp.count_ops(expr, visual=True)
    return int(visual.xreplace({s: _OPS_WEIGHT.get(s.name, 1) for s in visual.free_symbols}))
