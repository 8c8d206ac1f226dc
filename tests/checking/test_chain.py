"""chain: a derivation's check fails on a broken line, a wrong first line, a misused assumption or a counterexample
that is not one; its lines are frozen."""
import dataclasses

import pytest
import sympy as sp
from sympy import exp

from symback.checking.chain import ChainError, Line, Route, check_chain
from symback.engine import functions as fn

x = sp.Symbol("x", real=True)


def test_a_broken_chain_raises(derived):
    good = derived("sigmoid")
    broken = list(good.lines)
    broken[5] = Line(exp(x) / (1 + exp(-x)) ** 2, "(-1)(-1) = 1")
    with pytest.raises(ChainError, match="line 5"):
        check_chain(dataclasses.replace(good, lines=tuple(broken)))
    with pytest.raises(ChainError, match="lhs"):
        check_chain(dataclasses.replace(good, lhs=sp.Derivative(fn.softplus(x), x)))
    route = Route("broken", (Line(x, ""), Line(x + 1, "oops")))
    with pytest.raises(ChainError, match="broken"):
        check_chain(dataclasses.replace(good, routes=(route,)))


def test_a_misused_assumption_or_a_bad_counterexample_raises(derived):
    good = derived("softmax_cross_entropy")
    unmarked = good.lines[:-1] + (dataclasses.replace(good.lines[-1], assumed=False),)
    with pytest.raises(ChainError, match="line 6"):
        check_chain(dataclasses.replace(good, lines=unmarked))
    one_hot_first = tuple((s, sp.Integer(v)) for s, v in zip(sp.symbols("z1:4 t1:4", real=True), (0, 0, 0, 1, 0, 0)))
    with pytest.raises(ChainError, match="agrees"):
        check_chain(dataclasses.replace(good, counterexample=one_hot_first))
    not_a_distribution = tuple((s, sp.Integer(v)) for s, v in zip(sp.symbols("z1:4 t1:4", real=True), (0, 0, 0, 0, 1, 1)))
    with pytest.raises(ChainError, match="assumptions"):
        check_chain(dataclasses.replace(good, counterexample=not_a_distribution))


def test_lines_are_frozen(derived):
    with pytest.raises(dataclasses.FrozenInstanceError):
        derived("mse").lines[0].reason = "changed"
