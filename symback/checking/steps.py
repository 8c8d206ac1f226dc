"""Checking a derivation line by line: each expression claimed equal to the one before it.

A steps file has one expression per line (``lhs = rhs`` and continuation lines ``= rhs`` too);
``#`` starts a comment. ``diff(expr, x)`` (or ``d/dx(expr)``, or ``(expr)'`` in one variable) is a
derivative. Abstract functions are declared in a comment, ``# functions: f, g``; ``f'(u)`` is the
derivative of f at u. Each step is compared with :mod:`symback.checking.equivalence`: proved (⇔), equal at
every probe (≈) or wrong (✗, with a counterexample). Abstract functions are checked by
instantiating them with several random concrete functions.

>>> report = verify_steps("diff(x^3, x)\\n= 3*x^2\\n= 3*x*x*x")
>>> [s.verdict for s in report.steps], report.first_wrong
(['given', 'proved', 'wrong'], 3)
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import sympy as sp

from symback.checking.equivalence import (DEFAULT_BUDGET, NUMERIC, PROVED, UNDECIDED, WRONG, Comparison, exact_difference,
                                         exactly_different, lambdify_mp, precision, probe, prove_equal, scales)
from symback.checking.instances import INSTANCES, concrete, instance_program
from symback.checking.latex_reader import read_latex
from symback.checking.notation import Vocabulary, derivative_functions, read_formula
from symback.engine import limits
from symback.engine.errors import SymbackError, read_user_file
from symback.engine.expr import NAME_PATTERN

GIVEN, ROUNDED, FOLLOW_ON = "given", "rounded", "follow-on"
MARKS = {GIVEN: "", PROVED: "⇔", NUMERIC: "≈", ROUNDED: "~", FOLLOW_ON: "→", WRONG: "✗", UNDECIDED: "?"}
POINTS = 3             #: probe points per instantiation (12 without abstract functions)
MAX_LINES = 200        #: lines in one steps file

_HEADER = re.compile(r"#\s*functions\s*:\s*(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One line of the derivation and its verdict against the line before it."""

    line: int                      #: line number in the file (1-based)
    text: str                      #: the line as written
    exprs: tuple[sp.Expr, ...]     #: its parts (``a = b`` has two), as parsed
    display: tuple[sp.Expr, ...]   #: the same parts kept as written (unevaluated), for printing
    verdict: str                   #: given, proved, numeric, wrong or undecided
    comparison: Comparison | None  #: the deciding comparison (the failing one for a wrong line)
    instance: Mapping[str, str] | None = None  #: for a wrong line: the concrete f, g it was caught with
    echo: str | None = None        #: a LaTeX line as symback read it (plain syntax), to confirm
    details: tuple = ()            #: homework: why (message keys of ``[verify]`` and their arguments)
    misconception: object = None   #: homework: the named mistake a wrong line shows (a ``Misconception``)

    @property
    def mark(self) -> str:
        return MARKS[self.verdict]


@dataclass(frozen=True)
class StepsReport:
    """A checked derivation: its steps, the first wrong line, and whether the last line equals the first."""

    source: str
    functions: tuple[str, ...]
    steps: tuple[Step, ...]
    conclusion: Comparison | None  #: first expression vs last, None for a one-expression file
    budget: float
    solution: object = None        #: homework: the solved problem the lines are about
    latex: bool = False            #: the lines are LaTeX

    @property
    def first_wrong(self) -> int | None:
        return next((s.line for s in self.steps if s.verdict == WRONG), None)


def verify_steps(text: str, source: str = "<steps>", budget: float = DEFAULT_BUDGET, seed: int = 0,
                 latex: bool = False) -> StepsReport:
    """Check every line of a derivation against the line before it.

    Args:
        text: the derivation (see the module docstring for the format).
        source: how errors name it (a file name).
        budget: seconds for each proof attempt.
        seed: the seed of the random probe points and instantiations.
        latex: the lines are LaTeX (:mod:`symback.checking.latex_reader`).
    """
    functions, lines = _read(text, source, latex)
    if len(lines) > MAX_LINES:
        raise SymbackError(source, f"{len(lines)} lines (limit {MAX_LINES})", "split the derivation into several files")
    vocabulary = Vocabulary(None, derivative_functions(functions))
    steps: list[Step] = []
    previous: sp.Expr | None = None
    first: sp.Expr | None = None
    checker = _Checker(functions, budget, seed)
    for number, raw, parts in lines:
        exprs, display, echo = [], [], []
        for column, part in parts:
            where = f"{source}: line {number}" + (f", column {column + 1}" if column else "")
            if latex:
                formula = read_latex(part, vocabulary, where)
                exprs.append(formula.expr)
                display.append(formula.expr)
                echo.append(formula.echo)
                continue
            exprs.append(read_formula(part, vocabulary, where))
            display.append(read_formula(part, vocabulary, where, as_written=True))
        verdict, deciding = GIVEN, None
        for expr in exprs:
            if previous is not None:
                comparison = checker.compare(previous, expr)
                if deciding is None or _RANK[comparison.verdict] > _RANK[verdict]:
                    verdict, deciding = comparison.verdict, comparison
            previous = expr
            first = expr if first is None else first
        instance = checker.instance_text(deciding.point) if verdict == WRONG and functions else None
        steps.append(Step(number, raw, tuple(exprs), tuple(display), verdict, deciding, instance,
                          " = ".join(echo) if echo else None))
    conclusion = checker.compare(first, previous) if len(steps) > 1 or len(steps[0].exprs) > 1 else None
    return StepsReport(source, tuple(functions), tuple(steps), conclusion, budget)


def load_steps(path: str | Path, budget: float = DEFAULT_BUDGET, seed: int = 0, name: str | None = None,
               latex: bool = False) -> StepsReport:
    """Read a steps file and check it (errors name the file and line)."""
    name = name or str(path)
    return verify_steps(read_user_file(path, name, limit=limits.current().file), name, budget, seed, latex)


_RANK = {GIVEN: 0, PROVED: 1, NUMERIC: 2, UNDECIDED: 3, WRONG: 4}


def _read(text: str, source: str, latex: bool = False, approx: bool = False):
    """The declared functions and the expression lines: (number, text, [(column, part), ...]).

    ``approx``: ``≈`` (``\\approx``) separates parts as ``=`` does (homework rounds).
    """
    functions: list[str] = []
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if header := _HEADER.search(raw):
            for name in filter(None, (n.strip() for n in header.group(1).split(","))):
                if not NAME_PATTERN.match(name) or len(name) > 20:
                    raise SymbackError(f"{source}: line {number}", f"'{name}' is not a function name",
                                       "write e.g. # functions: f, g")
                functions.append(name)
        body = raw.split("#", 1)[0] if not latex else raw.split("%", 1)[0] if not raw.lstrip().startswith("#") else ""
        if not body.strip():
            continue
        parts, start = [], 0
        for match in re.finditer(r"(?<![=<>!])=(?!=)" + (r"|≈|\\approx(?![A-Za-z])" if approx else ""), body):
            parts.append((start, body[start:match.start()]))
            start = match.end()
        parts.append((start, body[start:]))
        if any(not p.strip() for _, p in parts[1:]):
            raise SymbackError(f"{source}: line {number}", "an '=' with nothing after it", "write an expression after each '='")
        if not parts[0][1].strip():
            parts = parts[1:]
            if not lines:
                raise SymbackError(f"{source}: line {number}", "the derivation starts with '='",
                                   "start with the expression being transformed")
        lines.append((number, raw.strip(), parts))
    if not lines:
        raise SymbackError(source, "no expression lines (only comments or blank lines)",
                           "write one expression per line, e.g. diff(sigmoid(x), x)")
    return functions, lines


class _Checker:
    """Compares two expressions of a derivation: probes (over random instantiations), then a proof."""

    def __init__(self, functions: list[str], budget: float, seed: int) -> None:
        self.functions = [sp.Function(n, real=True) for n in functions]
        self.budget, self.seed = budget, seed
        rng = random.Random(seed)
        self.instances = [{f: concrete(rng) for f in self.functions} for _ in range(INSTANCES)] if functions else [{}]

    def compare(self, left: sp.Expr, right: sp.Expr) -> Comparison:
        a, b = left.doit(), right.doit()
        symbols = sorted((a.free_symbols | b.free_symbols), key=lambda s: s.name)
        rng = random.Random(self.seed)
        points, programs = [], []
        per_instance = POINTS if self.functions else 4 * POINTS
        sizes = [sp.S.One] + scales(a, b)  # unit points, then points the size of the constants
        for index, instance in enumerate(self.instances):
            programs.append([instance_program(symbols, e, instance) if instance else lambdify_mp(symbols, e) for e in (a, b)])
            for size in sizes:
                for _ in range(per_instance * 3):
                    values = {s.name: size * sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 24), 8) for s in symbols}
                    points.append({"@": index, **values})
        left, right, dps = self._side(programs, symbols, 0), self._side(programs, symbols, 1), precision(a, b)
        comparison = probe(left, right, points, dps=dps)
        if comparison.verdict == WRONG:
            return comparison
        if (difference := exact_difference(a, b)) is not None:  # equal at the probes, but not exactly
            return exactly_different(difference, left, right, points, dps, comparison.points)
        if prove_equal(a, b, self.budget):
            return Comparison(PROVED, points=comparison.points)
        return comparison  # numeric (equal at every probe, unproved) or undecided (too few defined points)

    @staticmethod
    def _side(programs, symbols, side: int):
        return lambda p: programs[p["@"]][side](*(p[s.name] for s in symbols))

    def instance_text(self, point: Mapping) -> dict[str, str]:
        """The concrete functions a counterexample used: ``{"f": "2*u**2 + u"}``."""
        u = sp.Symbol("u")
        return {f.__name__: sp.sstr(lam(u)) for f, lam in self.instances[point.get("@", 0)].items()}

