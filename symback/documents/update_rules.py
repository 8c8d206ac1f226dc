"""The first step of an update rule (momentum, Adam) line by line, as a lecture writes it: each parameter's
state (velocity; the moments m, v and their bias corrections) and the step, symbolic = numbers = value.

The numbers come from the engine's own step (:func:`symback.engine.optimizers.optimizer_step`) on the exact
values and gradients; the document only writes them out.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

import sympy as sp

from symback.documents.backward import partial_tex
from symback.documents.notation import Moment, Updated
from symback.documents.printing import latex as print_latex
from symback.documents.tex import Tex, format_number
from symback.engine.expr import symbol
from symback.engine.numerals import number_text
from symback.engine.optimizers import initial_state, optimizer_step

if TYPE_CHECKING:
    from symback.engine.solution import Solution

UpdateLine = tuple[Tex, Tex, Tex, Tex]  #: lhs, symbolic, substituted, value

_G, _M, _V, _MH, _VH = (sp.Symbol(n, real=True) for n in ("_g", "_m", "_v", "_mh", "_vh"))
_ETA, _MU, _B1, _B2, _EPS = (sp.Symbol(n, real=True) for n in ("eta", "mu", "beta1", "beta2", "epsilon"))


def update_rule_intro(solution: "Solution", t: Mapping[str, str]) -> str:
    """The sentence before the update lines: plain gradient descent's, or the update rule's with its constants."""
    rule = solution.graph.optimizer
    if rule is None:
        return t["update_intro"]
    return t[f"update_intro_{rule.name}"].format(**{k: number_text(v) for k, v in rule.settings})


def update_rule_lines(solution: "Solution", p: str, latex: Callable[..., Tex], substituted: Callable[..., Tex],
                      digits: int) -> tuple[UpdateLine, ...]:
    """Parameter ``p``'s lines of the first step of the graph's update rule (``latex(expr, names)`` and
    ``substituted(expr, numbers)``: the document's printers)."""
    graph, numbers = solution.graph, solution.numbers
    rule = graph.optimizer
    params = {q: numbers.values[q] for q in graph.params}
    grads = {q: sp.S.Zero if q in graph.frozen else numbers.gradients[q] for q in graph.params}
    new, state = optimizer_step(rule, params, grads, initial_state(params), graph.learning_rate,
                                lambda v: sp.sqrt(v).evalf(numbers.precision))
    show = lambda v: format_number(v, digits)  # noqa: E731
    names = {"_g": partial_tex(graph.loss, p), "_m": print_latex(Moment("m", p)), "_v": print_latex(Moment("v", p)),
             "_mh": print_latex(Moment("m", p, True)), "_vh": print_latex(Moment("v", p, True))}
    constants = {"eta": show(graph.learning_rate), **{_KEYS[k]: show(v) for k, v in rule.settings}}
    shown = {p: show(params[p]), "_g": show(grads[p]), **constants}
    if rule.name == "momentum":
        steps = [("_v", _G, state.velocity[p]), (None, symbol(p) - _ETA * _V, new[p])]
    else:
        steps = [("_m", (1 - _B1) * _G, state.velocity[p]), ("_v", (1 - _B2) * _G ** 2, state.second[p]),
                 ("_mh", _M / (1 - _B1), state.corrected[p]), ("_vh", _V / (1 - _B2), state.corrected_second[p]),
                 (None, symbol(p) - _ETA * _MH / (sp.sqrt(_VH) + _EPS), new[p])]
    lines = []
    for name, expr, value in steps:
        lhs = Tex(names[name]) if name else print_latex(Updated(p))
        lines.append((lhs, latex(expr, names), substituted(expr, dict(shown)), Tex(show(value))))
        if name:
            shown[name] = show(value)
    return tuple(lines)


_KEYS = {"momentum": "mu", "beta1": "beta1", "beta2": "beta2", "eps": "epsilon"}  #: a rule's key -> its symbol
