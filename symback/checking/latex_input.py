"""Optional LaTeX input: parse a formula written in LaTeX, refuse anything ambiguous, echo it back.

SymPy's antlr backend (``antlr4-python3-runtime`` 4.11, strict mode) runs in a child process
(:mod:`symback.checking._latex_worker`) with an empty environment, a memory cap and a hard timeout per
request; one child serves the calling process until it exits (killed and reaped then, and with it). The child
sends back a JSON syntax tree, never text to evaluate; this module rebuilds it through a whitelist
with the bounds of :mod:`symback.engine.expr`, so no ``sympify``, ``eval`` or ``exec`` ever sees user text.

Accepted: numbers (decimals become exact rationals), ``+ - * /``, ``\\cdot``, ``\\times``, ``\\div``,
``\\frac`` (``\\dfrac``, ``\\tfrac``), ``^``, ``\\sqrt``, parentheses and brackets (with or without
``\\left``/``\\right``), ``|x|``, ``\\exp``, ``e^{x}`` (``e`` is Euler's number unless ``e`` is one of
the user's names; ``\\pi`` likewise), ``\\ln`` and ``\\log`` (both the natural log; ``\\log_{b}`` has
base b), ``\\tanh``, ``\\max``, ``\\min``, ``\\sigma(z)`` (always the sigmoid), lower-case Greek
letters, ``\\mathit{lr}`` for a multi-letter name, and subscripts that are one letter, one Greek
letter or a number: ``y_j``, ``y_{j}``, ``w_{12}`` name ``y_j`` and ``w_12`` (or ``w12`` when only
that spelling is a user name). Juxtaposition multiplies, as in LaTeX: ``2x``, ``(y - t)x_1``.

Refused, with the reason and a fix, rather than guessed: ``\\operatorname``, ``\\mathrm`` and
``\\text`` (antlr reads them as products of letters), every other command not listed above
(integrals, sums, limits, matrices, ``\\partial``, ``\\infty``, ...), a name applied to parentheses
(``y_j(1-y_j)`` is a call of a function ``y_j`` even with ``\\left(``) unless it is one of the
declared ``functions``, ``\\sigma`` without an argument unless ``sigma`` is a user name, derivative
notation (``\\frac{d}{dx}``, primes), ``=`` and inequalities, layer indices such as ``w^{(1)}``,
a script after a superscript (``x^{2}_{1}``), multi-letter subscripts (``x_{ab}`` reads as ``x_{a*b}``),
``x_12``, evaluation bars (``f|_{x=1}``; write ``(|x|)^{2}`` for a power of an absolute value),
thousands separators (``1,000``) and the imaginary unit (``i`` is an ordinary name).
"""
from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import sympy as sp

from symback.checking import latex_child
from symback.checking.latex_tree import SUPPORTED, PlainPrinter, Rebuilder
from symback.engine import limits
from symback.engine.errors import FormulaError
from symback.engine.expr import MAX_NODES, symbol
from symback.engine.numerals import number_text

MAX_LATEX_LENGTH = 2000  #: characters in one LaTeX formula
MAX_LATEX_DEPTH = 200    #: nesting depth of the parsed tree
ANTLR_INSTALL = "pip install 'antlr4-python3-runtime==4.11.*'"
_WORKER = Path(__file__).with_name("_latex_worker.py")

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
          "pi rho tau upsilon phi varphi chi psi omega").split()
_COMMANDS = frozenset(_GREEK + "frac dfrac tfrac cdot times div left right sigma exp ln log tanh sqrt "
                               "max min mathit quad qquad , ; : !".split())
_PLAIN = "write that formula in plain syntax, e.g. relu(x)"
_REFUSED_COMMANDS = {
    **dict.fromkeys(["operatorname", "mathrm", "text", "textrm", "mathbf", "mathsf"],
                    ("is read by antlr as a product of letters (\\operatorname{ReLU}(x) becomes R*e*L*U*x)", _PLAIN)),
    **dict.fromkeys(["int", "sum", "prod", "lim", "infty"],
                    ("is not supported (no integrals, sums, products or limits)", "write the expanded formula")),
    **dict.fromkeys(["partial", "prime", "nabla"], ("is derivative notation, which is not supported",
                                                    "write the derivative's formula itself")),
    **dict.fromkeys(["begin", "end"], ("is not supported (no matrices or environments)", "write one entry at a time")),
}
_SCRIPT_ARG = re.compile(r"\s*(\{|\\[A-Za-z]+|\S)")
_SUBSCRIPT = re.compile(r"\s*([A-Za-z]|0|[1-9][0-9]*|\\[A-Za-z]+)\s*")
_LAYER_INDEX = re.compile(r"\s*(\\left\s*)?\(\s*\w+\s*(\\right\s*)?\)\s*")


TIMEOUT = 20.0  #: seconds for the child parser, start included (a cold start after install takes longest)


@dataclass(frozen=True)
class LatexFormula:
    """A LaTeX formula as SymPy and as symback's plain syntax (show ``echo`` so the user can confirm)."""

    expr: sp.Expr
    echo: str


def parse_latex_formulas(entries: Sequence[tuple[str, str]], names: Mapping[str, sp.Symbol] | Iterable[str] | None,
                         timeout: float = TIMEOUT, functions: Iterable[str] = ()) -> tuple[LatexFormula, ...]:
    """Parse several LaTeX formulas in one request to the child (about 1 s to start it); see the module
    docstring for what is accepted and refused.

    Args:
        entries: ``(where, text)`` pairs: the place a formula came from, for error messages
            (``"claims.line 3"``), and its LaTeX without ``$`` delimiters (``"\\sigma(x)(1-\\sigma(x))"``).
        names: the user's names (or a name -> symbol mapping); ``None`` makes every name a new symbol.
        timeout: seconds the child parser may take for the whole batch, including its start when there
            is none yet (about 1 s).
        functions: names of abstract functions that may be applied, e.g. ``("f", "g")`` for ``f(g(x))``.

    Raises:
        FormulaError: one line (where, what, the fix) for the first entry refused, a timeout, or a
        missing antlr runtime (the fix names the install command).

    >>> [f.echo for f in parse_latex_formulas([("l1", "e^{x}"), ("l2", "2x")], None)]  # doctest: +SKIP
    ['exp(x)', '2*x']
    """
    if not entries:
        return ()
    batch = entries[0][0] if len(entries) == 1 else f"{entries[0][0]} .. {entries[-1][0]}"
    _require_antlr(batch)
    if names is not None and not isinstance(names, Mapping):
        names = {n: symbol(n) for n in names}
    screened = [_screen(text, where) for where, text in entries]
    results = _run_worker(screened, timeout, batch)
    formulas = []
    for (where, text), result in zip(entries, results):
        shown = text.strip()
        if "error" in result:
            at = f" at column {result['column']}" if result["column"] else ""
            raise FormulaError(where, f"cannot parse '{shown}'{at}: {result['error']}",
                               "check braces and parentheses, or write the formula in plain syntax")
        expr = Rebuilder(shown, names, frozenset(functions), where).build(result["tree"])
        if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise FormulaError(where, f"'{shown}' is undefined (division by zero or log(0))",
                               "change the constants in the formula")
        euler = "exp(1)" if names is not None and "e" in names else "e"
        formulas.append(LatexFormula(expr, PlainPrinter(euler).doprint(expr)))
    return tuple(formulas)


def _require_antlr(where: str) -> None:
    """Refuse early, naming the install command, unless the pinned antlr runtime is installed."""
    try:
        found = version("antlr4-python3-runtime")
    except PackageNotFoundError:
        found = "none"
    if not found.startswith("4.11"):
        raise FormulaError(where, f"LaTeX input needs antlr4-python3-runtime 4.11 (found {found})",
                           f"install it with {ANTLR_INSTALL}, or write the formula in plain syntax")


def _screen(text: str, where: str) -> str:
    """Refuse what antlr would misread silently; return the stripped text with \\left/\\right blanked."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(where, "the LaTeX formula is empty or not text", "write a formula such as \\frac{1}{1+e^{-x}}")
    text = text.strip()
    if len(text) > MAX_LATEX_LENGTH:
        raise FormulaError(where, f"the LaTeX formula is longer than {MAX_LATEX_LENGTH} characters",
                           "split it into several lines")

    def refuse(message: str, fix: str):
        raise FormulaError(where, f"{message} in '{text}'", fix)

    if re.search(r"\d,\d{3}", text):
        refuse("a thousands separator (1,000 reads as 1000)", "write 1000, or put a space after a comma between arguments")
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\([A-Za-z]+|.?)", text[i:]).group(1)
            if command not in _COMMANDS:
                message, fix = _REFUSED_COMMANDS.get(command, ("is not supported", SUPPORTED))
                refuse(f"\\{command} {message}", fix)
            i += len(command)
        elif char == "'":
            refuse("a prime (f'(x)) is derivative notation", "write the derivative's formula itself")
        elif char == "|" and re.match(r"\s*[_^]", text[i + 1:]):
            refuse("a script after '|' (an evaluation bar, or |x|^2)", "write (|x|)^{2} for a power of |x|")
        elif char in "_^":  # check the script's argument; the loop then scans inside it
            argument, end = _script_argument(text, i + 1)
            if char == "_" and not _SUBSCRIPT.fullmatch(argument):
                refuse(f"the subscript '{argument}' (antlr reads x_{{ab}} as x_{{a*b}})",
                       "use one letter, one Greek letter or a number as a subscript, e.g. y_j, w_{12}")
            if re.match(r"_\s*\d\d", text[i:]):
                refuse("'x_12' (antlr reads it as x_{12}, TeX as x_1 2)", "write x_{12}")
            if char == "^" and _LAYER_INDEX.fullmatch(argument):
                refuse(f"the superscript ^{{{argument.strip()}}} (a layer index, or a power?)",
                       "write ^{2} for a power; write layer-indexed names such as w1_1_1 in plain syntax")
            if re.match(r"\s*" + ("[_^]" if char == "^" else "_"), text[end:]):
                refuse("a second script (antlr drops x^{2}_{1}'s subscript)",
                       "put the subscript first and brace nested scripts: x_{1}^{2}, a^{b^{c}}")
        i += 1
    return re.sub(r"\\(?:left|right)(?=\s*[()\[\]|])", lambda m: " " * len(m.group(0)), text)


def _script_argument(text: str, start: int) -> tuple[str, int]:
    """The argument of ``_`` or ``^`` starting at ``start`` (braces removed) and the index after it."""
    match = _SCRIPT_ARG.match(text, start)
    if not match:
        return "", start
    if match.group(1) != "{":
        return match.group(1), match.end()
    depth, i = 1, match.end()
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[match.end():i - 1], i


def _run_worker(texts: list[str], timeout: float, where: str) -> list[dict]:
    """The child's result entries for ``texts``; a timeout or crash becomes a FormulaError.

    One child serves this process's requests (:mod:`symback.checking.latex_child`; a start costs
    about 1 s); on a timeout, a crash or any exception (SIGTERM, the budget's alarm) it is killed and
    reaped, and the next request starts a new one.
    """
    request = (json.dumps({"texts": texts, "max_nodes": MAX_NODES, "max_depth": MAX_LATEX_DEPTH}) + "\n").encode()
    budget_bound = limits.remaining() < timeout  # the command's budget ends first: its error
    timeout = min(timeout, max(limits.remaining(), 0.1))
    deadline = time.monotonic() + timeout  # the start of a new child included
    try:
        reply = latex_child.ask([sys.executable, "-I", str(_WORKER)], request, deadline)
    except TimeoutError:
        if budget_bound:
            raise limits.budget_error("parsing LaTeX") from None
        raise FormulaError(where, f"the LaTeX did not parse within {number_text(timeout)} s",
                           "simplify it or write the formula in plain syntax") from None
    except latex_child.ChildEnded as ended:
        raise FormulaError(where, f"the LaTeX parser stopped (exit code {ended.code}: {ended.last})",
                           "write the formula in plain syntax") from None
    return json.loads(reply)["results"]
