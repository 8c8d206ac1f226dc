"""limits: signals held over a critical step are handled right after it, never lost, in any thread layout."""
import os
import signal
import threading
import time

import pytest

from symback.engine import limits


@pytest.fixture
def caught():
    handlers = limits.catch_signals()
    yield
    limits.restore_signals(handlers)


@pytest.mark.parametrize("other_thread", [False, True])
def test_a_held_signal_is_raised_when_the_block_ends(caught, other_thread):
    """With another thread alive (as BLAS threads are), the kernel may hand it the signal: still held."""
    stop = threading.Event()
    if other_thread:
        threading.Thread(target=stop.wait, daemon=True).start()
    steps = []
    try:
        with pytest.raises(limits.Interrupted) as raised:
            with limits.held_signals():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # the handler has run meanwhile (and deferred)
                steps.append("finished")
    finally:
        stop.set()
    assert steps == ["finished"] and raised.value.exit_code == 143


def test_nothing_held_outside_the_block(caught):
    with pytest.raises(limits.Interrupted):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
    assert not limits.deferred(signal.SIGINT)  # (and it keeps nothing)


def test_a_child_forked_while_signals_are_held_holds_none():
    """A pool's workers are forked inside held_signals(); they kept every SIGTERM and budget alarm for later."""
    with limits.held_signals():
        pid = os.fork()
        if pid == 0:  # the child: its own signals are handled at once
            os._exit(0 if limits._held == 0 and not limits.deferred(signal.SIGTERM) else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
