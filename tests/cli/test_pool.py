"""pool: jobs in worker processes; a job that raises or kills its worker fails alone, and the rest are reported."""
import math
import os

from symback.cli.pool import run_in_pool
from symback.engine import limits


def work(job):
    """A square root in the worker; "die" ends the worker as the kernel's OOM killer would."""
    if job == "die":
        os._exit(9)
    return math.sqrt(job)


def test_every_job_is_reported_once_and_a_failure_costs_only_its_own_job():
    reported = []

    def failed(job, exc):
        return ("failed", type(exc).__name__)

    def report(result, job):
        reported.append(job)
        return job, result

    with limits.command(limits.Limits(budget=120)):
        results = run_in_pool(work, [4, -1, "die", 9], failed, report)
    assert dict(results) == {4: 2.0, 9: 3.0, -1: ("failed", "ValueError"), "die": ("failed", "BrokenProcessPool")}
    assert sorted(map(str, reported)) == ["-1", "4", "9", "die"] and len(results) == 4


def test_a_single_job_runs_in_a_pool_of_its_own():
    with limits.command(limits.Limits(budget=60)):
        results = run_in_pool(work, [16], lambda job, exc: None, lambda result, job: (job, result))
    assert results == [(16, 4.0)]
