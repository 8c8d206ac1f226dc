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

from symback.checking.notation import RATE_NAMES, Vocabulary, read_formula
from symback.engine.errors import FormulaError
from symback.engine.expr import FUNCTIONS, quoted

MAX_LATEX_LENGTH = 2000  #: characters in one LaTeX formula
MAX_DEPTH = 100          #: nesting of brackets and braces
SUPPORTED = "use \\frac, \\cdot, \\sigma(...), \\exp, \\ln, \\tanh, \\sqrt, \\max, Greek letters, or plain syntax"

_TOKEN = re.compile(r"(?P<command>\\(?:[A-Za-z]+|.))|(?P<number>\d+\.?\d*|\.\d+)|(?P<letter>[A-Za-z])"
                    r"|(?P<space>\s+)|(?P<char>.)", re.S)
_GREEK = frozenset("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
                   "pi rho tau upsilon phi varphi chi psi omega".split())
_FUNCTIONS = {"sigma": "sigmoid", "tanh": "tanh", "exp": "exp", "ln": "log", "log": "log", "sqrt": "sqrt",
              "max": "max", "min": "min"}
_NAMED = ("operatorname", "mathrm", "mathit")
_SPACES = frozenset([",", ";", ":", "!", " ", "quad", "qquad", "left", "right", "big", "Big", "bigl", "bigr",
                     "Bigl", "Bigr", "displaystyle"])
_OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_OPEN, _CLOSE = {"(": ")", "[": ")", "\\{": ")", "\\lbrace": ")", "\\langle": ")"}, {")", "]", "\\}", "\\rbrace"}
_REFUSED = {
    **dict.fromkeys(["int", "sum", "prod", "lim", "infty", "oint"],
                    ("is not supported (no integrals, sums, products or limits)", "write the expanded formula")),
    **dict.fromkeys(["begin", "end"], ("is not supported (no matrices or environments)", "write one entry at a time")),
    **dict.fromkeys(["text", "textrm", "mathbf", "mathsf", "boldsymbol"],
                    ("is text, not a formula", "write names as letters with subscripts, e.g. w_{1}")),
    **dict.fromkeys(["leq", "geq", "le", "ge", "neq", "approx", "lt", "gt"],
                    ("'=' or an inequality inside the formula", "give one side at a time")),
    "nabla": ("is not supported", "write each partial derivative, e.g. \\frac{\\partial L}{\\partial w_1}"),
}


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
    tokens = [(m.lastgroup, m.group(0)) for m in _TOKEN.finditer(text.strip()) if m.lastgroup != "space"]
    translator = _Translator(tokens, None if names is None else set(names), set(functions), text.strip(), where)
    plain = translator.sequence(("end",))
    return plain


_BIG = frozenset(["\\left", "\\bigl", "\\Bigl", "\\big", "\\Big"])
_BIG_CLOSE = frozenset(["\\right", "\\bigr", "\\Bigr", "\\big", "\\Big"])


class _Translator:
    """Recursive descent over LaTeX tokens, emitting plain-notation text."""

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
        while (self.peek()[0] == "command" and self.peek()[1][1:] in _SPACES) or self.peek()[1] in ("&", "~", "\\\\"):
            self.i += 1

    # -- sequences of operands and operators -------------------------------------------------------
    def sequence(self, stops: tuple[str, ...], term: bool = False) -> str:
        """Operands and operators up to a stop token (not taken): ``}``, ``)``, ``|`` or the end; a
        ``term`` stops at ``+`` and ``-`` too (what ``\\frac{d}{dx}`` applies to)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"the formula is nested more than {MAX_DEPTH} levels deep", "split it into several lines")
        out: list[tuple[str, str]] = []  # (kind, text): operand, callee, op, comma
        while True:
            self.skip_spacing()
            kind, value = self.peek()
            if kind == "end" or value in stops or (term and value in ("+", "-") and out):
                break
            if (kind == "char" and value in "+-*/") or (kind == "command" and value[1:] in _OPERATORS):
                self.i += 1
                out.append(("op", _OPERATORS[value[1:]] if kind == "command" else value))
            elif value == ",":
                self.i += 1
                out.append(("comma", ","))
            elif value == "^" and out and out[-1][0] == "operand":
                self.i += 1
                base = out.pop()[1]
                out.append(("operand", f"{_wrapped(base, power=True)}^{_wrapped(self.argument(), power=True)}"))
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
        return _joined(out)

    def operand(self) -> str:
        kind, value = self.peek()
        if kind == "number":
            self.i += 1
            return value
        if kind == "letter":
            return self.reference() or self.name(self.word())
        if value in _OPEN or value in _BIG:
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
        if self.peek()[1] in _BIG:
            self.i += 1
        opening = self.take()[1]
        if opening not in _OPEN and opening != "|":
            self.fail(f"'{opening}' after \\left is not a bracket", "write \\left( ... \\right)")
        inner = self.sequence(("|",) + tuple(_BIG_CLOSE) if opening == "|" else tuple(_CLOSE) + tuple(_BIG_CLOSE))
        if self.peek()[1] in _BIG_CLOSE:
            self.i += 1
        closing = self.take()[1]
        if (opening == "|") != (closing == "|") or (closing not in _CLOSE and closing != "|"):
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

    # -- names, quantities and commands ------------------------------------------------------------
    def word(self) -> str:
        """The longest run of letters and digits that is a known word (a name, ``lr``, ``relu``), else one letter."""
        run, best, j = "", None, self.i
        while j < len(self.tokens) and self.tokens[j][0] in ("letter", "number") and "." not in self.tokens[j][1]:
            run += self.tokens[j][1]
            j += 1
            if len(run) > 1 and run in self.words:
                best = (run, j)
        if best is not None:
            self.i = best[1]
            return best[0]
        return self.take()[1]

    def name(self, base: str) -> str:
        """A name with its scripts (``w^{(1)}_{2,1}``, ``x_1``, ``w_1'``) in the problem's spelling; a name
        applied to brackets ends in NUL (a call) when it is a function's."""
        if base in FUNCTIONS and base not in (self.names or ()):
            return self.function(base)
        layer, subs, primes = "", [], ""
        while True:
            value = self.peek()[1]
            if value == "_" and not subs:
                self.i += 1
                subs = self.subscript()
            elif value == "^" and (found := self.superscript(base, subs)) is not None:
                layer, primes = (layer, primes + "'") if found == "'" else (found, primes)
            elif value == "'":
                self.i += 1
                primes += "'"
            else:
                break
        if subs and subs[-1] == "new":
            subs, primes = subs[:-1], primes + "'"
        for sub in subs:
            if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                self.fail(f"the subscript '{sub}'", "use letters and numbers as subscripts, e.g. y_j, w_{12}, w_{2,1}")
        candidates = _spellings(base, layer, subs)
        chosen = next((c for c in candidates if c in (self.names or ()) or c in RATE_NAMES), candidates[0])
        if self.peek()[1] in ("(", "\\left"):
            if chosen in self.functions:
                return chosen + primes + "\0"
            if self.names is None or chosen not in self.names:
                self.fail(f"'{chosen}(...)' reads as a call of a function {chosen}",
                          f"for a product write {chosen} \\cdot (...), or declare the function: # functions: {chosen}")
        return chosen + primes

    def subscript(self) -> list[str]:
        """A subscript's indices as written: ``_1``, ``_{12}``, ``_{2,1}``, ``_{j}``, ``_{\\text{new}}``."""
        if self.peek()[1] != "{":
            return [self.argument()]  # one letter or digit (x_12 refused there), or a Greek letter
        self.i += 1
        depth, text = 0, ""
        while True:
            kind, value = self.take()
            if kind == "end":
                self.fail("a brace { is never closed", "close every {")
            if value in ("{", "}"):
                if value == "}" and depth == 0:
                    return [part for part in text.split(",") if part]
                depth += 1 if value == "{" else -1
            elif kind in ("letter", "number") or value == ",":
                text += value
            elif value not in ("\\text", "\\mathrm", "\\mathit"):
                self.fail(f"the subscript '{value}'", "use letters and numbers as subscripts, e.g. y_j, w_{12}, w_{2,1}")

    def superscript(self, base: str, subs: list[str]) -> str | None:
        """``^{(1)}`` (a layer, before a subscript or of one of the problem's names), ``^{new}``, ``^{+}``,
        ``^{\\prime}`` (an update, a prime): taken; a power: None."""
        start = self.i
        self.i += 1
        if self.peek()[1] == "{":
            depth, j = 0, self.i
            while j < len(self.tokens):
                depth += {"{": 1, "}": -1}.get(self.tokens[j][1], 0)
                if depth == 0:
                    break
                j += 1
            text, end = "".join(v for _, v in self.tokens[self.i + 1:j]), j + 1
        else:
            text, end = self.peek()[1], self.i + 1
        layer = re.fullmatch(r"\((\d+)\)", text)
        after = self.tokens[end][1] if end < len(self.tokens) else ""
        if layer and (after == "_" or subs or base == "delta" or any(
                n.startswith(base + layer.group(1)) for n in self.names or ())):
            self.i = end
            return layer.group(1)
        if text in ("new", "+", "\\prime", "\\text{new}", "\\mathrm{new}", "*"):
            self.i = end
            return "'"
        self.i = start
        return None

    def reference(self) -> str | None:
        """``dL/dw_1`` written inline (the problem's names only)."""
        if self.names is None or self.peek()[1] != "d" or self.peek(1)[0] != "letter":
            return None
        start = self.i
        if self.word() != "d":  # a word of its own (a name starting with d)
            self.i = start
            return None
        top = self.name(self.word())
        if top in self.names and self.peek()[1] == "/" and self.peek(1)[1] == "d" and self.peek(2)[0] == "letter":
            self.i += 2
            return f"(d({top})/d({self.name(self.word())}))"
        self.i = start
        return None

    def command(self, name: str) -> str:
        self.i += 1
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction()
        if name == "sqrt":
            if self.peek()[1] == "[":
                self.i += 1
                degree = self.sequence(("]",))
                self.i += 1
                return f"({self.argument()})^(1/{_wrapped(degree)})"
            return f"sqrt({self.argument()})"
        if name in _NAMED:
            if self.take()[1] != "{":
                self.fail(f"\\{name} without {{...}}", "write e.g. \\operatorname{ReLU}(x)")
            word = ""
            while self.peek()[0] in ("letter", "number") or self.peek()[1] == "_":
                word += self.take()[1]
            if self.take()[1] != "}" or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word):
                self.fail(f"\\{name}{{...}} is not a name", "write a name of letters and digits, e.g. \\mathit{lr}")
            return self.function(word.lower()) if word.lower() in FUNCTIONS else self.name(word)
        if name == "partial":
            self.fail("\\partial outside a derivative", "write \\frac{\\partial L}{\\partial w_1}")
        if name == "sigma" and self.peek()[1] not in ("(", "^", "{", "[") + tuple(_BIG) and self.peek()[0] != "letter":
            if self.names is not None and "sigma" in self.names:
                return self.name("sigma")
            self.fail("\\sigma without an argument", "write \\sigma(z) for the sigmoid of z")
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name])
        if name in _GREEK:
            return self.name(name.removeprefix("var"))
        if name in ("{", "lbrace"):
            self.i -= 1
            return self.bracketed()
        message, fix = _REFUSED.get(name, ("is not supported", SUPPORTED))
        self.fail(f"\\{name} {message}", fix)

    def function(self, function: str) -> str:
        """A function applied: ``\\tanh(x)``, ``\\tanh^2 x``, ``\\log_{2} t``, ``\\exp{-x}``."""
        power = base = None
        while self.peek()[1] in ("^", "_"):
            if self.take()[1] == "^":
                power = self.argument()
            else:
                base = self.argument()
        self.skip_spacing()
        if self.peek()[1] in ("(", "[") or self.peek()[1] in _BIG:
            inner = self.bracketed()[1:-1]
        elif self.peek()[0] == "end" or self.peek()[1] in ("+", "-", "}", ")", "="):
            self.fail(f"{function} without an argument", f"write {function}(x)")
        else:
            inner = self.argument()
        text = f"{function}({inner})"
        if base is not None:
            if function != "log":
                self.fail(f"a subscript on {function}", "write the function without a subscript")
            if re.fullmatch(r"-.*|0*\.?0*|0*1(\.0*)?", base.strip()):
                self.fail(f"\\log_{{{base}}} has no meaning (a logarithm's base is positive and not 1)",
                          "use \\ln or a base such as \\log_{2}")
            text = f"(log({inner})/log({base}))"
        return text if power is None else f"{text}^{_wrapped(power, power=True)}"

    def fraction(self) -> str:
        """``\\frac{a}{b}``; ``\\frac{\\partial L}{\\partial w}`` a derivative of the loss; ``\\frac{d}{dx} …`` an operator."""
        start = self.i
        top = self.derivative_part()
        bottom = self.derivative_part() if top is not None else None
        if top is not None and bottom is not None and bottom[0]:
            (quantity, top_order), (variable, order) = top, bottom
            if quantity:
                if self.names is None:
                    self.fail(f"\\frac{{d {quantity}}}{{d {variable}}} is a derivative of a problem's quantity",
                              "check homework against a problem with --spec, or write \\frac{d}{dx}(...)")
                if order != "1" or top_order != "1":
                    self.fail("a second derivative of a quantity", "write first derivatives, one per line")
                return f"(d({quantity})/d({variable}))"
            if "diff" not in self.functions:
                self.fail("derivative notation (\\frac{d}{dx}) in a claim", "write the derivative's formula itself")
            self.skip_spacing()
            inner = self.bracketed()[1:-1] if self.peek()[1] in ("(", "[") + tuple(_BIG) else \
                self.sequence(("}", ")", "]", "|", ",") + tuple(_BIG_CLOSE), term=True)
            return f"diff({inner}, {variable}{', ' + order if order != '1' else ''})"
        self.i = start
        numerator, denominator = self.argument(split=True), self.argument(split=True)
        return f"{_wrapped(numerator, sums=True)}/{_wrapped(denominator)}"

    def derivative_part(self) -> tuple[str, str] | None:
        """``{d}``, ``{\\partial L}``, ``{d^2}``, ``{dx^2}``: (the name after d or '', the order), else None."""
        if self.peek()[1] != "{" or self.peek(1)[1] not in ("d", "\\partial"):
            return None
        self.i += 2
        order, name = "1", ""
        if self.peek()[1] == "^":
            self.i += 1
            order = self.argument()
        kind, value = self.peek()
        if kind == "letter" or (kind == "command" and value[1:] in _GREEK):
            base = self.word() if kind == "letter" else self.take()[1][1:].removeprefix("var")
            name = self.name_without_power(base)
            if self.peek()[1] == "^":
                self.i += 1
                order = self.argument()
        self.skip_spacing()
        if self.take()[1] != "}" or not order.isdigit():
            return None
        return name, order

    def name_without_power(self, base: str) -> str:
        """A name in a derivative's denominator: ``dx^2`` is the second derivative by x, not by x²."""
        name = self.name(base)
        if name.endswith("\0") or "'" in name:
            self.fail("a derivative by a function or an update", "differentiate by a name, e.g. \\frac{d}{dx}")
        return name


def _spellings(base: str, layer: str, subs: list[str]) -> list[str]:
    """The problem's possible spellings of a LaTeX name, preferred first: ``w^{(1)}_{2,1}`` -> ``w1_2_1``."""
    if layer:
        return [f"{base}{layer}" + "".join(f"_{s}" for s in subs), f"{base}{layer}{''.join(subs)}"]
    if not subs:
        return [base]
    return list(dict.fromkeys([f"{base}_{'_'.join(subs)}", f"{base}{''.join(subs)}",
                               f"{base}{subs[0]}" + "".join(f"_{s}" for s in subs[1:])]))


def _top_level(text: str) -> set[str]:
    """The operators of ``text`` outside brackets (``+`` and ``-`` only where binary)."""
    found, depth = set(), 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in "*/^":
            found.add(char)
        elif depth == 0 and char in "+-" and index > 0 and text[index - 1] == " ":
            found.add(char)
    return found


def _wrapped(text: str, power: bool = False, sums: bool = False) -> str:
    """``text`` bracketed where it would not stay one operand: a denominator, an exponent, a power's base."""
    operators = _top_level(text)
    if sums:
        needs = bool(operators & {"+", "-"})
    else:
        needs = bool(operators - ({"^"} if not power else set())) or text.startswith("-")
    return f"({text})" if needs else text


def _joined(items: list[tuple[str, str]]) -> str:
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
