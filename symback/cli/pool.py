"""Jobs in parallel (derive's specs, exercise's variants and PDFs, grade's variants): a process pool whose workers
share the command's budget, die with it and clean up on signals.

For derive (:func:`run_in_pool`), a job that crashes its worker (killed, out of memory) costs only itself:
the jobs the broken pool did not finish run again, each in a pool of its own. For exercise and grade
(:func:`pool_map`), whose jobs stand or fall together, the first failure ends the command. On Ctrl-C or
SIGTERM the workers unwind their job (temporary directories removed, pdflatex killed) and end; an idle
worker ends at once.
"""
from __future__ import annotations

import copyreg
import os
import queue
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from types import MappingProxyType
from typing import Callable, Sequence

from symback.commands import limits
from symback.cli.faults import user_error


def read_only(items: dict) -> MappingProxyType:
    """A read-only mapping rebuilt from its items after it travelled between processes."""
    return MappingProxyType(items)


# a job's result may be a document model, whose tables are read-only mappings: they travel as their items
copyreg.pickle(MappingProxyType, lambda mapping: (read_only, (dict(mapping),)))

_busy = False    # in a worker: whether a job is running
_unwinding = 0   # in a worker: the signal being handled by unwinding the job (0: none)


def run_in_pool(work: Callable, jobs: Sequence, failed: Callable, report: Callable, alone: bool = True) -> list:
    """``work(job)`` for every job in worker processes; ``report(result, job)`` as each ends, in that order.

    ``failed(job, exc)`` makes the result of a job whose worker died or that raised; a job still
    running when the budget is over gets ``failed(job, budget error)``. ``alone``: the jobs a broken
    pool left run again one by one (else each gets ``failed`` at once).
    """
    results: list = []
    broken = _pool_pass(work, jobs, failed, report, results, min(len(jobs), os.cpu_count() or 1))
    for job in broken:  # alone, so a job that kills its worker fails only itself
        if alone and not _pool_pass(work, [job], failed, report, results, 1):
            continue
        results.append(report(failed(job, BrokenProcessPool("the worker died")), job))
    return results


def pool_map(work: Callable, jobs: Sequence, done: Callable[[int], None] | None = None,
             runner: Callable | None = None) -> list:
    """``[work(job) for job in jobs]`` in worker processes, for a command whose jobs stand or fall together.

    The first job that raises, whose worker dies or that the budget stops ends the command with its
    error (one line), the other workers stopped; ``done(count)`` is called as each job ends. ``runner``
    runs the jobs in place of :func:`run_in_pool` (:func:`symback.cli.cluster.run_on_cluster`).
    """
    results: dict[int, object] = {}

    def report(result, job) -> None:
        results[job[0]] = result
        if done is not None:
            done(len(results))

    (runner or run_in_pool)(partial(_indexed, work), list(enumerate(jobs)), _fail, report, alone=False)
    return [results[i] for i in range(len(jobs))]


def _indexed(work: Callable, job: tuple):
    return work(job[1])


def _fail(job, exc: BaseException):
    """A job of :func:`pool_map` failed: so does the command."""
    raise user_error(exc)


def _pool_pass(work, jobs, failed, report, results: list, workers: int) -> list:
    """One pool over ``jobs``; returns the jobs it left unfinished because the pool broke."""
    deadline = time.time() + limits.remaining()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(limits.current(), deadline, os.getpid()))
    futures: dict = {}
    broken: list = []
    limits.pause_timer()  # the workers keep the clock; this process waits for them (with a margin)
    finished: queue.SimpleQueue = queue.SimpleQueue()  # futures as they end (a done callback puts them here)
    try:  # from the first submission on: a signal meanwhile stops the workers (else exit waits for every job)
        with limits.held_signals():  # the first submission forks the workers: an exception raised by a signal
            for job in jobs:         # in the fork's hooks (logging's) is printed and dropped, and the signal lost
                future = pool.submit(in_worker, work, job)
                futures[future] = job
                future.add_done_callback(finished.put)
        # (not as_completed: it takes every future's lock one by one, and a signal in between left some taken,
        # so the executor's thread blocked on them and the interpreter's exit waited on that thread for ever)
        for _ in futures:
            future = finished.get(timeout=max(limits.remaining(), 0) + 10)
            job = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                broken.append(job)
                continue
            except Exception as exc:  # the job raised past its own handler
                result = failed(job, exc)
            results.append(report(result, job))
    except queue.Empty:  # the workers' budget is over and they did not say so: stop them
        for future, job in futures.items():
            if not future.done():
                results.append(report(failed(job, limits.budget_error()), job))
    finally:
        with limits.held_signals():  # the workers are stopped and reaped whole, whatever arrives meanwhile
            _stop_pool(pool, len(futures) == len(jobs) and all(f.done() for f in futures))
        limits.resume_timer()
    return [job for job in jobs if job in broken]


def in_worker(work: Callable, job):
    """Run one job in a worker: its budget timer runs only meanwhile; after an interruption the worker ends."""
    global _busy
    _busy = True
    limits.resume_timer()
    try:
        return work(job)
    finally:
        try:
            limits.pause_timer()
        finally:  # (even if a signal lands in pause_timer: an interrupted worker never returns to its loop)
            _busy = False
            if _unwinding:  # interrupted: the job has cleaned up, and the worker ends
                os._exit(128 + _unwinding)


def _start_worker(budget, deadline: float, parent: int) -> None:
    """A pool worker: dies with the parent, unwinds on SIGTERM/SIGINT during a job, and keeps the budget."""
    limits.die_with_parent(parent)
    signal.signal(signal.SIGINT, _worker_signal)
    signal.signal(signal.SIGTERM, _worker_signal)
    limits.start(budget, deadline)
    limits.pause_timer()  # armed only while a job runs (see in_worker)


def _worker_signal(signum, frame) -> None:
    """During a job, unwind and then end; when idle, end now; a second signal while unwinding is ignored.

    (Ctrl-C reaches the worker and then the parent's SIGTERM: the cleanup is not cut short.)
    """
    global _busy, _unwinding
    if _unwinding or limits.deferred(signum):
        return
    if not _busy:
        os._exit(128 + signum)
    _busy, _unwinding = False, signum
    raise limits.Interrupted(signum)


def _stop_pool(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down; unless every job finished, running workers get SIGTERM, then SIGKILL."""
    if finished:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor offers no public handle
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()
