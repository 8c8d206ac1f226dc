"""The sentence a student reads for a named misconception, in the catalogue's languages and the documents' notation.

A :class:`symback.checking.mutations.Misconception` carries a code and what it is about (names, formulas in
node symbols, numbers). Its sentence is the catalogue's (``[misconception]`` in ``templates/verify.toml``)
with each placeholder filled: as one line of Unicode for plain text (terminal, JSON, CSV feedback:
``you summed only one of the two paths from a1_1 (through z2_1); add w2_2_1·δ2_2``), and as segments whose
formulas are the printer's LaTeX for Markdown and LaTeX documents.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Mapping

import mpmath
import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.notation import ETA, Partial, Updated
from symback.documents.printing import latex, name_latex
from symback.documents.tex import Tex
from symback.documents.unicode_printing import unicode_formula

Segment = tuple[bool, str]  #: (is math, text): math is trusted LaTeX, text is escaped by the document
_DERIVATIVE = re.compile(r"d(\w+)/d(\w+)\Z")
_NETWORK_Z = re.compile(r"z(\d+_\d+(?:_s\d+)?)\Z")


@dataclass(frozen=True)
class _Piece:
    """A placeholder's value: as Unicode text, and as LaTeX when it is mathematics (None: a word)."""

    text: str
    tex: Tex | None = None


def misconception_text(misconception, lang: str = "en", loss: str = "L") -> str:
    """The sentence for ``misconception`` as one line of Unicode text (``loss``: the problem's loss name)."""
    return "".join(text for _, text in _filled(misconception, lang, True, loss))


def misconception_segments(misconception, lang: str = "en", loss: str = "L") -> tuple[Segment, ...]:
    """The sentence for ``misconception`` as segments: words (escaped by the document) and LaTeX math."""
    return _filled(misconception, lang, False, loss)


def quantity_piece(label: str) -> _Piece:
    """A quantity's label (``dL/dw1``, ``o``, ``w1'``) in the documents' notation."""
    if match := _DERIVATIVE.match(label):
        top, bottom = match.groups()
        return _Piece(f"∂{top}/∂{bottom}", latex(Partial(top, bottom)))
    if label.endswith("'"):
        return _Piece(label[:-1] + "′", Tex(name_latex(label[:-1]) + "'"))
    return _name(label)


def _filled(misconception, lang: str, plain: bool, loss: str) -> tuple[Segment, ...]:
    t = messages(lang)
    key, pieces = _pieces(misconception, t, loss)
    segments: list[Segment] = []
    for literal, field, _, _ in string.Formatter().parse(t[f"verify.misconception.{key}"]):
        if literal:
            segments.append((False, literal))
        if field:
            piece = pieces[field]
            math = piece.tex is not None and not plain
            segments.append((math, piece.tex if math else piece.text))
    if "samples" in misconception.params and misconception.code != "batch_mean":
        segments.append((False, f" ({t['verify.misconception.every_sample']})"))
    return tuple(segments)


def _pieces(misconception, t: Mapping[str, str], loss: str) -> tuple[str, dict[str, _Piece]]:
    """The catalogue key of the sentence and its placeholders' values."""
    code, params = misconception.code, dict(misconception.params)
    pieces: dict[str, _Piece] = {}
    for key, value in params.items():
        if key == "function" or (key == "used" and code == "wrong_activation_derivative"):
            pieces[key] = _Piece(t.get(f"verify.misconception.function.{value}", str(value)))
        elif isinstance(value, str):
            pieces[key] = quantity_piece(value) if key == "other" else _Piece(value) if code == "arithmetic" \
                else _name(value)
        elif isinstance(value, tuple):
            pieces[key] = _names(value)
        elif isinstance(value, mpmath.mpf):
            pieces[key] = _formula(sp.Float(mpmath.nstr(value, 6)))
        elif isinstance(value, (sp.Basic, int)):
            pieces[key] = _formula(sp.sympify(value))
    if code == "missing_path":
        pieces["paths"] = _count(params["paths"], t)
        pieces["count"] = _count(params["paths"] - 1, t)
        pieces["missing"] = _missing(params["local"], params["child"], loss)
    if code in ("gradient_ascent", "missing_learning_rate"):
        pieces["rule"] = _Piece(f"w′ = w − η·∂{loss}/∂w", Tex(f"{latex(Updated('w'))} = w - {ETA} {latex(Partial(loss, 'w'))}"))
    if code == "decimal_shift":
        power = sp.Pow(10, params["shift"], evaluate=False)
        pieces["power"] = _Piece("10" + str(params["shift"]).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")),
                                 latex(power))
    key = code
    if code == "derivative_at_wrong_point":
        key = f"{code}_{params['at']}"
    elif code == "transposed_index" and "other" in params:
        key = f"{code}_value" if "value" in params else f"{code}_formula"
    elif code == "other_quantity" and "value" not in params:  # a formula claim: the other's formula, no number
        key = f"{code}_formula"
    elif code == "constant_factor" and params["factor"] not in (2, sp.Rational(1, 2)):
        key = f"{code}_mean"
    elif code == "batch_mean" and params["factor"] < 1:
        key = f"{code}_extra"
    return key, pieces


def _name(name: str) -> _Piece:
    return _Piece(name, name_latex(name))


def _names(names: tuple[str, ...]) -> _Piece:
    return _Piece(", ".join(names), Tex(", ".join(name_latex(n) for n in names)))


def _formula(expr: sp.Expr) -> _Piece:
    return _Piece(unicode_formula(expr), latex(expr))


def _count(number: int, t: Mapping[str, str]) -> _Piece:
    return _Piece(t.get(f"verify.misconception.count.{number}", str(number)))


def _missing(local: sp.Expr, child: str, loss: str) -> _Piece:
    """The term a missing path contributes: the local derivative times the child's δ (``w2_2_1·δ2_2``)."""
    if match := _NETWORK_Z.match(child):
        delta = sp.Symbol(f"delta{match.group(1)}")
        text, tex = unicode_formula(delta), latex(delta)
    else:
        text, tex = quantity_piece(f"d{loss}/d{child}").text, quantity_piece(f"d{loss}/d{child}").tex
    if local == 1:
        return _Piece(text, tex)
    factor, factor_tex = unicode_formula(local), latex(local)
    if local.is_Add:
        factor, factor_tex = f"({factor})", r"\left(" + factor_tex + r"\right)"
    return _Piece(f"{factor}·{text}", Tex(f"{factor_tex} {tex}"))
