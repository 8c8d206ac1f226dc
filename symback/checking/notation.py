"""Hand-written formulas read as a person means them: the notation of homework and derivations.

Students write ``2(0.8176)``, ``w1 i1``, ``o(1 − o)``, ``h1²``, ``0.2439 · 2``, ``dL/dw1``, ``∂L/∂w1``,
``d(L)/d(w1)``, ``δ2_1``, ``w1'`` and ``η``; derivations ``d/dx(…)``, ``(…)'`` and ``f'(u)``. This module
turns one formula into the syntax of :func:`symback.engine.expr.parse_formula` (an ``ast`` whitelist),
token by token, and parses it there: nothing here evaluates user text. What a name means comes from a
:class:`Vocabulary`: a problem's names (then ``o(…)`` is a product when ``o`` is a name and not a function),
its quantities (a gradient, a local derivative, a δ, an update, the learning rate) and callable names.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> read_formula("2(x) + x y²", Vocabulary({"x": x, "y": y}), "line 1")
x*y**2 + 2*x
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from symback.engine.errors import FormulaError
from symback.engine.expr import FUNCTIONS, parse_as_written, parse_formula
from symback.engine.losses import LOSSES

MAX_ORDER = 5  #: highest derivative order ``diff(expr, x, n)``

_REPLACE = {"·": "*", "⋅": "*", "∙": "*", "×": "*", "✕": "*", "−": "-", "–": "-", "—": "-", "÷": "/",
            "′": "'", "’": "'", "″": "''", "σ": " sigmoid", "∂": "d", "\u200b": "",
            "½": "(1/2)", "⅓": "(1/3)", "¼": "(1/4)", "¾": "(3/4)"}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_TOKEN = re.compile(r"""(?P<space>\s+)|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)
                        |(?P<op>\*\*|[-+*/^,])|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<prime>'+)""", re.X)
_ENDS = {"number", "name", "close", "ref"}
_STARTS = {"number", "name", "open", "ref"}
RATE_NAMES = ("eta", "lr")  #: the learning rate's names (and η) when the problem has no such name


@dataclass(frozen=True)
class Vocabulary:
    """What the names of a formula mean.

    ``names``: the problem's names and symbols (``None``: every name is a new symbol); ``functions``: extra
    callable names (``diff``, declared abstract functions and their derivatives); ``quantity(kind, name,
    child, where)``: the symbol standing for a quantity (kind ``derivative``, ``delta`` or ``updated``),
    or None when the text names none; ``rate``: the learning rate, for ``η``, ``eta`` and ``lr``.
    """

    names: Mapping[str, sp.Symbol] | None = None
    functions: Mapping[str, tuple] = field(default_factory=dict)
    quantity: Callable[[str, str, str, str], sp.Symbol | None] | None = None
    rate: sp.Expr | None = None

    def callable(self, name: str) -> bool:
        return name in FUNCTIONS or name in LOSSES or name == "softmax" or name in self.functions

    def known(self, name: str) -> bool:
        return self.names is not None and name in self.names


@dataclass
class _Token:
    kind: str
    text: str


def normalize(text: str) -> str:
    """Unicode operators, superscripts, primes and Greek letters in ASCII: ``h1² · η`` -> ``h1^(2) * eta``."""
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "'" if set(m.group(0)) == {"⁺"} else f"^({m.group(0).translate(_SUPERSCRIPTS)})",
                                text)
    return "".join(f" {_greek(c)}" if _greek(c) else c for c in text)


def _greek(char: str) -> str:
    """A Greek letter's name (``η`` -> ``eta``), or '' for any other character."""
    if not "\u0370" <= char <= "\u03ff":
        return ""
    name = unicodedata.name(char, "")
    return name.removeprefix("GREEK SMALL LETTER ").lower() if name.startswith("GREEK SMALL LETTER ") else ""


def _tokens(text: str, where: str) -> list[_Token]:
    found, index = [], 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            raise FormulaError(where, f"cannot read '{text[index]}' in '{text.strip()}'",
                               "use numbers, names, + - * / ^ · ×, parentheses and function calls")
        if match.lastgroup != "space":
            found.append(_Token(match.lastgroup, match.group(0)))
        index = match.end()
    return found


def plain_syntax(text: str, vocabulary: Vocabulary, where: str) -> tuple[str, dict[str, sp.Symbol]]:
    """``text`` in the parser's syntax, and the placeholder names it uses for quantities -> their symbols."""
    reader = _Reader(_tokens(normalize(text), where), vocabulary, where)
    return reader.read(), reader.placeholders


def read_formula(text: str, vocabulary: Vocabulary, where: str, as_written: bool = False) -> sp.Expr:
    """One formula as a person means it (see the module docstring), parsed by the ``ast`` whitelist.

    ``as_written``: keep it unevaluated (``2*(o - t)`` stays so), for printing it back.
    """
    syntax, placeholders = plain_syntax(text, vocabulary, where)
    names = None if vocabulary.names is None else {**vocabulary.names, **placeholders}
    try:
        expr = parse_formula(syntax, names, where, vocabulary.functions).expr
    except FormulaError as exc:
        message = exc.message
        if syntax != text.strip():  # quote the formula as written, not its parser form (columns are the parser's)
            message = re.sub(r" \(column \d+\)| at column \d+", "", message.replace(f"'{syntax}'", f"'{text.strip()}'"))
        fix = exc.fix
        if "unknown function" in message and vocabulary.names is None:
            fix += "; declare abstract functions with '# functions: f, g' at the top"
        raise FormulaError(exc.where, message, fix) from None
    return parse_as_written(syntax, names, vocabulary.functions, expr) if as_written else expr


class _Reader:
    """One pass over the tokens: quantities to placeholders, derivative notation to calls, ``*`` where implied."""

    def __init__(self, tokens: list[_Token], vocabulary: Vocabulary, where: str) -> None:
        self.tokens, self.vocabulary, self.where = tokens, vocabulary, where
        self.placeholders: dict[str, sp.Symbol] = {}

    def fail(self, message: str, fix: str):
        raise FormulaError(self.where, message, fix)

    def read(self) -> str:
        out = self.items(0, len(self.tokens))
        return " ".join(t.text for t in self.implied(out))

    def items(self, start: int, end: int) -> list[_Token]:
        """The tokens ``start:end`` rewritten (a bracket group is read as a whole)."""
        out: list[_Token] = []
        i = start
        while i < end:
            token = self.tokens[i]
            if (found := self.reference(i, end)) is not None:
                out.append(found[0])
                i = found[1]
            elif (found := self.operator(i, end)) is not None:
                out.append(found[0])
                i = found[1]
            elif token.kind == "open":
                close = self.closing(i, end)
                out.append(_Token("group", "(" + " ".join(t.text for t in self.implied(self.items(i + 1, close))) + ")"))
                i = close + 1
            elif token.kind == "close":
                self.fail("a bracket is never opened", "balance every ) ] }")
            elif token.kind == "prime":
                out = self.primed(out, len(token.text))
                i += 1
            elif token.kind == "name" and i + 1 < end and self.tokens[i + 1].kind == "prime":
                out.append(self.primed_name(token.text, len(self.tokens[i + 1].text), i + 2 < end and
                                            self.tokens[i + 2].kind == "open"))
                i += 2
            else:
                out.append(self.word(token))
                i += 1
        return out

    def closing(self, start: int, end: int) -> int:
        depth = 0
        for i in range(start, end):
            depth += (self.tokens[i].kind == "open") - (self.tokens[i].kind == "close")
            if depth == 0:
                return i
        self.fail("a bracket is never closed", "close every ( [ {")

    def word(self, token: _Token) -> _Token:
        """A name: the learning rate, a δ or an updated parameter's other spellings, or itself."""
        vocabulary, text = self.vocabulary, token.text
        if token.kind != "name" or vocabulary.quantity is None or vocabulary.known(text):
            return token
        if text in RATE_NAMES and vocabulary.rate is not None:
            return _Token("ref", f"({vocabulary.rate})")
        if text.startswith("delta") and len(text) > 5:
            return self.placeholder(vocabulary.quantity("delta", text[5:].lstrip("_"), "", self.where), token)
        if text.endswith("_new") and vocabulary.known(text[:-4]):
            return self.placeholder(vocabulary.quantity("updated", text[:-4], "", self.where), token)
        return token

    def placeholder(self, symbol: sp.Symbol | None, token: _Token) -> _Token:
        if symbol is None:
            return token
        name = next((k for k, v in self.placeholders.items() if v == symbol), f"_q{len(self.placeholders)}")
        self.placeholders[name] = symbol
        return _Token("ref", name)

    def d_term(self, i: int, end: int, loose: bool = False) -> tuple[str, int] | None:
        """``dX`` (X one of the problem's names, any name when ``loose``) or ``d(X)`` at ``i`` (``∂`` is read
        as d): (X, the index after it)."""
        tokens = self.tokens
        if i >= end or tokens[i].kind != "name" or not tokens[i].text.startswith("d"):
            return None
        if tokens[i].text == "d" and i + 3 < end and tokens[i + 1].kind == "open" and tokens[i + 2].kind == "name" \
                and tokens[i + 3].kind == "close":
            return tokens[i + 2].text, i + 4
        name = tokens[i].text[1:]
        if (self.vocabulary.known(name) or (loose and name)) and not self.vocabulary.known(tokens[i].text):
            return name, i + 1
        return None

    def reference(self, i: int, end: int) -> tuple[_Token, int] | None:
        """``dL/dw1``, ``∂L/∂w1``, ``d(L)/d(w1)``: a derivative of the problem's quantities."""
        top = self.d_term(i, end)
        if top is None or top[1] >= end or self.tokens[top[1]].text != "/":
            return None
        bottom = self.d_term(top[1] + 1, end, loose=self.vocabulary.names is not None)  # dL/dw9: w9 is named
        if bottom is None:
            return None
        if self.vocabulary.quantity is None:
            self.fail(f"d{top[0]}/d{bottom[0]} is a derivative of a problem's quantity",
                      "check homework against a problem with --spec, or write diff(expr, x)")
        symbol = self.vocabulary.quantity("derivative", bottom[0], top[0], self.where)
        return (self.placeholder(symbol, self.tokens[i]), bottom[1]) if symbol is not None else None

    def operator(self, i: int, end: int) -> tuple[_Token, int] | None:
        """``d/dx`` applied to the bracket group or the term after it: ``diff(…, x)``."""
        tokens = self.tokens
        if not (tokens[i].kind == "name" and tokens[i].text == "d" and i + 2 < end and tokens[i + 1].text == "/"
                and tokens[i + 2].kind == "name" and tokens[i + 2].text.startswith("d") and len(tokens[i + 2].text) > 1):
            return None
        variable, start = tokens[i + 2].text[1:], i + 3
        if start >= end:
            self.fail("d/dx must be followed by an expression", "write d/dx(expr) or diff(expr, x)")
        if tokens[start].kind == "open":
            stop = self.closing(start, end) + 1
        else:
            stop, depth = start, 0
            while stop < end and not (depth == 0 and (tokens[stop].text in "+-," or tokens[stop].kind == "close")):
                depth += (tokens[stop].kind == "open") - (tokens[stop].kind == "close")
                stop += 1
        inner = " ".join(t.text for t in self.implied(self.items(start, stop)))
        return _Token("group", f"diff({inner}, {variable})"), stop

    def primed_name(self, name: str, order: int, call: bool) -> _Token:
        """``f'`` before ``(`` (a declared function's derivative), or ``w1'`` (an updated parameter)."""
        if call and f"{name}__d{order}" in self.vocabulary.functions:
            return _Token("name", f"{name}__d{order}")
        if not call and order == 1 and self.vocabulary.quantity is not None:
            symbol = self.vocabulary.quantity("updated", name, "", self.where)
            if symbol is not None:
                return self.placeholder(symbol, _Token("name", name))
        if call:
            self.fail(f"'{name}' is not a declared function", f"declare it: # functions: {name}")
        self.fail("a prime ' must follow a bracketed expression, a declared function or a parameter",
                  "write (expr)' or diff(expr, x)")

    def primed(self, out: list[_Token], order: int) -> list[_Token]:
        """``(e)'`` -> ``__prime(e)`` (a call's name belongs to the group: ``f(x)'``)."""
        if not out or out[-1].kind != "group":
            self.fail("a prime ' must follow a bracketed expression or a declared function",
                      "write (expr)' or diff(expr, x)")
        group = out.pop()
        inner = re.fullmatch(r"\(\s*([A-Za-z]\w*)\s*\)", group.text)
        if inner and order == 1 and self.vocabulary.quantity is not None and self.vocabulary.known(inner.group(1)):
            symbol = self.vocabulary.quantity("updated", inner.group(1), "", self.where)  # {w1}': an update
            if symbol is not None:
                return out + [self.placeholder(symbol, group)]
        if out and out[-1].kind == "name" and not self.vocabulary.known(out[-1].text):  # a call: f(x)', sin(x)'
            group = _Token("group", out.pop().text + group.text)
        for _ in range(order):
            group = _Token("group", f"__prime({group.text})")
        return out + [group]

    def implied(self, tokens: list[_Token]) -> list[_Token]:
        """``*`` between two operands written side by side: ``2(x)``, ``w1 i1``, ``(a)(b)``, ``o(1 - o)``
        (a call instead when the name is a function, or any name without a problem's names)."""
        out: list[_Token] = []
        for token in tokens:
            if out and self.ends(out[-1]) and self.starts(token):
                previous = out[-1]
                call = token.kind == "group" and token.text.startswith("(") and previous.kind == "name" and (
                    self.vocabulary.callable(previous.text) or self.vocabulary.names is None)
                if not call and not (previous.kind == token.kind == "number"):
                    out.append(_Token("op", "*"))
            out.append(token)
        return out

    @staticmethod
    def ends(token: _Token) -> bool:
        return token.kind in _ENDS or token.kind == "group"

    @staticmethod
    def starts(token: _Token) -> bool:
        return token.kind in _STARTS or token.kind == "group"


def derivative_functions(declared: list[str]) -> dict:
    """The parser's extra calls of a derivation: ``diff``, ``__prime``, each abstract function and its derivatives."""
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
