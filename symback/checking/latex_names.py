"""Names in LaTeX, for :mod:`symback.checking.latex_reader`: scripts, layer indices, primes, the problem's spelling.

``w^{(1)}_{2,1}`` is w1_2_1, ``x_1`` is x1 or x_1 (whichever the problem has), ``w_1'``, ``w_1^{new}`` and
``w^{(1)\\prime}_{1,1}`` are updated parameters, ``x^{2}_{1}`` is x_1 squared (TeX's order), and a run of
letters that is one of the problem's names (``lr``, ``l1``) is that name, not a product of letters.
"""
from __future__ import annotations

import re

from symback.checking.latex_scanner import LatexScanner, wrapped
from symback.checking.notation import RATE_NAMES
from symback.engine.expr import FUNCTIONS


class LatexNames(LatexScanner):
    """The name-reading part of the LaTeX translator (a mixin of :class:`symback.checking.latex_reader`'s)."""

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
        layer, subs, primes, power, superscripts = "", [], "", None, 0
        while True:
            value = self.peek()[1]
            if value == "_" and not subs:
                self.i += 1
                subs = self.subscript()
            elif value == "^" and (found := self.superscript(base, subs)) is not None:
                layer, primes = (layer or found.rstrip("'"), primes + "'" * found.count("'"))
                superscripts += 1
            elif value == "^" and not subs and power is None and self._subscript_after_power():
                self.i += 1  # x^{2}_{1}: TeX's x_1 squared
                power = self.argument()
                superscripts += 1
            elif value == "'":
                if superscripts:
                    self.fail("a prime after a superscript (TeX stops at the double superscript)",
                              "put the prime in the superscript, e.g. w^{(1)\\prime}_{1,1}")
                self.i += 1
                primes += "'"
            else:
                break
        if subs and subs[-1] == "new":
            subs, primes = subs[:-1], primes + "'"
        for sub in subs:
            if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                self.fail(f"the subscript '{sub}'", "use letters and numbers as subscripts, e.g. y_j, w_{12}, w_{2,1}")
        candidates = spellings(base, layer, subs)
        chosen = next((c for c in candidates if c in (self.names or ()) or c in RATE_NAMES), candidates[0])
        if self.peek()[1] in ("(", "\\left"):
            if chosen in self.functions:
                return chosen + primes + "\0"
            if self.names is None or chosen not in self.names:
                self.fail(f"'{chosen}(...)' reads as a call of a function {chosen}",
                          f"for a product write {chosen} \\cdot (...), or declare the function: # functions: {chosen}")
        return chosen + primes if power is None else f"{chosen}{primes}^{wrapped(power, power=True)}"

    def _subscript_after_power(self) -> bool:
        """Whether a subscript follows the superscript at the current ``^`` (x^{2}_{1})."""
        j, depth = self.i + 1, 0
        while j < len(self.tokens):
            depth += {"{": 1, "}": -1}.get(self.tokens[j][1], 0)
            j += 1
            if depth == 0:
                break
        return j < len(self.tokens) and self.tokens[j][1] == "_"

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
        layer = re.fullmatch(r"\((\d+)\)((?:\\prime|')*)", text)
        after = self.tokens[end][1] if end < len(self.tokens) else ""
        if layer and (after == "_" or subs or base == "delta" or any(
                n.startswith(base + layer.group(1)) for n in self.names or ())):
            self.i = end
            return layer.group(1) + "'" * (layer.group(2).count("prime") + layer.group(2).count("'"))
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


def spellings(base: str, layer: str, subs: list[str]) -> list[str]:
    """The problem's possible spellings of a LaTeX name, preferred first: ``w^{(1)}_{2,1}`` -> ``w1_2_1``."""
    if layer:
        return [f"{base}{layer}" + "".join(f"_{s}" for s in subs), f"{base}{layer}{''.join(subs)}"]
    if not subs:
        return [base]
    return list(dict.fromkeys([f"{base}_{'_'.join(subs)}", f"{base}{''.join(subs)}",
                               f"{base}{subs[0]}" + "".join(f"_{s}" for s in subs[1:])]))
