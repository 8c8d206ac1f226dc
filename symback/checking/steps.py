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

from symback.checking.latex_input import TIMEOUT as LATEX_TIMEOUT, parse_latex_formulas
from symback.checking.equivalence import (DEFAULT_BUDGET, NUMERIC, PROVED, UNDECIDED, WRONG, Comparison, exact_difference,
                                         exactly_different, lambdify_mp, precision, probe, prove_equal, scales)
from symback.checking.instances import INSTANCES, concrete, instance_program
from symback.engine import limits
from symback.engine.errors import FormulaError, SymbackError, read_user_file
from symback.engine.expr import NAME_PATTERN, parse_as_written, parse_formula

GIVEN = "given"
MARKS = {GIVEN: "", PROVED: "⇔", NUMERIC: "≈", WRONG: "✗", UNDECIDED: "?"}
POINTS = 3             #: probe points per instantiation (12 without abstract functions)
MAX_LINES = 200        #: lines in one steps file
MAX_ORDER = 5          #: highest derivative order ``diff(expr, x, n)``

_UNICODE = {"·": "*", "⋅": "*", "×": "*", "−": "-", "σ": "sigmoid", "∂": "d"}
_HEADER = re.compile(r"#\s*functions\s*:\s*(.*)", re.IGNORECASE)
_PRIME = re.compile(r"\b([A-Za-z]\w*)('+)\s*\(")
_D_DX = re.compile(r"\bd\s*/\s*d\s*([A-Za-z]\w*)\s*")
_OPEN, _CLOSE = "([{", ")]}"


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
        latex: the lines are LaTeX (:mod:`symback.checking.latex_input`; no derivative notation there).
    """
    functions, lines = _read(text, source, latex)
    if len(lines) > MAX_LINES:
        raise SymbackError(source, f"{len(lines)} lines (limit {MAX_LINES})", "split the derivation into several files")
    table = _functions(functions)
    steps: list[Step] = []
    previous: sp.Expr | None = None
    first: sp.Expr | None = None
    checker = _Checker(functions, budget, seed)
    parsed = _parse_latex(lines, functions, source, budget) if latex else None
    for number, raw, parts in lines:
        exprs, display, echo = [], [], []
        for column, part in parts:
            where = f"{source}: line {number}" + (f", column {column + 1}" if column else "")
            if parsed is not None:
                exprs.append(parsed[where].expr)
                display.append(exprs[-1])
                echo.append(parsed[where].echo)
                continue
            rewritten = _rewrite(part, functions, where)
            try:
                exprs.append(parse_formula(rewritten, None, where, table).expr)
            except FormulaError as exc:
                message = exc.message
                if rewritten != part:  # quote the line as written, not the parser's form of it (__prime)
                    message = re.sub(r" \(column \d+\)| at column \d+", "", message.replace(f"'{rewritten}'", f"'{part.strip()}'"))
                if "unknown function" in exc.message:
                    raise FormulaError(exc.where, message, exc.fix + "; declare abstract functions with "
                                       "'# functions: f, g' at the top") from None
                raise FormulaError(exc.where, message, exc.fix) from None
            display.append(parse_as_written(_rewrite(part, functions, where), None, table, exprs[-1]))
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


def _parse_latex(lines, functions: list[str], source: str, budget: float) -> dict:
    """Every part of every line parsed as LaTeX in one child process: ``{where: LatexFormula}``."""

    entries = [(f"{source}: line {number}" + (f", column {column + 1}" if column else ""), part)
               for number, _, parts in lines for column, part in parts]
    formulas = parse_latex_formulas(entries, None, max(budget, LATEX_TIMEOUT), functions)
    return {where: formula for (where, _), formula in zip(entries, formulas)}


def _read(text: str, source: str, latex: bool = False):
    """The declared functions and the expression lines: (number, text, [(column, part), ...])."""
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
        for a, b in ({} if latex else _UNICODE).items():
            body = body.replace(a, b)
        if not body.strip():
            continue
        parts, start = [], 0
        for match in re.finditer(r"(?<![=<>!])=(?!=)", body):
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


def _rewrite(part: str, functions: list[str], where: str) -> str:
    """Notation to the parser's calls: f'(u) -> f__d1(u), d/dx(e) -> diff(e, x), (e)' -> __prime(e), {} -> ()."""
    part = _PRIME.sub(lambda m: f"{m.group(1)}__d{len(m.group(2))}(" if m.group(1) in functions else m.group(0), part)
    if re.search(r"\b[A-Za-z]\w*'+\s*\(", part):
        name = re.search(r"\b([A-Za-z]\w*)'", part).group(1)
        raise FormulaError(where, f"'{name}' is not a declared function", f"declare it: # functions: {name}")
    while match := _D_DX.search(part):
        end = _group_end(part, match.end(), where)
        part = f"{part[:match.start()]}diff({part[match.end():end]}, {match.group(1)}){part[end:]}"
    while (index := part.find("'")) >= 0:
        start = _group_start(part, index, where)
        part = f"{part[:start]}__prime({part[start:index]}){part[index + 1:]}"
    return part.translate(str.maketrans("[]{}", "()()"))


def _group_end(text: str, start: int, where: str) -> int:
    """The end of the bracketed group (or name followed by one) that begins at ``start``."""
    match = re.match(r"[A-Za-z]\w*\s*", text[start:])
    index = start + (match.end() if match else 0)
    if index >= len(text) or text[index] not in _OPEN:
        raise FormulaError(where, "d/dx must be followed by a bracketed expression", "write d/dx(expr) or diff(expr, x)")
    depth = 0
    for i in range(index, len(text)):
        depth += (text[i] in _OPEN) - (text[i] in _CLOSE)
        if depth == 0:
            return i + 1
    raise FormulaError(where, "a bracket is never closed", "close every ( [ {")


def _group_start(text: str, prime: int, where: str) -> int:
    """The start of the bracketed group that ends right before the prime at ``prime``."""
    if prime == 0 or text[prime - 1] not in _CLOSE:
        raise FormulaError(where, "a prime ' must follow a bracketed expression or a declared function",
                           "write (expr)' or diff(expr, x)")
    depth = 0
    for i in range(prime - 1, -1, -1):
        depth += (text[i] in _CLOSE) - (text[i] in _OPEN)
        if depth == 0:  # a call's name belongs to the group: (x^3)'' is the prime of __prime((x^3))
            name = re.search(r"[A-Za-z_]\w*\Z", text[:i])
            return name.start() if name else i
    raise FormulaError(where, "a bracket is never opened", "balance every ) ] }")


def _functions(declared: list[str]) -> dict:
    """The parser's extra calls: ``diff``, ``__prime`` and each abstract function with its derivatives."""
    table = {"diff": (_diff, (2, 3)), "__prime": (_prime, (1,))}
    for name in declared:
        function = sp.Function(name, real=True)
        table[name] = (function, (1, 2, 3))
        for order in (1, 2, 3):
            table[f"{name}__d{order}"] = (lambda u, f=function, n=order: _derivative_at(f, u, n), (1,))
    return table


def _derivative_at(function, argument: sp.Expr, order: int) -> sp.Expr:
    dummy = sp.Dummy("u", real=True)
    return sp.Derivative(function(dummy), (dummy, order)).subs(dummy, argument)


def _diff(expr: sp.Expr, variable: sp.Expr, order: sp.Expr = sp.S.One) -> sp.Expr:
    if not variable.is_Symbol:
        raise ValueError("diff(expr, x) differentiates by a name")
    if not (order.is_Integer and 1 <= order <= MAX_ORDER):
        raise ValueError(f"the order of diff must be 1 to {MAX_ORDER}")
    return sp.Derivative(expr, (variable, int(order)))


def _prime(expr: sp.Expr) -> sp.Expr:
    variables = [s for s in expr.free_symbols if isinstance(s, sp.Symbol)]
    if len(variables) != 1:
        raise ValueError(f"(...)' needs exactly one variable, found {len(variables)}")
    return sp.Derivative(expr, variables[0])


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

