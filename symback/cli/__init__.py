"""The ``symback`` command: parses arguments and calls the API (exit 0 ok, 2 bad input).

One module per subcommand (``derive``, ``gallery``/``examples``, ``identity``, ``verify``, ``grad``);
:mod:`symback.cli.common` holds what they share. The CLI imports nothing but :mod:`symback.api`.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from symback import __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 a wrong claim or step, 2 bad input, 130/143 interrupted).

    This is the one error boundary: whatever is raised below becomes one ``symback: ...`` line on
    standard error (``SYMBACK_DEBUG=1`` re-raises, for a traceback). SIGINT and SIGTERM unwind the
    command, so its temporary directories are removed and its child processes killed.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv in (["--version"], ["-V"]):  # answered before SymPy is imported
        print(f"symback {__version__}")
        return 0
    from symback.api import limits  # lazy: start-up time (the subcommands import SymPy)
    from symback.cli.common import log_lines
    from symback.cli.faults import limits_from, user_error

    parser = _build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    handlers = limits.catch_signals()
    try:
        with limits.command(limits_from(args)):
            return args.run(args)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (limits.Interrupted)
        name = "terminated" if getattr(exc, "signum", 2) != 2 else "interrupted"
        print(f"symback: {name}; files already reported as written are complete, nothing else was written",
              file=sys.stderr)
        return getattr(exc, "exit_code", 130)
    except Exception as exc:  # the boundary: one line, exit 2
        if os.environ.get("SYMBACK_DEBUG"):
            raise
        print(f"symback: {user_error(exc).line()}{log_lines(exc)}", file=sys.stderr)
        return 2
    finally:
        limits.restore_signals(handlers)


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
    from symback.cli import derive, exercise, gallery, grad, identity, verify  # lazy: start-up time
    from symback.cli import grade as grade_command
    from symback.cli.common import Parser

    parser = Parser(prog="symback", description="Symbolic backpropagation, written out as a worked solution.")
    parser.add_argument("-V", "--version", action="version", version=f"symback {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    derive.add_parser(sub)
    gallery.add_parsers(sub)
    identity.add_parser(sub)
    verify.add_parser(sub)
    grad.add_parser(sub)
    exercise.add_parser(sub)
    grade_command.add_parser(sub)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
