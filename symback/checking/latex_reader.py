r"""LaTeX input: the LaTeX students write, translated into the plain notation of :mod:`symback.checking.notation`.

One reader for formulas (:func:`symback.checking.notation.read_formula`, the ``ast`` whitelist underneath);
this module only translates, in process, in time linear in the text, and the report echoes the translation
(``read as 2*(o - t)*o*(1 - o)*i1``) so the user can confirm it.

Read: numbers, ``+ - * /``, ``\cdot``, ``\times``, ``\div``, ``\frac`` (``\dfrac``, ``\tfrac``), ``^``, ``\sqrt``
(``\sqrt[n]``), brackets with or without ``\left``/``\right``, ``|x|``, ``\exp``, ``e^{x}``, ``\ln`` and ``\log``
(``\log_{b}``), ``\tanh``, ``\sigma``, ``\max``, ``\min``, ``\operatorname{ReLU}`` (and the other built-in
functions by name), Greek letters (``\eta`` the learning rate, ``\delta^{(2)}_{1}`` a δ), ``\mathit{lr}``,
spacing (``\,`` ...), ``\partial`` and ``d`` in ``\frac{\partial L}{\partial w_1}`` (a derivative of the
problem's loss) and ``\frac{d}{dx}`` (a derivative of what follows). Names map back to the problem's: ``w_1``
-> ``w1``, ``w^{(1)}_{2,1}`` -> ``w1_2_1``, ``y_{j}`` -> ``y_j``; ``w_1'`` and ``w_1^{new}`` are updated
parameters. Side by side is a product (``2x``, ``o(1-o)`` when ``o`` is a name, ``x_1 (…)``); a name that is
not the problem's, applied to brackets, is refused unless it is a declared function. Refused with the fix:
integrals, sums, limits, matrices, ``\text``, ``x_12`` (write ``x_{12}``), thousands separators, factorials.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

import sympy as sp

from symback.checking.latex_commands import LatexCommands
from symback.checking.latex_scanner import BIG, BIG_CLOSE, CLOSE, MAX_LATEX_NESTING, OPEN, OPERATORS, SUPPORTED, TOKEN, joined, wrapped
from symback.checking.notation import Vocabulary, read_formula
from symback.engine.errors import FormulaError

MAX_LATEX_LENGTH = 2000  #: characters in one LaTeX formula


@dataclass(frozen=True)
class LatexFormula:
    """A LaTeX formula as SymPy and as the plain notation it was read as (show ``echo`` to confirm it)."""

    expr: sp.Expr
    echo: str


def read_latex(text: str, vocabulary: Vocabulary, where: str) -> LatexFormula:
    r"""One LaTeX formula (see the module docstring), translated and read by :func:`read_formula`.

    >>> read_latex(r"\frac{1}{1+e^{-x}}", Vocabulary(), "claim").echo
    '1/(1 + e^(-x))'
    """
    echo = latex_to_plain(text, vocabulary.names, where, vocabulary.functions)
    try:
        return LatexFormula(read_formula(echo, vocabulary, where), echo)
    except FormulaError as exc:  # quote the LaTeX as written, and how it was read
        message = re.sub(r" \(column \d+\)| at column \d+", "", exc.message)
        raise FormulaError(exc.where, message.replace(f" in '{echo}'", f" in '{text.strip()}' (read as {echo})")
                           .replace(f"'{echo}' is", f"'{text.strip()}' (read as {echo}) is"), exc.fix) from None


def latex_to_plain(text: str, names: Mapping[str, object] | Iterable[str] | None, where: str,
                   functions: Iterable[str] = ()) -> str:
    r"""LaTeX in the plain notation, products written out: ``o(1-o)`` -> ``o*(1 - o)`` (``o`` a name).

    ``names``: the problem's names (None: any name); ``functions``: declared abstract functions, which
    may be applied (``f(g(x))``).
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(where, "the LaTeX formula is empty or not text", "write a formula such as \\frac{1}{1+e^{-x}}")
    if len(text) > MAX_LATEX_LENGTH:
        raise FormulaError(where, f"the LaTeX formula is longer than {MAX_LATEX_LENGTH} characters",
                           "split it into several lines")
    if re.search(r"\d,\d{3}(?!\d)", text):
        raise FormulaError(where, f"a thousands separator (1,000 reads as 1000) in '{text.strip()}'",
                           "write 1000, or put a space after a comma between arguments")
    tokens = [(m.lastgroup, m.group(0)) for m in TOKEN.finditer(text.strip()) if m.lastgroup != "space"]
    translator = _Translator(tokens, None if names is None else set(names), set(functions), text.strip(), where)
    plain = translator.sequence(("end",))
    return plain


class _Translator(LatexCommands):
    """Recursive descent over LaTeX tokens, emitting plain-notation text: sequences and brackets here,
    names (:class:`LatexNames`) and commands (:class:`LatexCommands`) in their own modules."""

    # -- sequences of operands and operators -------------------------------------------------------
    def sequence(self, stops: tuple[str, ...], term: bool = False) -> str:
        """Operands and operators up to a stop token (not taken): ``}``, ``)``, ``|`` or the end; a
        ``term`` stops at ``+`` and ``-`` too (what ``\\frac{d}{dx}`` applies to)."""
        self.depth += 1
        if self.depth > MAX_LATEX_NESTING:
            self.fail(f"the formula is nested more than {MAX_LATEX_NESTING} levels deep", "split it into several lines")
        out: list[tuple[str, str]] = []  # (kind, text): operand, callee, op, comma
        while True:
            self.skip_spacing()
            kind, value = self.peek()
            if kind == "end" or value in stops or (term and value in ("+", "-") and out):
                break
            if (kind == "char" and value in "+-*/") or (kind == "command" and value[1:] in OPERATORS):
                self.i += 1
                out.append(("op", OPERATORS[value[1:]] if kind == "command" else value))
            elif value == ",":
                self.i += 1
                out.append(("comma", ","))
            elif value == "^" and out and out[-1][0] == "operand":
                self.i += 1
                base = out.pop()[1]
                out.append(("operand", f"{wrapped(base, power=True)}^{wrapped(self.argument(), power=True)}"))
                if self.peek()[1] in ("^", "_"):
                    self.fail("a second script after a superscript (x^{2}_{1}, a^b^c)",
                              "put the subscript first and brace nested scripts: x_{1}^{2}, a^{b^{c}}")
            elif value == "'" and out and out[-1][0] == "operand":
                self.i += 1
                out.append(("operand", out.pop()[1] + "'"))
            else:
                text = self.operand()
                out.append(("callee", text[:-1]) if text.endswith("\0") else ("operand", text))
        if term and not out:
            self.fail("\\frac{d}{dx} must be followed by an expression", "write \\frac{d}{dx}\\left(...\\right)")
        self.depth -= 1
        return joined(out)

    def operand(self) -> str:
        kind, value = self.peek()
        if kind == "number":
            self.i += 1
            return value
        if kind == "letter":
            return self.reference() or self.name(self.word())
        if value in OPEN or value in BIG:
            return self.bracketed()
        if value in ("|", "\\lvert", "\\vert"):
            self.i += 1
            inner = self.sequence(("|", "\\rvert", "\\vert"))
            if self.take()[1] not in ("|", "\\rvert", "\\vert"):
                self.fail("an absolute value |x| is never closed", "close it with |")
            return f"abs({inner})"
        if value == "{":
            return "(" + self.group() + ")"
        if kind == "command":
            return self.command(value[1:])
        if value in ("}", ")", "]"):
            self.fail(f"an unmatched '{value}'", "balance every bracket and brace")
        if value == "!":
            self.fail("a factorial is not supported", "write the product out")
        if value in "<>=":
            self.fail("'=' or an inequality inside the formula", "give one side at a time")
        if value in "_^":
            self.fail(f"a script '{value}' with nothing before it", "write it after a name, e.g. x_{1}, x^{2}")
        self.fail(f"'{value}' is not supported", SUPPORTED)

    def group(self) -> str:
        """The inside of ``{...}`` (the opening brace is next)."""
        self.take()
        inner = self.sequence(("}",))
        if self.take()[1] != "}":
            self.fail("a brace { is never closed", "close every {")
        return inner

    def bracketed(self) -> str:
        """``( )``, ``[ ]``, ``\\{ \\}``, ``\\left( \\right)``, ``\\left| \\right|``: bracketed text."""
        if self.peek()[1] in BIG:
            self.i += 1
        opening = self.take()[1]
        if opening not in OPEN and opening != "|":
            self.fail(f"'{opening}' after \\left is not a bracket", "write \\left( ... \\right)")
        inner = self.sequence(("|",) + tuple(BIG_CLOSE) if opening == "|" else tuple(CLOSE) + tuple(BIG_CLOSE))
        if self.peek()[1] in BIG_CLOSE:
            self.i += 1
        closing = self.take()[1]
        if (opening == "|") != (closing == "|") or (closing not in CLOSE and closing != "|"):
            self.fail("a bracket is never closed", "close every ( [ { |")
        return f"abs({inner})" if opening == "|" else f"({inner})"

    def argument(self, split: bool = False) -> str:
        """A script's or command's argument: ``{...}``, one digit or letter, or one operand.

        ``\\frac12`` is \\frac{1}{2} (``split``); ``x_12`` and ``x^12`` are x_{1}2 and x^{1}2 to TeX: refused.
        """
        self.skip_spacing()
        kind, value = self.peek()
        if value == "{":
            return self.group()
        if kind == "number" and len(value) > 1:
            if not split:
                self.fail(f"'{value}' after a script (TeX reads x_12 as x_{{1}}2)", "brace it: x_{12}, x^{12}")
            self.tokens[self.i] = ("number", value[1:])
            return value[0]
        if kind in ("number", "letter"):
            self.i += 1
            return value
        if value == "-":
            self.i += 1
            return "-" + self.argument(split)
        return self.operand()
