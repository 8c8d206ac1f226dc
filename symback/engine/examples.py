"""The built-in examples: specs in ``symback/examples/*.toml``, derivations in ``symback/examples/steps/*.txt``,
homework about the specs in ``symback/examples/homework/*.txt``."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from symback.engine.errors import SymbackError, did_you_mean
from symback.engine.spec import Spec
from symback.engine.spec_reader import load_spec

EXAMPLES_DIR = Path(str(resources.files("symback"))) / "examples"
STEPS_DIR = EXAMPLES_DIR / "steps"
HOMEWORK_DIR = EXAMPLES_DIR / "homework"


def example_names() -> list[str]:
    """The built-in examples (``symback examples`` lists them with their titles)."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))


def load_example(name: str) -> Spec:
    """The spec of a built-in example, named ``example:NAME`` in errors and outputs."""
    return load_spec(example_path(name), name=f"example:{name}")


def example_path(name: str) -> Path:
    """The spec file of a built-in example."""
    path = EXAMPLES_DIR / f"{name}.toml"
    if not path.is_file():
        raise SymbackError(f"example '{name}'", "no such example", did_you_mean(name, example_names()))
    return path


def steps_examples() -> list[str]:
    """The built-in derivations and homework (``symback verify steps --example NAME``)."""
    return sorted(p.stem for folder in (STEPS_DIR, HOMEWORK_DIR) for p in folder.glob("*.txt"))


def steps_example(name: str) -> Path:
    """The file of a built-in derivation or homework."""
    path = next((p for p in (STEPS_DIR / f"{name}.txt", HOMEWORK_DIR / f"{name}.txt") if p.is_file()), None)
    if path is None:
        raise SymbackError(f"example '{name}'", "no such derivation", did_you_mean(name, steps_examples()))
    return path
