"""latex_child: one parser child per process, reused, killed and reaped on a timeout, after a crash and at exit."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from symback.checking import latex_child, latex_input
from symback.checking.latex_input import parse_latex_formulas
from symback.engine.errors import FormulaError


def parse_latex_formula(text, names):
    """One formula through the child: a batch of one."""
    return parse_latex_formulas([("c", text)], names)[0]


def latex_children() -> list[int]:
    """Pids of this process's parser children in /proc (a killed child is there until it is reaped)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == os.getpid() and b"_latex_worker" in cmdline:
            found.append(int(stat.parent.name))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@needs_proc
def test_a_second_parse_reuses_the_child(antlr):
    parse_latex_formula("x", ["x"])
    first = latex_child._child.proc.pid
    assert latex_children() == [first]
    assert parse_latex_formula(r"\frac{1}{2}y", ["y"]).echo == "y/2"
    assert parse_latex_formulas([("l1", "2x"), ("l2", "e^{x}")], ["x"])[1].echo == "exp(x)"
    assert latex_child._child.proc.pid == first and latex_children() == [first]


@needs_proc
def test_a_timed_out_child_is_killed_reaped_and_replaced(antlr):
    parse_latex_formula("x", ["x"])
    first = latex_child._child.proc.pid
    with pytest.raises(FormulaError, match="did not parse within 0.2 s"):  # this one takes about 2 s
        latex_input._run_worker(["x+" * 1000 + "x"], 0.2, "w")
    assert latex_child._child is None and latex_children() == [] and not Path(f"/proc/{first}").exists()
    assert parse_latex_formula("2x", ["x"]).echo == "2*x"
    assert latex_child._child.proc.pid != first and latex_children() == [latex_child._child.proc.pid]


@needs_proc
def test_a_crashed_child_is_reaped_and_replaced(antlr, monkeypatch, tmp_path):
    parse_latex_formula("x", ["x"])
    os.kill(latex_child._child.proc.pid, 9)  # dies between two requests (the OOM killer, say)
    latex_child._child.proc.wait()
    assert parse_latex_formula("3x", ["x"]).echo == "3*x"  # a new child, no error
    crash = tmp_path / "crash.py"  # answers nothing and exits 3 once it has read a request
    crash.write_text("import sys\nsys.stdin.readline()\nsys.exit('the parser crashed')\n", encoding="utf-8")
    monkeypatch.setattr(latex_input, "_WORKER", crash)
    crashed = []
    monkeypatch.setattr(latex_child._Child, "stop", lambda self, grace=0.0, stop=latex_child._Child.stop:
                        crashed.append(self.proc.pid) or stop(self, grace))
    with pytest.raises(FormulaError) as refused:
        parse_latex_formula("x", ["x"])
    error = refused.value  # one line, where first, with a fix
    assert "\n" not in str(error) and str(error).startswith("c: ") and error.fix
    assert "stopped (exit code 1: the parser crashed)" in str(error)
    assert latex_child._child is None and crashed and not Path(f"/proc/{crashed[0]}").exists()
    monkeypatch.undo()
    assert parse_latex_formula("4x", ["x"]).echo == "4*x" and len(latex_children()) == 1


@needs_proc
def test_the_child_is_killed_and_reaped_at_exit(antlr):
    """Before the interpreter ends (an atexit handler that runs after latex_input's finds the child gone)."""
    script = textwrap.dedent("""
        import atexit, os, sys
        pid = []
        atexit.register(lambda: print(pid[0], os.path.exists(f"/proc/{pid[0]}")))
        from symback.checking import latex_child, latex_input
        latex_input.parse_latex_formulas([("c", "x")], ["x"])
        pid.append(latex_child._child.proc.pid)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    pid, exists = done.stdout.split()
    assert exists == "False" and not Path(f"/proc/{pid}").exists()
