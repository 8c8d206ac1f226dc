"""The LaTeX parser's child process (:mod:`symback.checking._latex_worker`): one per process, reused.

Starting ``python -I _latex_worker.py`` (SymPy and ANTLR) costs about 1 s, so one child serves every
request of the process that started it: a request is one JSON line on its input, the reply one line
on its output. :func:`ask` times each request against a deadline (a new child's start counts); on a
timeout, a reply that never comes (the child died) or any exception in between (SIGTERM, the budget's
alarm) the child is killed and reaped, and the next request starts a new one. It dies with its parent
(``PR_SET_PDEATHSIG``), and is killed and reaped at the parent's exit (atexit, and a multiprocessing
worker's finalizers); a forked process drops the handle it inherited. Children never outlive the command.
"""
from __future__ import annotations

import atexit
import os
import selectors
import subprocess
import threading
import time

from symback.engine import limits


class ChildEnded(Exception):
    """The child ended without a reply: its exit ``code`` and the ``last`` line it wrote to stderr."""

    def __init__(self, code: int | None, last: str) -> None:
        super().__init__(f"exit code {code}: {last}")
        self.code, self.last = code, last


def ask(command: list[str], request: bytes, deadline: float) -> bytes:
    """The reply line to ``request`` (one JSON line) from this process's child running ``command``.

    Raises TimeoutError at ``deadline`` and :class:`ChildEnded` when the child ends first; either way,
    and on any other exception, the child has been killed and reaped.
    """
    global _child
    with _LOCK:
        try:
            if _child is not None and not _child.serves(command):
                _stop_child()
            if _child is None:
                with limits.held_signals():  # no signal between starting the child and holding its handle
                    _child = _Child(command)
                _stop_at_exit()
            reply = _child.ask(request, deadline)
        except BaseException:
            _stop_child()
            raise
        if reply is None:  # the child ended without a reply
            child = _child
            code = _stop_child(grace=0.5)
            last = (child.err.decode(errors="replace").strip().splitlines() or ["no message"])[-1][:200]
            raise ChildEnded(code, last)
    return reply


class _Child:
    """The parser child: ``python -I _latex_worker.py`` with an empty environment, dying with this process."""

    def __init__(self, command: list[str]) -> None:
        parent = os.getpid()
        self.command, self.owner, self.thread = command, parent, threading.current_thread()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     bufsize=0, env={}, preexec_fn=lambda: limits.die_with_parent(parent))
        self.out, self.err = b"", b""  # unread reply bytes; the last 4 kB the child wrote to stderr
        os.set_blocking(self.proc.stdin.fileno(), False)

    def serves(self, command: list[str]) -> bool:
        """Alive, this process's own, and started by a live thread (PR_SET_PDEATHSIG follows the thread)."""
        return (self.command == command and self.owner == os.getpid() and self.thread.is_alive()
                and self.proc.poll() is None)

    def ask(self, request: bytes, deadline: float) -> bytes | None:
        """The reply line to ``request``; None when the child ends first, TimeoutError at ``deadline``."""
        pending = memoryview(request)
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdin, selectors.EVENT_WRITE)
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            selector.register(self.proc.stderr, selectors.EVENT_READ)
            while b"\n" not in self.out:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for key, _ in selector.select(left):
                    if key.fileobj is self.proc.stdin:
                        try:
                            pending = pending[os.write(key.fd, pending):]
                        except BrokenPipeError:
                            return None
                        except BlockingIOError:
                            continue
                        if not pending:
                            selector.unregister(self.proc.stdin)
                        continue
                    chunk = os.read(key.fd, 1 << 16)
                    if key.fileobj is self.proc.stderr:
                        self.err = (self.err + chunk)[-4096:]
                        if not chunk:
                            selector.unregister(self.proc.stderr)
                    elif not chunk:
                        return None
                    else:
                        self.out += chunk
        reply, _, self.out = self.out.partition(b"\n")
        return reply

    def stop(self, grace: float = 0.0) -> int:
        """Kill (after ``grace`` seconds to exit by itself) and reap the child; its exit code."""
        with limits.held_signals():
            try:
                code = self.proc.wait(timeout=grace) if grace else None
            except subprocess.TimeoutExpired:
                code = None
            if code is None:
                self.proc.kill()
                code = self.proc.wait()
            self.proc.stdin.close()
            self.proc.stdout.close()
            os.set_blocking(self.proc.stderr.fileno(), False)
            while chunk := self.proc.stderr.read(1 << 16):  # what it wrote before it died (None: no more now)
                self.err = (self.err + chunk)[-4096:]
            self.proc.stderr.close()
        return code


_LOCK = threading.RLock()   # one request at a time per process
_child: _Child | None = None
_inherited: list[_Child] = []  # a forked process's copy of its parent's child: not its to use or kill


def _stop_child(grace: float = 0.0) -> int | None:
    """Kill and reap this process's parser child, if it has one; its exit code."""
    global _child
    child, _child = _child, None
    if child is None or child.owner != os.getpid():
        return None
    return child.stop(grace)


def _forget_child() -> None:
    """In a forked process: drop the parent's child (the parent kills it; this process starts its own)."""
    global _child, _LOCK
    _LOCK = threading.RLock()
    if _child is not None:
        _inherited.append(_child)
        for pipe in (_child.proc.stdin, _child.proc.stdout, _child.proc.stderr):
            pipe.close()
        _child = None


_exit_hook_of = 0  # the pid that has registered _stop_child to run at its exit


def _stop_at_exit() -> None:
    """Have this process kill and reap its child at exit: atexit, and a multiprocessing worker's finalizers
    (a pool worker ends by os._exit after them; a worker killed outright takes the child with it, PDEATHSIG)."""
    global _exit_hook_of
    if _exit_hook_of != os.getpid():
        import multiprocessing.util  # (lazy: start-up time)

        _exit_hook_of = os.getpid()
        atexit.register(_stop_child)  # children never outlive the command
        multiprocessing.util.Finalize(None, _stop_child, exitpriority=0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_child)
