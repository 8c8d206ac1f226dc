r"""The one LaTeX printer: every piece of symback's notation is printed here.

:class:`SymbackLatexPrinter` is a SymPy ``LatexPrinter`` with ``_print_<ClassName>`` methods for
names, sums, products and floats, and (from :mod:`symback.documents.notation_printing`) for
activations, calls and the notation objects of :mod:`symback.documents.notation` (∂L/∂w, δ, a
layer's weights and bias, a matrix with its shape). :func:`latex` prints an expression or a notation
object, :func:`name_latex` a bare name; both return :class:`Tex`, the ``str`` subclass that marks
trusted LaTeX (the documents escape every other value; :func:`symback.documents.tex.escape_latex`
makes user text inert).

Names follow the rules of :mod:`symback.documents.latex_names` (the ``names`` setting overrides any
of them with explicit LaTeX); the plain-text printer is :mod:`symback.documents.plain`, the
entry-by-entry one of the matrix view :mod:`symback.documents.elementwise`. Sums put their positive
terms first (``y - t``, not ``- t + y``), otherwise in SymPy's order. Floats print as the documents'
numbers (:mod:`symback.engine.numerals`: half to even, ``1.25 \times 10^{-5}``) to ``digits`` significant
digits, or to the digits they carry; rationals as ``\frac{1}{2}``.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.printing.latex import LatexPrinter

from symback.documents.latex_names import name_tex
from symback.documents.notation_printing import NotationPrinting
from symback.documents.tex import Tex
from symback.engine.errors import did_you_mean
from symback.engine.numerals import carried_digits, exact_decimal, number_latex
from symback.engine.sums import is_product_of_sums, is_symbol_product, lex_ordered, symbols_and_products


class SettingError(TypeError, ValueError):
    """An unknown or malformed printer setting (a ``TypeError`` as in SymPy, and a ``ValueError``)."""


#: SymPy's test for "between two numbers" in a product (``sympy.printing.latex._between_two_numbers_p``)
_BEFORE_NUMBER, _NUMBER_START = re.compile(r"[0-9][} ]*$"), re.compile(r"(\d|\\frac{\d+}{\d+})")


def _symbol_name(symbol: sp.Symbol) -> str:
    return symbol.name


def _sort_key(expr: sp.Expr):
    return expr.sort_key()


@lru_cache(maxsize=1 << 12)
def _ordered_terms(expr: sp.Add, order: str | None) -> tuple[sp.Expr, ...]:
    """``expr.as_ordered_terms(order)`` (what ``Printer._as_ordered_terms`` returns), kept: a document
    prints each sum twice (in symbols and with numbers), and ordering is most of printing a sum."""
    if order is None and (terms := lex_ordered(expr)) is not None:
        return terms
    return tuple(expr.as_ordered_terms(order=order))


class SymbackLatexPrinter(NotationPrinting, LatexPrinter):
    """SymPy's LaTeX printer with symback's notation; settings beyond SymPy's:

    - ``names``: ``{name: LaTeX}`` printed verbatim for those symbols (trusted LaTeX).
    - ``numbers``: ``{name: number}`` (formatted) for symbols shown as numbers: a negative one is
      bracketed, ``w \\cdot \\left(-0.3\\right)``, except as a call's only argument, ``\\sigma\\left(-0.3\\right)``.
    - ``digits``: significant digits for Floats (``None``: the digits they carry, 15 for a float's).
    - ``euler_e``: print Euler's number as ``\\mathrm{e}`` and exp(x) as ``e^{x}`` (the default); ``False``
      prints ``\\exp\\left(1\\right)`` and ``\\exp\\left(x\\right)``, as it is anyway when the
      expression has a symbol of the user's called ``e``.

    >>> print(SymbackLatexPrinter({"digits": 3}).doprint(sp.Float("0.48775") * sp.Symbol("x1")))
    0.488 x_{1}
    """

    _default_settings: dict[str, Any] = {**LatexPrinter._default_settings, "names": None, "numbers": None,
                                         "digits": None, "euler_e": True}

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        for key in settings or {}:
            if key not in self._default_settings:
                raise SettingError(f"unknown LaTeX setting '{key}'; {did_you_mean(key, self._default_settings)}")
        super().__init__(dict(settings) if settings else None)
        digits = self._settings["digits"]
        for key, example in (("names", r"{'w1': r'\omega'}"), ("numbers", "{'w1': '-0.3'}")):
            given = self._settings[key]
            if given is not None and not (isinstance(given, Mapping) and all(
                    isinstance(k, str) and isinstance(v, str) for k, v in given.items())):
                raise SettingError(f"{key} must map names to LaTeX strings, e.g. {example}")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 1):
            raise SettingError(f"digits must be a positive integer or None, not {digits!r}")

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        names = self._settings["names"] or {}
        if expr.name in names:
            return names[expr.name]
        if expr in self._settings["symbol_names"]:
            return self._settings["symbol_names"][expr]
        number = self._number(expr)
        return name_tex(expr.name) if number is None else number

    def doprint(self, expr) -> str:
        if self._settings["euler_e"] and isinstance(expr, sp.Basic) and any(
                s.name == "e" for s in expr.atoms(sp.Symbol)):
            self._settings["euler_e"] = False  # the user's e: Euler's number cannot also be e (in this one)
            try:
                return super().doprint(expr)
            finally:
                self._settings["euler_e"] = True
        return super().doprint(expr)

    def _print(self, expr, **kwargs) -> str:
        if expr is sp.E:  # before SymPy's E._latex, which would win over a _print_Exp1 method; upright (ISO 80000-2),
            return r"\mathrm{e}" if self._settings["euler_e"] else r"\exp\left(1\right)"  # never a user's italic e
        return super()._print(expr, **kwargs)

    def _print_ExpBase(self, expr: sp.Expr, exp: str | None = None) -> str:
        if self._settings["euler_e"]:
            return super()._print_ExpBase(expr, exp)
        return self._call(r"\exp", expr.args, exp)

    def _print_Mul(self, expr: sp.Mul) -> str:
        """A product of plain symbols (``a_{1} \\delta_{2}``, every weight's gradient), or of symbols and sums
        (:func:`~symback.engine.sums.is_product_of_sums`, a graph's closed forms), without SymPy's general path.

        What SymPy's ``_print_Mul`` does for such a product, step for step: factors in ``sort_key`` order
        (symbols by name, then the sums), each sum in brackets, ``mul_symbol_latex_numbers`` between two
        printed numbers. Anything else (a coefficient, a power, a fraction, a non-commutative or
        twice-named symbol) goes to SymPy.
        """
        args, ordered = expr.args, self._settings["order"] not in ("old", "none")  # (else as stored, as SymPy)
        if is_symbol_product(expr):
            factors = sorted(args, key=_symbol_name) if ordered else args
        elif ordered and is_product_of_sums(expr):
            factors = sorted(args, key=_sort_key)  # (as_ordered_factors: symbols by name, then the sums)
        else:
            return super()._print_Mul(expr)
        separator, numbers = self._settings["mul_symbol_latex"], self._settings["mul_symbol_latex_numbers"]
        tex = last = ""
        for term in factors:
            term_tex = self._print(term)
            if type(term) is sp.Add:  # a sum in a product is bracketed (_needs_mul_brackets)
                term_tex = r"\left(%s\right)" % term_tex
            if _BEFORE_NUMBER.search(last) and _NUMBER_START.match(term_tex):
                tex += numbers
            elif tex:
                tex += separator
            tex += term_tex
            last = term_tex
        return tex

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        chosen = order or self.order
        terms = self._as_ordered_terms(expr, order=order) if chosen in ("old", "none") else _ordered_terms(expr, chosen)
        if symbols_and_products(terms):
            return " + ".join(self._print(t) for t in terms)
        if chosen != "none":
            terms = sorted(terms, key=lambda term: term.could_extract_minus_sign())  # stable
        # SymPy's _print_Add over these terms as they stand (what it does with an unevaluated Add of
        # them and order "none"), without building that Add: signs pulled out, brackets where needed
        tex = ""
        for i, term in enumerate(terms):
            if i == 0:
                pass
            elif term.could_extract_minus_sign():
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex

    def _print_Float(self, expr: sp.Float) -> str:
        """The documents' number (:func:`symback.engine.numerals.number_latex`): 220, not 220.0; 1235 at 4 digits."""
        return number_latex(expr, self._settings["digits"] or carried_digits(expr))

    def _decimal(self, number: sp.Expr) -> str:
        """A rational that a decimal of at most 30 places ends as that decimal (1/100 -> 0.01), anything else as printed."""
        return exact_decimal(number, places=30) or self._print(number)


def latex(expr: Any, **settings: Any) -> Tex:
    r"""The LaTeX of a SymPy expression or a notation object (:mod:`symback.documents.notation`) in symback's notation.

    Args:
        expr: a SymPy expression, a Python number or a notation object; text goes to :func:`escape_latex`
            (a :class:`Tex`, LaTeX already printed, is returned as it is).
        settings: SymPy's ``LatexPrinter`` settings plus ``names``, ``numbers`` and ``digits``; an unknown
            one raises :class:`SettingError` (a ``TypeError`` and a ``ValueError``).

    >>> t, y, w = (sp.Symbol(n, real=True) for n in ("t", "y", "w2_1_3"))
    >>> print(latex(w * (y - t)))
    w^{(2)}_{1,3} \left(y - t\right)
    """
    if isinstance(expr, Tex):
        return expr
    if isinstance(expr, str):
        raise TypeError("latex() prints SymPy expressions; give text to escape_latex()")
    if isinstance(expr, int):
        expr = sp.Integer(expr)
    elif isinstance(expr, float):
        expr = sp.Float(expr)
    elif not settings and not isinstance(expr, sp.Basic):
        try:
            return _notation(expr)
        except TypeError:  # (a matrix of numbers, which cannot be hashed: printed, not kept)
            pass
    return Tex(SymbackLatexPrinter(settings).doprint(expr))


@lru_cache(maxsize=1 << 14)
def _notation(item: Any) -> Tex:
    """:func:`latex` of a notation object, kept: a document writes each ∂L/∂n and δ in several lines."""
    printer = getattr(_PRINTERS, "default", None)
    if printer is None:  # one printer of the default settings per thread, built once
        printer = _PRINTERS.default = SymbackLatexPrinter()
    return Tex(printer._print(item))


_PRINTERS = threading.local()


def latex_printer(**settings: Any) -> Callable[[sp.Basic], Tex]:
    r""":func:`latex` with fixed settings, for many expressions: settings checked once, each result kept.

    A document prints thousands of small expressions with one set of ``names`` (a map over every
    node): checking that map and building a printer per call made printing grow with nodes x
    expressions; here both happen once, and an expression printed again (``x_1`` as the local
    derivative of every weight it multiplies) costs a dictionary lookup.

    >>> show = latex_printer(names={"w": r"\omega"})
    >>> show(sp.Symbol("w") * sp.Symbol("x")), show(sp.Symbol("w") * sp.Symbol("x"))
    ('\\omega x', '\\omega x')
    """
    printer = SymbackLatexPrinter(settings)
    memo: dict[sp.Basic, Tex] = {}

    def show(expr: sp.Basic) -> Tex:
        tex = memo.get(expr)
        if tex is None:
            tex = memo[expr] = Tex(printer.doprint(expr))
        return tex

    return show


def name_latex(name: str, **settings: Any) -> Tex:
    r"""The LaTeX of a bare name (the rules of the module docstring; ``names`` overrides them).

    >>> print(name_latex("z1_2_s3"), name_latex("apple_num"), name_latex("lambda1"))
    z^{(1)[3]}_{2} \mathrm{apple\_num} \lambda_{1}
    """
    return latex(sp.Symbol(name), **settings) if settings else _bare_name(name)


@lru_cache(maxsize=1 << 14)
def _bare_name(name: str) -> Tex:
    """:func:`name_latex` with no settings: a document asks for each name many times."""
    return latex(sp.Symbol(name))
