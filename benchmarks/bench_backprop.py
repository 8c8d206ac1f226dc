#!/usr/bin/env python
"""Benchmark symback's symbolic backward pass and its compiled gradients on [n, n, n] MLPs.

For n = 4, 8, 16, 32 (sigmoid, neuron biases, half_sse, one sample, seeded random weights):

* ``symback_s``: ``backprop(build_graph(spec))``, the symbolic gradients of every parameter (best
  of up to 3 cold-cache runs, fewer once 30 s are spent).
* ``naive_s``: the baseline: compose the loss into one SymPy expression of inputs and parameters,
  then ``sympy.diff`` once per parameter. Parameters are taken shuffled and interleaved across
  W1, b1, W2, b2 (whose diffs cost differently), so if the time cap (``--cap``, per n) stops it,
  the total is extrapolated per group from the diffs done (marked "extrapolated (>cap)"); if
  composing alone exceeds the cap, naive is skipped for that n. A SIGALRM timer enforces the cap.
* ``speedup`` = naive_s / symback_s; ``growth`` = symback_s(n) / symback_s(n/2) (edges grow 4x).
* Gradient evaluation on a batch of 1000 samples (best of 9 interleaved ``timeit`` repeats): the
  layer-level ``compile_network`` program vs hand-written NumPy in this file (their gradients are
  asserted to agree to 1e-10 relative), and, for information, the scalar ``compile_graph`` program.

Absolute times depend on the machine and its load; the ratios, measured in one process on the same
inputs with the SymPy cache cleared before each symbolic timing, are what the targets are about.
BLAS is pinned to one thread (unless already set in the environment): multithreaded OpenBLAS on a
small, busy machine turns a 1000 x 32 matmul into ~150 ms of spinning for both sides.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import time
import timeit
from typing import Callable

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads BLAS

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

import symback

SEED = 0
BATCH = 1000
Arrays = list[np.ndarray]


def make_network(n: int, rng: np.random.Generator) -> tuple[symback.Spec, Arrays, Arrays]:
    """The [n, n, n] spec with seeded random values, and its weights and biases as float arrays."""
    weights = [rng.uniform(-1, 1, (n, n)) for _ in range(2)]
    biases = [rng.uniform(-1, 1, n) for _ in range(2)]
    values = {"x": rng.uniform(-1, 1, n).tolist(), "t": rng.uniform(0, 1, n).tolist()}
    for l in (1, 2):
        values[f"W{l}"], values[f"b{l}"] = weights[l - 1].tolist(), biases[l - 1].tolist()
    spec = symback.spec_from_dict({"network": {"layers": [n, n, n], "activation": "sigmoid", "bias": "neuron",
                                               "loss": "half_sse", "values": values}})
    return spec, weights, biases


class _CapHit(BaseException):
    """Raised by the SIGALRM handler (a BaseException, so no ``except Exception`` in SymPy eats it)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _CapHit


def naive_time(graph: symback.Graph, cap: float) -> tuple[float | None, str]:
    """Seconds to compose the loss and ``sympy.diff`` it per parameter (extrapolated past ``cap``)."""
    groups: dict[str, list[sp.Symbol]] = {}  # w1, b1, w2, b2: diffs cost differently per group
    for name in graph.params:
        groups.setdefault(name.split("_")[0], []).append(graph.node(name).symbol)
    order = []
    for key, members in groups.items():
        random.Random(SEED).shuffle(members)
        order += [((i + 0.5) / len(members), key, p) for i, p in enumerate(members)]
    order.sort(key=lambda item: item[:2])  # proportional interleave: every prefix samples each group
    spent = {key: [0.0, 0] for key in groups}
    clear_cache()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    composed_at: float | None = None
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, cap)
        composed: dict[sp.Symbol, sp.Expr] = {}
        for node in graph.nodes:
            if not node.is_leaf:
                composed[node.symbol] = node.expr.xreplace(composed)
        loss = composed[graph.node(graph.loss).symbol]
        composed_at = time.perf_counter() - start
        for _, key, p in order:
            t0 = time.perf_counter()
            sp.diff(loss, p)
            spent[key][0] += time.perf_counter() - t0
            spent[key][1] += 1
        signal.setitimer(signal.ITIMER_REAL, 0)
    except _CapHit:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    done = sum(c for _, c in spent.values())
    if composed_at is None or done == 0:
        return None, f"skipped: {'composing' if composed_at is None else 'composing + first diff'} took > {cap:g} s"
    mean = sum(t for t, _ in spent.values()) / done  # for a group not reached yet
    total = composed_at + sum(len(groups[k]) * (t / c if c else mean) for k, (t, c) in spent.items())
    if done == len(order):
        return total, "complete"
    return total, f"extrapolated (>cap): {done}/{len(order)} diffs"


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def hand_numpy(X: np.ndarray, T: np.ndarray, W: Arrays, b: Arrays) -> tuple[float, Arrays, Arrays]:
    """Forward and backward pass of the 2-layer sigmoid MLP, half_sse averaged over the batch."""
    A1 = sigmoid(X @ W[0].T + b[0])
    Y = sigmoid(A1 @ W[1].T + b[1])
    loss = 0.5 * np.mean(np.sum((Y - T) ** 2, axis=1))
    dZ2 = (Y - T) * Y * (1.0 - Y) / X.shape[0]
    dZ1 = (dZ2 @ W[1]) * A1 * (1.0 - A1)
    return loss, [dZ1.T @ X, dZ2.T @ A1], [dZ1.sum(axis=0), dZ2.sum(axis=0)]


def best_seconds(*fns: Callable[[], object], repeat: int = 9) -> list[float]:
    """Best per-call time of each function over ``repeat`` interleaved timeit runs (fair under load)."""
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = [timer.autorange()[0] for timer in timers]
    runs = [[t.timeit(k) / k for t, k in zip(timers, numbers)] for _ in range(repeat)]
    return [min(column) for column in zip(*runs)]


def check_close(name: str, got: Arrays, want: Arrays, n: int) -> None:
    for label, g, w in zip(("dW1", "dW2", "db1", "db2"), got, want):
        err = np.max(np.abs(np.asarray(g) - w)) / np.max(np.abs(w))
        assert err <= 1e-10, f"n={n}: {name} {label} differs from hand NumPy (relative {err:.2e})"


def evaluation_times(n: int, spec: symback.Spec, derivation: symback.Derivation, W: Arrays, b: Arrays,
                     rng: np.random.Generator) -> tuple[float, float, float]:
    """Seconds per batch for compile_network, hand NumPy and compile_graph (checked to agree)."""
    X, T = rng.uniform(-1, 1, (BATCH, n)), rng.uniform(0, 1, (BATCH, n))
    network = symback.compile_network(spec.network, derivation.graph.conventions)
    scalar = symback.compile_graph(derivation)
    _, hand_dW, hand_db = hand_numpy(X, T, W, b)
    _, dW, db = network(X, T, W, b)
    check_close("compile_network", dW + db, hand_dW + hand_db, n)
    XT, TT = np.ascontiguousarray(X.T), np.ascontiguousarray(T.T)  # one contiguous array per input
    values: dict[str, object] = {f"x{k + 1}": XT[k] for k in range(n)} | {f"t{k + 1}": TT[k] for k in range(n)}
    for l in (1, 2):
        values |= {f"w{l}_{j + 1}_{k + 1}": W[l - 1][j, k] for j in range(n) for k in range(n)}
        values |= {f"b{l}_{j + 1}": b[l - 1][j] for j in range(n)}
    _, grads = scalar(values)
    means = [np.array([[np.mean(grads[f"w{l}_{j}_{k}"]) for k in range(1, n + 1)] for j in range(1, n + 1)])
             for l in (1, 2)] + [np.array([np.mean(grads[f"b{l}_{j}"]) for j in range(1, n + 1)]) for l in (1, 2)]
    check_close("compile_graph (sample mean)", means, hand_dW + hand_db, n)
    compiled, hand, straight = best_seconds(lambda: network(X, T, W, b), lambda: hand_numpy(X, T, W, b),
                                            lambda: scalar(values))
    return compiled, hand, straight


def symback_time(spec: symback.Spec, runs: int = 3, budget: float = 30.0) -> tuple[float, symback.Derivation]:
    """Best of up to ``runs`` cold-cache runs of ``backprop(build_graph(spec))``, within ``budget`` s."""
    best, spent = float("inf"), 0.0
    for _ in range(runs):
        clear_cache()
        t0 = time.perf_counter()
        derivation = symback.backprop(symback.build_graph(spec))
        elapsed = time.perf_counter() - t0
        best, spent = min(best, elapsed), spent + elapsed
        if spent >= budget:
            break
    return best, derivation


def verdict(label: str, value: float | None, ok: Callable[[float], bool], fmt: str) -> str:
    if value is None:
        return f"{label}: n/a"
    return f"{label}: {'PASS' if ok(value) else 'MISS'} ({value:{fmt}})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=None, help="naive time cap per n, seconds (default 60)")
    parser.add_argument("--quick", action="store_true", help="n = 4, 8 only, cap 10 s (smoke run)")
    args = parser.parse_args()
    sizes = (4, 8) if args.quick else (4, 8, 16, 32)
    cap = args.cap if args.cap is not None else (10.0 if args.quick else 60.0)
    began = time.perf_counter()
    rows, sym_s, speedups, ratios = [], {}, {}, []
    for n in sizes:
        rng = np.random.default_rng(SEED + n)
        spec, W, b = make_network(n, rng)
        sym_s[n], derivation = symback_time(spec)
        naive_s, note = naive_time(derivation.graph, cap)
        compiled, hand, scalar = evaluation_times(n, spec, derivation, W, b, rng)
        ratios.append(compiled / hand)
        growth = f"{sym_s[n] / sym_s[n // 2]:.2f}" if n // 2 in sym_s else "—"
        naive_txt = speed_txt = "—"
        if naive_s is not None:
            speedups[n] = naive_s / sym_s[n]
            approx = "" if note == "complete" else "~"
            naive_txt, speed_txt = f"{approx}{naive_s:.2f}", f"{approx}{speedups[n]:.1f}x"
        rows.append([str(n), str(len(derivation.graph.params)), f"{sym_s[n]:.2f}", naive_txt, note, speed_txt,
                     growth, f"{compiled * 1e3:.3f}", f"{hand * 1e3:.3f}", f"{compiled / hand:.2f}",
                     f"{scalar * 1e3:.2f}"])
        print(f"  n={n} done ({time.perf_counter() - began:.0f} s elapsed)", flush=True)
    header = ["n", "params", "symback_s", "naive_s", f"naive (cap {cap:g} s)", "speedup", "growth",
              "compiled_ms", "hand_ms", "compiled/hand", "compile_graph_ms"]
    print()
    for line in [header, ["---"] * len(header)] + rows:
        print("| " + " | ".join(line) + " |")
    growth32 = sym_s[32] / sym_s[16] if 32 in sym_s else None
    print("\nTargets: " + "; ".join([
        verdict("speedup at n=16 >= 100x", speedups.get(16), lambda v: v >= 100, ".0f"),
        verdict("growth n=32/n=16 <= 4.5", growth32, lambda v: v <= 4.5, ".2f"),
        verdict("max compiled/hand <= 2", max(ratios), lambda v: v <= 2, ".2f")]))
    print(f"Total runtime: {time.perf_counter() - began:.0f} s "
          f"(batch {BATCH}, sigmoid, neuron biases, half_sse, seed {SEED})")


if __name__ == "__main__":
    main()
