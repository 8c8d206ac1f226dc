"""Live processes as /proc shows them, for the tests that check nothing is left running (psutil is no dependency)."""
from __future__ import annotations

from pathlib import Path


def live_processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every process that is not a zombie."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table
