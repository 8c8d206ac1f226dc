"""The scanner under the LaTeX reader (:mod:`symback.checking.latex_reader`): tokens, their constants, and text.

:class:`LatexScanner` walks the tokens (``peek``, ``take``, spacing) and fails with one line; :func:`wrapped`
and :func:`joined` build the plain notation's text (brackets where an operand would not stay one, ``*``
between operands written side by side).
"""
from __future__ import annotations

import re

from symback.checking.notation import RATE_NAMES
from symback.engine.errors import FormulaError
from symback.engine.expr import FUNCTIONS, quoted

MAX_LATEX_NESTING = 100  #: nesting of brackets and braces the recursive LaTeX reader follows (each level is several frames)
SUPPORTED = "use \\frac, \\cdot, \\sigma(...), \\exp, \\ln, \\tanh, \\sqrt, \\max, Greek letters, or plain syntax"
TOKEN = re.compile(r"(?P<command>\\(?:[A-Za-z]+|.))|(?P<number>\d+\.?\d*|\.\d+)|(?P<letter>[A-Za-z])"
                   r"|(?P<space>\s+)|(?P<char>.)", re.S)
SPACES = frozenset([",", ";", ":", "!", " ", "quad", "qquad", "left", "right", "big", "Big", "bigl", "bigr",
                    "Bigl", "Bigr", "displaystyle"])
OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
OPEN, CLOSE = {"(": ")", "[": ")", "\\{": ")", "\\lbrace": ")", "\\langle": ")"}, {")", "]", "\\}", "\\rbrace"}
BIG = frozenset(["\\left", "\\bigl", "\\Bigl", "\\big", "\\Big"])
BIG_CLOSE = frozenset(["\\right", "\\bigr", "\\Bigr", "\\big", "\\Big"])


class LatexScanner:
    """The tokens of one LaTeX formula and the position in them."""

    def __init__(self, tokens, names, functions, text, where) -> None:
        self.tokens, self.names, self.functions, self.text, self.where = tokens, names, functions, text, where
        self.i = self.depth = 0
        self.words = ({*names, *RATE_NAMES} if names is not None else set()) | set(FUNCTIONS)

    def fail(self, message: str, fix: str):
        raise FormulaError(self.where, f"{message} in '{quoted(self.text)}'", fix)

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.i += 1
        return token

    def skip_spacing(self) -> None:
        while (self.peek()[0] == "command" and self.peek()[1][1:] in SPACES) or self.peek()[1] in ("&", "~", "\\\\"):
            self.i += 1


def top_level(text: str) -> set[str]:
    """The operators of ``text`` outside brackets (``+`` and ``-`` only where binary)."""
    found, depth = set(), 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in "*/^":
            found.add(char)
        elif depth == 0 and char in "+-" and index > 0 and text[index - 1] == " ":
            found.add(char)
    return found


def wrapped(text: str, power: bool = False, sums: bool = False) -> str:
    """``text`` bracketed where it would not stay one operand: a denominator, an exponent, a power's base."""
    operators = top_level(text)
    if sums:
        needs = bool(operators & {"+", "-"})
    else:
        needs = bool(operators - ({"^"} if not power else set())) or text.startswith("-")
    return f"({text})" if needs else text


def joined(items: list[tuple[str, str]]) -> str:
    """Operands and operators as text: ``*`` between operands side by side, none after a function's name."""
    out: list[str] = []
    previous = None
    for kind, text in items:
        if kind in ("operand", "callee") and previous in ("operand", "callee"):
            out.append("" if previous == "callee" and text.startswith("(") else "*")
        if kind == "op":
            out.append(f" {text} " if text in "+-" and previous in ("operand", "callee") else text)
        elif kind == "comma":
            out.append(", ")
        else:
            out.append(text)
        previous = kind
    return "".join(out)
