r"""Line breaking of displayed math: every display of a worked solution fits the text width.

:func:`tex_width` estimates the printed width (in TeX points, 11pt Latin Modern) of a LaTeX math
string from its tokens, erring on the wide side; :func:`aligned_lines` lays out rows
``lhs = part = part ...`` as lines of an ``align*``/``aligned`` environment: each part of the
right-hand side on the current line while it fits, otherwise on its own line ``&= part``; a part
wider than a line is broken at its top-level ``+``/``-`` (then at ``\cdot``) into continuation
lines ``&\quad + ...``. KaTeX renders the same lines inside ``\begin{aligned}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import sympy as sp

from symback.documents.tex import Tex

#: the text width of A4 with 2 cm margins, in TeX points (170 mm)
TEXT_WIDTH = 483.7
#: the estimate is multiplied by this before comparing (it errs on the wide side already)
SAFETY = 1.06
QUAD = 11.0  #: \quad at 11pt

_LETTER = 5.9      # an italic math letter (w and m are wider, i and t narrower)
_WIDE = "wmWMQODGHKNU"
_UPRIGHT = 5.6     # an upright letter (\mathrm, \operatorname, \text in Latin)
_DIGIT = 5.5
_HANGUL = 11.2     # a Korean syllable is one em
_BIN = 13.6        # a binary operator with its medium spaces
_REL = 14.8        # a relation with its thick spaces
_SCRIPT = 0.74     # sub- and superscripts
_COMMANDS = {
    "cdot": _BIN - 5.5, "times": _BIN, "pm": _BIN, "odot": _BIN, "oslash": _BIN,
    "partial": 6.4, "sigma": 6.6, "delta": 5.0, "eta": 5.5, "lambda": 6.4, "Sigma": 7.9, "Delta": 9.4,
    "quad": QUAD, "qquad": 2 * QUAD, ",": 1.9, ":": 2.5, ";": 3.1, "!": -1.9, " ": 3.7,
    "ldots": 14.0, "cdots": 14.0, "sum": 16.0, "prod": 16.0, "mathbf": 0.0, "approx": _REL, "le": _REL,
    "ge": _REL, "neq": _REL, "to": _REL, "rightarrow": _REL, "in": _REL, "infty": 11.0,
    "tanh": 3 * _UPRIGHT + 2, "log": 3 * _UPRIGHT + 2, "ln": 2 * _UPRIGHT + 2, "exp": 3 * _UPRIGHT + 2,
    "max": 3 * _UPRIGHT + 2, "min": 3 * _UPRIGHT + 2, "textasciicircum": 5.5, "_": 5.5,
}
_GROUPING = {"mathrm", "operatorname", "text", "mathbf", "textrm", "mathit", "boldsymbol"}
_DELIMITER = 4.6   # a parenthesis or bracket (\left( grows a little around fractions)

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_&]|\s+|.", re.S)


def _parse(tex: str) -> tuple[list[str], dict[int, int]]:
    """(tokens, partners) of ``tex``: what :func:`_state` and :func:`_measure` read. Never mutated."""
    tokens = _TOKEN.findall(tex)
    return tokens, _partners(tokens, "{" in tex)


_parse_kept = lru_cache(maxsize=1 << 12)(_parse)
_KEPT_LENGTH = 256  #: pieces up to this long are parsed once for both readers (bounds what is kept)


def _parsed(piece: str) -> tuple[list[str], dict[int, int]]:
    """:func:`_parse`, kept for short pieces: :func:`_state` and then :func:`_measure` read each new
    piece (a weight's name, a number), and each parsed it for itself."""
    return _parse_kept(piece) if len(piece) <= _KEPT_LENGTH else _parse(piece)


def _partners(tokens: list[str], braces: bool = True) -> dict[int, int]:
    """The index of the ``}`` that closes each ``{`` (unclosed ones have none)."""
    if not braces:
        return {}
    partner, open_ = {}, []
    for k in [k for k, tok in enumerate(tokens) if tok == "{" or tok == "}"]:
        if tokens[k] == "{":
            open_.append(k)
        elif open_:
            partner[open_.pop()] = k
    return partner


def _group(tokens: list[str], partner: dict[int, int], i: int, end: int) -> tuple[int, int, int]:
    """The argument starting at ``i`` within ``[.., end)``: (first, stop) of its tokens and the next index.

    A braced group without its braces, or one token; an unclosed group runs to the end (its last
    token dropped, as the estimate has always done).
    """
    while i < end and tokens[i].isspace():
        i += 1
    if i >= end:
        return i, i, i
    if tokens[i] != "{":
        return i, i + 1, i + 1
    j = partner.get(i, end)
    if j >= end:
        return i + 1, max(end - 1, i + 1), end
    return i + 1, j, j + 1


def _char_width(char: str, upright: bool) -> float:
    if "\uac00" <= char <= "\ud7a3" or "\u3130" <= char <= "\u318f":
        return _HANGUL
    if char.isdigit():
        return _DIGIT
    if char in "+-=<>−":
        return _REL if char in "=<>" else _BIN
    if char in ".,;:'!|":
        return 3.1
    if char in "()[]":
        return _DELIMITER
    if char.isspace():
        return 3.7 if upright else 0.0
    if char in _WIDE:
        return 9.0
    if char.isupper():
        return 8.0
    return _UPRIGHT if upright else _LETTER


_STRUCTURE = {"^", "_", *(f"\\{name}" for name in (
    "frac", "dfrac", "tfrac", "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "begin", "end",
    *_GROUPING))}  #: tokens whose width depends on what follows them
_PLAIN: tuple[dict[str, float], dict[str, float]] = ({}, {})  #: width of every other token seen, (math, upright)


def _plain_width(tok: str, upright: bool) -> float:
    if tok in ("{", "}", "&"):
        return 0.0
    if tok.startswith("\\") and len(tok) > 1:
        return _COMMANDS.get(tok[1:], 9.0)
    if tok.isspace():
        return 3.7 if upright else 0.0
    return _char_width(tok, upright)


def _width(tokens: list[str], partner: dict[int, int], i: int, end: int, upright: bool = False) -> float:
    """The estimate of ``tokens[i:end]`` (``partner``: :func:`_partners` of all the tokens)."""
    plain = _PLAIN[upright]
    total = 0.0
    while i < end:
        tok = tokens[i]
        i += 1
        width = plain.get(tok)
        if width is not None:  # most tokens: a letter, digit, operator or symbol command
            total += width
            continue
        if tok not in _STRUCTURE:
            width = _plain_width(tok, upright)
            if len(plain) < 4096:  # (bounded: a string of odd tokens cannot grow it without end)
                plain[tok] = width
            total += width
            continue
        if tok in ("^", "_"):
            first, stop, i = _group(tokens, partner, i, end)
            width = _SCRIPT * _width(tokens, partner, first, stop)
            # a subscript and a superscript stack: count only the wider one
            if i < end and tokens[i] in ("^", "_"):
                first, stop, i = _group(tokens, partner, i + 1, end)
                width = max(width, _SCRIPT * _width(tokens, partner, first, stop))
            total += width
            continue
        name = tok[1:]
        if name in ("frac", "dfrac", "tfrac"):
            top, top_stop, i = _group(tokens, partner, i, end)
            bottom, bottom_stop, i = _group(tokens, partner, i, end)
            scale = 0.75 if name == "tfrac" else 1.0
            total += scale * max(_width(tokens, partner, top, top_stop),
                                 _width(tokens, partner, bottom, bottom_stop)) + 2.4
        elif name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
            first, stop, i = _group(tokens, partner, i, end)
            total += 0.0 if stop - first == 1 and tokens[first] == "." else _DELIMITER + 0.8
        elif name in _GROUPING:
            first, stop, i = _group(tokens, partner, i, end)
            total += _width(tokens, partner, first, stop, upright=True) + (3.0 if name == "operatorname" else 0.0)
        else:  # begin, end: the environment's name takes no room
            i = _group(tokens, partner, i, end)[2]
    return total


def tex_width(tex: str) -> float:
    """The estimated printed width of math ``tex`` in points (display style, 11pt), on the wide side.

    >>> round(tex_width("a + b"))
    27
    """
    return SAFETY * _raw(tex)


@lru_cache(maxsize=1 << 16)
def _raw(tex: str) -> float:
    """The estimate without the safety factor; kept, since a layout measures each part several times.

    It adds up over a concatenation of balanced pieces with a space between them (the width of
    ``a + " " + b`` is that of ``a`` plus that of ``b``), which the layout uses instead of measuring
    ever longer lines again; and so it is computed: the sum over the string's top-level pieces
    (:func:`_pieces`), each measured once however many lines it appears in.
    """
    pieces = _pieces(tex)
    if pieces is None:
        return _measure(str(tex))  # (a plain str: the cache keys a Tex and an equal str apart)
    if len(pieces) == 1:
        return _measure(pieces[0])
    return sum(_measure(piece) for piece in pieces)


@lru_cache(maxsize=1 << 16)
def _measure(tex: str) -> float:
    """:func:`_width` of the whole string."""
    if _DECIMAL.match(tex):  # a number (most new pieces): its characters' widths, added as _width adds them
        total = 0.0
        for char in tex:
            total += _DECIMAL_WIDTHS[char]
        return total
    tokens, partner = _parsed(tex)
    return _width(tokens, partner, 0, len(tokens))


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")  #: a number as format_number writes it (no exponent)
_DECIMAL_WIDTHS = {char: _plain_width(char, False) for char in "-.0123456789"}


_ARGUMENTS = {"^": 1, "_": 1, **{f"\\{name}": 2 for name in ("frac", "dfrac", "tfrac")}}  #: others in _STRUCTURE: 1
_MAX_WORDS = 64  #: a piece of more words than this is measured whole (bounds the joining)


@lru_cache(maxsize=1 << 16)
def _state(piece: str) -> int:
    """Whether ``piece`` measures on its own: 0 yes; 1 not yet (a brace or a command's argument is
    still open at its end, or it ends in a backslash); -1 never (a brace closes what it did not open).

    The arguments are taken as :func:`_width` takes them: a braced group or one token, after spaces.
    """
    if _DECIMAL.match(piece):  # (nothing open in a number)
        return 0
    tokens, partner = _parsed(piece)
    depth = 0
    for tok in tokens:
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return -1
    if depth or (tokens and tokens[-1] == "\\"):
        return 1
    i, n = 0, len(tokens)

    def argument(i: int) -> int | None:  # the index after the argument starting at i, None at the end
        while i < n and tokens[i].isspace():
            i += 1
        if i >= n:
            return None
        return partner[i] + 1 if tokens[i] == "{" else i + 1

    while i < n:  # (a brace outside an argument is a token of no width: what follows it is read on)
        tok = tokens[i]
        i += 1
        if tok in _STRUCTURE:
            for _ in range(_ARGUMENTS.get(tok, 1)):
                if (i := argument(i)) is None:
                    return 1
            if tok in ("^", "_") and i < n and tokens[i] in ("^", "_") and (i := argument(i + 1)) is None:
                return 1
    return 0


def _pieces(tex: str) -> list[str] | None:
    """``tex`` cut at the spaces between pieces that measure on their own (:func:`_state`), or None.

    Every token then has its width within its piece, and a space at the top level of math has none,
    so the width of the string is the sum of its pieces' widths.
    """
    pieces: list[str] = []
    open_ = ""  # the words of a piece not yet closed, joined
    count = 0   # how many
    for word in tex.split(" "):
        if count:
            open_, count = f"{open_} {word}", count + 1
            if count > _MAX_WORDS:
                return None
        else:
            open_, count = word, 1
        state = _state(open_)
        if state == 0:
            pieces.append(open_)
            count = 0
        elif state < 0:
            return None
    return None if count else pieces


_LEAF_FLOOR = 3.1  #: the narrowest glyph the estimate knows ("." "," ";"): no printed leaf is narrower


def exceeds(expr, budget: float = TEXT_WIDTH) -> bool:
    """Whether ``expr`` printed would surely be wider than ``budget`` by :func:`tex_width`, without printing it.

    A floor of the estimate, found by walking the tree and stopping as soon as it passes ``budget``
    (so it costs O(1) for a huge expression, where printing costs its size): every leaf counts
    its narrowest glyph and every ``+`` between terms a binary operator, leaving out what may
    print smaller or be hidden (exponents, the arguments of ``exp``, denominators, rational
    coefficients, a ``-1`` that merges with its ``+``). False means only "print it and measure".
    """
    floor, limit = 0.0, budget / SAFETY
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.is_Atom:
            if not (e.is_Rational and (not e.is_Integer or e == -1)):
                floor += _LEAF_FLOOR
        elif e.is_Add:
            floor += _BIN * (len(e.args) - 1)
            stack.extend(e.args)
        elif e.is_Mul:
            stack.extend(a for a in e.args if not (a.is_Pow and a.exp.is_negative))
        elif e.is_Pow:
            if not e.exp.is_negative:
                stack.append(e.base)
        elif isinstance(e, sp.exp):
            continue
        else:
            stack.extend(a for a in e.args if isinstance(a, sp.Expr))
        if floor > limit:
            return True
    return False


@lru_cache(maxsize=8)
def _marks(separators: tuple[str, ...]) -> re.Pattern:
    """What :func:`_split_top` stops at: ``\\left``/``\\right``, an escaped character, a brace, a separator."""
    return re.compile(r"\\left(?![^\W\d_])|\\right(?![^\W\d_])|\\.|[{}]|(?=%s)"
                      % "|".join(map(re.escape, separators)), re.S)


def _split_top(tex: str, separators: Sequence[str]) -> list[str]:
    """``tex`` cut before each top-level separator (outside braces and ``\\left...\\right``).

    The pieces keep their separator's sign (``a + b - c`` gives ``a``, ``+ b``, ``- c``). Only the
    marks are visited (a regular expression finds them), not every character.
    """
    pieces, start, depth = [], 0, 0
    for mark in _marks(tuple(separators)).finditer(tex):
        token, i = mark.group(), mark.start()
        if token == r"\left":
            depth += 1
        elif token == r"\right":
            depth -= 1
        elif token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif not token and depth == 0 and i > start:
            pieces.append(tex[start:i].strip())
            start = i + 1
    pieces.append(tex[start:].strip())
    return [p for p in pieces if p]


def chunks(tex: str, budget: float) -> list[str]:
    """``tex`` in pieces of at most ``budget`` points: whole, or broken at top-level + and −, then at \\cdot."""
    return list(_chunks(tex, budget))


@lru_cache(maxsize=1 << 12)
def _chunks(tex: str, budget: float) -> tuple[str, ...]:
    if tex_width(tex) <= budget:
        return (tex,)
    limit = budget / SAFETY
    for separators in ((" + ", " - "), (r" \cdot ",)):
        terms = _split_top(tex, separators)
        if len(terms) < 2:
            continue
        out: list[str] = []
        widths: list[float] = []  # of out, by addition (see _raw)
        for term in terms:
            width = _raw(term)
            if out and widths[-1] + width <= limit:
                out[-1], widths[-1] = out[-1] + " " + term, widths[-1] + width
            elif width > limit and len(_split_top(term, (r" \cdot ",))) > 1:
                pieces = _chunks(term, budget)
                out.extend(pieces)
                widths.extend(_raw(piece) for piece in pieces)
            else:
                out.append(term)
                widths.append(width)
        return tuple(out)
    return (tex,)


def fits(tex: str, budget: float) -> bool:
    """Whether ``tex`` can be laid out in lines of ``budget`` points by :func:`chunks`."""
    return all(tex_width(piece) <= budget for piece in chunks(tex, budget))


@dataclass(frozen=True)
class Equation:
    """One row of a worked solution to lay out: ``lhs = part = part ...`` and an optional note."""

    lhs: Tex
    parts: tuple[Tex, ...]
    note: str = ""       #: trusted text shown as ``(\text{note})``


def aligned_lines(rows: Iterable[Equation], width: float = TEXT_WIDTH) -> tuple[Tex, ...]:
    r"""The lines of one ``align*``/``aligned`` block holding ``rows``, each within ``width`` points.

    >>> aligned_lines([Equation(Tex("x"), (Tex("a + b"), Tex("3")))])
    ('x &= a + b = 3',)
    """
    rows = list(rows)
    if not rows:
        return ()
    lhs_width = max(tex_width(r.lhs) for r in rows)
    notes = [rf"\text{{({r.note})}}" if r.note else "" for r in rows]
    note_width = max(tex_width(n) for n in notes)
    # the notes in their own column when every row then fits unbroken, otherwise after the last line
    column = note_width + 2 * QUAD
    unbroken = SAFETY * max(sum(_REL + _raw(p) for p in r.parts) for r in rows)  # "= a = b", by addition
    in_column = bool(note_width) and lhs_width + unbroken + column <= width
    avail = width - lhs_width - (column if in_column else 0.0)
    # most blocks: every row fits on one line, so no part is broken or dropped (the margin keeps the
    # sums' rounding, here all parts at once and in _row_lines one by one, from deciding otherwise)
    budget = avail - QUAD - _REL
    one_line = unbroken <= avail - _MARGIN and all(tex_width(p) <= budget for r in rows for p in r.parts)
    out: list[str] = []
    for row, note in zip(rows, notes):
        if one_line:
            parts = [p for p in dict.fromkeys(row.parts) if p]
            lines = ["&= " + " = ".join(parts)] if parts else ["&"]
        else:
            lines = _row_lines(row, avail)
        if note and in_column:
            lines[0] += f" && {note}"
        elif note:
            if tex_width(lines[-1] + r" \quad " + note) <= avail:
                lines[-1] += rf" \quad {note}"
            else:
                lines.append(rf"&\quad {note}")
        out.append(f"{row.lhs} {lines[0]}")
        out.extend(lines[1:])
    return tuple(Tex(line) for line in out)


_MARGIN = 1e-6  #: points: far above the rounding of a sum of widths, far below anything printed


def _row_lines(row: Equation, avail: float) -> list[str]:
    """The right-hand side lines of one row (the first without its lhs)."""
    lines: list[str] = []
    current = ""
    parts = list(dict.fromkeys(p for p in row.parts if p))
    # a part that no break can fit (a fraction wider than the page) is left out; the value always stays
    parts = [p for p in parts[:-1] if fits(p, avail - QUAD - _REL)] + parts[-1:]
    limit, current_width = avail / SAFETY, 0.0  # the width of current, by addition (see _raw)
    for part in parts:
        width = current_width + _REL + _raw(part)  # "current = part", or "= part"
        if width <= limit:
            current, current_width = (f"{current} = {part}" if current else f"= {part}"), width
            continue
        if current:
            lines.append("&" + current)
        pieces = chunks(part, avail - QUAD - _REL)
        current, current_width = f"= {pieces[0]}", _REL + _raw(pieces[0])
        for piece in pieces[1:]:
            lines.append("&" + current)
            current = rf"\quad {piece}"
        if len(pieces) > 1:
            lines.append("&" + current)
            current, current_width = "", 0.0
    if current:
        lines.append("&" + current)
    return lines or ["&"]
