#!/usr/bin/env python
"""Measure the print quality of the LaTeX worked solutions: what a reader of the PDF would notice.

For every ``.tex`` in DIR (default: a fresh temporary directory into which ``symback gallery`` is
written), compile it with pdflatex in its own temporary directory (``-interaction=nonstopmode
-no-shell-escape -halt-on-error``, kpathsea ``openin_any=p openout_any=p``, rerun while the log asks,
at most three passes, 120 s for all passes together), then count per document:

* overfull: ``Overfull \\hbox (12.3pt too wide)`` warnings of more than 1 pt in the log, and the worst;
* type3: Type 3 (bitmap) fonts in the PDF, as ``pdffonts`` lists them;
* overlaps: pairs of words on the same page whose ``pdftotext -bbox`` boxes overlap by more than 30 %
  of the smaller box's area (labels printed over each other, e.g. in a TikZ diagram).

Prints a table (document, pages, overfull>1pt, worst pt, type3, overlaps) and totals; always exits 0,
since it is a measurement. ``overfull_boxes``, ``type3_fonts`` and ``overlapping_words`` are the
counting functions, importable by path (benchmarks/ is a plain folder). Standard library only, plus
pdflatex, pdffonts and pdftotext (Debian: texlive-*, poppler-utils).

    python benchmarks/bench_print.py [DIR] [--jobs 2] [--json FILE]
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

TIMEOUT = 120.0  #: seconds for all pdflatex passes of one document together
MAX_PASSES = 3
MAX_JOBS = 2
OVERFULL_MIN_PT = 1.0
OVERLAP_FRACTION = 0.30
_OVERFULL = re.compile(r"Overfull \\hbox \((-?\d+(?:\.\d+)?)pt too wide\)")
_RERUN = re.compile(r"Rerun (?:to get|LaTeX)|have changed\.\s*Rerun")
_PAGE = re.compile(r'<page\b[^>]*>(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', re.S)


# ---------------------------------------------------------------------------------------- counting

def overfull_boxes(log_text: str, min_pt: float = OVERFULL_MIN_PT) -> list[float]:
    """The widths (pt) of the ``Overfull \\hbox`` warnings in a TeX log that are more than ``min_pt`` too wide.

    >>> overfull_boxes("Overfull \\\\hbox (12.3pt too wide) in paragraph\\nOverfull \\\\hbox (0.5pt too wide)")
    [12.3]
    """
    return [width for width in (float(m.group(1)) for m in _OVERFULL.finditer(log_text)) if width > min_pt]


def parse_pdffonts(text: str) -> list[dict[str, str]]:
    """The rows of ``pdffonts`` output as dicts keyed by its header (name, type, encoding, emb, ...)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("---"):
            break
    else:
        return []
    spans = [m.span() for m in re.finditer(r"-+", lines[index])]
    header = lines[index - 1] if index else ""
    keys = [header[a:b].strip() or f"col{i}" for i, (a, b) in enumerate(spans)]
    ends = [a for a, _ in spans[1:]] + [None]
    rows = []
    for line in lines[index + 1:]:
        if line.strip():
            rows.append({key: line[a:end].strip() for key, (a, _), end in zip(keys, spans, ends)})
    return rows


def type3_fonts(pdf_path: str | os.PathLike) -> list[str]:
    """The names of the Type 3 fonts in a PDF, one per font object ``pdffonts`` lists."""
    out = subprocess.run(["pdffonts", os.fspath(pdf_path)], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return [row.get("name", "") for row in parse_pdffonts(out) if row.get("type", "").startswith("Type 3")]


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)


def parse_bbox(xhtml: str) -> list[list[Word]]:
    """The words of each page of ``pdftotext -bbox`` output."""
    pages = []
    for number, page in enumerate(_PAGE.findall(xhtml), start=1):
        pages.append([Word(number, html.unescape(m.group(5)), *map(float, m.group(1, 2, 3, 4)))
                      for m in _WORD.finditer(page)])
    return pages


def overlaps(words: list[Word], fraction: float = OVERLAP_FRACTION) -> list[tuple[Word, Word, float]]:
    """Pairs of words whose boxes overlap by more than ``fraction`` of the smaller box's area (sweep on x)."""
    found = []
    ordered = sorted((w for w in words if w.area > 0), key=lambda w: w.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.x0 >= a.x1:
                break
            width = min(a.x1, b.x1) - b.x0
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width <= 0 or height <= 0:
                continue
            share = width * height / min(a.area, b.area)
            if share > fraction:
                found.append((a, b, share))
    return found


def pdf_words(pdf_path: str | os.PathLike) -> list[list[Word]]:
    """The words of each page of a PDF, with their boxes, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", os.fspath(pdf_path), "-"], capture_output=True, timeout=60,
                         check=True).stdout.decode("utf-8", "replace")
    return parse_bbox(out)


def overlapping_words(pdf_path: str | os.PathLike,
                      fraction: float = OVERLAP_FRACTION) -> list[tuple[Word, Word, float]]:
    """Pairs of words on the same page of a PDF whose boxes overlap by more than ``fraction`` of the smaller."""
    return [pair for page in pdf_words(pdf_path) for pair in overlaps(page, fraction)]


# ---------------------------------------------------------------------------------------- compiling

@dataclass
class Row:
    document: str
    pages: int = 0
    overfull: int = 0
    worst_pt: float = 0.0
    type3: int = 0
    overlaps: int = 0
    seconds: float = 0.0
    error: str = ""
    examples: list[str] = field(default_factory=list)  #: a few overlapping pairs, for reading


def _run(command: list[str], cwd: str, env: dict[str, str], deadline: float) -> subprocess.CompletedProcess:
    """Run without a shell in its own process group; kill the group when the deadline passes."""
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(command, proc.returncode, out, None)


def measure(tex: Path, timeout: float = TIMEOUT) -> Row:
    """Compile one .tex in a fresh temporary directory and count what it got wrong."""
    row = Row(tex.name)
    env = {k: v for k, v in os.environ.items() if k not in ("TEXMFOUTPUT", "TEXMF_OUTPUT_DIRECTORY")}
    env.update(openin_any="p", openout_any="p", shell_escape="f", max_print_line="1000")
    command = ["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-halt-on-error", "document.tex"]
    start = time.monotonic()
    deadline = start + timeout
    with tempfile.TemporaryDirectory(prefix="bench-print-") as work:
        shutil.copyfile(tex, Path(work) / "document.tex")
        log = ""
        try:
            for _ in range(MAX_PASSES):
                proc = _run(command, work, env, deadline)
                log_path = Path(work) / "document.log"
                log = log_path.read_bytes().decode("utf-8", "replace") if log_path.exists() else ""
                if proc.returncode != 0:
                    message = next((line for line in log.splitlines() if line.startswith("!")), "pdflatex failed")
                    row.error = message[:80]
                    break
                if not _RERUN.search(log):
                    break
        except subprocess.TimeoutExpired:
            row.error = f"timeout after {timeout:g} s"
        row.seconds = time.monotonic() - start
        widths = overfull_boxes(log)
        row.overfull, row.worst_pt = len(widths), max(widths, default=0.0)
        pdf = Path(work) / "document.pdf"
        if row.error or not pdf.exists():
            row.error = row.error or "no PDF"
            return row
        try:
            row.type3 = len(type3_fonts(pdf))
            pages = pdf_words(pdf)
            row.pages = len(pages)
            pairs = [pair for page in pages for pair in overlaps(page)]
            row.overlaps = len(pairs)
            row.examples = [f"p{a.page} {a.text!r}/{b.text!r} {share:.0%}" for a, b, share in pairs[:5]]
        except (subprocess.SubprocessError, OSError) as exc:
            row.error = f"{type(exc).__name__}: {exc}"[:80]
    return row


def gallery(into: Path) -> None:
    """Write the gallery (every built-in example as .md and .tex) into ``into`` with ``symback gallery``."""
    command = [shutil.which("symback")] if shutil.which("symback") else [sys.executable, "-m", "symback.cli"]
    subprocess.run(command + ["gallery", "-o", os.fspath(into)], check=True, timeout=900,
                   stdin=subprocess.DEVNULL)


def table(rows: list[Row]) -> str:
    """The rows as an aligned text table with a totals line."""
    head = ("document", "pages", "overfull>1pt", "worst pt", "type3", "overlaps")
    body = [(r.document, str(r.pages), str(r.overfull), f"{r.worst_pt:.1f}", str(r.type3),
             str(r.overlaps) + (f"  ERROR {r.error}" if r.error else "")) for r in rows]
    total = ("TOTAL", str(sum(r.pages for r in rows)), str(sum(r.overfull for r in rows)),
             f"{max((r.worst_pt for r in rows), default=0.0):.1f}", str(sum(r.type3 for r in rows)),
             str(sum(r.overlaps for r in rows)) + (f"  ({sum(bool(r.error) for r in rows)} failed)"
                                                   if any(r.error for r in rows) else ""))
    widths = [max(len(line[i]) for line in [head, total] + body) for i in range(5)]
    fmt = lambda line: "  ".join([line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:5], widths[1:])]
                                 + [line[5]])
    rule = "-" * (sum(widths) + 2 * 5 + len(head[5]))
    return "\n".join([fmt(head), rule] + [fmt(line) for line in body] + [rule, fmt(total)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, help="folder of .tex files (default: a fresh symback gallery)")
    parser.add_argument("--jobs", type=int, default=MAX_JOBS, help=f"parallel pdflatex runs (at most {MAX_JOBS})")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("pdflatex", "pdffonts", "pdftotext") if shutil.which(tool) is None]
    if missing:
        print(f"cannot measure: {', '.join(missing)} not on PATH "
              "(apt-get install texlive-latex-extra poppler-utils)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-print-gallery-") as scratch:
        folder = args.dir
        if folder is None:
            folder = Path(scratch)
            try:
                gallery(folder)
            except (subprocess.SubprocessError, OSError) as exc:
                print(f"cannot write the gallery: {exc}", file=sys.stderr)
                return 0
        sources = sorted(folder.glob("*.tex"))
        if not sources:
            print(f"no .tex files in {folder}", file=sys.stderr)
            return 0
        with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, MAX_JOBS))) as pool:
            rows = list(pool.map(measure, sources))
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
