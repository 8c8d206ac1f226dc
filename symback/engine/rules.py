"""The one table of derivative rules.

Every operation that may appear in a formula has one :class:`Rule`: a name a worked solution can
print ("product rule", "logistic derivative") and one partial derivative per argument, written in
textbook form (sigma' = sigma(1 - sigma), tanh' = 1 - tanh^2). The reverse walk in
:mod:`symback.engine.backprop` knows no operation; it asks this table. Adding an activation is one
function class in :mod:`symback.engine.functions` whose ``rule`` attribute is its row of :data:`RULES` (the
class registers itself, for formulas, specs and lambdify alike); the tests then check the new rule
against ``sympy.diff`` automatically.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp
from sympy import S

import symback.engine.functions as fn
from symback.engine.errors import RuleError
from symback.engine.rule import DEFAULT_CONVENTIONS, Conventions, Rule, RuleNote
from symback.engine.sums import neuron_terms


def _others(expr: sp.Expr, i: int) -> sp.Expr:
    return sp.Mul(*(a for j, a in enumerate(expr.args) if j != i))


def _pow(expr: sp.Expr, i: int, c: Conventions) -> sp.Expr:
    base, exponent = expr.args
    if i == 0:
        return exponent * base ** (exponent - 1)
    return expr * sp.log(base)


def _pow_name(expr: sp.Expr) -> str:
    base, exponent = expr.args
    if not exponent.free_symbols:
        return "power rule"
    if not base.free_symbols:
        return "exponential rule"
    return "general power rule"


def _extremum(expr: sp.Expr, i: int, c: Conventions, sign: int) -> sp.Expr:
    """d max/d x_i: 1 where x_i is the strict maximum (minimum for ``sign`` -1), and a tie split evenly.

    Two arguments: ``1[x_i > x_j]`` with ``c.tie_share`` (1/2) at the tie. More: the arguments tied
    for the maximum share the gradient equally, 1/k each for k of them, so the shares always add up
    to 1 (a product of pairwise halves would give 1/4 each at a three-way tie and lose a quarter).
    """
    mine = expr.args[i]
    others = [other for j, other in enumerate(expr.args) if j != i]
    if len(others) == 1:
        return fn.Indicator(sign * (mine - others[0]), c.tie_share)
    wins = sp.Mul(*(fn.Indicator(sign * (mine - other), 1) for other in others))  # x_i is a maximum
    ties = 1 + sp.Add(*(fn.Indicator(mine - other, 1) - fn.Indicator(mine - other, 0) for other in others))
    return wins / ties


RULES: dict[type, Rule] = {
    sp.Add: Rule("sum rule", lambda e, i, c: S.One),
    sp.Mul: Rule("product rule", lambda e, i, c: _others(e, i)),
    sp.Pow: Rule("power rule", _pow),
    sp.exp: Rule("exponential derivative", lambda e, i, c: e),
    sp.log: Rule("logarithm derivative", lambda e, i, c: 1 / e.args[0]),
    sp.tanh: Rule("tanh derivative", lambda e, i, c: 1 - e**2),
    sp.Abs: Rule("absolute value derivative", lambda e, i, c: sp.sign(e.args[0]),
                 "|x|' = sign(x), taken as 0 at x = 0"),
    sp.Max: Rule("max derivative", lambda e, i, c: _extremum(e, i, c, +1),
                 "ties split the gradient equally among the tied arguments"),
    sp.Min: Rule("min derivative", lambda e, i, c: _extremum(e, i, c, -1),
                 "ties split the gradient equally among the tied arguments"),
    sp.sign: Rule("sign derivative", lambda e, i, c: S.Zero, "0 almost everywhere"),
    **{function: function.rule for function in fn.TABLED},  # symback's functions declare theirs
}


def rule_for(expr: sp.Expr) -> Rule:
    """The rule for ``expr``'s operation, or a :class:`RuleError` saying where to add one."""
    rule = RULES.get(type(expr))
    if rule is None:
        raise RuleError(type(expr).__name__, "no derivative rule for this operation",
                        "add a Rule for it to symback.engine.rules.RULES")
    return rule


def rule_name(expr: sp.Expr) -> str:
    """The printable name of the rule that differentiates ``expr`` (the top operation)."""
    return _pow_name(expr) if isinstance(expr, sp.Pow) else rule_for(expr).name


def partial(expr: sp.Expr, i: int, conventions: Conventions = DEFAULT_CONVENTIONS) -> sp.Expr:
    """The partial derivative of ``expr`` (one operation) with respect to its argument ``i``.

    >>> from sympy import Symbol
    >>> from symback.engine.functions import sigmoid
    >>> partial(sigmoid(Symbol('x')), 0)
    (1 - sigmoid(x))*sigmoid(x)
    """
    return rule_for(expr).partial(expr, i, conventions)


@lru_cache(maxsize=1 << 16)
def symbols_in(expr: sp.Expr) -> frozenset:
    """``expr.free_symbols``, kept: a node's formula is walked once for each of its parents, and
    without the memo every walk recomputed the symbols of every term (quadratic in the fan-in).
    The worked solution asks the same of the loss's terms, once for each output and target."""
    return frozenset(expr.free_symbols)


def differentiate(expr: sp.Expr, symbol: sp.Symbol,
                  conventions: Conventions = DEFAULT_CONVENTIONS) -> tuple[sp.Expr, tuple[str, ...]]:
    """d(expr)/d(symbol) by the table (chain rule over the expression tree), and the rules used.

    >>> from sympy import symbols
    >>> w, x, b = symbols('w x b')
    >>> differentiate(w*x + b, w)
    (x, ('sum rule', 'product rule'))
    """
    used: list[str] = []

    def walk(e: sp.Expr) -> sp.Expr:
        if e == symbol:
            return S.One
        name = rule_name(e)
        if name not in used:
            used.append(name)
        # only the arguments that hold the symbol; a factor of 1 is not multiplied out, and the terms
        # are summed at once (a neuron's w*a + ... + b gives its one term as it is)
        terms = []
        for i, arg in enumerate(e.args):
            if symbol in symbols_in(arg) and (inner := walk(arg)) != 0:
                outer = partial(e, i, conventions)
                terms.append(outer if inner is S.One else inner if outer is S.One else outer * inner)
        return sp.Add(*terms)

    if symbol not in symbols_in(expr):
        return S.Zero, ()
    return walk(expr), tuple(used)


_SUM_RULE = (RULES[sp.Add].name,)
_SUM_PRODUCT_RULES = (RULES[sp.Add].name, RULES[sp.Mul].name)


def neuron_locals(expr: sp.Expr) -> dict[sp.Symbol, tuple[sp.Expr, tuple[str, ...]]] | None:
    """Each symbol's (local derivative, rules) in a neuron's sum ``w1*a1 + ... + b``, as
    :func:`differentiate` gives them: ``None`` unless ``expr`` is a sum of symbols and products of two
    symbols in which each symbol occurs once (:func:`symback.engine.sums.neuron_terms`).

    The walk (:func:`differentiate`) would visit every term of the sum once per symbol (quadratic in the
    fan-in) to find what the table says at once: d/db of the sum is 1 (sum rule), d/dw of its term w*a is a (sum and
    product rule).
    """
    terms = neuron_terms(expr)
    if terms is None:
        return None
    found: dict[sp.Symbol, tuple[sp.Expr, tuple[str, ...]]] = {}
    for term in terms:
        if len(term) == 1:
            found[term[0]] = (sp.S.One, _SUM_RULE)
        else:
            a, b = term
            found[a] = (b, _SUM_PRODUCT_RULES)
            found[b] = (a, _SUM_PRODUCT_RULES)
    return found


def notes_for(expr: sp.Expr) -> tuple[RuleNote, ...]:
    """The notes (conventions, almost-everywhere caveats) of every rule ``expr`` needs."""
    found = []
    for sub in sp.preorder_traversal(expr):
        rule = RULES.get(type(sub))
        if rule is not None and rule.note:
            found.append(RuleNote(rule.name, rule.note))
    return tuple(dict.fromkeys(found))
