"""Activation functions as SymPy ``Function`` classes, and the one registry of activations.

Each class evaluates itself at exact points (``sigmoid(0) = 1/2``), evaluates numerically at any
precision, rewrites to ``exp`` form, prints itself in NumPy (its LaTeX is the one printer's,
:mod:`symback.documents.printing`), and differentiates by its row of the one rule table: the
class attribute ``rule``, collected into :data:`symback.engine.rules.RULES` (so ``sympy.diff`` of an
expression built from these classes gives the textbook derivative, e.g. ``sigma*(1 - sigma)``).

A class is also its own registration: ``spec_name`` (what a spec and a formula call it), ``formula``
(the builder a formula's call uses, with ``arities``), ``activate`` (a network layer's use of it) and
``math_function`` / ``mpmath_function`` (its value for ``lambdify``'s ``math`` and ``mpmath`` backends).
Defining the class is enough: :data:`TABLED` collects every class, the lambdify namespaces below and
the rule table are derived from it, and :data:`symback.engine.activations.ACTIVATIONS` (the parser's
function table, the spec's activation names) from the classes with a ``spec_name``.
"""
from __future__ import annotations

import math
from typing import Callable, ClassVar

import mpmath
import sympy as sp
from sympy import S

from symback.engine.rule import DEFAULT_CONVENTIONS, Conventions, Rule


def _np(printer, name: str) -> str:
    return printer._module_format(f"numpy.{name}")


_DEFINED: list[type[_Tabled]] = []  # every function class below, in the order it is defined


class _Tabled(sp.Function):
    """A function whose derivative is its row ``rule`` of the rule table (LaTeX: the one printer).

    A subclass with a ``rule`` registers itself (:data:`TABLED`; the activations if it has a
    ``spec_name``, None for the indicator, which no user writes). ``layerwise``: it needs the whole
    layer (softmax: a formula writes it with its own syntax, a conv layer cannot use it).
    """

    rule: ClassVar[Rule]
    spec_name: ClassVar[str | None] = None
    arities: ClassVar[tuple[int, ...]] = (1,)
    layerwise: ClassVar[bool] = False
    math_function: ClassVar[Callable]
    mpmath_function: ClassVar[Callable]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "rule" in cls.__dict__:  # a function of its own (_Activation only shares traits)
            _DEFINED.append(cls)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self.rule.partial(self, argindex - 1, DEFAULT_CONVENTIONS)

    @classmethod
    def formula(cls, *args: sp.Expr) -> sp.Expr:
        """The function applied to a formula's arguments (the parser checked their count)."""
        return cls(*args)

    @classmethod
    def activate(cls, z: sp.Expr, zs: list[sp.Expr] | None = None, j: int = 1) -> sp.Expr:
        """The activation of neuron ``j`` of a layer whose pre-activations are ``zs`` (``z`` is the j-th)."""
        return cls.formula(z)


class _Activation(_Tabled):
    """One-argument, real-valued activations."""

    nargs = 1
    is_real = True


class sigmoid(_Activation):
    """The logistic function sigma(x) = 1 / (1 + e^(-x))."""

    rule = Rule("logistic derivative", lambda e, i, c: e * (1 - e))
    spec_name = "sigmoid"
    math_function = staticmethod(lambda x: 1 / (1 + math.exp(-x)))
    mpmath_function = staticmethod(lambda x: 1 / (1 + mpmath.exp(-x)))

    is_positive = True

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return S.Half
        if x is S.Infinity:
            return S.One
        if x is S.NegativeInfinity:
            return S.Zero
        return None

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec):
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_Number:
            return None
        with mpmath.workprec(prec):
            return sp.Float(1 / (1 + mpmath.exp(-x._to_mpmath(prec))), precision=prec)

    def _numpycode(self, printer):
        x = printer._print(self.args[0])
        return f"(1/(1 + {_np(printer, 'exp')}(-({x}))))"


class relu(_Activation):
    """The rectifier max(0, x)."""

    rule = Rule("ReLU derivative", lambda e, i, c: Indicator(e.args[0], c.relu_at_zero),
                "ReLU'(0) is a convention (relu_at_zero)")
    spec_name = "relu"
    math_function = staticmethod(lambda x: max(0.0, x))
    mpmath_function = staticmethod(lambda x: x if x > 0 else mpmath.mpf(0))

    @classmethod
    def eval(cls, x):
        if x.is_positive or x.is_zero:
            return x
        if x.is_negative:
            return S.Zero
        return None

    def _eval_is_nonnegative(self):
        return True

    def _eval_rewrite_as_Piecewise(self, x, **kwargs):
        return sp.Piecewise((x, x > 0), (0, True))

    def _numpycode(self, printer):
        return f"({_np(printer, 'maximum')}(0, {printer._print(self.args[0])}))"


class leaky_relu(_Tabled):
    """leaky_relu(x, a) = x for x > 0, a*x otherwise; a formula's ``leaky_relu(x)`` and a layer have a = 1/100."""

    rule = Rule("leaky ReLU derivative", lambda e, i, c: _leaky_relu_partial(e, i, c),
                "the derivative at 0 follows relu_at_zero")
    spec_name = "leaky_relu"
    arities = (1, 2)
    slope = S(1) / 100  #: the slope a when none is written
    math_function = staticmethod(lambda x, a: x if x > 0 else a * x)
    mpmath_function = staticmethod(lambda x, a: x if x > 0 else a * x)

    nargs = 2
    is_real = True

    @classmethod
    def formula(cls, x: sp.Expr, a: sp.Expr | None = None) -> sp.Expr:
        return cls(x, cls.slope if a is None else a)

    @classmethod
    def eval(cls, x, a):
        if x.is_positive or x.is_zero:
            return x
        if x.is_negative and a.is_Number:
            return a * x
        return None

    def _eval_rewrite_as_Piecewise(self, x, a, **kwargs):
        return sp.Piecewise((x, x > 0), (a * x, True))

    def _numpycode(self, printer):
        x, a = (printer._print(arg) for arg in self.args)
        return f"({_np(printer, 'where')}(({x}) > 0, {x}, ({a})*({x})))"


class softplus(_Activation):
    """softplus(x) = log(1 + e^x)."""

    rule = Rule("softplus derivative", lambda e, i, c: sigmoid(e.args[0]))
    spec_name = "softplus"
    math_function = staticmethod(lambda x: math.log1p(math.exp(x)))
    mpmath_function = staticmethod(lambda x: mpmath.log1p(mpmath.exp(x)))

    is_positive = True

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec):
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _numpycode(self, printer):
        return f"({_np(printer, 'logaddexp')}(0, {printer._print(self.args[0])}))"


class step(_Activation):
    """The step function: 1 for x > 0, 0 for x <= 0 (the perceptron's activation)."""

    rule = Rule("step derivative", lambda e, i, c: S.Zero,
                "the step function has derivative 0 almost everywhere and none at 0")
    spec_name = "step"
    math_function = staticmethod(lambda x: 1.0 if x > 0 else 0.0)
    mpmath_function = staticmethod(lambda x: mpmath.mpf(1) if x > 0 else mpmath.mpf(0))

    is_nonnegative = True

    @classmethod
    def eval(cls, x):
        if x.is_positive:
            return S.One
        if x.is_nonpositive:
            return S.Zero
        return None

    def _eval_rewrite_as_Piecewise(self, x, **kwargs):
        return sp.Piecewise((1, x > 0), (0, True))

    def _numpycode(self, printer):
        return f"({_np(printer, 'where')}(({printer._print(self.args[0])}) > 0, 1.0, 0.0))"


class Indicator(_Tabled):
    """Indicator(x, c): 1 for x > 0, 0 for x < 0 and the convention c at x = 0.

    It is the derivative of ReLU; c is the spec's ``relu_at_zero`` (0 by default, as in PyTorch).
    """

    rule = Rule("indicator derivative", lambda e, i, c: S.Zero, "0 almost everywhere")
    math_function = staticmethod(lambda x, c: 1.0 if x > 0 else (0.0 if x < 0 else c))
    mpmath_function = staticmethod(lambda x, c: mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else c))

    nargs = 2
    is_real = True

    @classmethod
    def eval(cls, x, c):
        if x.is_positive:
            return S.One
        if x.is_negative:
            return S.Zero
        if x.is_zero:
            return c
        return None

    def _eval_rewrite_as_Piecewise(self, x, c, **kwargs):
        return sp.Piecewise((1, x > 0), (0, x < 0), (c, True))

    def _numpycode(self, printer):
        x, c = (printer._print(arg) for arg in self.args)
        where = _np(printer, "where")
        return f"({where}(({x}) > 0, 1.0, {where}(({x}) < 0, 0.0, {c})))"


class softmax(_Tabled):
    """softmax(k, z1, ..., zK) = e^(zk) / (e^(z1) + ... + e^(zK)); k counts from 1."""

    rule = Rule("softmax Jacobian", lambda e, i, c: _softmax_partial(e, i, c))
    spec_name = "softmax"
    arities = ()  # a formula writes softmax(k, z1, ..., zK) or softmax(k, [z1, ..., zK]): the parser's own syntax
    layerwise = True
    math_function = staticmethod(lambda k, *zs: math.exp(zs[int(k) - 1] - max(zs)) / sum(math.exp(z - max(zs)) for z in zs))
    mpmath_function = staticmethod(lambda k, *zs: _mp_softmax(k, *zs))

    is_real = True
    is_positive = True

    @classmethod
    def activate(cls, z: sp.Expr, zs: list[sp.Expr] | None = None, j: int = 1) -> sp.Expr:
        return cls(j, *zs)

    @classmethod
    def eval(cls, k, *zs):
        if not (k.is_Integer and 1 <= int(k) <= len(zs)):
            raise ValueError(f"softmax index must be an integer from 1 to {len(zs)}")
        if len(zs) == 1:
            return S.One
        return None

    @property
    def index(self) -> int:
        return int(self.args[0])

    def _eval_rewrite_as_exp(self, k, *zs, **kwargs):
        return sp.exp(zs[int(k) - 1]) / sp.Add(*(sp.exp(z) for z in zs))

    def _eval_evalf(self, prec):
        zs = [z._eval_evalf(prec) for z in self.args[1:]]
        if any(z is None or not z.is_Number for z in zs):
            return None
        with mpmath.workprec(prec):
            return sp.Float(_mp_softmax(self.index, *(z._to_mpmath(prec) for z in zs)), precision=prec)

    def _numpycode(self, printer):
        zs = [printer._print(z) for z in self.args[1:]]
        top = f"{_np(printer, 'maximum')}.reduce([{', '.join(zs)}])"
        exps = [f"{_np(printer, 'exp')}(({z}) - {top})" for z in zs]
        return f"({exps[self.index - 1]}/({' + '.join(exps)}))"


def _leaky_relu_partial(expr: sp.Expr, i: int, c: Conventions) -> sp.Expr:
    x, a = expr.args
    on = Indicator(x, c.relu_at_zero)
    if i == 0:
        return on + a * (1 - on)
    return x * (1 - on)


def _softmax_partial(expr: sp.Expr, i: int, c: Conventions) -> sp.Expr:
    if i == 0:
        return S.Zero  # the index argument is an integer label
    k, zs = expr.index, expr.args[1:]
    delta = S.One if i == k else S.Zero
    return expr * (delta - softmax(i, *zs))


def _mp_softmax(k, *zs):
    top = max(zs)
    exps = [mpmath.exp(z - top) for z in zs]
    return exps[int(k) - 1] / mpmath.fsum(exps)


#: symback's functions, each with its ``rule`` (rows of :data:`symback.engine.rules.RULES`): every class
#: defined above, which is how a class registers
TABLED: tuple[type[_Tabled], ...] = tuple(_DEFINED)

#: Namespace for ``sympy.lambdify(..., modules=[MPMATH_NAMESPACE, "mpmath"])``.
MPMATH_NAMESPACE = {function.__name__: function.mpmath_function for function in TABLED}

#: Namespace for ``sympy.lambdify(..., modules=[MATH_NAMESPACE, "math"])``.
MATH_NAMESPACE = {function.__name__: function.math_function for function in TABLED}
