r"""How the one printer writes calls and the lecture's notation: the ``_print_<ClassName>`` methods that
:class:`symback.documents.printing.SymbackLatexPrinter` takes from :class:`NotationPrinting`.

Calls: ``\sigma\left(z\right)``, ``\operatorname{ReLU}``, ``\operatorname{LeakyReLU}_{0.01}``,
``\operatorname{softplus}``, ``\operatorname{step}``, ``\tanh``, ``\log``, ``\mathbf{1}\left[z > 0\right]``
(ReLU's derivative), ``\operatorname{softmax}_{k}\left(z_{1}, \ldots\right)``, ``f\left(x\right)``,
``f'\left(u\right)``; a power of a call is ``\sigma\left(z\right)^{2}``. A symbol shown as a number (the
``numbers`` setting) is bracketed when negative, ``2 \cdot \left(-0.3\right)``, except as a call's only
argument, whose own parentheses suffice: ``\tanh\left(-0.3\right)``, ``\mathbf{1}\left[-0.3 > 0\right]``.

The notation objects of :mod:`symback.documents.notation` (a partial derivative, a neuron's δ, a layer's
weight or bias, a matrix with its shape, ...) are printed here, each by one method, and the engine's
assumption Σt = 1 (:class:`symback.engine.derivation.SumToOne`) as ``t_{1} + t_{2} = 1``.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

import sympy as sp
from sympy.core.function import AppliedUndef

from symback.documents.latex_names import name_tex, script, stem_tex
from symback.documents.notation import (Activation, Bias, Bracketed, Call, Delta, Entries, Fraction, Gradient,
                                        Layered, Moment, Norm, Partial, Power, Shaped, Summed, Transposed, Updated,
                                        WeightEntry)
from symback.documents.tex import Tex, bmatrix, format_number, wrap

if TYPE_CHECKING:
    from symback.engine.derivation import SumToOne


class NotationPrinting:
    """The printer methods for calls and notation objects (a mixin of the one LaTeX printer)."""

    _settings: dict[str, Any]
    _print: Any

    # -- calls ------------------------------------------------------------------------------------

    def _call(self, head: str, args: tuple, exp: str | None) -> str:
        inside = self._argument(args[0]) if len(args) == 1 else ", ".join(self._part(arg) for arg in args)
        tex = r"%s\left(%s\right)" % (head, inside)
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def _argument(self, arg: Any) -> str:
        """A call's only argument: a symbol shown as a number stands in the call's own brackets as it is."""
        if type(arg) is not sp.Symbol:
            return self._part(arg)
        with self._alone(arg):
            return self._print(arg)

    _sole: sp.Symbol | None = None  #: the only argument of the call being printed

    @contextmanager
    def _alone(self, arg: sp.Symbol) -> Iterator[None]:
        """While a call's only argument is printed: :meth:`_number` leaves it unbracketed."""
        outer, self._sole = self._sole, arg
        try:
            yield
        finally:
            self._sole = outer

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
        tex = r"\mathbf{1}\left[%s > 0\right]" % self._argument(expr.args[0])
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def _print_softmax(self, expr: sp.Expr, exp: str | None = None) -> str:
        return self._call(r"\operatorname{softmax}_{%d}" % expr.index, expr.args[1:], exp)

    def _print_Function(self, expr: sp.Expr, exp: str | None = None) -> str:
        """An abstract function as ``f\\left(g\\left(x\\right)\\right)``, like the built-in ones (not ``f{\\left(...\\right)}``)."""
        if isinstance(expr, AppliedUndef):
            return self._call(self._print(sp.Symbol(type(expr).__name__)), expr.args, exp)
        if len(expr.args) == 1 and type(expr.args[0]) is sp.Symbol:  # in SymPy's own brackets (sign)
            with self._alone(expr.args[0]):
                return super()._print_Function(expr, exp)  # type: ignore[misc]
        return super()._print_Function(expr, exp)  # type: ignore[misc]

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """``f'(u)`` for an abstract one-argument function differentiated by its own argument."""
        inner, variables = expr.expr, expr.variables
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and set(variables) == {inner.args[0]} \
                and len(variables) <= 3:
            head = self._print(sp.Symbol(type(inner).__name__)) + "'" * len(variables)
            return rf"{head}\left({self._argument(inner.args[0])}\right)"
        return super()._print_Derivative(expr)  # type: ignore[misc]

    def _number(self, symbol: sp.Symbol) -> str | None:
        """The number a symbol is shown as (``numbers``), bracketed when negative; None if it is not one."""
        numbers = self._settings["numbers"]
        if not numbers or symbol.name not in numbers:
            return None
        return numbers[symbol.name] if symbol is self._sole else wrap(numbers[symbol.name])

    # -- notation ---------------------------------------------------------------------------------

    def _part(self, part: Any) -> str:
        """A part of a notation object: a name by the name rules, trusted LaTeX as it is, else printed."""
        if isinstance(part, Tex):
            return str(part)
        if isinstance(part, str):
            names = self._settings["names"] or {}
            return names[part] if part in names else name_tex(part)
        if isinstance(part, int):
            return str(part)
        return self._print(part)

    def _layered(self, stem: str, layer: Any, index: Any = None, sample: Any = None) -> str:
        """``stem`` with the layer (``(l)``) and sample (``[s]`` after it, or ``x,`` before it) above, the index below."""
        sup = "" if layer is None else f"({layer})"
        if sample is not None:
            sup = f"{sample},{sup}" if isinstance(sample, str) else f"{sup}[{sample}]"
        indices = () if index is None else index if isinstance(index, tuple) else (index,)
        return script(stem, sup, "_".join(map(str, indices)))

    def _print_Layered(self, q: Layered) -> str:
        stem = str(q.stem) if isinstance(q.stem, Tex) else stem_tex(q.stem)
        return self._layered(stem, q.layer, q.index, q.sample)

    def _print_Delta(self, d: Delta) -> str:
        return self._layered(r"\delta", d.layer, d.index, d.sample)

    def _print_Bias(self, b: Bias) -> str:
        if b.shared:  # one number for the layer: b_{l}, as the name b<l> prints
            return script("b", "", str(b.layer))
        return self._layered("b", b.layer, b.index)

    def _print_Activation(self, a: Activation) -> str:
        stem = "x" if a.layer == 0 else "y" if a.layer == a.depth else "a"
        layer = a.layer if stem == "a" else None  # (x and y need none)
        return self._layered(stem if a.index is not None else stem.upper(), layer, a.index)

    def _print_WeightEntry(self, w: WeightEntry) -> str:
        index = ("k", "j") if w.convention == "row" else ("j", "k")
        if w.updated:  # the entry of the updated matrix
            return script("{%s}'" % self._layered("W", w.layer), "", "_".join(index))
        return self._layered("W", w.layer, index)

    def _print_Partial(self, p: Partial) -> str:
        top, bottom = self._part(p.top), self._part(p.bottom)
        if p.slash is None:
            return r"\frac{\partial %s}{\partial %s}" % (top, bottom)
        return r"\partial %s%s\partial %s" % (top, p.slash, bottom)

    def _print_Transposed(self, t: Transposed) -> str:
        inner = self._part(t.of)
        return inner + r"^{\top}" if isinstance(t.of, Entries) else r"{%s}^{\top}" % inner  # an environment needs no braces

    def _print_Updated(self, u: Updated) -> str:
        return "{%s}'" % self._part(u.of)

    def _print_Moment(self, m: Moment) -> str:
        stem = r"\hat{%s}" % m.kind if m.corrected else m.kind
        return "%s_{%s}" % (stem, self._part(m.of))

    def _print_Shaped(self, s: Shaped) -> str:
        return r"\underset{%d \times %d}{%s}" % (s.rows, s.cols, self._part(s.of))

    def _print_Entries(self, e: Entries) -> str:
        return bmatrix([[format_number(v, e.digits) for v in row] for row in e.rows])

    def _print_Call(self, c: Call) -> str:
        return self._call(self._part(c.head), c.args, None)

    def _print_Bracketed(self, b: Bracketed) -> str:
        return r"\left(%s\right)" % self._part(b.of)

    def _print_Summed(self, s: Summed) -> str:
        return "".join(r"\sum_{%s} " % i for i in s.over) + " ".join(self._part(f) for f in s.body)

    def _print_Fraction(self, f: Fraction) -> str:
        return r"\frac{%s}{%s}" % (self._part(f.top), self._part(f.bottom))

    def _print_Power(self, p: Power) -> str:
        return "%s^{%s}" % (self._part(p.base), self._part(p.exponent))

    def _print_Gradient(self, g: Gradient) -> str:
        return r"\nabla %s" % self._part(g.of) if g.wrt is None else r"\nabla_{%s} %s" % (self._part(g.wrt), self._part(g.of))

    def _print_Norm(self, n: Norm) -> str:
        return r"\left\lVert %s \right\rVert" % self._part(n.of)

    def _print_SumToOne(self, a: SumToOne) -> str:
        return " + ".join(self._part(t) for t in a.targets) + " = 1"
