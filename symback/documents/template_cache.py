"""The compiled built-in templates, kept between runs (Jinja2's bytecode cache, in the user's cache directory).

Compiling the solution templates (and the diagram and efficiency templates they include) took
about 60 ms of every ``derive --format md,tex``: 5 % of a 16-16-16 network's whole job, and most
of a small example's rendering. Jinja2 can keep the compiled code of a template and check it
against the template's source on each load (a changed template is compiled again), so symback
keeps it in ``$SYMBACK_CACHE_DIR``, else ``$XDG_CACHE_HOME/symback/templates``, else
``~/.cache/symback/templates``. ``SYMBACK_CACHE_DIR=`` (empty) turns the cache off.

Only symback's own templates are kept (a ``--templates`` directory is compiled on each run), and
only in a directory that is the user's own and that nobody else may write to: a cached template is
code that the next run loads. A cache that cannot be read or written (a read-only home, a full
disk, a damaged file) is passed over without a word: the template is compiled as before.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

#: the environment variable naming the cache directory ("" for no cache)
CACHE_VARIABLE = "SYMBACK_CACHE_DIR"


def cache_directory() -> "Path | None":
    """Where compiled templates are kept, or None (turned off, or no home to keep them in)."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # (the XDG rule: a relative value is ignored)
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "symback" / "templates"


def _own_private_directory(path: Path) -> bool:
    """Create ``path`` (mode 700) if need be; whether it is a directory of this user that only they may write."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(path, follow_symlinks=False)
    except (OSError, ValueError):
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def bytecode_cache():
    """A Jinja2 bytecode cache for the built-in templates, or None where there is no safe place for one."""
    directory = cache_directory()
    if directory is None or not _own_private_directory(directory):
        return None
    import jinja2.bccache  # (imported with jinja2 itself)

    class QuietCache(jinja2.bccache.FileSystemBytecodeCache):
        """Jinja2's file cache, with every failure to read or write taken as a cache miss."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged or foreign file (pickle, marshal) or an I/O error: compile
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)  # (Jinja2 writes a temporary file, then renames it)
            except OSError:  # full disk, read-only: this run compiled the template; the next one will too
                pass

    return QuietCache(str(directory))
