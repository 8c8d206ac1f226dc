"""LaTeX commands, for :mod:`symback.checking.latex_reader`: functions, fractions, derivatives, refusals.

``\\frac{a}{b}``, ``\\sqrt[n]{x}``, ``\\tanh^2 x``, ``\\log_{2} t``, ``\\operatorname{ReLU}(x)``,
``\\frac{\\partial L}{\\partial w_1}`` (a derivative of the problem's loss), ``\\frac{d}{dx} …`` (a derivative
of what follows, in a derivation); everything else is refused with the reason and the fix.
"""
from __future__ import annotations

import re

from symback.checking.latex_names import LatexNames
from symback.checking.latex_scanner import BIG, BIG_CLOSE, SUPPORTED, wrapped
from symback.engine.names import GREEK
from symback.engine.expr import FUNCTIONS

_FUNCTIONS = {"sigma": "sigmoid", "tanh": "tanh", "exp": "exp", "ln": "log", "log": "log", "sqrt": "sqrt",
              "max": "max", "min": "min"}
_NAMED = ("operatorname", "mathrm", "mathit")
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


class LatexCommands(LatexNames):
    """The command-reading part of the LaTeX translator."""

    def command(self, name: str) -> str:
        self.i += 1
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction()
        if name == "sqrt":
            if self.peek()[1] == "[":
                self.i += 1
                degree = self.sequence(("]",))
                self.i += 1
                return f"({self.argument()})^(1/{wrapped(degree)})"
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
        if name == "sigma" and self.peek()[1] not in ("(", "^", "{", "[") + tuple(BIG) and self.peek()[0] != "letter":
            if self.names is not None and "sigma" in self.names:
                return self.name("sigma")
            self.fail("\\sigma without an argument", "write \\sigma(z) for the sigmoid of z")
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name])
        if name in GREEK:
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
        if self.peek()[1] in ("(", "[") or self.peek()[1] in BIG:
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
        return text if power is None else f"{text}^{wrapped(power, power=True)}"

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
            inner = self.bracketed()[1:-1] if self.peek()[1] in ("(", "[") + tuple(BIG) else \
                self.sequence(("}", ")", "]", "|", ",") + tuple(BIG_CLOSE), term=True)
            return f"diff({inner}, {variable}{', ' + order if order != '1' else ''})"
        self.i = start
        numerator, denominator = self.argument(split=True), self.argument(split=True)
        return f"{wrapped(numerator, sums=True)}/{wrapped(denominator)}"

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
        if kind == "letter" or (kind == "command" and value[1:] in GREEK):
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
