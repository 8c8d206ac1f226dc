#!/usr/bin/env python
"""Benchmark the matrix view's compiled layer-level gradients against torch autograd on CPU.

A [784, 64, 10] network (sigmoid hidden layer, neuron biases, softmax output, cross-entropy
averaged over the batch), a batch of 256, seeded random values, row convention (X: 256 x 784,
W1: 784 x 64, W2: 64 x 10). For float64 and float32:

* ``symback_ms``: ``symback.matrix_program(net)(X, T, weights, biases)``, the generated NumPy program
  of :func:`symback.compile_network` behind the matrix view's shape checks: loss and every
  layer-level gradient.
* ``torch_ms``: the same forward pass in torch and ``loss.backward()`` (autograd), gradients zeroed
  before each call, in the same process on the same data.

Times are the best per-call time of 9 interleaved ``timeit`` repeats (fair under load). Both
sides' gradients are asserted to agree first (relative 1e-10 in float64, 1e-4 in float32). The
target is symback_ms / torch_ms <= 2. BLAS and torch are pinned to ``--threads`` threads (default 1):
on a small, busy machine multithreaded BLAS mostly measures the scheduler.
"""
from __future__ import annotations

import argparse
import os
import sys
import timeit

_threads = next((a.split("=")[1] for a in sys.argv if a.startswith("--threads=")), "1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _threads)  # before numpy and torch load BLAS

import numpy as np

import symback

SIZES, BATCH, SEED = (784, 64, 10), 256, 0


def make_problem(rng: np.random.Generator):
    """The network spec and float64 arrays X, T, [W1, W2], [b1, b2] in the row convention."""
    X = rng.uniform(0, 1, (BATCH, SIZES[0]))
    T = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], BATCH)]
    W = [rng.normal(0, 0.05, (SIZES[0], SIZES[1])), rng.normal(0, 0.1, (SIZES[1], SIZES[2]))]
    b = [rng.normal(0, 0.1, SIZES[1]), rng.normal(0, 0.1, SIZES[2])]
    values = {"x": X[0].tolist(), "t": T[0].tolist(), "W1": W[0].T.tolist(), "W2": W[1].T.tolist(),
              "b1": b[0].tolist(), "b2": b[1].tolist()}
    spec = symback.spec_from_dict({"network": {"layers": list(SIZES), "activation": ["sigmoid", "softmax"],
                                               "bias": "neuron", "loss": "cross_entropy", "values": values}})
    return spec.network, X, T, W, b


def torch_step(torch, X, T, params):
    """Forward and backward with autograd; returns the loss and the gradients."""
    for p in params:
        p.grad = None
    W1, b1, W2, b2 = params
    z = torch.sigmoid(X @ W1 + b1) @ W2 + b2
    loss = torch.nn.functional.cross_entropy(z, T)
    loss.backward()
    return loss, [p.grad for p in params]


def best_seconds(*fns, repeat: int = 9) -> list[float]:
    """Best per-call time of each function over ``repeat`` interleaved timeit runs."""
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = [timer.autorange()[0] for timer in timers]
    runs = [[t.timeit(k) / k for t, k in zip(timers, numbers)] for _ in range(repeat)]
    return [min(column) for column in zip(*runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default=_threads, help="BLAS and torch threads (default 1); write --threads=N")
    parser.parse_args()
    import torch

    torch.set_num_threads(int(_threads))
    net, X64, T64, W64, b64 = make_problem(np.random.default_rng(SEED))
    program = symback.matrix_program(net)
    rows = []
    for dtype, tdtype, rtol in ((np.float64, torch.float64, 1e-10), (np.float32, torch.float32, 1e-4)):
        X, T = X64.astype(dtype), T64.astype(dtype)
        W, b = [w.astype(dtype) for w in W64], [v.astype(dtype) for v in b64]
        tX, tT = torch.tensor(X), torch.tensor(T)
        params = [torch.tensor(a, dtype=tdtype, requires_grad=True) for a in (W[0], b[0], W[1], b[1])]
        loss, dW, db = program(X, T, W, b)
        tloss, tgrads = torch_step(torch, tX, tT, params)
        assert dW[0].dtype == dtype, f"the program changed the dtype to {dW[0].dtype}"
        assert abs(loss - tloss.item()) <= rtol * abs(tloss.item())
        for mine, theirs in zip((dW[0], db[0], dW[1], db[1]), tgrads):
            scale = np.max(np.abs(theirs.numpy()))
            assert np.max(np.abs(mine - theirs.numpy())) <= rtol * scale, "gradients differ from torch autograd"
        ours, theirs = best_seconds(lambda: program(X, T, W, b), lambda: torch_step(torch, tX, tT, params))
        rows.append((np.dtype(dtype).name, ours * 1e3, theirs * 1e3, ours / theirs))
    print(f"[784, 64, 10], batch {BATCH}, sigmoid + softmax/cross-entropy, neuron biases, "
          f"{_threads} thread(s), numpy {np.__version__}, torch {torch.__version__}\n")
    print("| dtype | symback_ms | torch_ms | symback/torch |")
    print("| --- | --- | --- | --- |")
    for name, ours, theirs, ratio in rows:
        print(f"| {name} | {ours:.3f} | {theirs:.3f} | {ratio:.2f} |")
    worst = max(r[3] for r in rows)
    print(f"\nTarget symback/torch <= 2: {'PASS' if worst <= 2 else 'MISS'} (worst {worst:.2f})")


if __name__ == "__main__":
    main()
