"""The ``[vary]`` and ``[ask]`` tables of an exercise spec, read into frozen dataclasses.

``[vary]`` says how each input or parameter is drawn for a variant (:mod:`symback.engine.vary`
draws them); ``[ask]`` what a student computes. Both are checked here for their shape; the names
they use are checked against the problem when the variants are drawn.

    [vary]
    w1 = { from = -1, to = 1, step = 0.1, nonzero = true }   # -1, -0.9, ..., 1 without 0
    x = { choices = [0, 1] }
    t = { one_hot = 3 }           # t1, t2, t3: one of them 1, the others 0
    avoid_kinks = true            # no ReLU / step input within KINK_MARGIN of 0 (default true)
    digits = 3                    # answers asked to 3 significant digits (default 3)
    min_abs = 0.0001              # every asked answer at least this far from 0 (default 0: no bound)

    [ask]
    values = ["o"]
    gradients = ["w1", "w2"]
    updated = ["w1"]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy as sp

VARY_OPTIONS = ("avoid_kinks", "digits", "nonzero", "min_abs")   #: [vary] keys that are settings, not names
DRAW_KEYS = ("from", "to", "step", "choices", "one_hot", "nonzero")
ASK_KEYS = ("values", "gradients", "updated")
DEFAULT_DIGITS = 3
MAX_VALUES = 100_000   #: values one range may hold (a step of 1e-9 over [0, 1] is a mistake)
MAX_ONE_HOT = 100


@dataclass(frozen=True)
class Draw:
    """How one name (or, with ``one_hot``, the vector ``name1 .. nameN``) is drawn."""

    name: str
    values: tuple[sp.Rational, ...] = ()   #: the candidates (zero already removed when nonzero)
    one_hot: int = 0                       #: N for a one-hot vector name1 .. nameN, else 0
    decimals: int = 0                      #: decimals the candidates are written with


@dataclass(frozen=True)
class Vary:
    """The ``[vary]`` table: one :class:`Draw` per name, and the constraints every variant meets."""

    draws: tuple[Draw, ...]
    avoid_kinks: bool = True
    digits: int = DEFAULT_DIGITS
    min_abs: sp.Rational = sp.Integer(0)   #: every asked answer's magnitude at least this (Canvas rounds < 1e-4 to 0)


@dataclass(frozen=True)
class Ask:
    """The ``[ask]`` table: the quantities a student computes (names, in the order written)."""

    values: tuple[str, ...] = ()
    gradients: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def read_vary(reader: Any, data: Mapping) -> Vary | None:
    """Validate the ``[vary]`` table (``reader``: the spec reader, for its errors and numbers)."""
    if "vary" not in data:
        return None
    table = reader.table(data, "vary")
    every_nonzero = _flag(reader, table, "nonzero", False)
    avoid_kinks = _flag(reader, table, "avoid_kinks", True)
    digits = table.get("digits", DEFAULT_DIGITS)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 10:
        raise reader.fail("vary.digits", f"expected a whole number from 1 to 10, got {digits!r}", "write e.g. digits = 3")
    min_abs = reader.number(table.get("min_abs", 0), "vary.min_abs")
    if min_abs < 0:
        raise reader.fail("vary.min_abs", f"must be 0 or more, got {min_abs}", "write e.g. min_abs = 0.0001")
    draws = []
    for name, rule in table.items():
        if name in VARY_OPTIONS:
            continue
        key = f"vary.{name}"
        if not isinstance(rule, Mapping):
            raise reader.fail(key, "expected a table such as { from = -1, to = 1, step = 0.1 }",
                              "or { choices = [0, 1] }, or { one_hot = 3 } for a target vector")
        reader.keys(rule, DRAW_KEYS, key)
        reader.name(name, key)
        draws.append(_draw(reader, name, rule, key, _flag(reader, rule, "nonzero", every_nonzero, key)))
    if not draws:
        raise reader.fail("vary", "the table varies nothing", "add a name, e.g. w1 = { from = -1, to = 1, step = 0.1 }")
    return Vary(tuple(draws), avoid_kinks, digits, min_abs)


def read_ask(reader: Any, data: Mapping) -> Ask | None:
    """Validate the ``[ask]`` table: lists of names under values, gradients, updated."""
    if "ask" not in data:
        return None
    table = reader.table(data, "ask")
    reader.keys(table, ASK_KEYS, "ask")
    lists = {}
    for kind in ASK_KEYS:
        names = table.get(kind, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise reader.fail(f"ask.{kind}", "expected a list of names", f'write e.g. {kind} = ["w1"]')
        if len(set(names)) != len(names):
            raise reader.fail(f"ask.{kind}", "a name is asked twice", "ask each name once")
        lists[kind] = tuple(names)
    if not any(lists.values()):
        raise reader.fail("ask", "the table asks for nothing", 'add e.g. gradients = ["w1"]')
    return Ask(**lists)


def _flag(reader: Any, table: Mapping, key: str, default: bool, where: str = "vary") -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise reader.fail(f"{where}.{key}", f"expected true or false, got {value!r}", f"write {key} = true")
    return value


def _draw(reader: Any, name: str, rule: Mapping, key: str, nonzero: bool) -> Draw:
    forms = [k for k in ("from", "choices", "one_hot") if k in rule]
    if len(forms) != 1:
        raise reader.fail(key, "give one of from/to/step, choices or one_hot" if forms else "says nothing to draw from",
                          "write e.g. { from = -1, to = 1, step = 0.1 } or { choices = [0, 1] }")
    if "one_hot" in rule:
        size = rule["one_hot"]
        if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAX_ONE_HOT:
            raise reader.fail(f"{key}.one_hot", f"expected the vector's length (2 to {MAX_ONE_HOT}), got {size!r}",
                              f"write e.g. {name} = {{ one_hot = 3 }} for {name}1, {name}2, {name}3")
        if len(rule) > 1:
            raise reader.fail(key, "one_hot takes no other keys", f"write {name} = {{ one_hot = {size} }}")
        return Draw(name, one_hot=size)
    if "choices" in rule:
        for extra in ("to", "step"):
            if extra in rule:
                raise reader.fail(f"{key}.{extra}", "choices take no range", "give either choices or from/to/step")
        choices = rule["choices"]
        if not isinstance(choices, list) or not choices:
            raise reader.fail(f"{key}.choices", "expected a non-empty list of numbers", "write e.g. choices = [0, 1]")
        values = [reader.number(v, f"{key}.choices") for v in choices]
        written = [_decimals(v) for v in choices]
    else:
        for needed in ("to", "step"):
            if needed not in rule:
                raise reader.fail(f"{key}.{needed}", "missing", "a range needs from, to and step, e.g. step = 0.1")
        low, high, step = (reader.number(rule[k], f"{key}.{k}") for k in ("from", "to", "step"))
        if step <= 0:
            raise reader.fail(f"{key}.step", f"must be positive, got {step}", "use e.g. step = 0.1")
        if high < low:
            raise reader.fail(key, f"the range from {low} to {high} is empty", "make 'to' at least 'from'")
        count = (high - low) / step
        if not count.is_integer:
            raise reader.fail(f"{key}.step", f"{rule['step']} does not divide the range {low} .. {high}",
                              "choose a step that fits a whole number of times, e.g. 0.1 from -1 to 1")
        if count >= MAX_VALUES:
            raise reader.fail(f"{key}.step", f"the range holds {count + 1} values", f"use a coarser step (at most {MAX_VALUES})")
        values = [low + i * step for i in range(int(count) + 1)]
        written = [_decimals(rule[k]) for k in ("from", "to", "step")]
    kept = tuple(dict.fromkeys(v for v in values if not (nonzero and v == 0)))
    if not kept:
        raise reader.fail(f"{key}.nonzero", "no value other than 0 is left to draw", "widen the range or drop nonzero")
    return Draw(name, kept, decimals=max(written))


def _decimals(value: Any) -> int:
    """Decimals a TOML number was written with (``0.10`` has 2; an integer 0)."""
    if isinstance(value, int):
        return 0
    text = getattr(value, "text", repr(value)).lower()
    mantissa, _, exponent = text.partition("e")
    return max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))
