"""The ``symback`` command: parses arguments and calls the API (exit 0 ok, 2 bad input).

One module per subcommand (``derive``, ``gallery``/``examples``, ``identity``, ``verify``, ``grad``,
``exercise``, ``grade``); :mod:`symback.cli.common` holds what they share. The CLI imports nothing
but the public facade :mod:`symback.api` and its own, :mod:`symback.commands`. :data:`COMMANDS` names
every subcommand and its help, so the parser lists them all while importing only the module of the
one that runs (lazy: start-up time).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from typing import Sequence

from symback import __version__

#: the subcommands in the order ``symback --help`` lists them: (name, "module:function" adding its
#: arguments, one-line help). Only the chosen command's module is imported (lazy: start-up time).
COMMANDS = (
    ("derive", "derive:add_arguments", "solve spec files and write the results"),
    ("gallery", "gallery:add_gallery_arguments", "regenerate the gallery: every built-in example as .md and .tex"),
    ("examples", "gallery:add_examples_arguments",
     "list the built-in examples (specs, and derivations for 'verify steps')"),
    ("identity", "identity:add_arguments", "checked step-by-step derivations of textbook identities"),
    ("verify", "verify:add_arguments",
     "check claims about a spec, or a derivation line by line ('verify steps FILE')"),
    ("grad", "grad:add_arguments", "the gradient of one formula"),
    ("exercise", "exercise:add_arguments", "variants of a spec: student sheets, answer keys, LMS export"),
    ("grade", "grade:add_arguments", "grade submissions against an exercise's variants.json"),
)


#: the cyclic collector of the console script: a first generation of 10,000 objects, not 700. SymPy
#: allocates millions of small objects that reference counting frees; at the default threshold a
#: 16-16-16 worked solution spent about 0.1 s (7%) in collections that found next to nothing
GC_THRESHOLD = (10_000, 10, 10)


def entry() -> int:
    """The ``symback`` console script: :func:`main` in a process of its own, collector tuned (:data:`GC_THRESHOLD`)."""
    gc.set_threshold(*GC_THRESHOLD)
    return main(tune_gc=True)


def main(argv: Sequence[str] | None = None, *, tune_gc: bool = False) -> int:
    """Run the command line; returns the exit code (0 ok, 1 a wrong claim or step, 2 bad input, 130/143 interrupted).

    This is the one error boundary: whatever is raised below becomes one ``symback: ...`` line on
    standard error (``SYMBACK_DEBUG=1`` re-raises, for a traceback). SIGINT and SIGTERM unwind the
    command, so its temporary directories are removed and its child processes killed.
    ``tune_gc`` (the console script's): once the command's modules are loaded, they are moved out of
    the collector's sight (``gc.freeze``), so no later collection walks them again.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv in (["--version"], ["-V"]):  # answered before SymPy is imported
        print(f"symback {__version__}")
        return 0
    try:
        from symback.commands import limits  # lazy: start-up time (the subcommands import SymPy)
        from symback.cli.common import log_lines
        from symback.cli.faults import limits_from, user_error

        parser = _build_parser(argv)
        args = _parse(parser, argv)
        if tune_gc:
            gc.freeze()
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    except KeyboardInterrupt:  # Ctrl-C while SymPy loads: nothing has been written yet
        print("symback: interrupted; nothing was written", file=sys.stderr)
        return 130
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


def _build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser: every subcommand with its help, the arguments of the one named in ``argv`` only.

    The command is the first word of ``argv`` that is not an option (``symback`` itself takes only
    ``-h`` and ``-V``, neither with a value); without one, no subcommand module is imported.
    """
    from symback.cli.common import Parser

    chosen = next((item for item in argv if not item.startswith("-")), None)
    parser = Parser(prog="symback", description="Symbolic backpropagation, written out as a worked solution.")
    parser.add_argument("-V", "--version", action="version", version=f"symback {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, where, text in COMMANDS:
        command = sub.add_parser(name, help=text)
        if name == chosen:
            module, function = where.split(":")
            getattr(importlib.import_module(f"symback.cli.{module}"), function)(command)  # lazy: start-up time
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
