"""Every gallery document compiles to a printable PDF: no Overfull \\hbox over 1 pt, no Type 3 font, no words
printed over each other (``pdftotext -bbox`` boxes overlapping by more than 30 % of the smaller one).

The counting functions are those of ``benchmarks/bench_print.py`` (imported by path); the gallery is built
into a temporary directory and compiled once per document, two at a time. The counts of every document are
printed (``pytest -s``) and attached to the test report, so a regression names its document.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from symback.documents.gallery import gallery

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("pdflatex", "pdffonts", "pdftotext")

pytestmark = pytest.mark.skipif(any(shutil.which(tool) is None for tool in TOOLS),
                                reason="pdflatex, pdffonts and pdftotext are needed (texlive, poppler-utils)")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_print", ROOT / "benchmarks" / "bench_print.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compile(tex: Path, bench) -> dict:
    """One pdflatex pass (enough for overfull boxes and the words' places) and the three counts."""
    env = {**os.environ, "openin_any": "p", "openout_any": "p", "max_print_line": "1000"}
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-halt-on-error", tex.name],
                          cwd=tex.parent, env=env, capture_output=True, timeout=120)
    log = tex.with_suffix(".log").read_bytes().decode("utf-8", "replace")
    pdf = tex.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        error = next((line for line in log.splitlines() if line.startswith("!")), "pdflatex failed")
        return {"document": tex.name, "error": error}
    widths = bench.overfull_boxes(log)
    pairs = bench.overlapping_words(pdf)
    return {"document": tex.name, "error": "", "overfull": len(widths), "worst": max(widths, default=0.0),
            "type3": len(bench.type3_fonts(pdf)), "overlaps": len(pairs),
            "examples": [f"{a.text!r}/{b.text!r}" for a, b, _ in pairs[:3]]}


@pytest.fixture(scope="module")
def counts(tmp_path_factory) -> list[dict]:
    bench = _bench()
    out = tmp_path_factory.mktemp("print")
    texs = []
    for name, text in gallery():
        if name.endswith(".tex"):
            folder = out / name.removesuffix(".tex")
            folder.mkdir()
            (folder / name).write_text(text, encoding="utf-8")
            texs.append(folder / name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(lambda tex: _compile(tex, bench), texs))
    return rows


def _report(rows: list[dict]) -> str:
    lines = [f"{'document':<42} {'overfull':>8} {'worst pt':>9} {'type3':>5} {'overlaps':>8}"]
    for r in rows:
        if r["error"]:
            lines.append(f"{r['document']:<42} ERROR {r['error']}")
        else:
            lines.append(f"{r['document']:<42} {r['overfull']:>8} {r['worst']:>9.1f} {r['type3']:>5} "
                         f"{r['overlaps']:>8} {' '.join(r['examples'])}")
    return "\n".join(lines)


def test_every_gallery_document_compiles(counts, record_property):
    print("\n" + _report(counts))
    record_property("print_quality", _report(counts))
    assert len(counts) > 50
    failed = [r for r in counts if r["error"]]
    assert not failed, _report(failed)


def test_no_type3_fonts(counts):
    bad = [r for r in counts if not r["error"] and r["type3"]]
    assert not bad, _report(bad)


def test_no_overfull_lines(counts):
    bad = [r for r in counts if not r["error"] and r["overfull"]]
    assert not bad, _report(bad)


def test_no_overlapping_words(counts):
    bad = [r for r in counts if not r["error"] and r["overlaps"]]
    assert not bad, _report(bad)
