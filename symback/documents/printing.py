r"""The one LaTeX printer: every piece of symback's notation lives here.

:class:`SymbackLatexPrinter` is a SymPy ``LatexPrinter`` with ``_print_<ClassName>`` methods for
names, activations, sums and floats; :func:`latex` prints an expression, :func:`name_latex` a
bare name, :func:`escape_latex` makes user text inert. All three return :class:`Tex`, the
``str`` subclass that marks trusted LaTeX (the documents escape every other value).

Names (the ``names`` setting overrides any of them with explicit LaTeX):

=======================  ===========================  ========================================
name                     LaTeX                        rule
=======================  ===========================  ========================================
``w1``, ``x12``, ``L``   ``w_{1}``, ``x_{12}``, ``L``  letters + digits: digits as subscript
``x_1``, ``w_i_j``       ``x_{1}``, ``w_{i,j}``        ``_``-groups of digits or one letter
``w2_1_3``, ``w1_11``    ``w^{(2)}_{1,3}``, ``w^{(1)}_{11}``  letters, layer digits, ``_``-groups
``z1_2``, ``b1_2``       ``z^{(1)}_{2}``, ``b^{(1)}_{2}``   (``b1`` alone is ``b_{1}``: one rule)
``x1_s2``, ``L_s2``      ``x^{[2]}_{1}``, ``L^{[2]}``  sample suffix ``_s<i>``: superscript [i]
``z1_2_s3``              ``z^{(1)[3]}_{2}``            layer and sample together
``lambda1``, ``Delta``   ``\lambda_{1}``, ``\Delta``   Greek names (``pi`` is a name: ``\pi``)
``price``, ``apple_num``  ``\mathrm{price}``, ``\mathrm{apple\_num}``  other multi-letter names
anything else            ``\text{...}`` (escaped)      not a symback name, e.g. ``x}\def``
=======================  ===========================  ========================================

Functions: ``\sigma\left(z\right)``, ``\operatorname{ReLU}``, ``\operatorname{LeakyReLU}_{0.01}``,
``\operatorname{softplus}``, ``\operatorname{step}``, ``\tanh``, ``\log``, ``e^{z}``,
``\mathbf{1}\left[z > 0\right]`` (ReLU's derivative), ``\operatorname{softmax}_{k}\left(z_{1},
\ldots\right)``; a power of a call is ``\sigma\left(z\right)^{2}``. Sums put their positive terms
first (``y - t``, not ``- t + y``), otherwise in SymPy's order. Floats print as SymPy prints them
(``digits`` rounds them first) without a trailing ``.0``; rationals as ``\frac{1}{2}``.
"""
from __future__ import annotations

import decimal
import re
from functools import lru_cache
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symback.documents.tex import Tex, escape_latex
from symback.engine.errors import did_you_mean
from symback.engine.sums import is_product_of_sums, is_symbol_product, lex_ordered, symbols_and_products


class SettingError(TypeError, ValueError):
    """An unknown or malformed printer setting (a ``TypeError`` as in SymPy, and a ``ValueError``)."""


GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())

_SAMPLE = re.compile(r"(?P<base>[A-Za-z]\w*?)_s(?P<sample>\d+)\Z", re.ASCII)
_LAYER = re.compile(r"(?P<stem>[A-Za-z]+)(?P<layer>\d+)(?P<index>(?:_\d+)+)\Z")
_INDEXED = re.compile(r"(?P<stem>[A-Za-z]+)(?P<index>\d*)\Z")
_UNDERSCORED = re.compile(r"(?P<stem>[A-Za-z]+)(?P<index>(?:_(?:\d+|[A-Za-z]))+)\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

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


def _stem(stem: str) -> str:
    """One letter stays italic, a Greek name becomes its letter, other words are upright."""
    if len(stem) == 1:
        return stem
    return "\\" + stem if stem in GREEK else r"\mathrm{%s}" % stem


def _script(stem: str, sup: str, index: str) -> str:
    sub = index.lstrip("_").replace("_", ",")
    return stem + (f"^{{{sup}}}" if sup else "") + (f"_{{{sub}}}" if sub else "")


@lru_cache(maxsize=4096)
def _name_tex(name: str) -> str:
    """The LaTeX of a name by the rules in the module docstring."""
    sample = ""
    if match := _SAMPLE.match(name):
        name, sample = match["base"], f"[{match['sample']}]"
    if match := _LAYER.match(name):
        return _script(_stem(match["stem"]), f"({match['layer']}){sample}", match["index"])
    if match := _INDEXED.match(name) or _UNDERSCORED.match(name):
        return _script(_stem(match["stem"]), sample, match["index"])
    if _NAME.match(name):
        return _script(r"\mathrm{%s}" % name.replace("_", r"\_"), sample, "")
    return _script(r"\text{%s}" % escape_latex(name), sample, "")


class SymbackLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with symback's notation; settings beyond SymPy's:

    - ``names``: ``{name: LaTeX}`` printed verbatim for those symbols (trusted LaTeX).
    - ``digits``: significant digits for Floats (``None``: as SymPy prints them).
    - ``euler_e``: print Euler's number as ``e`` and exp(x) as ``e^{x}`` (the default); ``False``
      prints ``\\exp\\left(1\\right)`` and ``\\exp\\left(x\\right)``, as it is anyway when the
      expression has a symbol of the user's called ``e``.

    >>> print(SymbackLatexPrinter({"digits": 3}).doprint(sp.Float("0.48775") * sp.Symbol("x1")))
    0.488 x_{1}
    """

    _default_settings: dict[str, Any] = {**LatexPrinter._default_settings, "names": None, "digits": None,
                                         "euler_e": True}

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        for key in settings or {}:
            if key not in self._default_settings:
                raise SettingError(f"unknown LaTeX setting '{key}'; {did_you_mean(key, self._default_settings)}")
        super().__init__(dict(settings) if settings else None)
        names, digits = self._settings["names"], self._settings["digits"]
        if names is not None and not (isinstance(names, Mapping) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in names.items())):
            raise SettingError("names must map names to LaTeX strings, e.g. {'w1': r'\\omega'}")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 1):
            raise SettingError(f"digits must be a positive integer or None, not {digits!r}")

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        names = self._settings["names"] or {}
        if expr.name in names:
            return names[expr.name]
        if expr in self._settings["symbol_names"]:
            return self._settings["symbol_names"][expr]
        return _name_tex(expr.name)

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
        if expr is sp.E:  # before SymPy's E._latex, which would win over a _print_Exp1 method
            return "e" if self._settings["euler_e"] else r"\exp\left(1\right)"
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
        digits = self._settings["digits"]
        tex = super()._print_Float(expr if digits is None else sp.Float(expr, digits))
        return tex[:-2] if tex.endswith(".0") else tex  # 220, not 220.0; 1235 at 4 digits

    def _call(self, head: str, args: tuple, exp: str | None) -> str:
        tex = r"%s\left(%s\right)" % (head, ", ".join(self._print(arg) for arg in args))
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def _print_sigmoid(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\sigma", expr.args, exp)

    def _print_relu(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\operatorname{ReLU}", expr.args, exp)

    def _print_leaky_relu(self, expr: sp.Expr, exp: str | None = None) -> str:
        x, slope = expr.args
        return self._call(r"\operatorname{LeakyReLU}_{%s}" % self._decimal(slope), (x,), exp)

    def _print_softplus(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\operatorname{softplus}", expr.args, exp)

    def _print_step(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\operatorname{step}", expr.args, exp)

    def _print_tanh(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\tanh", expr.args, exp)

    def _print_log(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\ln" if self._settings["ln_notation"] else r"\log", expr.args, exp)

    def _print_Indicator(self, expr: sp.Expr, exp: str | None = None) -> str:
        tex = r"\mathbf{1}\left[%s > 0\right]" % self._print(expr.args[0])
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def _print_softmax(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\operatorname{softmax}_{%d}" % expr.index, expr.args[1:], exp)

    def _print_Function(self, expr: sp.Expr, exp: str | None = None) -> str:
        """An abstract function as ``f\\left(g\\left(x\\right)\\right)``, like the built-in ones (not ``f{\\left(...\\right)}``)."""
        if isinstance(expr, AppliedUndef):
            return self._call(self._print(sp.Symbol(type(expr).__name__)), expr.args, exp)
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """``f'(u)`` for an abstract one-argument function differentiated by its own argument."""
        inner, variables = expr.expr, expr.variables
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and set(variables) == {inner.args[0]} \
                and len(variables) <= 3:
            head = self._print(sp.Symbol(type(inner).__name__)) + "'" * len(variables)
            return rf"{head}\left({self._print(inner.args[0])}\right)"
        return super()._print_Derivative(expr)

    def _decimal(self, number: sp.Expr) -> str:
        """A terminating rational as a plain decimal (1/100 -> 0.01), anything else as printed."""
        if number.is_Rational and 10**30 % number.q == 0:
            return format(decimal.Context(prec=100).divide(number.p, number.q), "f")
        return self._print(number)


def latex(expr: sp.Basic | int | float, **settings: Any) -> Tex:
    r"""The LaTeX of a SymPy expression in symback's notation.

    Args:
        expr: a SymPy expression (or a Python number); text goes to :func:`escape_latex`.
        settings: SymPy's ``LatexPrinter`` settings plus ``names`` and ``digits``; an unknown
            one raises :class:`SettingError` (a ``TypeError`` and a ``ValueError``).

    >>> t, y, w = (sp.Symbol(n, real=True) for n in ("t", "y", "w2_1_3"))
    >>> print(latex(w * (y - t)))
    w^{(2)}_{1,3} \left(y - t\right)
    """
    if isinstance(expr, str):
        raise TypeError("latex() prints SymPy expressions; give text to escape_latex()")
    if isinstance(expr, int):
        expr = sp.Integer(expr)
    elif isinstance(expr, float):
        expr = sp.Float(expr)
    return Tex(SymbackLatexPrinter(settings).doprint(expr))


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
