"""``variants.json`` read back for grading: every key checked, each refusal one line naming the key.

``symback exercise`` writes the file; a hand-edited or tampered one (``digits = "x"``, a value
``"abc"``, a missing ``answers``, an unknown ``kind``, a name ``__class__``) is refused here with the
key it is at (``variants.json: variants[2].values.w1``), before anything is solved.
"""
from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import sympy as sp

from symback.engine.errors import SymbackError, read_user_file
from symback.engine.spec import Spec
from symback.engine.spec_reader import WrittenFloat, spec_from_dict
from symback.engine.vary import Question, leaf_values, questions

REGENERATE = "regenerate it with 'symback exercise' (the file was edited, or written by another version)"
KINDS = ("value", "gradient", "updated")
VARIANT_ID = re.compile(r"v\d{1,6}\Z")
MAX_DIGITS = 10   #: as [vary] digits


@dataclass(frozen=True)
class ManifestVariant:
    """One variant of the manifest: its id, drawn values and the key's rounded answers (label -> text)."""

    id: str
    values: tuple[tuple[str, sp.Rational], ...]
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Manifest:
    """``variants.json``, checked: the problem, the answers' digits, the questions and the variants."""

    name: str
    spec: Spec
    digits: int
    questions: tuple[Question, ...]
    variants: tuple[ManifestVariant, ...]


def load_manifest(path: str | Path) -> dict:
    """``variants.json`` read as JSON; a missing or malformed file is one SymbackError naming it."""
    fix = "give the variants.json that 'symback exercise' wrote"
    text = read_user_file(Path(path), str(path), SymbackError, fix)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SymbackError(str(path), f"not JSON ({exc.msg} at line {exc.lineno})", fix) from None
    except (ValueError, RecursionError) as exc:  # an integer of too many digits, nesting too deep
        raise SymbackError(str(path), f"cannot be read ({str(exc)[:80]})", fix) from None


def read_manifest(data: Any, name: str = "variants.json") -> Manifest:
    """Check a parsed ``variants.json`` key by key (see the module docstring) and rebuild its problem."""
    if not isinstance(data, Mapping):
        raise SymbackError(name, f"expected a JSON object, got {_shown(data)}", REGENERATE)
    spec = _spec(data, name)
    digits = data.get("digits", 3)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymbackError(f"{name}: digits", f"expected a whole number from 1 to {MAX_DIGITS}, got {_shown(digits)}",
                           REGENERATE)
    asked = _questions(data, name, spec)
    leaves = leaf_values(spec)
    variants, seen = [], set()
    for i, entry in enumerate(_list(data, "variants", name)):
        where = f"{name}: variants[{i}]"
        _object(entry, where)
        vid = entry.get("id")
        if not isinstance(vid, str) or not VARIANT_ID.match(vid) or vid in seen:
            raise SymbackError(f"{where}.id", f"expected a new id such as v01, got {_shown(vid)}", REGENERATE)
        seen.add(vid)
        values = _object(entry.get("values"), f"{where}.values")
        for key, value in values.items():
            if key not in leaves:
                raise SymbackError(f"{where}.values", f"{_shown(key)} is not an input or parameter of the problem",
                                   REGENERATE)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise SymbackError(f"{where}.values.{key}", f"expected a number, got {_shown(value)}", REGENERATE)
        answers = _object(entry.get("answers"), f"{where}.answers")
        texts = []
        for q in asked:
            answer = answers.get(q.label)
            text = answer.get("answer") if isinstance(answer, Mapping) else None
            if not isinstance(text, str):
                raise SymbackError(f"{where}.answers.{q.label}.answer", f"expected the key's answer as text, got "
                                   f"{_shown(text)}", REGENERATE)
            texts.append((q.label, text))
        exact = tuple((k, sp.Rational(repr(v)) if isinstance(v, float) else sp.Integer(v)) for k, v in values.items())
        variants.append(ManifestVariant(vid, exact, tuple(texts)))
    return Manifest(name, spec, digits, asked, tuple(variants))


def _spec(data: Mapping, name: str) -> Spec:
    stored = _object(data.get("spec"), f"{name}: spec")
    source = data.get("source", name)
    if not isinstance(source, str) or len(source) > 1000:
        raise SymbackError(f"{name}: source", f"expected the spec's name, got {_shown(source)}", REGENERATE)
    if isinstance(stored.get("toml"), str):
        try:
            problem = tomllib.loads(stored["toml"], parse_float=WrittenFloat)
        except tomllib.TOMLDecodeError as exc:
            raise SymbackError(f"{name}: spec.toml", f"the problem cannot be rebuilt ({exc})", REGENERATE) from None
    elif isinstance(stored.get("data"), Mapping):
        problem = stored["data"]
    else:
        raise SymbackError(f"{name}: spec", "the problem cannot be rebuilt (no 'toml' text or 'data' table)", REGENERATE)
    return spec_from_dict(problem, source=source)


def _questions(data: Mapping, name: str, spec: Spec) -> tuple[Question, ...]:
    """The manifest's questions, each key checked, and then the same as the problem's own."""
    asked = []
    for i, entry in enumerate(_list(data, "questions", name)):
        where = f"{name}: questions[{i}]"
        _object(entry, where)
        for key in ("label", "kind", "name"):
            if not isinstance(entry.get(key), str):
                raise SymbackError(f"{where}.{key}", f"expected text, got {_shown(entry.get(key))}", REGENERATE)
        if entry["kind"] not in KINDS:
            raise SymbackError(f"{where}.kind", f"unknown kind {_shown(entry['kind'])}", "use " + ", ".join(KINDS))
        asked.append(Question(entry["kind"], entry["name"], entry["label"]))
    if tuple(asked) != questions(spec):
        raise SymbackError(f"{name}: questions", "are not the questions the problem asks", REGENERATE)
    return tuple(asked)


def _list(data: Mapping, key: str, name: str) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise SymbackError(f"{name}: {key}", f"expected a non-empty list, got {_shown(value)}", REGENERATE)
    return value


def _object(value, where: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise SymbackError(where, f"expected a JSON object, got {_shown(value)}", REGENERATE)
    return value


def _shown(value) -> str:
    """A value for a one-line message, as JSON writes it and cut short (a name such as "__class__" stays quoted)."""
    if isinstance(value, (Mapping, list)):
        return "an object" if isinstance(value, Mapping) else "a list"
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:30] + "…" + text[-5:]
