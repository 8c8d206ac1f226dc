"""The second half of LaTeX input: the child's JSON syntax tree rebuilt through a whitelist, and the echo.

:class:`Rebuilder` maps antlr's names and functions to symback's (bounds of :mod:`symback.engine.expr`);
:class:`PlainPrinter` prints the result in symback's plain syntax so the user can confirm it.
"""
from __future__ import annotations

import re
from typing import Mapping

import sympy as sp
from sympy.printing.str import StrPrinter

from symback.engine.errors import FormulaError, did_you_mean
from symback.engine.expr import CONSTANTS, FUNCTIONS, MAX_LITERAL_DIGITS, NAME_PATTERN, power_problem, symbol

SUPPORTED = "use \\frac, \\cdot, \\sigma(...), \\exp, \\ln, \\tanh, \\sqrt, \\max, Greek letters, or plain syntax"
_REFUSED_NODES = {
    **dict.fromkeys(["Equality", "Unequality", "StrictLessThan", "LessThan", "StrictGreaterThan", "GreaterThan"],
                    ("'=' or an inequality inside the formula", "give one side at a time")),
    "Derivative": ("derivative notation (\\frac{d}{dx}) is not supported", "write the derivative's formula itself"),
}
_ALLOWED_NODES = frozenset(["Add", "Mul", "Pow", "log", "exp", "tanh", "Abs"])
_LATEX_NAME = re.compile(r"([A-Za-z]+)(?:_\{([A-Za-z0-9]+)\})?\Z")


class Rebuilder:
    """Rebuilds the child's JSON tree through the whitelist, mapping names and functions."""

    def __init__(self, text: str, names: Mapping[str, sp.Symbol] | None, functions: frozenset[str], where: str):
        self.text, self.names, self.functions, self.where = text, names, functions, where

    def fail(self, message: str, fix: str):
        raise FormulaError(self.where, f"{message} in '{self.text}'", fix)

    def build(self, node: dict) -> sp.Expr:
        if "int" in node or "rat" in node:
            top, bottom = node.get("rat", [node.get("int"), "1"])
            if max(len(top.lstrip("-")), len(bottom)) > MAX_LITERAL_DIGITS:
                self.fail("a number with too many digits", f"use at most {MAX_LITERAL_DIGITS} digits")
            return sp.Rational(int(top), int(bottom))
        if "sym" in node:
            return self.name(node["sym"])
        if "const" in node:
            return sp.E
        if "fn" in node and node["fn"] not in _ALLOWED_NODES:
            message, fix = _REFUSED_NODES.get(node["fn"], (f"{node['fn']} is not supported", SUPPORTED))
            self.fail(message, fix)
        args = [self.build(a) for a in node["args"]]
        return self.call(node["call"], args) if "call" in node else self.function(node["fn"], args)

    def function(self, kind: str, args: list[sp.Expr]) -> sp.Expr:
        if kind == "Add":
            return sp.Add(*args)
        if kind == "Mul":
            return sp.Mul(*args)
        if kind == "Pow":
            problem = power_problem(*args)
            if problem:
                self.fail(*problem)
            return args[0] ** args[1]
        if kind == "log":  # the converter gives log(x, E) for \ln and \log, log(x, b) for \log_b
            if len(args) == 2 and args[1].is_number and (args[1].is_positive is False or args[1] == 1):
                self.fail(f"\\log_{{{args[1]}}} has no meaning (a logarithm's base is positive and not 1)",
                          "use \\ln or a base such as \\log_{2}")
            return sp.log(*args)
        return self.table(kind.lower(), args)  # exp, tanh, Abs

    def call(self, raw: str, args: list[sp.Expr]) -> sp.Expr:
        if raw in ("sigma", "max", "min"):
            return self.table("sigmoid" if raw == "sigma" else raw, args)
        spellings = _spellings(raw)
        declared = [s for s in spellings if s in self.functions]
        if declared:
            return sp.Function(declared[0], real=True)(*args)
        shown = spellings[0] if spellings else raw
        self.fail(f"'{shown}(...)' reads as a call of a function {shown}",
                  f"for a product write {shown} \\cdot (...) (\\left( does not help)")

    def table(self, key: str, args: list[sp.Expr]) -> sp.Expr:
        builder, counts = FUNCTIONS[key]
        if (counts is None and len(args) < 2) or (counts is not None and len(args) not in counts):
            self.fail(f"{key}() got {len(args)} arguments", f"check the call to {key}")
        return builder(*args)

    def name(self, raw: str) -> sp.Expr:
        spellings = _spellings(raw)
        if not spellings:
            self.fail(f"the name '{raw}' is not supported",
                      "use letters with a one-letter or numeric subscript, e.g. y_j, w_{12}, \\mathit{lr}")
        found = [s for s in spellings if self.names is not None and s in self.names]
        if found:
            return self.names[found[0]]
        ident = spellings[0]
        if ident in CONSTANTS:
            return CONSTANTS[ident]
        if ident == "sigma":
            self.fail("\\sigma without an argument", "write \\sigma(z) for the sigmoid of z")
        if self.names is None and NAME_PATTERN.match(ident) and ident not in FUNCTIONS:
            return symbol(ident)
        hint = did_you_mean(ident, list(self.names or ()))
        self.fail(f"unknown name '{ident}'",
                  "define it, or write a multi-letter name as \\mathit{lr}" + (f" ({hint})" if hint else ""))


def _spellings(raw: str) -> list[str]:
    """symback spellings of an antlr name, preferred first: ``y_{j}`` -> ``["y_j", "yj"]``."""
    match = _LATEX_NAME.match(raw)
    if not match:
        return []
    base, sub = match.groups()
    return [base] if sub is None else [f"{base}_{sub}", f"{base}{sub}"]


class PlainPrinter(StrPrinter):
    """Prints in symback's plain formula syntax (``e``, ``abs``, ``max``) so the echo can be re-entered."""

    def __init__(self, euler: str) -> None:
        super().__init__()
        self.euler = euler  # "exp(1)" when the user has a name "e"

    def _print_Exp1(self, expr) -> str:
        return self.euler

    def _print_Abs(self, expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_MinMaxBase(self, expr) -> str:
        return f"{type(expr).__name__.lower()}({self.stringify(expr.args, ', ')})"
