"""Where the built-in templates and message catalogues live, and the catalogues in each language.

Templates and catalogues ship inside the installed package (``symback/templates``, read with
:mod:`importlib.resources`); a checkout reads the top-level ``templates/`` folder.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Mapping

from symback.engine.errors import SymbackError, did_you_mean


def templates_dir() -> Path:
    """The built-in templates: the installed package's ``symback/templates``, or the checkout's ``templates/``."""
    installed = Path(str(resources.files("symback"))) / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES_DIR = templates_dir()
LANGUAGES = ("en", "ko")
CATALOGUES = {"": "messages.toml", "verify.": "verify.toml"}  #: key prefix -> message file in templates/


@lru_cache(maxsize=None)
def messages(lang: str) -> dict[str, str]:
    """The message catalogues for ``lang`` (flattened: ``"rules.product rule"``, ``"verify.line"`` -> text)."""
    if lang not in LANGUAGES:
        raise SymbackError("--lang", f"unknown language '{lang}'", did_you_mean(lang, LANGUAGES))
    flat: dict[str, str] = {}

    def walk(table: Mapping, prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, Mapping) and set(value) == set(LANGUAGES):
                flat[prefix + key] = value[lang]
            elif isinstance(value, Mapping):
                walk(value, f"{prefix}{key}.")
    for prefix, catalogue in CATALOGUES.items():
        walk(tomllib.loads((TEMPLATES_DIR / catalogue).read_text(encoding="utf-8")), prefix)
    return flat


@lru_cache(maxsize=None)
def identity_messages(lang: str) -> dict[str, str]:
    """English text of the identity derivations -> ``lang`` (``templates/identities.toml``)."""
    data = tomllib.loads((TEMPLATES_DIR / "identities.toml").read_text(encoding="utf-8"))
    return {english: entry[lang] for english, entry in data.items()}
