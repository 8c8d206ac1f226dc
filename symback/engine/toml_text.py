"""A spec dictionary as TOML text: the writer behind ``symback.torch_to_toml`` (the reader is ``tomllib``).

Only what a spec holds: strings, booleans, integers, finite floats (written as ``repr(float)``, the shortest
text that reads back to the same float, which the spec reader takes exactly), lists and tables. A table
whose values hold a table (``[network]`` holds ``values``) becomes a section; tables inside lists are inline.

>>> print(toml_text({"title": "t", "network": {"layers": [2, {"dense": 1}], "values": {"x": [0.5, 1e-05]}}}))
title = "t"
<BLANKLINE>
[network]
layers = [2, { dense = 1 }]
<BLANKLINE>
[network.values]
x = [0.5, 1e-05]
<BLANKLINE>
"""
from __future__ import annotations

import json
import math
from typing import Any, Mapping, Sequence


def toml_text(data: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """The TOML text of ``data``, headed by ``comments`` (one ``# `` line each)."""
    lines = [f"# {line}" if line else "#" for line in comments]
    _section(lines, (), data)
    return "\n".join(lines).lstrip("\n") + "\n"


def _section(lines: list[str], path: tuple[str, ...], table: Mapping[str, Any]) -> None:
    plain = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
    if path:
        lines += ["", f"[{'.'.join(path)}]"]
    lines += [f"{key} = {_value(value)}" for key, value in plain.items()]
    for key, value in table.items():
        if isinstance(value, Mapping):
            _section(lines, path + (key,), value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no exact form for {value!r} in a spec")  # callers check values first
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (escapes as \uXXXX)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {_value(v)}" for key, v in value.items()) + " }"
    return "[" + ", ".join(_value(v) for v in value) + "]"
