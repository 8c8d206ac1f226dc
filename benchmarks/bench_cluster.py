#!/usr/bin/env python
"""Benchmark ``symback grade --scheduler``: a course graded on a local 2-worker Dask cluster against the local pool.

The course (issue 25): ``--variants`` variants of ``exercise_mazur`` (default 10,000; 7 asked quantities),
one student per variant answering with bench_grade's mix (key, more digits, slips, too few digits, names,
blanks, decimal commas). ``symback grade`` runs as a user runs it, once on the process pool of this machine
and once with ``--scheduler`` on a ``LocalCluster`` of 2 worker processes (1 thread each) on 127.0.0.1 that
this script starts and closes; the two gradebooks must be byte-identical. Ratio = pool / cluster (above 1:
the cluster is faster). On one machine the cluster has the same 2 cores as the pool, plus pickling over TCP,
so a ratio below 1 is expected here; the point of a cluster is more machines.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_course  # noqa: E402  (the class of answers, written as bench_grade plants them)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--variants", type=int, default=10_000)
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        manifest, subs = bench_course.grade_class(out, args.variants, args.variants)
        made = time.perf_counter() - started
        grade = ["grade", str(manifest), str(subs), "--budget", "86400"]
        pool = bench_course.timed(lambda: bench_course.quiet(grade + ["-o", str(out / "pool")]))[0]
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=50)
        try:
            on_cluster = bench_course.timed(lambda: bench_course.quiet(
                grade + ["-o", str(out / "cluster"), "--scheduler", cluster.scheduler_address]))[0]
        finally:
            cluster.close()
        same = (out / "pool" / "gradebook.csv").read_bytes() == (out / "cluster" / "gradebook.csv").read_bytes()
        assert same, "the cluster's gradebook differs from the pool's"
        print(f"course: {args.variants} variants x 7 answers, one student each (exercise made in {made:.0f} s)")
        print(f"grade: local pool {pool:.1f} s, local 2-worker Dask cluster {on_cluster:.1f} s: "
              f"pool / cluster = {pool / on_cluster:.2f}; gradebooks byte-identical")


if __name__ == "__main__":
    main()
