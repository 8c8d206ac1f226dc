#!/usr/bin/env python
"""Benchmark ``symback grade``: 1,000 students × the 6+ asked quantities of ``exercise_mazur``, on the pool.

The class: 30 variants of the built-in 2-2-2 exercise (7 asked quantities at 3 digits); each student
answers one variant, a mix drawn with a fixed seed of what a class writes: the key (60%), more digits than
asked (10%), a number outside the window by a slip (sign or a decimal shift, 10%), too few digits (5%), a
name instead of a number (5%), blank (5%) and a decimal comma (5%). ``symback grade`` runs as a user runs
it (its process pool, the gradebook, the feedback files and misconceptions.csv written), timed as a whole
in this process. Target (issue 26): under 60 s on 2 cores. Every row's verdicts are checked against the
verdict planted, so a fast wrong gradebook cannot pass.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from symback.cli import main as cli

PLANTED = [("key", 60), ("more", 10), ("slip", 10), ("few", 5), ("name", 5), ("blank", 5), ("comma", 5)]
EXPECTED = {"key": {"correct"}, "more": {"correct"}, "slip": {"wrong", "rounding-carried", "follow-on"},
            "few": {"too few digits"}, "name": {"not a number"}, "blank": {"blank"}, "comma": {"not a number"}}


def cell(kind: str, answer: dict, rng: random.Random) -> str:
    key = answer["answer"]
    if kind == "key":
        return key
    if kind == "more":
        return format(float(answer["value"]), ".6g")
    if kind == "slip":
        return key[1:] if key.startswith("-") else ("-" + key if rng.random() < 0.5 else str(Decimal(key).scaleb(1)))
    if kind == "few":
        return format(float(answer["value"]), ".1g") if float(answer["value"]) else "0.1"
    if kind == "name":
        return "y1"
    if kind == "comma":
        return key.replace(".", ",") if "." in key else key + ",5"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--variants", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(26)
    kinds = [k for k, weight in PLANTED for _ in range(weight)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        assert cli(["exercise", "--example", "exercise_mazur", "--variants", str(args.variants), "--format", "md",
                    "-o", str(out / "ex")]) == 0
        manifest = json.loads((out / "ex" / "variants.json").read_text(encoding="utf-8"))
        labels = [q["label"] for q in manifest["questions"]]
        planted, rows = [], []
        for s in range(args.students):
            variant = manifest["variants"][s % len(manifest["variants"])]
            chosen = [rng.choice(kinds) for _ in labels]
            planted.append(chosen)
            rows.append([f"s{s:04d}", variant["id"], *(cell(k, variant["answers"][label], rng)
                                                       for k, label in zip(chosen, labels))])
        with (out / "subs.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["student", "variant", *labels], *rows])
        started = time.perf_counter()
        assert cli(["grade", str(out / "ex" / "variants.json"), str(out / "subs.csv"), "-o", str(out / "g")]) == 0
        seconds = time.perf_counter() - started
        book = list(csv.DictReader((out / "g" / "gradebook.csv").open(encoding="utf-8")))
        misses = sum(row[label] not in EXPECTED[kind] for row, chosen in zip(book, planted)
                     for kind, label in zip(chosen, labels))
        assert misses == 0, f"{misses} cells got a verdict other than the one planted"
        cells = args.students * len(labels)
        print(f"grade: {args.students} students x {len(labels)} answers ({cells} cells, {args.variants} variants) "
              f"in {seconds:.1f} s ({args.students / seconds:.0f} rows/s); target < 60 s: "
              f"{'met' if seconds < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
