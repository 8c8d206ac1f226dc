#!/usr/bin/env python
"""Benchmark backpropagation through time against naive per-parameter ``sympy.diff``, in one run.

The network is an RNN of H = 8 tanh units over a sequence of T = 16 steps of D = 4 features, the last step's
state into one output, half_sse (seeded values rounded to 3 digits; Wh halved, so the states do not saturate).
The jobs, the naive baseline and the speedups are those of ``bench_layers.py`` (its :func:`compare`): CPU
seconds of ``symback derive SPEC --format json`` and ``--format md,tex`` against composing the unrolled loss
and differentiating it per parameter, capped at ``--cap`` CPU seconds (composing the unrolled loss alone does
not finish within it: tanh of a sum of 8 tanh of ..., 16 deep, so the speedup is the lower bound naive >
the CPU seconds spent); the target is at least 30x for both. Run: ``python benchmarks/bench_sequence.py`` (``--repeat 1 --cap 30`` for a quicker run).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_layers import compare  # noqa: E402  (the jobs, the naive baseline and the report)

SEED, STEPS, HIDDEN, FEATURES = 0, 16, 8, 4
LAYERS = f'[{{ sequence = [{STEPS}, {FEATURES}] }}, {{ rnn = {{ hidden = {HIDDEN}, activation = "tanh" }} }}, "last", {{ dense = 1 }}]'


def network_toml() -> str:
    """The RNN as a spec: Wx1 (H x D), Wh1 (H x H), b1, then the dense layer 3."""
    rng = random.Random(SEED)
    u = lambda lo=-1.0: round(rng.uniform(lo, 1), 3)  # noqa: E731
    values = {"x": [[u() for _ in range(FEATURES)] for _ in range(STEPS)], "t": [u(0.0)],
              "Wx1": [[u() for _ in range(FEATURES)] for _ in range(HIDDEN)],
              "Wh1": [[round(u() / 2, 3) for _ in range(HIDDEN)] for _ in range(HIDDEN)],
              "b1": [u() for _ in range(HIDDEN)], "W3": [[u() for _ in range(HIDDEN)]], "b3": [u()]}
    lines = ["[network]", f"layers = {LAYERS}", 'loss = "half_sse"', "[network.values]"]
    return "\n".join(lines + [f"{k} = {json.dumps(v)}" for k, v in values.items()]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each job (median)")
    parser.add_argument("--cap", type=float, default=120.0, help="naive time cap, CPU seconds (then extrapolated)")
    args = parser.parse_args()
    sys.exit(compare("rnn", network_toml(), f"network {LAYERS}", args.repeat, args.cap, cpu_cap=True))


if __name__ == "__main__":
    main()
