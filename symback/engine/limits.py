"""One budget per command: a wall clock, a memory cap and caps on sizes, each refusal naming how to raise it.

The command line builds one :class:`Limits` from its options (``--budget``, ``--memory``,
``--max-digits``, ``--max-samples``, ``--max-nodes``, ``--max-size``, ``--max-file``) and runs the
command inside :func:`command`; everything below reads :func:`current`. The wall clock is a
deadline checked at stage boundaries (:func:`check_deadline`) and, for work that has no boundary
(one long SymPy call), a ``SIGALRM`` timer that raises :class:`BudgetExceeded` and keeps firing
every quarter second until the error reaches the top. Limits are process-global (one command per
process); a process pool's workers get the same limits and the same absolute deadline.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from symback.engine.errors import SymbackError
from symback.engine.numerals import number_text

#: where each cap is raised, and what else helps; the message says which limit was hit
OPTIONS = {
    "budget": ("--budget", "seconds", "raise it with --budget SECONDS, or give a smaller problem"),
    "memory": ("--memory", "MB of memory", "raise it with --memory MB, or give a smaller problem"),
    "digits": ("--max-digits", "digits", "raise it with --max-digits, or give numbers with fewer digits"),
    "samples": ("--max-samples", "samples", "raise it with --max-samples or use the compiled path "
                                            "(symback.compile_network)"),
    "nodes": ("--max-nodes", "nodes", "raise it with --max-nodes, or use a smaller graph"),
    "size": ("--max-size", "parts", "raise it with --max-size, or split the formula into several nodes"),
    "file": ("--max-file", "bytes", "raise it with --max-file BYTES, or split the file"),
}


@dataclass(frozen=True)
class Limits:
    """The budget and caps of one command (the defaults are the command line's)."""

    budget: float = 300.0        #: wall-clock seconds for the whole command
    memory: int = 4096           #: MB of address space (RLIMIT_AS) the command may add to what it has at its start
    digits: int = 4300           #: digits of one integer (numerator or denominator)
    samples: int = 256           #: samples of a network spec (a minibatch)
    nodes: int = 20_000          #: nodes of a graph (inputs, parameters, nodes; a network's neurons)
    size: int = 1000             #: syntax-tree parts of one formula (a node's, a claim's, a derivation line's)
    file: int = 4 << 20          #: bytes of one input file


DEFAULTS = Limits()
_current = DEFAULTS
_deadline: float | None = None   # time.time() of the end of the budget


class LimitError(SymbackError):
    """A cap was hit (size, digits, samples, ...): the message says which, the fix how to raise it."""


class BudgetExceeded(LimitError):
    """The command's wall-clock budget ran out."""


def current() -> Limits:
    """The limits of the running command (the defaults outside one)."""
    return _current


def refuse(limit: str, where: str, value, what: str | None = None) -> LimitError:
    """The error for ``value`` over the cap ``limit`` (a field of :class:`Limits`), located at ``where``.

    >>> refuse("samples", "spec.toml: network.values.x", 2000).line()  # doctest: +ELLIPSIS
    'spec.toml: network.values.x: 2000 samples is more than the limit 256; raise it with --max-samples ...'
    """
    _, unit, fix = OPTIONS[limit]
    return LimitError(where, f"{value} {what or unit} is more than the limit {getattr(_current, limit)}", fix)


def check(limit: str, where: str, value: int, what: str | None = None) -> None:
    """Raise :func:`refuse`'s error when ``value`` is over the cap ``limit``."""
    if value > getattr(_current, limit):
        raise refuse(limit, where, value, what)


def remaining() -> float:
    """Seconds left of the command's budget (infinite outside a command)."""
    return float("inf") if _deadline is None else _deadline - time.time()


def check_deadline(stage: str = "") -> None:
    """Raise :class:`BudgetExceeded` when the budget has run out (call at stage boundaries)."""
    if _deadline is not None and time.time() >= _deadline:
        raise budget_error(stage)


def budget_error(stage: str = "") -> BudgetExceeded:
    at = f" (while {stage})" if stage else ""
    return BudgetExceeded("--budget", f"the command did not finish within its budget of {number_text(_current.budget)} s{at}",
                          OPTIONS["budget"][2])


@contextmanager
def command(limits: Limits = DEFAULTS, deadline: float | None = None) -> Iterator[Limits]:
    """Run a command under ``limits``: number digits, memory, and the wall clock (from now, or ``deadline``).

    On leaving, the timer is stopped and the previous limits come back.
    """
    saved = start(limits, deadline)
    try:
        yield limits
    finally:
        stop(saved)


def start(limits: Limits = DEFAULTS, deadline: float | None = None):
    """Put ``limits`` in force (see :func:`command`); returns what :func:`stop` restores."""
    global _current, _deadline
    saved = (_current, _deadline, sys.get_int_max_str_digits(), _limit_memory(limits.memory))
    _current = limits
    _deadline = deadline if deadline is not None else time.time() + limits.budget
    sys.set_int_max_str_digits(max(limits.digits, 640))
    return saved + (_arm(),)


def stop(saved) -> None:
    """Stop the timer and restore the limits :func:`start` replaced."""
    global _current, _deadline
    _disarm(saved[4])
    _current, _deadline = saved[0], saved[1]
    sys.set_int_max_str_digits(saved[2])
    _restore_memory(saved[3])


def pause_timer() -> None:
    """Stop the budget's timer (a pool's parent waits while its workers keep their own)."""
    if _main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


def resume_timer() -> None:
    """Restart the budget's timer for the time left (after :func:`pause_timer`)."""
    if _main_thread() and _deadline is not None:
        signal.setitimer(signal.ITIMER_REAL, max(remaining(), 0.001), 0.25)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


def _on_alarm(signum, frame) -> None:
    if not deferred(signum):
        raise budget_error()


def _arm():
    """Start the SIGALRM timer for the time left (then every 0.25 s, should something swallow the error)."""
    if not _main_thread():
        return None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(remaining(), 0.001), 0.25)
    return previous


def _disarm(previous) -> None:
    if previous is None or not _main_thread():
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def _limit_memory(megabytes: int):
    """Cap the address space at its current size plus ``megabytes`` (soft limit only: a proof child may
    raise its own); returns the old limits, or None where there are none to set.
    """
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as statm:  # what Python and its libraries have mapped already
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        wanted = current + (megabytes << 20)
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft != resource.RLIM_INFINITY:
            wanted = min(wanted, soft)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
        return soft, hard
    except (ImportError, ValueError, OSError):
        return None


def _restore_memory(previous) -> None:
    if previous is not None:
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, previous)
        except (ValueError, OSError):
            pass


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel kill this process when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``).

    ``parent`` is the pid the caller expects as its parent: if that parent is already gone (the
    race between fork and prctl), the process exits at once. Elsewhere this does nothing.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


_held = 0               # depth of held_signals blocks
_pending: list[int] = []  # signals that arrived meanwhile


@contextlib.contextmanager
def held_signals():
    """Hold SIGINT, SIGTERM and the budget's SIGALRM until the block ends (handled then, not lost).

    For the few steps that must not be cut in half by an exception from a signal handler: making
    or removing a temporary directory, and starting a child (so that it always has a handle that
    kills it). The handlers of this package (:func:`catch_signals`, the budget's alarm, a pool
    worker's) ask :func:`deferred` first. (Not the thread's signal mask: with other threads in the
    process, such as NumPy's BLAS threads, the kernel delivers the signal to one of them and Python
    still runs the handler in the main thread at once.)
    """
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending:
            signum = _pending[0]
            _pending.clear()
            handler = signal.getsignal(signum)
            if callable(handler):
                handler(signum, None)


def _forget_held() -> None:
    """In a forked child: nothing is held (the block that held signals is its parent's; a pool's workers,
    forked inside one, kept every signal and budget alarm for later, that is for ever)."""
    global _held
    _held = 0
    _pending.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_held)


def deferred(signum: int) -> bool:
    """In a signal handler: True (and the signal kept for later) while :func:`held_signals` holds signals."""
    if _held:
        _pending.append(signum)
        return True
    return False


class Interrupted(KeyboardInterrupt):
    """SIGINT (Ctrl-C) or SIGTERM: unwinds, so temporary directories are removed and children killed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + self.signum


_interrupted = False


def _on_signal(signum, frame) -> None:
    """The first SIGINT/SIGTERM raises :class:`Interrupted`; later ones are ignored while cleaning up."""
    global _interrupted
    if not _interrupted and not deferred(signum):
        _interrupted = True
        raise Interrupted(signum)


def catch_signals() -> dict:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` in this process (the main thread only).

    Returns the previous handlers, for :func:`restore_signals`.
    """
    global _interrupted
    _interrupted = False
    if not _main_thread():
        return {}
    return {signum: signal.signal(signum, _on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}


def restore_signals(previous: dict) -> None:
    """Put back the handlers :func:`catch_signals` replaced."""
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def default_signals() -> None:
    """A child's signals back to the defaults: SIGINT, SIGTERM and SIGALRM end it at once."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        signal.signal(signum, signal.SIG_DFL)
