"""Textbook derivative identities, derived line by line and checked before they are returned.

Each identity (sigma' = sigma(1 - sigma), the softmax Jacobian, softmax + cross-entropy = y - t,
...) is a sequence of :class:`~symback.checking.chain.Line` objects: an expression and the rule that
gets it from the line before. Expressions stay unevaluated where the lecture's wording needs it
(print them with ``order='none'`` to keep the seed's term order). Every builder ends in
:func:`_checked` (:func:`symback.checking.chain.check_chain`), so an unchecked derivation is never returned.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

import sympy as sp
from sympy import Add, Derivative as D, KroneckerDelta, Pow, Rational, S, UnevaluatedExpr, exp, log

import symback.engine.functions as fn
from symback.checking.chain import ChainError, Identity, Line, Route, check_chain
from symback.engine.errors import SymbackError, did_you_mean


_mul = partial(sp.Mul, evaluate=False)  #: a product kept as written
_add = partial(Add, evaluate=False)  #: a sum kept as written


def _checked(identity: Identity) -> Identity:
    """The identity, after :func:`check_chain`."""
    check_chain(identity)
    return identity


# ---------------------------------------------------------------------------------- identities
x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)
t = sp.Symbol("t", real=True)
zs = sp.symbols("z1:4", real=True)
ts = sp.symbols("t1:4", real=True)
ys = sp.symbols("y1:4", positive=True)


def _check_sigmoid_maximum() -> None:
    """sigma' has a critical point at 0 with value 1/4, and is at most 1/4 on a grid over [-10, 10]."""
    ds = sp.diff(fn.sigmoid(x), x)
    numeric = sp.lambdify(x, ds, modules=[fn.MPMATH_NAMESPACE, "mpmath"])
    grid = max(numeric(k / 20) for k in range(-200, 201))
    if sp.diff(ds, x).subs(x, 0) != 0 or ds.subs(x, 0) != Rational(1, 4) or grid > 0.25:
        raise ChainError("identity 'sigmoid': the maximum 1/4 at x = 0 does not hold")


def _sigmoid() -> Identity:
    """Seed 000's ten steps: d/dx sigmoid(x) = sigmoid(x)(1 - sigmoid(x))."""
    s, e, m1 = fn.sigmoid(x), 1 + exp(-x), UnevaluatedExpr(-1)
    inv2 = Pow(e, -2)
    _check_sigmoid_maximum()
    return _checked(Identity(
        "sigmoid", "Derivative of the sigmoid", D(s, x), (
            Line(D(s, x), ""),
            Line(D(Pow(e, -1), x), "definition of sigmoid"),
            Line(_mul(m1, inv2, D(e, x)), "power rule (u^-1)' = -u^-2 u' and chain rule"),
            Line(_mul(m1, inv2, _add(0, exp(-x)), D(-x, x)), "sum rule, 1' = 0; chain rule for e^{-x}"),
            Line(_mul(m1, inv2, exp(-x), m1), "d/dx (-x) = -1"),
            Line(_mul(exp(-x), inv2), "(-1)(-1) = 1"),
            Line(_mul(_add(1, exp(-x), -1), inv2), "add and subtract 1"),
            Line(_add(_mul(e, inv2), -inv2), "split the fraction"),
            Line(_add(1 / e, -inv2), "cancel 1 + e^{-x}"),
            Line(_mul(UnevaluatedExpr(1 / e), 1 - 1 / e), "factor 1/(1+e^{-x})"),
            Line(_mul(s, 1 - s), "definition of sigmoid")),
        "sigma'(x) = sigma(x)(1 - sigma(x))",
        remarks=("The derivative is largest at x = 0: sigma(0) = 1/2, so sigma'(0) = 1/4, and "
                 "sigma''(0) = 0; everywhere else sigma'(x) < 1/4.",
                 "Vanishing gradient: backpropagation multiplies one sigma' factor per sigmoid layer, "
                 "so through L layers the product is at most 4^-L (below 10^-6 for L = 10), and the "
                 "early layers of a deep sigmoid network barely learn.")))


def _tanh() -> Identity:
    """tanh' = 1 - tanh^2 by the quotient rule."""
    num, den = _add(exp(x), -exp(-x)), _add(exp(x), exp(-x))
    return _checked(Identity(
        "tanh", "Derivative of tanh", D(sp.tanh(x), x), (
            Line(D(sp.tanh(x), x), ""),
            Line(D(_mul(num, Pow(den, -1)), x), "definition of tanh"),
            Line(_mul(_add(Pow(den, 2), -Pow(num, 2)), Pow(den, -2)),
                 "quotient rule, with (e^x - e^{-x})' = e^x + e^{-x} and (e^x + e^{-x})' = e^x - e^{-x}"),
            Line(_add(_mul(Pow(den, 2), Pow(den, -2)), -_mul(Pow(num, 2), Pow(den, -2))), "split the fraction"),
            Line(_add(1, -Pow(_mul(num, Pow(den, -1)), 2, evaluate=False)), "cancel; a^2/b^2 = (a/b)^2"),
            Line(1 - sp.tanh(x) ** 2, "definition of tanh")),
        "tanh'(x) = 1 - tanh(x)^2"))


def _relu() -> Identity:
    """ReLU'(x) = 1[x > 0] by cases, with the convention at 0."""
    c = S.Zero  # relu_at_zero, as in symback.engine.rules.DEFAULT_CONVENTIONS
    return _checked(Identity(
        "relu", "Derivative of ReLU", D(fn.relu(x), x), (
            Line(D(fn.relu(x), x), ""),
            Line(D(sp.Piecewise((x, x > 0), (0, True)), x), "definition of ReLU: max(0, x) by cases"),
            Line(sp.Piecewise((D(x, x), x > 0), (D(S.Zero, x), x < 0), (c, True), evaluate=False),
                 "differentiate each case; at the kink x = 0 there is no derivative: take relu_at_zero"),
            Line(sp.Piecewise((1, x > 0), (0, x < 0), (c, True), evaluate=False), "x' = 1, 0' = 0"),
            Line(fn.Indicator(x, c), "indicator notation 1[x > 0]")),
        "ReLU'(x) = 1[x > 0]",
        assumptions=("ReLU'(0) is taken as relu_at_zero (0 by default, as in PyTorch)",)))


def _softplus() -> Identity:
    """softplus' = sigma."""
    e = 1 + exp(x)
    return _checked(Identity(
        "softplus", "Derivative of softplus", D(fn.softplus(x), x), (
            Line(D(fn.softplus(x), x), ""),
            Line(D(log(e), x), "definition of softplus"),
            Line(_mul(1 / e, D(e, x)), "chain rule, (log u)' = u'/u"),
            Line(_mul(exp(x), 1 / e), "(1 + e^x)' = e^x"),
            Line(1 / (1 + exp(-x)), "divide numerator and denominator by e^x"),
            Line(fn.sigmoid(x), "definition of sigmoid")),
        "softplus'(x) = sigma(x)"))


def _power() -> Identity:
    """d/dx x^n = n x^(n-1) for real n, via x^n = e^(n log x)."""
    xp, n = sp.Symbol("x", positive=True), sp.Symbol("n", real=True)
    e = exp(_mul(n, log(xp)))
    return _checked(Identity(
        "power", "The power rule", D(xp**n, xp), (
            Line(D(xp**n, xp), ""),
            Line(D(e, xp), "x^n = e^{n log x} for x > 0"),
            Line(_mul(e, D(_mul(n, log(xp)), xp)), "chain rule, (e^u)' = e^u u'"),
            Line(_mul(e, n, 1 / xp), "(log x)' = 1/x"),
            Line(_mul(xp**n, n, 1 / xp), "e^{n log x} = x^n"),
            Line(n * xp ** (n - 1), "x^n / x = x^{n-1}")),
        "d/dx x^n = n x^(n-1) for every real n",
        assumptions=("x > 0, so that x^n = e^{n log x}; n real",),
        remarks=("For integer n the rule also holds for x < 0 (and at x = 0 when n >= 1); only this "
                 "derivation, through log x, needs x > 0.",)))


def _softmax_jacobian() -> Identity:
    """dP_j/dz_u = P_j(delta_ju - P_u) for K = 3, the cases j = u and j != u."""
    z1, z2, _ = zs
    p1, p2 = (fn.softmax(k, *zs) for k in (1, 2))
    total = Add(*(exp(v) for v in zs))
    same = (Line(D(p1, z1), ""),
            Line(D(exp(z1) / total, z1), "definition of softmax"),
            Line(_mul(Pow(total, -2), exp(z1), _add(total, -exp(z1))),
                 "quotient rule; the sum's derivative is e^{z1}; factor e^{z1}"),
            Line(_mul(exp(z1) / total, _mul(_add(total, -exp(z1)), 1 / total)), "split the fraction"),
            Line(_mul(exp(z1) / total, 1 - exp(z1) / total), "divide each term by the sum"),
            Line(_mul(p1, 1 - p1), "definition of softmax"),
            Line(_mul(p1, _add(KroneckerDelta(1, 1, evaluate=False), -p1)), "1 = delta_11 (j = u)"))
    other = (Line(D(p1, z2), ""),
             Line(D(exp(z1) / total, z2), "definition of softmax"),
             Line(_mul(exp(z1), D(1 / total, z2)), "e^{z1} does not depend on z2"),
             Line(_mul(exp(z1), -exp(z2) / total**2), "chain rule, (1/u)' = -u'/u^2"),
             Line(_mul(-1, exp(z1) / total, exp(z2) / total), "regroup"),
             Line(_mul(-1, p1, p2), "definition of softmax"),
             Line(_mul(p1, _add(KroneckerDelta(1, 2, evaluate=False), -p2)), "0 = delta_12 (j != u)"))
    return _checked(Identity(
        "softmax_jacobian", "The softmax Jacobian", D(p1, z1), same,
        "dP_j/dz_u = P_j (delta_ju - P_u), i.e. P_j(1 - P_j) for j = u and -P_j P_u for j != u",
        remarks=("Shown for K = 3 outputs with j = 1; other indices are the same with names changed.",),
        method="j = u (j = u = 1)", routes=(Route("j != u (j = 1, u = 2)", other),)))


def _cross_entropy() -> Identity:
    """d/dy_j (-sum t_i log y_i) = -t_j / y_j."""
    y1, t1 = ys[0], ts[0]
    loss = _mul(-1, Add(*(ti * log(yi) for ti, yi in zip(ts, ys))))
    return _checked(Identity(
        "cross_entropy", "Derivative of cross-entropy", D(loss, y1), (
            Line(D(loss, y1), ""),
            Line(D(_mul(-1, t1 * log(y1)), y1), "sum rule: the other terms do not depend on y1"),
            Line(_mul(-1, t1, D(log(y1), y1)), "constant factor"),
            Line(-t1 / y1, "(log y)' = 1/y")),
        "d/dy_j (-sum_i t_i log y_i) = -t_j / y_j",
        assumptions=("y_i > 0",),
        remarks=("Shown for 3 classes and j = 1.",)))


def _softmax_cross_entropy() -> Identity:
    """dL/dz_j = y_j - t_j for L = -sum t_i log softmax_i(z): two routes and the wrong one."""
    z1, t1 = zs[0], ts[0]
    ps = [fn.softmax(k, *zs) for k in (1, 2, 3)]
    p1, total, tsum = ps[0], Add(*(exp(v) for v in zs)), _add(*ts)
    loss = _mul(-1, Add(*(ti * log(pi) for ti, pi in zip(ts, ps))))
    delta = [KroneckerDelta(k, 1, evaluate=False) for k in (1, 2, 3)]
    jac = [_add(d, -p1) for d in delta]
    jacobian_sum = (
        Line(D(loss, z1), ""),
        Line(_add(*(_mul(-ti / pi, D(pi, z1)) for ti, pi in zip(ts, ps))),
             "chain rule over every output P_l, with dL/dP_l = -t_l/P_l"),
        Line(_add(*(_mul(-ti / pi, pi, j) for ti, pi, j in zip(ts, ps, jac))),
             "softmax Jacobian dP_l/dz1 = P_l(delta_l1 - P_1)"),
        Line(_mul(-1, _add(*(_mul(ti, j) for ti, j in zip(ts, jac)))), "cancel P_l"),
        Line(_add(_add(*(_mul(ti, p1) for ti in ts)), _mul(-1, _add(*(_mul(ti, d) for ti, d in zip(ts, delta))))),
             "multiply out"),
        Line(_add(_mul(p1, tsum), -t1), "factor P_1; delta_l1 keeps only l = 1"),
        Line(_add(p1, -t1), "t1 + t2 + t3 = 1", assumed=True))
    log_sum_exp = (
        Line(D(loss, z1), ""),
        Line(D(_mul(-1, Add(*(ti * log(exp(v) / total) for ti, v in zip(ts, zs)))), z1), "definition of softmax"),
        Line(D(_add(_mul(-1, _add(*(ti * v for ti, v in zip(ts, zs)))), _mul(tsum, log(total))), z1),
             "log(e^{z_i}/sum_k e^{z_k}) = z_i - log sum_k e^{z_k}"),
        Line(_add(-t1, _mul(tsum, exp(z1) / total)), "differentiate; (log sum_k e^{z_k})' = e^{z1}/sum_k e^{z_k}"),
        Line(_add(-t1, _mul(tsum, p1)), "definition of softmax"),
        Line(_add(p1, -t1), "t1 + t2 + t3 = 1", assumed=True))
    wrong = (
        Line(_mul(-t1 / p1, D(p1, z1)), "Wrong!! chain rule through P_1 only: dL/dP_1 * dP_1/dz1"),
        Line(_mul(-t1 / p1, p1, 1 - p1), "softmax Jacobian, j = u"),
        Line(_mul(-t1, 1 - p1), "cancel P_1"),
        Line(_add(_mul(t1, p1), -t1), "multiply out"))
    return _checked(Identity(
        "softmax_cross_entropy", "Softmax with cross-entropy", D(loss, z1), jacobian_sum,
        "dL/dz_j = y_j - t_j, where y = softmax(z)",
        assumptions=("t1 + t2 + t3 = 1",),
        remarks=("Shown for K = 3 classes and j = 1.",),
        method="Jacobian sum", routes=(Route("log-sum-exp", log_sum_exp),),
        wrong=wrong,
        wrong_explanation=(
            "This route keeps only the l = j term of the sum over l. Every softmax output P_l has "
            "sum_k e^{z_k} in its denominator, so every output depends on z_j, and the chain rule "
            "must add up all of them: dL/dz_j = sum_l dL/dP_l * dP_l/dz_j. The forgotten terms "
            "(l != j) are (-t_l/P_l)(-P_l P_j) = t_l P_j. The wrong result t_j(y_j - 1) agrees with "
            "y_j - t_j only when t_j = 1; at z = (0, 0, 0), t = (0, 1, 0) it gives 0 instead of 1/3."),
        counterexample=tuple(zip(zs + ts, map(sp.Integer, (0, 0, 0, 0, 1, 0)))),
        given=((ts[2], 1 - ts[0] - ts[1]),)))


def _bce_sigmoid() -> Identity:
    """d/dz BCE(sigma(z), t) = sigma(z) - t."""
    s = fn.sigmoid(z)
    loss = _mul(-1, _add(_mul(t, log(s)), _mul(1 - t, log(1 - s))))
    outer = _add(t / s, _mul(-1, 1 - t, 1 / (1 - s)))
    return _checked(Identity(
        "bce_sigmoid", "Sigmoid with binary cross-entropy", D(loss, z), (
            Line(D(loss, z), ""),
            Line(_mul(-1, outer, D(s, z)), "chain rule through sigma(z); (log u)' = u'/u"),
            Line(_mul(-1, outer, s, 1 - s), "logistic derivative sigma' = sigma(1 - sigma)"),
            Line(_mul(-1, _add(_mul(t, 1 - s), _mul(-1, 1 - t, s))),
                 "cancel sigma in the first term, 1 - sigma in the second"),
            Line(_mul(-1, _add(t, _mul(-1, t, s), -s, _mul(t, s))), "multiply out"),
            Line(_add(s, -t), "the t sigma terms cancel")),
        "d/dz BCE(sigma(z), t) = sigma(z) - t"))


def _mse() -> Identity:
    """d/dy_j (1/n) sum (y_i - t_i)^2 = (2/n)(y_j - t_j), for n = 3."""
    yr = sp.symbols("y1:4", real=True)
    y1, t1, third = yr[0], ts[0], Rational(1, 3)
    loss = _mul(third, Add(*((yi - ti) ** 2 for yi, ti in zip(yr, ts))))
    return _checked(Identity(
        "mse", "Derivative of the mean squared error", D(loss, y1), (
            Line(D(loss, y1), ""),
            Line(_mul(third, D((y1 - t1) ** 2, y1)), "constant factor 1/n; the other terms do not depend on y1"),
            Line(_mul(third, 2, y1 - t1, D(y1 - t1, y1)), "power rule and chain rule"),
            Line(_mul(third, 2, y1 - t1, 1), "d/dy1 (y1 - t1) = 1"),
            Line(_mul(Rational(2, 3), y1 - t1), "(2/n)(y_j - t_j) with n = 3")),
        "d/dy_j (1/n) sum_i (y_i - t_i)^2 = (2/n)(y_j - t_j)",
        remarks=("Shown for n = 3 outputs and j = 1.",)))


#: The identities by name (the names ``symback identity NAME`` accepts); each call derives and checks.
IDENTITIES: dict[str, Callable[[], Identity]] = {
    "sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "softplus": _softplus, "power": _power,
    "softmax_jacobian": _softmax_jacobian, "cross_entropy": _cross_entropy,
    "softmax_cross_entropy": _softmax_cross_entropy, "bce_sigmoid": _bce_sigmoid, "mse": _mse,
}


def derive_identity(name: str) -> Identity:
    """Derive the identity ``name`` (a key of :data:`IDENTITIES`), every line checked.

    >>> derive_identity("softplus").lines[-1].expr
    sigmoid(x)
    """
    try:
        builder = IDENTITIES[name]
    except KeyError:
        raise SymbackError(f"identity '{name}'", "no such identity", did_you_mean(name, IDENTITIES)) from None
    return builder()
