"""Files symback writes: whole or not at all (a temporary file, then a rename), as the umask allows.

``tempfile.mkstemp`` makes its files 0600; a chmod to 0644 after it made answer keys and gradebooks
world-readable under ``umask 077``. These are created with mode 0666, which the kernel reduces by the
umask, as for any ordinary file.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in its directory and a rename.

    >>> write_atomic(Path("output/notes.txt"), "δ = y - t")  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = _new_file(path.parent, f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _new_file(directory: Path, prefix: str) -> tuple[int, Path]:
    """A new file ``prefix<random>.tmp`` in ``directory``, open for writing, mode 0666 less the umask."""
    while True:
        temp = directory / f"{prefix}{secrets.token_hex(6)}.tmp"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), temp
        except FileExistsError:  # 48 random bits taken: draw again
            continue
