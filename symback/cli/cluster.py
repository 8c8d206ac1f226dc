"""Jobs on a Dask distributed cluster (``--scheduler ADDRESS``): a course's variants and rows, or many specs,
run by the cluster's workers in place of the local process pool (:mod:`symback.cli.pool`).

``ADDRESS`` is a scheduler's address (``tcp://host:8786``) or a scheduler file (``dask scheduler
--scheduler-file FILE``). The jobs and their results travel pickled; the command's output is what the
pool gives, in the same order, so the files are byte-identical. Each job runs under the command's limits
and shares its deadline (a job past it stops with the budget's error), one at a time in a worker process
(the limits are per process, and SymPy holds the GIL: threads would add nothing). Without Dask installed
(the ``dask`` extra) or without a scheduler answering within :data:`CONNECT_TIMEOUT` seconds, the command
stops with one line and exit 2, before any work. :func:`run_on_cluster` stands in for
:func:`symback.cli.pool.run_in_pool` (``pool_map(..., runner=cluster_runner(address))``).
"""
from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from symback.api import SymbackError
from symback.commands import limits

CONNECT_TIMEOUT = 5   #: seconds to reach the scheduler
MARGIN = 10           #: seconds the command waits past its budget for the workers to say it is over
_ONE_AT_A_TIME = threading.Lock()  # in a worker process: its jobs run one after the other


def scheduler_option(parser) -> None:
    """``--scheduler ADDRESS`` on a subcommand's parser."""
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the work on a Dask cluster: its scheduler's address (tcp://host:8786) or scheduler "
                             "file (needs the dask extra; README 'A large course on a cluster')")


def cluster_runner(address: str | None) -> Callable | None:
    """What runs a command's jobs: the cluster at ``address``, or None (the local pool)."""
    return None if address is None else partial(run_on_cluster, address)


def run_on_cluster(address: str, work: Callable, jobs: Sequence, failed: Callable, report: Callable,
                   alone: bool = False) -> list:
    """``work(job)`` for every job on the cluster; ``report(result, job)`` as each ends, in that order;
    ``failed(job, exc)`` makes the result of a job that raised, or that the budget stopped. (``alone``, the
    pool's second chance for a job whose worker died, is the cluster's: it reschedules such a job itself.)"""
    client = connect(address)
    futures: list = []
    try:
        run = partial(_in_worker, work, limits.current(), time.time() + limits.remaining())
        futures = client.map(run, list(jobs), pure=False)
        job_of = {future.key: job for future, job in zip(futures, jobs)}
        results: list = []
        from distributed import as_completed  # lazy: start-up time (an optional extra)

        try:
            for future in as_completed(futures, loop=client.loop, timeout=max(limits.remaining(), 0) + MARGIN):
                try:
                    result = future.result()
                except Exception as exc:  # the job raised (its error travels whole)
                    result = failed(job_of[future.key], exc)
                results.append(report(result, job_of[future.key]))
        except TimeoutError:  # the workers' budget is over and they did not say so
            for future in futures:
                if not future.done():
                    results.append(report(failed(job_of[future.key], limits.budget_error()), job_of[future.key]))
        return results
    finally:
        if futures:
            client.cancel(futures)
        client.close()


def connect(address: str):
    """A client of the scheduler at ``address`` (or named by the scheduler file ``address``), or one line."""
    try:
        from distributed import Client  # lazy: start-up time (an optional extra)
    except ImportError:
        raise SymbackError("--scheduler", "Dask is not installed", "pip install 'symback[dask]', "
                           "or leave out --scheduler to use this machine's cores") from None
    where = f"--scheduler {address}"
    is_file = "://" not in address and (address.endswith(".json") or Path(address).is_file())
    if is_file and not Path(address).is_file():
        raise SymbackError(where, "no such scheduler file", "give the file 'dask scheduler --scheduler-file' wrote, "
                           "or the scheduler's address (tcp://host:8786)")
    try:
        options = {"scheduler_file": address} if is_file else {"address": address}
        return Client(**options, timeout=f"{CONNECT_TIMEOUT}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise SymbackError(where, f"no Dask scheduler answers there within {CONNECT_TIMEOUT} s ({type(exc).__name__})",
                           "start one ('dask scheduler', then 'dask worker ADDRESS' on each machine), or check "
                           "the address") from None


def _in_worker(work: Callable, budget, deadline: float, job):
    """One job in a Dask worker, under the command's limits and deadline, alone in its process."""
    with _ONE_AT_A_TIME, limits.command(budget, deadline):
        return work(job)
