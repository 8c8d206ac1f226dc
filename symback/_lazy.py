"""A facade's names loaded from their own modules on first use (PEP 562), so that importing it stays cheap."""
from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping


def lazy_names(namespace: dict[str, Any], table: Mapping[str, tuple[str, ...]]) -> tuple[Callable, Callable]:
    """The module ``__getattr__`` and ``__dir__`` of a facade whose globals are ``namespace``.

    ``table`` maps a module to the names it gives the facade; each is imported on first use (lazy:
    start-up time) and then kept in ``namespace``, so the next lookup is an ordinary global.
    """
    where = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)  # lazy: start-up time
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
