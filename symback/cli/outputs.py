"""An output directory written as one set: locked against a second run, staged, then moved into place.

``symback exercise`` and ``symback grade`` write many files that belong together (variants.json and the
sheets and keys of its variants; a gradebook and its feedback files). Two runs into one directory mixed
them (variants.json of one seed, keys of the other). Here a run takes an exclusive lock on the
directory (a second run is refused at once), writes every file into a hidden staging directory inside
it, and only when all are written removes the previous set's files (if the new set replaces it) and
moves the new ones into place. A run that fails or is interrupted leaves the directory as it was (or absent).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from symback.api import SymbackError
from symback.commands import limits

try:
    import fcntl
except ImportError:  # not POSIX: no lock
    fcntl = None

STAGING = ".symback-"  #: prefix of the staging directory inside the output directory


@contextmanager
def output_set(out: Path, stale: Callable[[Path, Path], Iterable[Path]]) -> Iterator[Path]:
    """Yield a staging directory; on success, the files written there replace the set in ``out``.

    ``stale(out, staging)`` is called once everything is written and returns the files of ``out`` that
    belong to the set being replaced: they are removed first. Raises a one-line :class:`SymbackError`
    when another run holds the directory.
    """
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    lock = _lock(out)
    staging = None
    try:
        with limits.held_signals():  # a signal between making the folder and owning it would leak it
            staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
        yield staging
        old = list(stale(out, staging))
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        with limits.held_signals():  # the set is moved whole: a signal waits until it is in place
            for path in old:
                path.unlink(missing_ok=True)
            for name in written:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, out / name)
    finally:
        if staging is not None:
            with limits.held_signals():
                shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
        if made and not any(out.iterdir()):
            out.rmdir()  # nothing was written: no empty directory left behind either


def _lock(out: Path) -> int:
    """An exclusive lock on the directory ``out`` (released when the descriptor is closed)."""
    handle = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise SymbackError(f"-o {out}", "another symback run is writing to this directory",
                           "wait for it to finish, or choose another directory") from None
    return handle
