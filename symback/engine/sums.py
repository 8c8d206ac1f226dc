"""Shapes: "is this a sum of symbols and products?", answered once for the printers, the rules,
substitution and the compiled programs, and the fast paths that rest on the answer.

A network is mostly sums of symbols and products of two symbols (a neuron's ``w1*a1 + ... + b``) and
products of symbols and sums (a weight's gradient ``a1_k*y_j*(1 - y_j)*(y_j - t_j)``). For these shapes
SymPy's general paths (``Mul``'s flatten, the printers' ``_print_Mul`` and ``_print_Add``, ``xreplace``)
ask many questions whose answers the shape already gives; the fast paths give the same result without
asking, and leave anything else to SymPy. tests/engine/test_sums.py compares each with SymPy's general
path on random expressions. A *plain symbol* is an ``sp.Symbol`` itself (not a ``Dummy`` or ``Wild``).

- :func:`is_symbol_product`: distinct (by name) commutative plain symbols multiplied (printers, programs);
- :func:`symbols_and_products`: each term a plain symbol or such a product (printers, programs);
- :func:`is_product_of_sums`: symbols and sums of symbols, numbers and their products, one sum at least
  and no number factor (the LaTeX printer);
- :func:`lex_ordered`: a sum's terms in SymPy's lex order, when each is a symbol or a symbol product and
  no name repeats (the printers);
- :func:`pair_terms`: symbols and products of two symbols, names may repeat (:func:`sum_value`);
- :func:`neuron_terms`: :func:`pair_terms` with each symbol once (``rules.neuron_locals``);
- :func:`only_sums_and_products`: atoms joined by ``+`` and ``*`` at any depth (the documents' local forms).

The two fast paths: :func:`times` builds a product (the parser's ``*``, the backward pass, the δ
forms) and :func:`sum_value` evaluates a neuron's sum at numbers (the forward pass).

The conditions differ where the callers do: the printers sort a product's factors by name, so two
symbols of one name (other assumptions) are left to SymPy (the programs, which keep the stored order,
take the printers' shapes); a sum's value does not mind a repeated symbol, but a neuron's locals need
each symbol once (``w*x + w*y`` has the local ``x + y``). The SymPy internals these fast paths rely on
are used here and nowhere else, each with a comment on the SymPy (1.14) behaviour it mirrors.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping

import mpmath.libmp as mlib
import sympy as sp
from sympy.core.basic import _args_sortkey
from sympy.core.parameters import global_parameters

Pair = tuple[sp.Symbol, ...]  #: a term of a pair sum as its symbols: ``(b,)`` or ``(w, a)``


def is_symbol_product(expr: sp.Expr) -> bool:
    """Whether ``expr`` is a product of distinct, commutative plain symbols (``a_{1} \\delta_{2}``).

    Distinct by name: two symbols of one name and different assumptions print alike, and the
    printers' order by name could not tell them apart. (A product is commutative when all its factors
    are: ``Mul`` stores that once, so no factor is asked.)
    """
    if type(expr) is not sp.Mul or not expr.is_commutative:
        return False
    args = expr.args
    return all(type(a) is sp.Symbol for a in args) and len({a.name for a in args}) == len(args)


def symbols_and_products(terms: Iterable[sp.Expr]) -> bool:
    """Whether every term of a sum is a plain symbol or an :func:`is_symbol_product`: SymPy prints such a
    sum as its terms joined by `` + `` (none has a sign to pull out or needs brackets)."""
    return all(type(t) is sp.Symbol or is_symbol_product(t) for t in terms)


def is_product_of_sums(expr: sp.Mul) -> bool:
    r"""Whether ``expr`` is a product of distinct commutative plain symbols and sums of symbols, numbers and
    products of them, one sum at least and no number factor (``a_{k} y_{j} \left(1 - y_{j}\right)``, a
    graph's closed forms): SymPy prints it as its factors in ``sort_key`` order, each sum in brackets,
    with no sign pulled out (no number leads) and no fraction (no negative power).

    The sums' terms are limited so that nothing in them asks the printer for more than brackets (a
    ``Mod`` or an ``Integral`` inside would, in ``_needs_mul_brackets``).
    """
    if not expr.is_commutative:
        return False
    args = expr.args
    sums = 0
    for a in args:
        if type(a) is sp.Add:
            if not all(type(t) is sp.Symbol or t.is_Rational or (type(t) is sp.Mul and all(
                    type(f) is sp.Symbol or f.is_Rational for f in t.args)) for t in a.args):
                return False
            sums += 1
        elif type(a) is not sp.Symbol:
            return False
    return sums > 0 and len(set(args)) == len(args)


_AFTER_EVERY_NAME = (1,)  #: sorts after every (0, name): a product comes before the product it begins


def lex_ordered(expr: sp.Add) -> tuple[sp.Expr, ...] | None:
    """``expr.as_ordered_terms()`` (SymPy's default, lex) for a sum of symbols and symbol products, or None.

    SymPy orders such terms by their exponent vectors over all the sum's symbols in name order,
    greatest first: at the first symbol where two terms differ, the term that has it comes first,
    so ``a b`` before ``a`` before ``b c`` (the names of a term in order, then a mark after every name).
    None where that does not apply: a number, a power or a coefficient in a term, two symbols of one name.
    """
    keys, symbols = [], {}
    for term in expr.args:
        factors = term.args if is_symbol_product(term) else (term,) if type(term) is sp.Symbol and term.is_commutative \
            else None
        if factors is None:
            return None
        for f in factors:
            if symbols.setdefault(f.name, f) is not f:
                return None
        keys.append((*sorted((0, f.name) for f in factors), _AFTER_EVERY_NAME))
    return tuple(term for _, term in sorted(zip(keys, expr.args)))


def pair_terms(expr: sp.Expr) -> tuple[Pair, ...] | None:
    """The terms of a sum of plain symbols and products of two plain symbols, each as its symbols, or None.

    >>> w, a, b = sp.symbols("w a b")
    >>> pair_terms(w*a + b)
    ((b,), (a, w))
    """
    if type(expr) is not sp.Add:
        return None
    terms = []
    for term in expr.args:
        if type(term) is sp.Symbol:
            terms.append((term,))
            continue
        factors = term.args
        if type(term) is not sp.Mul or len(factors) != 2 or type(factors[0]) is not sp.Symbol \
                or type(factors[1]) is not sp.Symbol:
            return None
        terms.append(factors)
    return tuple(terms)


def neuron_terms(expr: sp.Expr) -> tuple[Pair, ...] | None:
    """:func:`pair_terms` of a neuron's sum ``w1*a1 + ... + b``, in which each symbol occurs once, or None.

    Then the local derivative of each symbol is its partner in its term (or 1): what the rule table's
    walk finds, without walking (``w*x + w*y`` is left to the walk: the local of ``w`` is ``x + y``).
    """
    terms = pair_terms(expr)
    if terms is None or len({s for term in terms for s in term}) != sum(map(len, terms)):
        return None
    return terms


@lru_cache(maxsize=1 << 12)
def only_sums_and_products(expr: sp.Expr) -> bool:
    """Whether ``expr`` is atoms joined by ``+`` and ``*`` only (at any depth): no power, no function.

    Kept per formula: the documents ask it of a neuron's sum once for each of its inputs (without it, a
    16-16-16 network's worked solution takes 0.8% more instructions).
    """
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, (sp.Add, sp.Mul)):
            stack.extend(e.args)
        elif not e.is_Atom:
            return False
    return True


def times(adjoint: sp.Expr, local: sp.Expr) -> sp.Expr:
    """``adjoint * local``, the product ``Mul`` builds, without its general pass where the answer is plain.

    Any product of two expressions (a formula's ``w*x``, a network's ``w a``); named for its main
    user, the backward pass (an adjoint times a local derivative), and the worked solution's forms.

    A local of 1 leaves the adjoint itself (``Mul`` drops the factor). A symbol times another symbol
    (a weight's ``a δ``) or times a product of distinct symbols and sums (``a1_k * y_j*(1 - y_j)*(y_j
    - t_j)``) is the product of all the factors in SymPy's canonical order: ``Mul`` would gather each
    factor's base and exponent (all 1, all bases distinct), find no number, and sort them the same way.

    >>> x, y = sp.symbols("x y")
    >>> times(y, x) == y * x
    True
    """
    if not global_parameters.evaluate or not isinstance(adjoint, sp.Basic):  # (unevaluated: two factors kept)
        return adjoint * local
    if local is sp.S.One and not adjoint.is_Number:
        return adjoint
    if type(local) is sp.Symbol and local.is_commutative and adjoint.is_commutative:
        factors = (adjoint,) if type(adjoint) is sp.Symbol else adjoint.args if type(adjoint) is sp.Mul and all(
            type(f) is sp.Symbol or type(f) is sp.Add for f in adjoint.args) else None
        if factors is not None and local not in factors and len(set(factors)) == len(factors):
            # SymPy internals, as AssocOp.__new__ ends after Mul.flatten (1.14): flatten sorts the
            # commutative factors with _mulsort (key _args_sortkey); _from_args builds the Mul of
            # args in that order without flattening, and the constructor postprocessors run on it
            product = sp.Mul._from_args(sorted(factors + (local,), key=_args_sortkey), True)
            return sp.Mul._exec_constructor_postprocessors(product)
    return adjoint * local


_ONE, _ZERO = sp.S.One, sp.S.Zero
_NUMBERS = (sp.Rational, sp.Float)  #: the values a sum is added up from here (Integer is a Rational)
_NOT_FINITE = (mlib.finf, mlib.fninf, mlib.fnan)


def sum_value(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr | None:
    """The value of a symbol, or of a sum of :func:`pair_terms` (a neuron's ``w1*a1 + ... + b``), at finite
    numbers: ``None`` for any other formula or value.

    The same number ``expr.xreplace(values)`` builds, by the same operations: ``Mul`` of two numbers
    drops a factor that is ``S.One`` and multiplies the two (``x*y``), ``Add`` drops terms that are
    ``S.Zero`` and adds the rest in the order of its arguments (Floats round in that order). Without
    the ``Mul``, ``Add`` and their cache, and the assumption queries ``Mul`` asks of each new number,
    which cost most of a network's forward pass. A non-finite result (an infinite leaf) is left to the
    general path.
    """
    if type(expr) is sp.Symbol:
        value = values.get(expr)
        return value if isinstance(value, _NUMBERS) else None
    terms = pair_terms(expr) if global_parameters.evaluate else None
    if terms is None:
        return None
    added = []
    for term in terms:
        if len(term) == 1:
            value = values.get(term[0])
            if not isinstance(value, _NUMBERS):
                return None
        else:
            x, y = values.get(term[0]), values.get(term[1])
            if not (isinstance(x, _NUMBERS) and isinstance(y, _NUMBERS)):
                return None
            value = y if x is _ONE else x if y is _ONE else x * y
        if value is not _ZERO:
            added.append(value)
    if len(added) < 2:
        total = added[0] if added else _ZERO
    else:
        total = _ZERO
        for value in added:
            total += value
    # SymPy internal: a Float's mpmath tuple (_mpf_, as in 1.14); an infinite or nan Float is one of these
    if total.is_Float and total._mpf_ in _NOT_FINITE:
        return None
    return total
