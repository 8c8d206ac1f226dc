"""The ``symback`` command: parses arguments and calls the API (exit 0 ok, 2 bad input).

One module per subcommand (``derive``, ``gallery``/``examples``, ``identity``, ``verify``, ``grad``);
:mod:`symback.cli.common` holds what they share. The CLI imports nothing but :mod:`symback.api`.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from symback import __version__
from symback.api import SymbackError
from symback.cli import derive, gallery, grad, identity, verify
from symback.cli.common import Parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    try:
        return args.run(args)
    except SymbackError as exc:
        print(f"symback: {exc.line()}", file=sys.stderr)
        return 2


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, but files may come after options too (``verify steps --latex a.txt``).

    argparse ends a ``nargs="*"`` positional at the first option, and its intermixed parsing does
    not support subcommands; the leftover file names are appended to the command's file list.
    """
    args, extra = parser.parse_known_args(argv)
    files = next((name for name in ("specs", "targets") if isinstance(getattr(args, name, None), list)), None)
    if extra and (files is None or any(item.startswith("-") and item != "-" for item in extra)):
        parser.error("unrecognized arguments: " + " ".join(extra))
    if extra:
        getattr(args, files).extend(extra)
    return args


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="symback", description="Symbolic backpropagation, written out as a worked solution.")
    parser.add_argument("--version", action="version", version=f"symback {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    derive.add_parser(sub)
    gallery.add_parsers(sub)
    identity.add_parser(sub)
    verify.add_parser(sub)
    grad.add_parser(sub)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
