#!/usr/bin/env python
"""Benchmark a course at scale (issue 25, point 0): one derivation per exercise against one per variant.

1. ``symback grade`` of 1,000 students x the 7 asked quantities of ``exercise_mazur`` (30 variants; the class
   of benchmarks/bench_grade.py: key, more digits, slips, too few digits, names, blanks, decimal commas), as a
   user runs it (its process pool, gradebook and feedback files), against the same command the old way.
   Targets: >= 4x faster, <= 10 s.
2. ``symback exercise --example exercise_mazur --variants 30 --format md,tex`` in variants per second, against
   the old way. Target: >= 3x. Every file the old way renders is compared with the command's: byte-identical.
3. The second core: the same exercise with a pool of 2 workers against a pool of 1. Target: >= 1.7x.

"The old way" is kept here, as :func:`old_way` and :func:`old_exercise`: every variant differentiated again
(``backprop`` in place of the shared derivation), every verifier program compiled again (lambdify per call),
and the exercise's documents built after the pool in this process, each worked solution's model built anew
for each of the four documents a variant is on (its sheet, its key, the sheets and the keys), as before.
Runs alternate old and new in one process (the caches emptied before each), so both see the same load; the
ratios are what the targets are about. The workers are forked from this process and inherit the patches.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))

import bench_grade  # noqa: E402  (the class of answers and their planted verdicts)
import symback.api  # noqa: E402
import symback.documents.efficiency_section as efficiency_section  # noqa: E402
import symback.engine.solution as engine_solution  # noqa: E402
from symback.api import exercise_spec, exercise_variant, example_path  # noqa: E402
from symback.checking import equivalence  # noqa: E402
from symback.cli import main as cli  # noqa: E402
from symback.cli.pool import pool_map  # noqa: E402
from symback.commands import build_exercise_document, limits, render_document, variant_seeds  # noqa: E402
from symback.documents.exercise_document import Exercise  # noqa: E402
from symback.documents.solution_document import build_document  # noqa: E402
from symback.engine import shared  # noqa: E402
from symback.engine.backprop import backprop  # noqa: E402
from symback.engine.efficiency import efficiency  # noqa: E402

EXAMPLE = "exercise_mazur"


CACHED = equivalence._compiled  #: the compiled-programs cache (the old way swaps it out)


def fresh() -> None:
    """Empty the caches, so that no run inherits another's derivations or programs."""
    shared._backprop.cache_clear()
    shared._counted.cache_clear()
    CACHED.cache_clear()


@contextmanager
def old_way():
    """The code before point 0: each variant differentiated, each program compiled, each model built, again."""
    def document(self, lang="en", digits=4, detail=None, gradients_of="parameters"):
        return build_document(self, lang, digits, detail, gradients_of)

    with mock.patch.object(engine_solution, "shared_backprop", backprop), \
            mock.patch.object(efficiency_section, "shared_efficiency", efficiency), \
            mock.patch.object(equivalence, "_compiled", CACHED.__wrapped__), \
            mock.patch.object(symback.api.Solution, "document", document):
        yield


def old_exercise(count: int) -> dict[str, str]:
    """The old ``exercise --format md,tex``: variants solved in the pool, then every document built and rendered
    here (the texts by file name)."""
    spec, _, asked = exercise_spec(example_path(EXAMPLE), f"example:{EXAMPLE}")
    width = max(2, len(str(count)))
    jobs = [(spec, asked, i, s, width) for i, s in enumerate(variant_seeds(0, count), 1)]
    with limits.command():  # the budget the command runs under
        variants = tuple(pool_map(_variant, jobs))
    exercise = Exercise(spec.title, spec.source, {}, 0, spec.vary.digits, asked, variants)
    texts = {}
    for kind, key in (("sheet", False), ("key", True)):
        for variant in variants:
            doc = build_exercise_document(exercise, (variant,), "en", key)
            texts[f"{kind}_{variant.id}.md"] = render_document(doc, "md")
            texts[f"{kind}_{variant.id}.tex"] = render_document(doc, "tex")
        texts[f"{kind}s.tex"] = render_document(build_exercise_document(exercise, variants, "en", key), "tex")
    return texts


def _variant(job):
    return exercise_variant(*job)


def timed(run) -> tuple[float, object]:
    fresh()
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def quiet(argv: list[str]) -> None:
    with open(os.devnull, "w") as null, mock.patch.object(sys, "stdout", null):
        assert cli(argv) == 0


def grade_class(out: Path, students: int, variants: int = 30) -> tuple[Path, Path]:
    """The exercise and the class's submissions CSV (bench_grade's mix)."""
    quiet(["exercise", "--example", EXAMPLE, "--variants", str(variants), "--format", "md", "-o", str(out / "ex"),
           "--budget", "86400"])
    manifest = json.loads((out / "ex" / "variants.json").read_text(encoding="utf-8"))
    labels = [q["label"] for q in manifest["questions"]]
    rng, kinds = random.Random(26), [k for k, weight in bench_grade.PLANTED for _ in range(weight)]
    rows = []
    for s in range(students):
        variant = manifest["variants"][s % len(manifest["variants"])]
        rows.append([f"s{s:04d}", variant["id"], *(bench_grade.cell(rng.choice(kinds), variant["answers"][label], rng)
                                                   for label in labels)])
    with (out / "subs.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["student", "variant", *labels], *rows])
    return out / "ex" / "variants.json", out / "subs.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--variants", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        manifest, subs = grade_class(out, args.students)
        old_grade, new_grade, old_ex, new_ex, one_core = [], [], [], [], []
        for r in range(args.rounds):
            grade = ["grade", str(manifest), str(subs)]
            with old_way():
                old_grade.append(timed(lambda: quiet(grade + ["-o", str(out / f"old{r}")]))[0])
            new_grade.append(timed(lambda: quiet(grade + ["-o", str(out / f"new{r}")]))[0])
            assert (out / f"old{r}" / "gradebook.csv").read_bytes() == (out / f"new{r}" / "gradebook.csv").read_bytes()
            with old_way():
                seconds, texts = timed(lambda: old_exercise(args.variants))
            old_ex.append(seconds)
            exercise = ["exercise", "--example", EXAMPLE, "--variants", str(args.variants), "--format", "md,tex"]
            new_ex.append(timed(lambda: quiet(exercise + ["-o", str(out / f"ex{r}")]))[0])
            differ = [name for name, text in texts.items() if (out / f"ex{r}" / name).read_text(encoding="utf-8") != text]
            assert not differ, f"not byte-identical: {differ[:3]}"
            with mock.patch.object(os, "cpu_count", lambda: 1):
                one_core.append(timed(lambda: quiet(exercise + ["-o", str(out / f"one{r}")]))[0])
        best = min
        g_old, g_new, e_old, e_new, e_one = map(best, (old_grade, new_grade, old_ex, new_ex, one_core))
        print(f"grade {args.students} rows: old {g_old:.1f} s, new {g_new:.1f} s: {g_old / g_new:.1f}x "
              f"(target >= 4x and <= 10 s: {'met' if g_old / g_new >= 4 and g_new <= 10 else 'MISSED'})")
        print(f"exercise {args.variants} variants md,tex: old {args.variants / e_old:.1f} variants/s, new "
              f"{args.variants / e_new:.1f} variants/s: {e_old / e_new:.1f}x (target >= 3x: "
              f"{'met' if e_old / e_new >= 3 else 'MISSED'}); byte-identical: yes")
        print(f"second core: 1 worker {args.variants / e_one:.1f} variants/s, 2 workers {args.variants / e_new:.1f}: "
              f"{e_one / e_new:.2f}x (target >= 1.7x: {'met' if e_one / e_new >= 1.7 else 'MISSED'})")


if __name__ == "__main__":
    main()
