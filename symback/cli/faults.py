"""The command line's error boundary: any exception becomes one ``symback: ...`` line (exit 2), never a traceback.

:func:`user_error` turns what Python raises (an integer of too many digits, an overflow, a recursion
too deep, memory or disk trouble) into a :class:`SymbackError` naming the place and the fix;
:func:`check_paths` refuses an unusable ``-o`` or ``--templates`` and :func:`refuse_same_stem` two
inputs that would write the same files, before any work is done; :func:`limit_options` and
:func:`limits_from` are the budget's options, shared by the subcommands.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from symback.api import SymbackError
from symback.commands import check_templates, limits, number_text

_DEFAULT = limits.DEFAULTS
#: the largest value of each option: what Python and the kernel take (a C int of digits, an address space
#: in bytes); larger ones were reported as a float overflow
MAXIMA = {"memory": 1 << 24, "digits": 2**31 - 1, "samples": 10**9, "nodes": 10**9, "size": 10**9, "file": 1 << 40}


def limit_options(parser: argparse.ArgumentParser, budget: float = _DEFAULT.budget) -> None:
    """Add ``--budget`` (default ``budget`` seconds), ``--memory`` and the ``--max-*`` caps to a subcommand's parser."""
    group = parser.add_argument_group("budget and limits (each refusal names the one that was hit)")
    group.add_argument("--budget", type=float, default=budget, metavar="SECONDS",
                       help=f"wall-clock budget of the whole command (default {number_text(budget)} s)")
    group.add_argument("--memory", type=int, default=_DEFAULT.memory, metavar="MB",
                       help=f"memory (address space) of the command (default {_DEFAULT.memory} MB)")
    for name, meaning in (("digits", "digits of one exact number"), ("samples", "samples of a network spec"),
                          ("nodes", "nodes of one graph"), ("size", "parts (syntax-tree nodes) of one formula"),
                          ("file", "bytes of one input file")):
        group.add_argument(f"--max-{name}", type=int, default=getattr(_DEFAULT, name), dest=f"max_{name}",
                           metavar="N", help=f"{meaning} (default {getattr(_DEFAULT, name)})")


def limits_from(args: argparse.Namespace) -> "limits.Limits":
    """The :class:`Limits` of the parsed options (defaults for a command without them)."""
    values = {"budget": getattr(args, "budget", _DEFAULT.budget), "memory": getattr(args, "memory", _DEFAULT.memory)}
    values.update({name: getattr(args, f"max_{name}", getattr(_DEFAULT, name))
                   for name in ("digits", "samples", "nodes", "size", "file")})
    if not 0 < values["budget"] <= 86400:
        raise SymbackError("--budget", f"{number_text(values['budget'])} s is out of range", "use more than 0 and at most 86400 seconds")
    if values["memory"] < 256:
        raise SymbackError("--memory", f"{values['memory']} MB is too little to run", "use at least 256 MB")
    if values["memory"] > MAXIMA["memory"]:
        raise SymbackError("--memory", f"{values['memory']} MB is out of range", f"use at most {MAXIMA['memory']} MB")
    for name in ("digits", "samples", "nodes", "size", "file"):
        if not 1 <= values[name] <= MAXIMA[name]:
            raise SymbackError(f"--max-{name}", f"{values[name]} is out of range", f"use 1 to {MAXIMA[name]}")
    return limits.Limits(**values)


def check_paths(output: str, templates: "str | None" = None) -> None:
    """Refuse an unusable ``-o`` or ``--templates`` before any work."""
    check_templates(templates)
    check_output(output)


def refuse_same_stem(jobs) -> None:
    """Two inputs with one file name (``d1/spec.toml d2/spec.toml``) would write the same outputs: refuse them.

    ``jobs`` are (stem, what the user named) pairs.
    """
    seen: dict[str, str] = {}
    for stem, value in jobs:
        if stem in seen:
            raise SymbackError(str(value), f"writes the same files ({stem}.*) as {seen[stem]}",
                               "rename one of them, or run them with different -o directories")
        seen[stem] = str(value)


def check_output(output: str) -> None:
    """Refuse an output directory that cannot hold files, before any work: a file, below a file, unwritable."""
    if output == "-":
        return
    path = Path(output)
    if path.is_symlink() and not path.exists():
        raise SymbackError(f"-o {output}", "is a broken symbolic link", "name a directory, or remove the link")
    if path.exists():
        if not path.is_dir():
            raise SymbackError(f"-o {output}", "is not a directory", "name a directory (it is made if missing)")
        if not os.access(path, os.W_OK | os.X_OK):
            raise SymbackError(f"-o {output}", "the directory is not writable", "choose another directory or fix its permissions")
        return
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise SymbackError(f"-o {output}", f"'{parent}' is a file, not a directory", "name a directory path")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise SymbackError(f"-o {output}", f"cannot create it: '{parent}' is not writable",
                                   "choose another directory or fix the permissions")
            return


def user_error(exc: BaseException, where: str = "") -> SymbackError:
    """``exc`` as a one-line user error located at ``where`` (a spec's name, or empty)."""
    if isinstance(exc, SymbackError):
        return exc.located(where) if where and not exc.where.startswith(where) else exc
    if os.environ.get("SYMBACK_DEBUG"):  # for a developer: the traceback instead of the line
        raise exc
    digits = limits.current().digits
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return SymbackError(where, f"an exact number has more than {digits} digits", limits.OPTIONS["digits"][2])
    if isinstance(exc, RecursionError):
        return SymbackError(where, "the input is nested too deeply to process",
                            "use fewer levels of nesting, or name intermediate results as nodes")
    if isinstance(exc, MemoryError):
        return SymbackError(where, f"ran out of memory (the limit is {limits.current().memory} MB)",
                            limits.OPTIONS["memory"][2])
    if isinstance(exc, OverflowError):
        return SymbackError(where, "a number overflowed the floating-point range",
                            "use smaller values (or a smaller learning rate)")
    pool = sys.modules.get("concurrent.futures.process")  # lazy: start-up time (not loaded: no pool ran, none broke)
    if pool is not None and isinstance(exc, pool.BrokenProcessPool):
        return SymbackError(where, "the worker process solving this spec died (killed, or out of memory)",
                            f"run it alone, or raise --memory (now {limits.current().memory} MB)")
    if isinstance(exc, OSError):
        return _os_error(exc, where)
    return SymbackError(where, f"internal error ({type(exc).__name__}: {str(exc)[:200]})",
                        "please report it with the input that caused it (SYMBACK_DEBUG=1 shows the traceback)")


def _os_error(exc: OSError, where: str) -> SymbackError:
    name = f"'{exc.filename}'" if exc.filename else "a file"
    reason = exc.strerror or str(exc)
    fixes = {errno.ENOSPC: "free some space or write elsewhere with -o DIR",
             errno.EDQUOT: "free some space or write elsewhere with -o DIR",
             errno.EROFS: "write elsewhere with -o DIR", errno.EACCES: "write elsewhere with -o DIR, or fix the permissions",
             errno.ENOTDIR: "name a directory with -o DIR", errno.EISDIR: "name a file, not a directory"}
    return SymbackError(where, f"cannot use {name} ({reason})", fixes.get(exc.errno, "check the path and permissions"))
