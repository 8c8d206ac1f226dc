"""The command line run in this process, and the files it wrote, for the tests of exercise, grade and the cluster."""
from __future__ import annotations

from symback.cli import main


def run(argv, capsys):
    """(exit code, stdout, stderr) of ``symback ARGV``."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def files(folder):
    """Every file under ``folder``: its path relative to it -> its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
