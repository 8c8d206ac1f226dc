#!/usr/bin/env python
"""Benchmark ``symback verify``: how long it takes to decide gradient claims on a 2-2-1 sigmoid MLP.

The network: layers [2, 2, 1], sigmoid, neuron biases, mse, one sample, exact binary-fraction
values. Claims are written in its node names (README "Network names").

* WRONG claims (a dropped factor 2, the sign, x1 for x2, a dropped sigmoid derivative, a weight
  index): probing finds the counterexample and the slip; no proof is attempted. Target: at most
  0.5 s each, in process, as the best of ``--repeat`` runs, both for ``verify_claims`` on an
  already solved problem ("verify_s") and for ``solve`` + ``verify_claims`` ("solve+verify_s").
* RIGHT claims: the textbook form (SymPy proves it: "correct") and the same gradient spelled in
  inputs and parameters with every sigmoid written with exp (SymPy does not finish: "numeric"
  when the budget runs out). Target: decided within the proof budget + 1 s.

* HOMEWORK: a 12-line homework about seed 000's neuron (``examples/homework/neuron_homework.txt``,
  every line checked link by link, all right) and the same neuron's homework with its mistakes
  (``neuron_mistakes.txt``: every wrong line named), each solved and checked from the spec. Target:
  under 2 s each, in one process, as the best of ``--repeat`` runs.

The SymPy cache is cleared before every timed run, so each run builds its expressions afresh.
Absolute times depend on the machine and its load; the best of several runs is what the targets
are about. Every verdict and slip is asserted, so a fast wrong answer cannot pass.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

from sympy.core.cache import clear_cache

import symback
from symback.checking.equivalence import DEFAULT_BUDGET
from symback.checking.homework import verify_homework
from symback.checking.verify import ClaimResult, verify_claims
from symback.engine.examples import steps_example

SPEC = {"network": {"layers": [2, 2, 1], "activation": "sigmoid", "bias": "neuron", "loss": "mse",
                    "values": {"x": [0.5, -0.25], "t": [0.75], "W1": [[0.5, -0.375], [0.25, 0.625]],
                               "b1": [0.125, 0.25], "W2": [[0.75, -0.5]], "b2": [0.25]}}}
WRONG_TARGET = 0.5  #: seconds to decide a wrong claim
SLACK = 1.0         #: seconds over the budget allowed for a right claim (fork, probes, bookkeeping)
HOMEWORK_TARGET = 2.0  #: seconds to check a 12-line homework, solving its spec included
#: (built-in homework, its lines, its first wrong line, the misconception codes of its wrong lines)
HOMEWORK = [("neuron_homework", 12, None, []),
            ("neuron_mistakes", 13, 7, ["derivative_at_wrong_point", "missing_activation_derivative", "wrong_input",
                                        "arithmetic", "gradient_ascent", "constant_factor",
                                        "missing_inner_derivative", "decimal_shift"])]

DELTA = "2*(y1 - t1)*y1*(1 - y1)"  # dL/dz2_1 for mse with one output
RIGHT = f"{DELTA}*w2_1_1*a1_1*(1 - a1_1)*x2"  # dL/dw1_1_2


def _sigmoid(u: str) -> str:
    return f"1/(1 + exp(-({u})))"


def _hard() -> str:
    """dL/dw2_1_2 in inputs and parameters only, every sigmoid spelled with exp."""
    a1, a2 = (_sigmoid(f"w1_{k}_1*x1 + w1_{k}_2*x2 + b1_{k}") for k in (1, 2))
    z = f"w2_1_1*{a1} + w2_1_2*{a2} + b2_1"
    return f"2*({_sigmoid(z)} - t1)*exp(-({z}))/(1 + exp(-({z})))**2*{a2}"


#: (label, quantity, formula, expected verdicts, expected slip key or None)
WRONG = [
    ("factor 2 dropped", "dL/dw1_1_2", RIGHT.removeprefix("2*"), {"wrong"}, "slip.factor"),
    ("sign", "dL/dw1_1_2", RIGHT.replace("(y1 - t1)", "(t1 - y1)"), {"wrong"}, "slip.sign"),
    ("x1 for x2", "dL/dw1_1_2", RIGHT.replace("x2", "x1"), {"wrong"}, "slip.instead"),
    ("sigmoid' dropped", "dL/dw1_1_2", RIGHT.replace("*a1_1*(1 - a1_1)", ""), {"wrong"}, "slip.missing"),
    ("w2_1_2 for w2_1_1", "dL/dw1_1_2", RIGHT.replace("w2_1_1", "w2_1_2"), {"wrong"}, "slip.instead"),
]
RIGHTS = [
    ("textbook form", "dL/dw1_1_2", RIGHT, {"correct", "numeric"}, None),
    ("exp form in leaves", "dL/dw2_1_2", _hard(), {"correct", "numeric"}, None),
]


def best_of(runs: int, fn: Callable[[], ClaimResult]) -> tuple[float, ClaimResult]:
    """The best wall time of ``runs`` cold-cache calls of ``fn``, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        clear_cache()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def check(label: str, result: ClaimResult, verdicts: set[str], slip: str | None) -> str:
    """The slip key symback gave; raises if the verdict or the slip is not the expected one."""
    found = next((key for key, _ in result.details if key.startswith("slip.")), None)
    if result.verdict not in verdicts or found != slip:
        raise AssertionError(f"{label}: {result.verdict} {result.details} (expected {verdicts}, {slip})")
    return found or "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per wrong claim (best of); default 7")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                        help=f"proof budget for the right claims, seconds (default {DEFAULT_BUDGET:g})")
    args = parser.parse_args()
    began = time.perf_counter()
    solution = symback.solve(SPEC)
    rows, passed = [], []
    for label, quantity, formula, expected, slip in WRONG:
        claim = [(quantity, formula)]
        verify_s, result = best_of(args.repeat, lambda: verify_claims(solution, claim).results[0])
        total_s, again = best_of(args.repeat, lambda: verify_claims(symback.solve(SPEC), claim).results[0])
        found = check(label, result, expected, slip)
        check(label, again, expected, slip)
        ok = max(verify_s, total_s) <= WRONG_TARGET
        passed.append(ok)
        rows.append([f"wrong: {label}", quantity, result.verdict, found, f"{verify_s:.3f}", f"{total_s:.3f}",
                     f"<= {WRONG_TARGET:g} s", "PASS" if ok else "MISS"])
    runs = max(1, min(3, args.repeat))  # a right claim can take the whole budget: fewer runs
    for label, quantity, formula, expected, slip in RIGHTS:
        claim = [(quantity, formula)]
        verify_s, result = best_of(runs, lambda: verify_claims(solution, claim, budget=args.budget).results[0])
        total_s, again = best_of(runs, lambda: verify_claims(symback.solve(SPEC), claim, budget=args.budget).results[0])
        check(label, result, expected, slip)
        limit = args.budget + SLACK
        ok = max(verify_s, total_s) <= limit
        passed.append(ok)
        rows.append([f"right: {label}", quantity, f"{result.verdict} / {again.verdict}", "—", f"{verify_s:.3f}",
                     f"{total_s:.3f}", f"<= budget {args.budget:g} + {SLACK:g} s", "PASS" if ok else "MISS"])
    for name, count, first_wrong, codes in HOMEWORK:
        text = steps_example(name).read_text(encoding="utf-8")
        first_s, _ = best_of(1, lambda: verify_homework(text, symback.load_example("neuron")))  # the process's first
        total_s, report = best_of(args.repeat, lambda: verify_homework(text, symback.load_example("neuron")))
        found = [s.misconception.code for s in report.steps if s.misconception is not None]
        if len(report.steps) != count or report.first_wrong != first_wrong or found != codes:
            raise AssertionError(f"{name}: {len(report.steps)} lines, first wrong {report.first_wrong}, {found}")
        ok = max(first_s, total_s) <= HOMEWORK_TARGET
        passed.append(ok)
        rows.append([f"homework: {name}", f"{count} lines", f"first wrong {first_wrong}", f"{len(codes)} named", "—",
                     f"{total_s:.3f} (first {first_s:.3f}: {first_s / HOMEWORK_TARGET:.0%} of the target)",
                     f"<= {HOMEWORK_TARGET:g} s", "PASS" if ok else "MISS"])
    header = ["claim", "quantity", "verdict", "slip", "verify_s", "solve+verify_s", "target", ""]
    print(f"2-2-1 sigmoid MLP (mse); best of {args.repeat} runs per wrong claim, {runs} per right claim; "
          f"cold SymPy cache; proof budget {args.budget:g} s")
    print()
    for line in [header, ["---"] * len(header)] + rows:
        print("| " + " | ".join(line) + " |")
    print(f"\nTargets: {sum(passed)}/{len(passed)} PASS "
          f"(wrong claims <= {WRONG_TARGET:g} s; right claims <= budget + {SLACK:g} s; "
          f"a 12-line homework <= {HOMEWORK_TARGET:g} s)")
    print(f"Total runtime: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
