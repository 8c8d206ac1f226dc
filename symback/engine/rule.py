"""A derivative rule (a printable name, a note, one partial per argument) and the conventions at kinks.

The table of every rule is :data:`symback.engine.rules.RULES`; symback's own functions
(:mod:`symback.engine.functions`) declare their row as a class attribute ``rule``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp
from sympy import S


@dataclass(frozen=True)
class Conventions:
    """Choices at the points where a derivative is not defined, stated in every document."""

    relu_at_zero: sp.Expr = S.Zero   #: value used for ReLU'(0) (PyTorch and TensorFlow use 0)
    tie_share: sp.Expr = S.Half      #: share of the gradient each argument of max/min gets at a tie


DEFAULT_CONVENTIONS = Conventions()

PartialRule = Callable[[sp.Expr, int, Conventions], sp.Expr]  #: (expression, argument index, conventions) -> its partial


@dataclass(frozen=True)
class RuleNote:
    """What a derivation states about a rule it used (a convention, a caveat): ``str`` is ``"rule: note"``."""

    rule: str
    note: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.note}"


@dataclass(frozen=True)
class Rule:
    """How to differentiate one operation: its name, a note, and the partial for argument i."""

    name: str
    partial: PartialRule
    note: str = ""
