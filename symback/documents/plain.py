"""Expressions as plain text (the JSON's formulas, messages): SymPy's ``sstr`` with Euler's number unambiguous.

The short paths for sums and products of symbols use the shape tests the LaTeX printer uses
(:mod:`symback.engine.sums`), so both printers agree on which expressions take them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.printing.str import StrPrinter

from symback.documents.printing import _ordered_terms, _symbol_name
from symback.engine.sums import is_symbol_product, symbols_and_products


class _PlainPrinter(StrPrinter):
    """SymPy's text printer, but Euler's number is ``exp(1)`` (``E`` would read as a name)."""

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "exp(1)"

    def _print_Mul(self, expr: sp.Mul) -> str:
        """A product of plain symbols as SymPy's ``_print_Mul`` writes it (``a1_15*w2_9_15``), without its general path."""
        if is_symbol_product(expr):
            factors = sorted(expr.args, key=_symbol_name) if self._settings["order"] not in ("old", "none") \
                else expr.args
            return "*".join(self._print(a) for a in factors)
        return super()._print_Mul(expr)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        """A sum of symbols and symbol products as SymPy writes it (no signs, no brackets), order kept per sum."""
        chosen = order or self.order
        if chosen not in ("old", "none"):
            terms = _ordered_terms(expr, chosen)
            if symbols_and_products(terms):
                return " + ".join(self._print(t) for t in terms)
        return super()._print_Add(expr, order=order)


def plain(expr: sp.Basic, **settings: Any) -> str:
    """An expression as text (``sstr``), with Euler's number unambiguous: ``exp(1)``, never ``E``.

    >>> plain(sp.E * sp.Symbol("E") + sp.exp(sp.Symbol("x")))
    'exp(1)*E + exp(x)'
    """
    return _PlainPrinter(settings).doprint(expr) if settings else _plain_kept(expr)


@lru_cache(maxsize=1 << 14)
def _plain_kept(expr: sp.Basic) -> str:
    """:func:`plain` with no settings, kept per expression (a JSON repeats each local derivative)."""
    return _PlainPrinter().doprint(expr)
