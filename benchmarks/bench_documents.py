#!/usr/bin/env python
"""Benchmark what a user waits for at the command line: ``symback derive`` as a whole process.

1. Whole-process wall time of ``symback derive --example neuron --format md,tex,json`` and of the same
   for ``mazur_222`` (the [2, 2, 2] network), each as a subprocess of this interpreter
   (``python -m symback.cli``), against the floor any SymPy program pays: ``python -c "import sympy"``.
   Ratio = derive / baseline; target <= 3x.
2. What the PDF costs: ``derive --example neuron --format pdf`` minus ``--format tex`` (paired per
   round), against one bare ``pdflatex -interaction=nonstopmode -halt-on-error neuron.tex`` of the
   same .tex in a fresh scratch directory. Ratio = pdf extra / bare pdflatex; target <= 1.5x.
   symback runs pdflatex itself and reruns it only when the log asks (latexmk, used at first,
   always made a second pass in a fresh directory, which cost 2.2-2.5x here).

Each measurement is the median of 5 runs, interleaved round by round (after one unrecorded warm-up
round), every run writing into a new temporary directory. Absolute times depend on the machine and
its load; ratios of runs interleaved in one script see the same load, so they are what the targets
are about.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

RUNS = 5
CLI = [sys.executable, "-m", "symback.cli"]


def timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of ``command`` run to completion (must exit 0), and its combined output."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout + proc.stderr


def derive(example: str, formats: str) -> float:
    """Wall seconds of one ``symback derive`` subprocess writing into a new temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-derive-") as out:
        return timed(CLI + ["derive", "--example", example, "--format", formats, "-o", out])[0]


def bare_pdflatex(tex: Path) -> float:
    """Wall seconds of one pdflatex run on a copy of ``tex`` in a new scratch directory."""
    with tempfile.TemporaryDirectory(prefix="bench-pdflatex-") as work:
        shutil.copy(tex, work)
        return timed(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=Path(work))[0]


def measure(jobs: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Run every job once unrecorded, then ``runs`` interleaved rounds; seconds per job per round."""
    for job in jobs.values():
        job()
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            times[name].append(job())
    return times


def verdict(label: str, value: float, limit: float) -> str:
    """A PASS/MISS line for ``value`` against an upper ``limit`` (a ratio)."""
    return f"{'PASS' if value <= limit else 'MISS'}: {label} <= {limit:g}x ({value:.2f}x)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"recorded runs per measurement (default {RUNS})")
    args = parser.parse_args()
    began = time.perf_counter()
    times = measure({
        "import sympy": lambda: timed([sys.executable, "-c", "import sympy"])[0],
        "derive neuron md,tex,json": lambda: derive("neuron", "md,tex,json"),
        "derive mazur_222 md,tex,json": lambda: derive("mazur_222", "md,tex,json"),
    }, args.runs)
    with tempfile.TemporaryDirectory(prefix="bench-tex-") as scratch:
        timed(CLI + ["derive", "--example", "neuron", "--format", "tex", "-o", scratch])
        tex = Path(scratch) / "neuron.tex"
        times |= measure({
            "derive neuron tex": lambda: derive("neuron", "tex"),
            "derive neuron pdf": lambda: derive("neuron", "pdf"),
            "bare pdflatex neuron.tex": lambda: bare_pdflatex(tex),
        }, args.runs)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    extra = [p - t for p, t in zip(times["derive neuron pdf"], times["derive neuron tex"])]
    med["pdf extra (pdf - tex)"] = statistics.median(extra)
    base, bare = med["import sympy"], med["bare pdflatex neuron.tex"]
    ratios = {"derive neuron md,tex,json": med["derive neuron md,tex,json"] / base,
              "derive mazur_222 md,tex,json": med["derive mazur_222 md,tex,json"] / base,
              "pdf extra (pdf - tex)": med["pdf extra (pdf - tex)"] / bare}
    baseline_of = {"derive neuron md,tex,json": "import sympy", "derive mazur_222 md,tex,json": "import sympy",
                   "pdf extra (pdf - tex)": "bare pdflatex"}
    spread = {name: f"{min(ts):.3f}–{max(ts):.3f}" for name, ts in times.items()}
    spread["pdf extra (pdf - tex)"] = f"{min(extra):.3f}–{max(extra):.3f}"
    print("| measurement | median_s | min–max_s | vs | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, value in med.items():
        ratio = f"{ratios[name]:.2f}x" if name in ratios else "—"
        print(f"| {name} | {value:.3f} | {spread[name]} | {baseline_of.get(name, '—')} | {ratio} |")
    print()
    print(verdict("derive neuron / import sympy", ratios["derive neuron md,tex,json"], 3))
    print(verdict("derive mazur_222 / import sympy", ratios["derive mazur_222 md,tex,json"], 3))
    print(verdict("pdf extra / bare pdflatex", ratios["pdf extra (pdf - tex)"], 1.5))
    print(f"Total runtime: {time.perf_counter() - began:.0f} s ({args.runs} interleaved runs each after 1 warm-up, "
          f"median; {sys.executable}, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
