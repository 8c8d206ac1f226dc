"""``symback gallery`` and ``symback examples``: the committed gallery, and the list of built-in examples."""
from __future__ import annotations

import re

from symback.api import example_names, load_example
from symback.commands import gallery, steps_example, steps_examples
from symback.cli.common import emit, say
from symback.cli.faults import check_output, limit_options


def add_gallery_arguments(gallery) -> None:
    """The arguments of ``gallery`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    gallery.add_argument("-o", "--output", default="output", metavar="DIR", help="output directory (default output/)")
    limit_options(gallery, budget=3600)  # every example and identity, in two languages
    gallery.set_defaults(run=run_gallery)


def add_examples_arguments(examples) -> None:
    """The arguments of ``examples``: none (its name and help: :data:`symback.cli.COMMANDS`)."""
    examples.set_defaults(run=run_examples)


def run_gallery(args) -> int:
    """Regenerate the gallery in ``args.output``."""
    check_output(args.output)
    for filename, text in gallery():
        say(emit(text, args.output, filename))
    return 0


def run_examples(args) -> int:
    """List the built-in examples with their titles, then the step derivations."""
    for name in example_names():  # specs: symback derive --example NAME
        title = load_example(name).title or ""
        print(f"{name:28s} {title}")
    print("\nderivations (symback verify steps --example NAME):")
    for name in steps_examples():
        print(f"  {name:26s} {_first_comment(steps_example(name))}")
    return 0


def _first_comment(path) -> str:
    """The first comment line of a derivation or homework file (its title; not a 'spec:' or 'input:' line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = (line.lstrip("#%").strip() for line in lines if line.startswith(("#", "%")))
    return next((c for c in comments if not re.match(r"(spec|input|functions)\s*:", c, re.IGNORECASE)), "")
