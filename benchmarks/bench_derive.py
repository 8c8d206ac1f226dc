#!/usr/bin/env python
"""Benchmark a whole ``symback derive`` job, start to finish, on [n, n, n] MLPs (graph and network form).

For n = 4, 8, 16, 32 (sigmoid, neuron biases, half_sse, one sample, seeded values rounded to 3 digits):

* ``json`` / ``md+tex``: wall-clock and CPU (user + system) seconds of the whole process ``symback
  derive SPEC --format json`` (and ``--format md,tex``), median of 2 x ``--repeat`` runs (3 before the
  naive baseline of that n and 3 after it, so that a drifting load weighs on both sides of the
  ratio alike; a single run where the first takes more than ``--single`` seconds, marked ``*``). The ratios use CPU seconds:
  on a shared machine the wall clock also counts other people's work. Network form is the ``[network]`` spec; graph form is the
  same neurons written as ``[nodes]`` formulas (``z1_1 = "w1_1_1*x1 + ... + b1_1"``,
  ``a1_1 = "sigmoid(z1_1)"``, ...).
* ``naive``: per-parameter ``sympy.diff`` of the composed loss, in this process, CPU seconds (the
  baseline of ``bench_backprop.py``: capped at ``--cap`` seconds per n and extrapolated per parameter
  group from the diffs done, marked ``~``); ``speedup`` = naive / CPU of the job (json or md+tex).
* ``n32/n16``: time(n = 32) / time(n = 16) (edges x4; linear is 4); ``graph/network``: the ratio of
  the two forms at each n.
* The stage breakdown at n = 16, in process (warm imports): parse (read + build the graph), backprop,
  substitute (numbers), check (the gradient check), json (document + text), md+tex (document model +
  both renderings).
* Start-up: ``symback --version`` and ``symback derive --example neuron`` against
  ``python -c "import sympy"`` (median of 5 each).

Absolute times depend on the machine and its load (printed before and after); the ratios, measured
in one run, are what the targets are about. ``--quick`` (n = 4, 8, one run each) is a smoke run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_backprop  # noqa: E402  (the same naive baseline, the same cap rules)

import symback  # noqa: E402
from symback.commands import render_document  # noqa: E402
from symback.engine import limits  # noqa: E402
from symback.engine.backprop import backprop  # noqa: E402
from symback.engine.graph import build_graph  # noqa: E402
from symback.engine.substitute import check_gradients, substitute  # noqa: E402

SEED = 0
BIG = ["--max-nodes", "100000", "--budget", "3600"]  # n = 32 has 2305 nodes, over the default cap


def _values(n: int) -> dict:
    rng = random.Random(SEED + n)
    u = lambda lo=-1.0: round(rng.uniform(lo, 1), 3)
    values = {"x": [u() for _ in range(n)], "t": [u(0.0) for _ in range(n)]}
    for l in (1, 2):
        values[f"W{l}"] = [[u() for _ in range(n)] for _ in range(n)]
        values[f"b{l}"] = [u() for _ in range(n)]
    return values


def network_toml(n: int) -> str:
    """The [n, n, n] MLP as a ``[network]`` spec."""
    v = _values(n)
    lines = ["[network]", f"layers = [{n}, {n}, {n}]", 'activation = "sigmoid"', 'bias = "neuron"',
             'loss = "half_sse"', "[network.values]"] + [f"{k} = {json.dumps(x)}" for k, x in v.items()]
    return "\n".join(lines) + "\n"


def graph_toml(n: int) -> str:
    """The same network as a graph: one formula per pre-activation, activation and the loss."""
    v = _values(n)
    lines = ['loss = "L"', "[inputs]"] + [f"x{k + 1} = {x}" for k, x in enumerate(v["x"])] + \
            [f"t{k + 1} = {x}" for k, x in enumerate(v["t"])] + ["[params]"]
    for l in (1, 2):
        lines += [f"w{l}_{j + 1}_{k + 1} = {v[f'W{l}'][j][k]}" for j in range(n) for k in range(n)]
        lines += [f"b{l}_{j + 1} = {v[f'b{l}'][j]}" for j in range(n)]
    lines.append("[nodes]")
    previous = [f"x{k + 1}" for k in range(n)]
    for l in (1, 2):
        current = []
        for j in range(1, n + 1):
            lines.append(f'z{l}_{j} = "' + " + ".join(f"w{l}_{j}_{k + 1}*{a}" for k, a in enumerate(previous))
                         + f' + b{l}_{j}"')
            name = f"a{l}_{j}" if l == 1 else f"y{j}"
            lines.append(f'{name} = "sigmoid(z{l}_{j})"')
            current.append(name)
        previous = current
    lines.append('L = "' + " + ".join(f"(y{j} - t{j})^2/2" for j in range(1, n + 1)) + '"')
    return "\n".join(lines) + "\n"


def naive_cpu(graph, cap: float, cpu_cap: bool = False):
    """``bench_backprop.naive_time`` counting CPU seconds: fair to a busy machine. Its cap stays wall-clock, or
    with ``cpu_cap`` is CPU seconds too (a profiling timer), for a baseline that cannot finish (composing an
    unrolled RNN): on a loaded machine a wall-clock cap would leave only a small lower bound."""
    clock, timers = bench_backprop.time, bench_backprop.signal
    bench_backprop.time = types.SimpleNamespace(perf_counter=time.process_time)
    if cpu_cap:
        bench_backprop.signal = types.SimpleNamespace(signal=signal.signal, setitimer=signal.setitimer,
                                                      ITIMER_REAL=signal.ITIMER_PROF, SIGALRM=signal.SIGPROF)
    try:
        return bench_backprop.naive_time(graph, cap)
    finally:
        bench_backprop.time, bench_backprop.signal = clock, timers


def _symback() -> list[str]:
    found = shutil.which("symback", path=str(Path(sys.executable).parent)) or shutil.which("symback")
    if not found:
        sys.exit("bench_derive: the symback command is not installed (pip install -e .)")
    return [found]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: the measured processes cache their bytecode as a user's do (pip compiles an installed package;
#: an editable one writes __pycache__ on its first run): a PYTHONDONTWRITEBYTECODE=1 environment
#: would otherwise recompile every module on every run (~0.15 s of each start-up here)
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_samples(command: list[str], repeat: int, single: float) -> tuple[list[float], list[float], bool] | None:
    """(wall, CPU) seconds of ``repeat`` runs of the process ``command``; one run if the first exceeds ``single`` s.

    None (reported on stderr) if the command fails.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_ENV)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        if done.returncode != 0:
            print(f"bench_derive: {' '.join(command)} failed:\n{done.stderr}", file=sys.stderr)
            return None
        if walls[0] > single:
            return walls[:1], cpus[:1], True
    return walls, cpus, False


def run_seconds(command: list[str], repeat: int, single: float) -> tuple[float, float, bool] | None:
    """Median (wall, CPU) seconds of :func:`run_samples`."""
    samples = run_samples(command, repeat, single)
    return None if samples is None else (statistics.median(samples[0]), statistics.median(samples[1]), samples[2])


def merged(*runs) -> tuple[float, float, bool] | None:
    """The median (wall, CPU) over several :func:`run_samples` of one command (None if any failed)."""
    if any(r is None for r in runs):
        return None
    walls = [w for r in runs for w in r[0]]
    cpus = [c for r in runs for c in r[1]]
    return statistics.median(walls), statistics.median(cpus), any(r[2] for r in runs)


def stages(path: Path) -> dict[str, float]:
    """In-process CPU seconds of each stage of one derive (warm imports, cold SymPy cache)."""
    from sympy.core.cache import clear_cache
    clear_cache()
    out: dict[str, float] = {}
    t0 = time.process_time()
    spec = symback.load_spec(path)
    graph = build_graph(spec)
    t1 = time.process_time()
    derivation = backprop(graph)
    t2 = time.process_time()
    numbered = substitute(derivation, check=False)
    t3 = time.process_time()
    checks, directions = check_gradients(graph, numbered.numbers.gradients)
    t4 = time.process_time()
    numbers = replace(numbered.numbers, check=checks, directions=directions)
    solution = symback.Solution(spec, numbered.with_numbers(numbers))
    json.dumps(solution.to_json(), default=float)
    t5 = time.process_time()
    doc = solution.document()
    render_document(doc, "md")
    render_document(doc, "tex")
    t6 = time.process_time()
    out.update(parse=t1 - t0, backprop=t2 - t1, substitute=t3 - t2, check=t4 - t3, json=t5 - t4, mdtex=t6 - t5)
    return out


def startup(tmp: Path) -> tuple[float, float, float]:
    """Median CPU seconds of ``import sympy``, ``symback --version`` and ``derive --example neuron`` (json)."""
    runs = {"sympy": [sys.executable, "-c", "import sympy"], "version": _symback() + ["--version"],
            "derive": _symback() + ["derive", "--example", "neuron", "-o", str(tmp / "startup")]}
    return tuple((run_seconds(command, 5, float("inf")) or (0, float("nan"), False))[1] for command in runs.values())


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="naive sympy.diff time cap per n, seconds (60)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell, median (3)")
    parser.add_argument("--single", type=float, default=30.0, help="one run only where the first exceeds this (30 s)")
    parser.add_argument("--formats", default="json,mdtex", help="which columns to run: json, mdtex or both (default)")
    parser.add_argument("--quick", action="store_true", help="n = 4, 8, one run each, cap 10 s (smoke run)")
    args = parser.parse_args()
    sizes = (4, 8) if args.quick else (4, 8, 16, 32)
    repeat, cap = (1, 10.0) if args.quick else (args.repeat, args.cap)
    began, load_before = time.perf_counter(), load()
    tmp = Path(tempfile.mkdtemp(prefix="bench_derive_"))
    cmd = _symback()
    for warm in ([sys.executable, "-c", "import sympy"], cmd + ["derive", "--example", "neuron", "--format", "all",
                                                                  "-o", str(tmp / "warm")]):
        subprocess.run(warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)  # bytecode cached
    cells: dict[tuple[int, str, str], tuple[float, float, bool] | None] = {}
    commands: dict[tuple[int, str, str], list[str]] = {}
    formats_run = args.formats.split(",")
    naive: dict[int, tuple[float | None, str]] = {}
    for n in sizes:
        paths = {"network": tmp / f"mlp{n}_network.toml", "graph": tmp / f"mlp{n}_graph.toml"}
        paths["network"].write_text(network_toml(n))
        paths["graph"].write_text(graph_toml(n))
        for form, path in paths.items():
            for fmt, formats in (("json", "json"), ("mdtex", "md,tex")):
                if fmt not in formats_run:
                    cells[n, form, fmt] = None
                    continue
                commands[n, form, fmt] = cmd + ["derive", str(path), "--format", formats, "-o", str(tmp / "out")] + BIG
        before = {key: run_samples(command, repeat, args.single) for key, command in commands.items() if key[0] == n}
        with limits.command(limits.Limits(nodes=100_000, budget=3600, memory=1 << 20)):
            graph = build_graph(symback.load_spec(paths["network"]))
        naive[n] = naive_cpu(graph, cap)  # outside the command's limits: both use SIGALRM
        # the same runs again after the naive baseline, and the median over both: on a shared machine
        # the load drifts over the minute the baseline takes, and the ratio is of the two
        for key, samples in before.items():
            single = samples is None or samples[2]
            cells[key] = merged(samples) if single else merged(samples, run_samples(commands[key], repeat, args.single))
        print(f"  n={n} done ({time.perf_counter() - began:.0f} s elapsed, load {load()})", flush=True)
    breakdown = {}
    for form in ("graph", "network") if 16 in sizes else ():
        try:
            breakdown[form] = stages(tmp / f"mlp16_{form}.toml")
        except Exception as exc:  # a stage another change broke: report it, keep the table
            print(f"bench_derive: stages of the {form} form failed: {exc!r}", file=sys.stderr)
    sympy_s, version_s, neuron_s = startup(tmp)
    shutil.rmtree(tmp, ignore_errors=True)

    def cpu(n, form, fmt):
        return cells[n, form, fmt][1] if cells[n, form, fmt] else float("nan")

    def cell(n, form, fmt):
        if cells[n, form, fmt] is None:
            return "failed" if fmt in formats_run else "not run"
        seconds, cpu_s, single = cells[n, form, fmt]
        return f"{seconds:.2f} / {cpu_s:.2f}{'*' if single else ''}"

    header = ["n", "edges", "form", "json wall / CPU s", "md+tex wall / CPU s", "naive CPU s",
              "speedup json", "speedup md+tex"]
    rows = []
    for n in sizes:
        naive_s, note = naive[n]
        approx = "" if note == "complete" else "~"
        for form in ("graph", "network"):
            speed = [f"{approx}{naive_s / cpu(n, form, f):.1f}x" if naive_s else "—" for f in ("json", "mdtex")]
            rows.append([str(n), str(2 * n * n), form, cell(n, form, "json"), cell(n, form, "mdtex"),
                         f"{approx}{naive_s:.1f}" if naive_s else "—", *speed])
    print(f"\nEnd to end, whole process, median of {2 * repeat} ({repeat} before the naive baseline, {repeat} after; "
          f"* = one run); load before {load_before}:\n")
    for line in [header, ["---"] * len(header)] + rows:
        print("| " + " | ".join(line) + " |")
    print("\nnaive: " + "; ".join(f"n={n} {note}" for n, (_, note) in naive.items()))
    verdicts = []
    if 16 in sizes and 32 in sizes:
        for fmt, label in (("json", "json"), ("mdtex", "md+tex")):
            for form in ("graph", "network"):
                growth = cpu(32, form, fmt) / cpu(16, form, fmt)
                verdicts.append(f"n32/n16 {form} {label} <= 4.5: {'PASS' if growth <= 4.5 else 'MISS'} ({growth:.2f})")
            naive16 = naive[16][0]
            if naive16:
                worst = max(cpu(16, form, fmt) for form in ("graph", "network"))
                verdicts.append(f"speedup n=16 {label} >= 50x: {'PASS' if naive16 / worst >= 50 else 'MISS'} "
                                f"(~{naive16 / worst:.0f}x)")
    ratios = [cpu(n, "graph", f) / cpu(n, "network", f) for n in sizes for f in ("json", "mdtex")]
    verdicts.append(f"graph/network <= 1.5: {'PASS' if max(ratios) <= 1.5 else 'MISS'} (max {max(ratios):.2f})")
    verdicts.append(f"start-up (CPU): --version {version_s:.2f} s, derive neuron {neuron_s:.2f} s, import sympy "
                    f"{sympy_s:.2f} s: <= 2x: {'PASS' if max(version_s, neuron_s) <= 2 * sympy_s else 'MISS'} "
                    f"({version_s / sympy_s:.2f}x, {neuron_s / sympy_s:.2f}x)")
    print("\nTargets (on CPU seconds): " + "\n         ".join(verdicts))
    if breakdown:
        names = ["parse", "backprop", "substitute", "check", "json", "mdtex"]
        print("\nStages at n = 16, in process (CPU seconds):\n")
        print("| form | " + " | ".join(names) + " |")
        print("| --- " * (len(names) + 1) + "|")
        for form, times in breakdown.items():
            print(f"| {form} | " + " | ".join(f"{times[k]:.2f}" for k in names) + " |")
    print(f"\nTotal runtime: {time.perf_counter() - began:.0f} s; load after {load()} "
          f"({os.cpu_count()} cores; sigmoid, neuron biases, half_sse, seed {SEED})")


if __name__ == "__main__":
    main()
