"""Formulas as one line of Unicode text, for what a student reads outside a document: o(1 − o), w2_2_1·δ2_2, a².

The plain-text counterpart of the LaTeX printer (:mod:`symback.documents.printing`), for terminal reports,
JSON details and CSV feedback: products side by side before a bracket and with ``·`` between names, small
powers as superscripts, the minus sign U+2212, σ for the sigmoid, δ for a name ``delta…``, positive terms
of a sum first (y − t, not −t + y).

>>> o, t = sp.symbols("o t")
>>> unicode_formula(o * (1 - o) * (o - t)), unicode_formula(1 - o**2)
('o(1 − o)(o − t)', '1 − o²')
"""
from __future__ import annotations

import unicodedata

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from symback.documents.latex_names import HATS
from symback.documents.tex import format_number

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_CALLS = {"sigmoid": "σ", "relu": "ReLU", "leaky_relu": "LeakyReLU", "Abs": "abs"}
FORMULA_DIGITS = 4  #: significant digits of a decimal in a formula


class UnicodePrinter(StrPrinter):
    """SymPy's text printer in the documents' notation, on one line."""

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = expr.name
        if name.startswith("delta") and len(name) > 5:
            return "δ" + name[5:].lstrip("_")
        stem = name.rstrip("0123456789_s")
        if stem in HATS and (stem == name or name[len(stem)].isdigit()):  # xh2_1: the normalised value x̂2_1
            return HATS[stem] + "\u0302" + name[len(stem):]
        return _greek(name) or name

    def _print_Add(self, expr: sp.Add, order=None) -> str:
        terms = expr.as_ordered_terms()
        terms = [t for t in terms if not t.could_extract_minus_sign()] + [t for t in terms if t.could_extract_minus_sign()]
        text = ""
        for index, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            body = self._print(-term if negative else term)
            if precedence(-term if negative else term) < PRECEDENCE["Add"]:
                body = f"({body})"
            text += ("−" if index == 0 else " − ") + body if negative else ("" if index == 0 else " + ") + body
        return text

    def _print_Mul(self, expr: sp.Mul) -> str:
        if expr.could_extract_minus_sign():
            return "−" + self._factor_text(-expr)
        return self._factor_text(expr)

    def _factor_text(self, expr: sp.Expr) -> str:
        numerator, denominator = sp.fraction(expr, exact=True) if expr.is_Mul else (expr, sp.S.One)
        top = self._product(sp.Mul.make_args(numerator))
        if denominator == 1:
            return top
        bottom = self._product(sp.Mul.make_args(denominator))
        if denominator.is_Mul and not bottom.startswith("("):
            bottom = f"({bottom})"
        return f"{top}/{bottom}"

    def _product(self, factors) -> str:
        """Factors side by side after a number and before a bracket (2o, o(1 − o)), else with · (w1·x1)."""
        text, number = "", False
        for factor in sorted(factors, key=lambda f: (not f.is_Number, f.is_Add, sp.default_sort_key(f))):
            piece = self._print(factor)
            if factor.is_Add or (factor.is_Mul and not factor.is_Number):
                piece = f"({piece})"
            if text and not piece.startswith("(") and not (number and not factor.is_Number):
                text += "·"
            text += piece
            number = factor.is_Number
        return text or "1"

    def _print_Pow(self, expr: sp.Pow, rational=False) -> str:
        base, exp = expr.as_base_exp()
        if exp.is_Integer and exp < 0:
            return "1/" + self._print(base ** -exp) if (base ** -exp).is_Atom or (base ** -exp).is_Function \
                else f"1/({self._print(base ** -exp)})"
        if exp == sp.S.Half:
            return f"√({self._print(base)})" if not base.is_Atom else f"√{self._print(base)}"
        shown = self._print(base)
        if precedence(base) <= PRECEDENCE["Pow"] and not base.is_Function:
            shown = f"({shown})"
        if exp.is_Integer:
            return shown + str(exp).translate(_SUPERSCRIPT)
        return f"{shown}^({self._print(exp)})"

    def _print_Function(self, expr) -> str:
        name = _CALLS.get(type(expr).__name__, type(expr).__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Abs(self, expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_Float(self, expr) -> str:
        return format_number(expr, FORMULA_DIGITS).replace("-", "−").replace(r" \times 10^{", "·10^").replace("}", "")

    def _print_Rational(self, expr) -> str:
        return str(expr).replace("-", "−")

    def _print_Integer(self, expr) -> str:
        return str(expr).replace("-", "−")


def _greek(name: str) -> str:
    """The Greek letter a name spells (``eta`` -> η), or ''."""
    try:
        return unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}")
    except KeyError:
        return ""


def unicode_number(number: str) -> str:
    r"""A number as the documents print it (:func:`~symback.documents.tex.format_number`: ``0.5933``,
    ``-1.25 \times 10^{-5}``) in Unicode, for a figure drawn without math typesetting: ``−1.25×10⁻⁵``.

    >>> unicode_number(r"-1.25 \times 10^{-5}"), unicode_number("0.5933")
    ('−1.25×10⁻⁵', '0.5933')
    """
    mantissa, times, power = str(number).partition(r" \times 10^{")
    shown = mantissa.replace("-", "−")
    return shown + "×10" + power.rstrip("}").translate(_SUPERSCRIPT) if times else shown


def unicode_formula(expr: sp.Basic) -> str:
    """A formula as one line of Unicode text in the documents' notation (see the module docstring)."""
    return UnicodePrinter().doprint(sp.sympify(expr))
