#!/usr/bin/env python
"""Benchmark a batch-normalised network against naive per-parameter ``sympy.diff``, in one run.

The network is ``[16, batchnorm, relu, dense 16, batchnorm, relu, dense 4]`` in the layers-list form, a
minibatch of 8 samples (seeded values rounded to 3 digits), half_sse:

* ``json`` / ``md+tex``: CPU seconds (user + system) of the whole process ``symback derive SPEC --format
  json`` (and ``--format md,tex``), the median of ``--repeat`` runs;
* ``naive``: ``bench_backprop.naive_time`` in CPU seconds: compose the loss (every node replaced by its
  formula) and ``sympy.diff`` it per parameter, capped at ``--cap`` seconds and extrapolated per parameter
  group (w3, b3, gamma1, ...) from the diffs done;
* ``speedup`` = naive / job, for json and md+tex; the target is at least 30x for both. When composing and
  the first diff alone outlast the cap, naive is more than the CPU seconds spent until then, and the speedup is
  given as that lower bound (``> spent / job``): the 404 diffs would take far longer.

Absolute times depend on the machine and its load; the ratios, measured in one run, are what the target is
about. Run: ``python benchmarks/bench_layers.py`` (``--repeat 1 --cap 30`` for a quicker run).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_derive  # noqa: E402  (the job runner and the CPU-second naive baseline)

import symback  # noqa: E402
from symback.engine.graph import build_graph  # noqa: E402

SEED, SAMPLES, TARGET = 0, 8, 30.0
LAYERS = '[16, { batchnorm = {} }, "relu", { dense = 16 }, { batchnorm = {} }, "relu", { dense = 4 }]'


def network_toml() -> str:
    """The batch-normalised network as a spec: the two dense layers are layers 3 and 6."""
    rng = random.Random(SEED)
    u = lambda lo=-1.0: round(rng.uniform(lo, 1), 3)  # noqa: E731
    values = {"x": [[u() for _ in range(16)] for _ in range(SAMPLES)], "t": [[u(0.0) for _ in range(4)] for _ in range(SAMPLES)],
              "W3": [[u() for _ in range(16)] for _ in range(16)], "b3": [u() for _ in range(16)],
              "W6": [[u() for _ in range(16)] for _ in range(4)], "b6": [u() for _ in range(4)]}
    lines = ["[network]", f"layers = {LAYERS}", 'loss = "half_sse"', "[network.values]"]
    return "\n".join(lines + [f"{k} = {json.dumps(v)}" for k, v in values.items()]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each job (median)")
    parser.add_argument("--cap", type=float, default=120.0, help="naive time cap, seconds (then extrapolated)")
    args = parser.parse_args()
    sys.exit(compare("bn", network_toml(), f"network {LAYERS}, {SAMPLES} samples", args.repeat, args.cap))


def compare(stem: str, spec_text: str, description: str, repeat: int, cap: float, cpu_cap: bool = False) -> int:
    """Time ``symback derive`` (json, md+tex) of the spec against naive per-parameter diff, print, return 1 if missed
    (``cpu_cap``: the naive cap counts CPU seconds, :func:`bench_derive.naive_cpu`)."""
    print(f"load before: {bench_derive.load()}")
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / f"{stem}.toml"
        spec_path.write_text(spec_text, encoding="utf-8")
        graph = build_graph(symback.load_spec(spec_path))
        command = bench_derive._symback() + ["derive", str(spec_path), "-o", str(Path(tmp) / "out")] + bench_derive.BIG
        jobs = {}
        for label, formats in (("json", "json"), ("md+tex", "md,tex")):
            samples = bench_derive.run_samples(command + ["--format", formats], repeat, single=float("inf"))
            if samples is None:
                sys.exit(f"{Path(sys.argv[0]).stem}: the {label} job failed")
            jobs[label] = statistics.median(samples[1])
        spent = time.process_time()
        naive, note = bench_derive.naive_cpu(graph, cap, cpu_cap)
        spent = time.process_time() - spent  # CPU seconds the naive attempt used (its cap is wall-clock)
    print(f"{description}: {len(graph.nodes)} names, {len(graph.params)} parameters")
    bound = naive is None  # composing and the first diff outlasted the cap: naive > the CPU seconds spent on it
    naive = spent if bound else naive
    print(f"naive per-parameter sympy.diff: {'>' if bound else ''}{naive:.1f} s CPU ({note})")
    failed = False
    for label, seconds in jobs.items():
        speedup = naive / seconds
        ok = speedup >= TARGET
        failed |= not ok
        shown = f"{'>' if bound else ''}{speedup:.1f}x"
        print(f"{label:7s} {seconds:7.2f} s CPU   speedup {shown:>8s}   target >= {TARGET:g}x: {'met' if ok else 'NOT met'}")
    print(f"load after: {bench_derive.load()}")
    return 1 if failed else 0

if __name__ == "__main__":
    main()
