r"""Formulas over matrices applied entry by entry, as the matrix view writes them: ``A \odot (1 - A)``,
``A^{\odot 2}``, ``T \oslash Y``.

:func:`elementwise_latex` prints with the one LaTeX printer, its products and powers taken entry by entry.
"""
from __future__ import annotations

from typing import Any, Mapping

import sympy as sp

from symback.documents.printing import SymbackLatexPrinter
from symback.documents.tex import Tex


class _ElementwisePrinter(SymbackLatexPrinter):
    """Products of matrices entry by entry: ``A \\odot (1 - A)``, ``A^{\\odot 2}``, ``T \\oslash Y``."""

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, factors = expr.as_coeff_mul()
        top = [f for f in factors if not (f.is_Pow and f.exp.is_Number and f.exp < 0)]
        bottom = [1 / f for f in factors if f not in top]
        text = r" \odot ".join(self._factor(f) for f in top)
        if bottom:
            numerator = (text if len(top) == 1 else r"\left(%s\right)" % text) if top else "1"
            text = r" \oslash ".join([numerator] + [self._factor(f) for f in bottom])
        if abs(coeff) != 1:
            text = f"{self._print(abs(coeff))} {text}"
        return ("- " if coeff < 0 else "") + text

    def _factor(self, expr: sp.Expr) -> str:
        tex = self._print(expr)
        return r"\left(%s\right)" % tex if expr.is_Add or expr.is_Mul else tex

    def _print_Pow(self, expr: sp.Pow, **kwargs: Any) -> str:
        if expr.exp.is_Integer and expr.exp > 0:
            return "{%s}^{\\odot %s}" % (self._factor(expr.base), expr.exp)
        if expr.exp.is_Number and expr.exp < 0:
            return r"1 \oslash " + self._factor(1 / expr)
        return super()._print_Pow(expr, **kwargs)


def elementwise_latex(expr: sp.Expr, names: Mapping[str, str]) -> Tex:
    r"""A formula over matrices applied entry by entry (``names`` gives each symbol's LaTeX).

    >>> a = sp.Symbol("A")
    >>> print(elementwise_latex(a * (1 - a), {"A": "A^{(1)}"}))
    A^{(1)} \odot \left(1 - A^{(1)}\right)
    """
    return Tex(_ElementwisePrinter({"names": dict(names)}).doprint(expr))
