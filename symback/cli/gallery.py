"""``symback gallery`` and ``symback examples``: the committed gallery, and the list of built-in examples."""
from __future__ import annotations

from symback.api import example_names, gallery, load_example
from symback.cli.common import emit, say


def add_parsers(sub) -> None:
    """Register ``gallery`` and ``examples`` on the command line's subparsers."""
    gallery = sub.add_parser("gallery", help="regenerate the gallery: every built-in example as .md and .tex")
    gallery.add_argument("-o", "--output", default="output", metavar="DIR", help="output directory (default output/)")
    gallery.set_defaults(run=run_gallery)

    examples = sub.add_parser("examples", help="list the built-in examples")
    examples.set_defaults(run=run_examples)


def run_gallery(args) -> int:
    """Regenerate the gallery in ``args.output``."""
    for filename, text in gallery():
        say(emit(text, args.output, filename))
    return 0


def run_examples(args) -> int:
    """List the built-in examples with their titles."""
    for name in example_names():
        title = load_example(name).title or ""
        print(f"{name:28s} {title}")
    return 0
