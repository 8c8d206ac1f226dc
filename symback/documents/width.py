r"""The printed width of displayed math, estimated from its LaTeX: what the line layout measures with.

:func:`tex_width` estimates the printed width (in TeX points, 11pt Latin Modern) of a LaTeX math
string from its tokens, erring on the wide side; :func:`raw_width` is the same estimate without the
safety factor, which adds up over pieces joined by a space (so a layout adds widths instead of
measuring ever longer lines); :func:`exceeds` tells from the expression alone, without printing it,
that its LaTeX would surely be wider than a budget. The layout itself is :mod:`.breaking`.
"""
from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp


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
REL = 14.8         #: a relation with its thick spaces (a layout adds one per "=")
_SCRIPT = 0.74     # sub- and superscripts
_COMMANDS = {
    "cdot": _BIN - 5.5, "times": _BIN, "pm": _BIN, "odot": _BIN, "oslash": _BIN,
    "partial": 6.4, "sigma": 6.6, "delta": 5.0, "eta": 5.5, "lambda": 6.4, "Sigma": 7.9, "Delta": 9.4,
    "quad": QUAD, "qquad": 2 * QUAD, ",": 1.9, ":": 2.5, ";": 3.1, "!": -1.9, " ": 3.7,
    "ldots": 14.0, "cdots": 14.0, "sum": 16.0, "prod": 16.0, "mathbf": 0.0, "approx": REL, "le": REL,
    "ge": REL, "neq": REL, "to": REL, "rightarrow": REL, "in": REL, "infty": 11.0,
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
        return REL if char in "=<>" else _BIN
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
    return SAFETY * raw_width(tex)


@lru_cache(maxsize=1 << 16)
def raw_width(tex: str) -> float:
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
