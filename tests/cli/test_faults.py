"""The fault table: every class of bad input or trouble ends in one ``symback: ...`` line, exit 2, in bounded time.

Each row runs the command line in-process (fast) with small limits and checks: the exit code,
exactly one stderr line starting ``symback: `` (LaTeX log lines are indented under it), the place
named, a time bound, no traceback, no leftover temporary files. Signals (SIGTERM to a running
``derive --format pdf`` or ``verify``) run the command as a subprocess and look in /proc for children.
"""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from processes import live_processes
from symback.cli import main
from symback.cli.faults import user_error
from symback.engine import limits

GOOD = 'loss = "L"\n[inputs]\nx = 2\n[params]\nw = 0.5\n[nodes]\nL = "(w*x - 1)^2"\n'


def graph_spec(nodes: str, inputs: str = "x = 2", params: str = "w = 0.5") -> str:
    return f'loss = "L"\n[inputs]\n{inputs}\n[params]\n{params}\n[nodes]\n{nodes}\n'


def network_spec(layers, samples: int = 1, loss: str = '"half_sse"') -> str:
    x = ", ".join([str([0.1] * layers[0])] * samples)
    t = ", ".join([str([0.5] * layers[-1])] * samples)
    weights = "\n".join(f"W{l} = {[[0.1] * layers[l - 1]] * layers[l]}\nb{l} = {[0.1] * layers[l]}"
                        for l in range(1, len(layers)))
    return (f'[network]\nlayers = {list(layers)}\nactivation = "sigmoid"\nloss = {loss}\n[network.values]\n'
            f"x = [{x}]\nt = [{t}]\n{weights}\n")


def run(argv, capsys, seconds: float = 20):
    """main(argv) -> (code, stdout, stderr lines), checking the time bound and the one-line rule."""
    start = time.monotonic()
    code = main([str(a) for a in argv])
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err.splitlines()


def one_error(err_lines) -> str:
    """The single ``symback:`` line of stderr (continuation lines of a LaTeX log are indented)."""
    errors = [line for line in err_lines if line.startswith("symback: ")]
    assert len(errors) == 1, err_lines
    assert all(line.startswith("symback: ") or line.startswith("    | ") for line in err_lines), err_lines
    return errors[0]


@pytest.fixture
def spec(tmp_path):
    def write(text: str | bytes, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
        return path
    return write


# (spec text, extra options, words the error line must contain)
SPEC_FAULTS = {
    "integer over 4300 digits": (graph_spec('L = "w*x"', inputs="x = " + "9" * 5000), [], ["spec.toml", "--max-digits"]),
    "exact value over the digits": (graph_spec('L = "w*x^1000"', inputs="x = 1.123456789"), ["--max-digits", "1000"],
                                    ["spec.toml", "digits", "--max-digits"]),
    "deeply nested TOML": ("x = " + "[" * 3000 + "]" * 3000 + "\n", [], ["spec.toml", "nested"]),
    "loss given as a list": (network_spec([2, 1], loss='["mse"]'), [], ["network.loss", "half_sse"]),
    "2000 samples": (network_spec([2, 1], samples=2000), ["--max-samples", "256"],
                     ["network.values.x", "2000 samples", "--max-samples"]),
    "nodes over the cap": (network_spec([2, 2, 1], samples=4), ["--max-nodes", "20"], ["network", "--max-nodes"]),
    "file over the cap": (GOOD, ["--max-file", "16"], ["spec.toml", "--max-file"]),
    "(w*x + b + y)^200 within budget": (graph_spec('L = "(w*x + b + y)^200"', inputs="x = 1\ny = 2",
                                                   params="w = 0.5\nb = 0.1"), ["--budget", "10"], None),
    "w^1000 composed three times": (graph_spec('a = "w^1000"\nb = "a^1000"\nL = "b^1000"', inputs="x = 1",
                                               params="w = 1.01"), [], ["spec.toml: nodes.b", "3,000,000 digits",
                                                                        "--max-digits"]),
    "20 nodes of repeated squaring": (graph_spec("n1 = \"w^2\"\n" + "\n".join(f'n{i} = "n{i - 1}^2"' for i in range(2, 21))
                                                 + '\nL = "n20*x"', inputs="x = 1", params="w = 1.1"), [],
                                      ["spec.toml: nodes.n12", "--max-digits"]),
    "over the budget": (graph_spec("n1 = \"w^2\"\n" + "\n".join(f'n{i} = "n{i - 1}^2"' for i in range(2, 24))
                                   + '\nL = "n23*x"', inputs="x = 1", params="w = 1.1"),
                        ["--max-digits", "100000000", "--budget", "2"], ["spec.toml", "--budget"]),
    "4990 unary minuses": (graph_spec('L = "' + "-" * 4990 + 'w*x"'), [], ["nodes.L", "nested"]),
    "formula over the size cap": (graph_spec('L = "' + " + ".join(["w*x"] * 30) + '"'), ["--max-size", "50"],
                                  ["nodes.L", "--max-size"]),
    "exp(exp(exp(1000)))": (graph_spec('L = "exp(exp(exp(1000)))*w*x"'), [], ["spec.toml"]),
    "training diverges": ('learning_rate = 10\nsteps = 20\n' + graph_spec('L = "w^4*x"', "x = 3", "w = 2"), [],
                          ["spec.toml", "learning_rate"]),
    "regression near 1e300": ("[regression]\nx = [1e300, 2e300, 3e300]\ny = [1e300, 2.5e300, 2.9e300]\n"
                              "learning_rate = 0.01\n", [], ["regression.x", "rescale"]),
    "a [2]*12 network": (network_spec([2] * 12), ["--budget", "30"], None),
    "chain of 1500 nodes": (graph_spec("\n".join(f'n{i} = "n{i - 1} + w"' for i in range(1, 1500))
                                       .replace('"n0 + w"', '"x + w"') + '\nL = "n1499^2"'),
                            ["--budget", "15"], None),
}


@pytest.mark.parametrize("case", sorted(SPEC_FAULTS))
def test_spec_fault_is_one_line(case, spec, tmp_path, capsys):
    text, options, words = SPEC_FAULTS[case]
    path = spec(text)
    budget = float(options[options.index("--budget") + 1]) if "--budget" in options else 10
    code, out, err = run(["derive", path, "-o", tmp_path / "out", *options], capsys, seconds=budget + 15)
    if words is None:  # must finish within its budget with a result
        assert code == 0, err
        return
    assert code == 2
    line = one_error(err)
    for word in words:
        assert word in line, line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())  # nothing half-written


def test_bom_is_accepted(spec, tmp_path, capsys):
    code, out, err = run(["derive", spec(b"\xef\xbb\xbf" + GOOD.encode()), "-o", tmp_path], capsys)
    assert code == 0, err
    assert (tmp_path / "spec.json").is_file()


def test_dev_zero_is_bounded(tmp_path, capsys):
    code, _, err = run(["derive", "/dev/zero", "--max-file", "100000", "-o", tmp_path], capsys)
    assert code == 2 and "/dev/zero" in one_error(err) and "--max-file" in one_error(err)


@pytest.mark.parametrize("kind", ["file", "below a file", "/dev/null", "dangling symlink"])
def test_unusable_output_directory(kind, spec, tmp_path, capsys):
    path = spec(GOOD)
    target = {"file": path, "below a file": path / "sub", "/dev/null": Path("/dev/null"),
              "dangling symlink": tmp_path / "link"}[kind]
    if kind == "dangling symlink":
        target.symlink_to(tmp_path / "nowhere")
    code, out, err = run(["derive", path, "-o", target], capsys)
    assert code == 2 and out == ""
    assert f"-o {target}" in one_error(err)


def test_full_disk_is_one_line(spec, tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "spec.json"))
    monkeypatch.setattr(os, "replace", full)
    code, _, err = run(["derive", spec(GOOD), "-o", tmp_path / "out"], capsys)
    line = one_error(err)
    assert code == 2 and "No space left on device" in line and "spec.toml" in line and "-o DIR" in line
    assert not list((tmp_path / "out").glob(".*.tmp"))  # the temporary file is removed


def test_read_only_directory(spec, tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root can write to a read-only directory")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    code, _, err = run(["derive", spec(GOOD), "-o", folder], capsys)
    assert code == 2 and "not writable" in one_error(err)


@pytest.mark.parametrize("argv, words", [
    (["grad", "w*x", "--wrt", "w", "--digits", "-5"], ["--digits", "1 to 50"]),
    (["grad", "w*x", "--wrt", "w", "--at", "w=1e999,x=1"], None),
    (["grad", "w*x", "--wrt", "w", "--at", "w=1e999999999,x=1"], ["--at"]),
    (["derive", "--example", "neuron", "--format", ""], ["--format", "no format"]),
    (["derive", "--example", "neuron", "--format", "pdf", "-o", "-"], ["--format pdf", "standard output"]),
    (["derive", "--example", "neuron", "--templates", "/no/such/dir"], ["--templates /no/such/dir", "no such directory"]),
    (["derive", "--example", "neuron", "--budget", "0"], ["--budget"]),
    (["verify", "steps", "--example", "chain_rule", "--memory", "10"], ["--memory"]),
    (["derive", "--example", "neuron", "--max-digits", "99999999999999999999"], ["--max-digits", "out of range"]),
    (["derive", "--example", "neuron", "--memory", "99999999999999999999"], ["--memory", "out of range"]),
    (["derive", "--example", "neuron", "--max-file", "99999999999999999999"], ["--max-file", "out of range"]),
    (["exercise", "--example", "exercise_neuron", "--max-size", "0"], ["--max-size", "out of range"]),
])
def test_option_faults(argv, words, tmp_path, capsys):
    code, out, err = run(argv, capsys)
    if words is None:  # an exact huge value: an answer (or one line), never inf or a traceback
        assert (code == 0 and "inf" not in out) or (code == 2 and one_error(err)), (out, err)
        return
    assert code == 2
    line = one_error(err)
    for word in words:
        assert word in line, line


def test_a_large_max_file_reads_the_file_not_that_much_memory(spec, tmp_path, capsys):
    code, out, err = run(["derive", spec(GOOD), "--max-file", str(1 << 40), "-o", tmp_path / "out"], capsys)
    assert code == 0, err


def test_an_error_without_a_place_is_not_doubled():
    """'symback: symback: ...': an error with no spec to name was located at 'symback'."""
    assert user_error(OverflowError("x")).line().startswith("a number overflowed")
    assert user_error(MemoryError()).where == ""


def test_identity_accepts_all(tmp_path, capsys):
    code, _, err = run(["identity", "mse", "--format", "all", "-o", tmp_path], capsys, seconds=60)
    assert code == 0, err
    assert {p.suffix for p in tmp_path.iterdir()} >= {".txt", ".json", ".md", ".tex"}


def test_version_short_option(capsys):
    assert main(["-V"]) == 0
    assert capsys.readouterr().out.startswith("symback ")


def test_derive_help_lists_all_and_the_default(capsys):
    assert main(["derive", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "or all (default json)" in out and "--budget SECONDS" in out and "default 300 s" in out


def test_interrupt_is_130(spec, tmp_path, capsys, monkeypatch):
    import symback.cli.derive as derive

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(derive, "solve", interrupted)
    code, out, err = run(["derive", spec(GOOD), "-o", tmp_path], capsys)
    assert code == 130 and one_error(err).startswith("symback: interrupted")


def test_crash_in_a_batch_keeps_the_others(spec, tmp_path, capsys):
    """A spec that fails (here: too many digits, in a worker) is one line; the good specs are written."""
    good_a, good_c = spec(GOOD, "a.toml"), spec(GOOD, "c.toml")
    bad = spec(graph_spec('L = "w*x"', inputs="x = " + "9" * 5000), "b.toml")
    code, out, err = run(["derive", good_a, bad, good_c, "-o", tmp_path / "out"], capsys, seconds=60)
    assert code == 2
    assert "b.toml" in one_error(err)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "c.json"]
    assert sorted(out.splitlines()) == [f"wrote {tmp_path / 'out' / 'a.json'}", f"wrote {tmp_path / 'out' / 'c.json'}"]


def test_a_worker_that_dies_costs_only_its_spec(spec, tmp_path, capsys, monkeypatch):
    """b.toml kills its worker process (as the kernel's OOM killer would): a and c are still written."""
    import symback.cli.derive as derive

    real = derive._derive

    def dying(job, options, written):
        if job[0] == "b":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job, options, written)
    monkeypatch.setattr(derive, "_derive", dying)  # the forked workers inherit it
    paths = [spec(GOOD, f"{stem}.toml") for stem in "abc"]
    code, out, err = run(["derive", *paths, "-o", tmp_path / "out"], capsys, seconds=90)
    assert code == 2
    line = one_error(err)
    assert "b.toml" in line and "worker process" in line
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "c.json"]


def test_verify_goes_on_after_a_bad_spec(spec, tmp_path, capsys):
    good_a, good_c = spec(GOOD, "a.toml"), spec(GOOD, "c.toml")
    bad = spec(network_spec([2, 1], loss='["mse"]'), "bad.toml")
    code, out, err = run(["verify", good_a, bad, good_c, "--claim", "L = 0", "--format", "json", "-o", tmp_path],
                         capsys, seconds=60)
    assert code == 2 and "bad.toml" in one_error(err)
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["a.verify.json", "c.verify.json"]


def test_same_stem_in_a_batch_is_refused(spec, tmp_path, capsys):
    first, second = spec(GOOD, "d1/spec.toml"), spec(GOOD, "d2/spec.toml")
    code, out, err = run(["derive", first, second, "-o", tmp_path / "out"], capsys)
    assert code == 2 and str(second) in one_error(err) and "spec.*" in one_error(err)
    assert not (tmp_path / "out").exists()


def test_same_stem_in_a_verify_batch_is_refused(spec, tmp_path, capsys):
    first, second = spec(GOOD, "d1/spec.toml"), spec(GOOD, "d2/spec.toml")
    code, out, err = run(["verify", first, second, "--claim", "L = 0", "--format", "json", "-o", tmp_path / "out"],
                         capsys, seconds=60)
    assert code == 2 and str(second) in one_error(err) and out == ""
    assert not (tmp_path / "out").exists()


def _steps(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_verify_steps_deep_nesting_ends_within_budget(tmp_path, capsys):
    nested = "x"
    for _ in range(30):
        nested = f"f({nested})"
    path = _steps(tmp_path, "deep.txt", f"# functions: f\ndiff({nested}, x)\n= diff({nested}, x)\n")
    code, out, err = run(["verify", "steps", path, "--timeout", "2", "--budget", "3"], capsys, seconds=3 + 6)
    assert code in (0, 2)
    if code == 2:
        assert "--budget" in one_error(err)


def test_verify_steps_total_budget(tmp_path, capsys):
    """100 lines each needing a proof, --timeout 1 each: all of them together stay within --budget."""
    lines = ["(sigmoid(x)*(1 - sigmoid(x)))^3"] + [
        "= (sigmoid(x) - sigmoid(x)^2)^3" if i % 2 == 0 else "= (sigmoid(x)*(1 - sigmoid(x)))^3" for i in range(100)]
    path = _steps(tmp_path, "hard.txt", "\n".join(lines) + "\n")
    code, out, err = run(["verify", "steps", path, "--timeout", "1", "--budget", "4"], capsys, seconds=4 + 6)
    assert code in (0, 2)
    if code == 2:
        assert "--budget" in one_error(err)


def test_budget_timer_is_stopped_after_the_command(capsys):
    main(["examples"])
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert limits.remaining() == float("inf")
    assert sys.get_int_max_str_digits() == 4300


def test_limit_message_names_the_option():
    line = limits.refuse("samples", "spec.toml: network.values.x", 2000).line()
    assert line == ("spec.toml: network.values.x: 2000 samples is more than the limit 256; "
                    "raise it with --max-samples or use the compiled path (symback.compile_network)")


# -- signals: the parent cleans up and its children die with it ------------------------------------------------

def _children_of(pid: int) -> set[int]:
    """Pids of every live descendant of ``pid`` (from /proc)."""
    parents = {p: parent for p, (parent, _) in live_processes().items()}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _terminate_when(argv, ready, tmp_path: Path, seconds: float = 60, group_interrupt: bool = False):
    """Start ``symback argv`` with its own TMPDIR; once ``ready(pid, tmpdir)``, SIGTERM it; return (code, seen children).

    ``group_interrupt`` sends SIGINT to its whole process group instead, as Ctrl-C in a terminal does.
    """
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    proc = subprocess.Popen([sys.executable, "-m", "symback.cli", *map(str, argv)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=group_interrupt)
    deadline, seen = time.monotonic() + seconds, set()
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            seen |= _children_of(proc.pid)
            if ready(proc.pid, temp):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"never ready: {proc.communicate(timeout=30)}")
        seen |= _children_of(proc.pid)
        if group_interrupt:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err, seen, temp


def _wait_gone(pids, seconds: float = 10) -> set[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return {p for p in pids if _alive(p)}


def test_sigterm_during_pdf_cleans_up(tmp_path):
    pytest.importorskip("shutil").which("pdflatex") or pytest.skip("no pdflatex")

    code, err, seen, temp = _terminate_when(["derive", "--example", "mazur_222", "--format", "pdf",
                                             "-o", tmp_path / "out"], _pdflatex_running, tmp_path)
    assert code == 143 and err.startswith("symback: terminated"), err
    assert "Traceback" not in err
    assert not list(temp.iterdir())  # the temporary directory with the user's LaTeX is gone
    assert not _wait_gone(seen)      # pdflatex (its own session) is dead too


#: a derivation whose every proof takes SymPy longer than the tests wait (tanh^9 against its exp form)
HARD_PROOF = ["tanh(x)^9"] + ["= ((exp(2*x) - 1)/(exp(2*x) + 1))^9", "= tanh(x)^9"] * 10


def _pdflatex_running(pid, temp) -> bool:
    return any(temp.glob("symback-tex-*")) and any(
        Path(f"/proc/{c}/cmdline").read_bytes().startswith(b"pdflatex") for c in _children_of(pid) if _alive(c))


def test_ctrl_c_in_a_batch(tmp_path):
    """Ctrl-C (SIGINT to the group) while a pool of workers runs pdflatex: 130, one line, nothing left behind."""
    pytest.importorskip("shutil").which("pdflatex") or pytest.skip("no pdflatex")
    code, err, seen, temp = _terminate_when(["derive", "--example", "mazur_222", "--example", "softmax_233",
                                             "--format", "pdf", "-o", tmp_path / "out"], _pdflatex_running,
                                            tmp_path, group_interrupt=True)
    assert code == 130, err
    assert "Traceback" not in err and one_error(err.splitlines()).startswith("symback: interrupted")
    assert not list(temp.iterdir())
    assert not _wait_gone(seen)


def test_sigterm_during_verify_kills_the_proof_child(tmp_path):
    lines = HARD_PROOF
    path = _steps(tmp_path, "hard.txt", "\n".join(lines) + "\n")

    def proving(pid, temp):
        return bool(_children_of(pid))

    code, err, seen, temp = _terminate_when(["verify", "steps", path, "--timeout", "30"], proving, tmp_path)
    assert code == 143 and "Traceback" not in err, err
    assert seen and not _wait_gone(seen)


def test_proof_child_dies_with_its_parent(tmp_path):
    """SIGKILL to verify (no cleanup possible): the proof child still dies (PR_SET_PDEATHSIG)."""
    lines = HARD_PROOF
    path = _steps(tmp_path, "hard.txt", "\n".join(lines) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "symback.cli", "verify", "steps", str(path), "--timeout", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, seen = time.monotonic() + 60, set()
    while time.monotonic() < deadline and not seen and proc.poll() is None:
        seen = _children_of(proc.pid)
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert seen and not _wait_gone(seen)


def test_budget_covers_pdflatex(tmp_path, capsys):
    pytest.importorskip("shutil").which("pdflatex") or pytest.skip("no pdflatex")
    code, out, err = run(["derive", "--example", "mazur_222", "--format", "pdf", "--budget", "1.5",
                          "-o", tmp_path / "out"], capsys, seconds=1.5 + 8)
    if code == 0:
        pytest.skip("this machine made the PDF within 1.5 s")
    assert code == 2 and "--budget" in one_error(err)
    assert not (tmp_path / "out" / "mazur_222.pdf").exists()


def test_steps_messages_never_show_internal_names(tmp_path, capsys):
    """(x^3)'' is a second derivative; an unknown function is quoted as written, not as __prime(...)."""
    code, out, err = run(["verify", "steps", _steps(tmp_path, "second.txt", "(x^3)''\n= 6*x\n")], capsys)
    assert code == 0 and "proved" in out, err
    code, out, err = run(["verify", "steps", _steps(tmp_path, "unknown.txt", "sin(x)'\n= cos(x)\n")], capsys)
    line = one_error(err)
    assert code == 2 and "'sin(x)''" in line and "__" not in line
    code, out, err = run(["verify", "steps", _steps(tmp_path, "syntax.txt", "(x +* 2)'\n= 1\n")], capsys)
    line = one_error(err)
    assert code == 2 and "cannot parse '(x +* 2)''" in line and "__" not in line
