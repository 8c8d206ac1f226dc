"""Start-up (issue 13): a command imports what it runs and nothing else (structural, not timed).

Each test runs a command in a fresh interpreter and looks at ``sys.modules`` afterwards: a module
loaded there is one the command paid for at start-up. The facade still offers every public name,
loaded on first use.
"""
import json
import os
import re
import subprocess
import sys

import pytest

#: loaded by no JSON or Markdown derive of a small graph: the prover and verifier, the gallery,
#: the exercise and grading modules, the identity documents, and the other subcommands
NOT_FOR_DERIVE = (
    "symback.checking.verify", "symback.checking.equivalence", "symback.checking.steps", "symback.checking.identities",
    "symback.checking.grade", "symback.checking.latex_reader", "symback.documents.identity_document",
    "symback.documents.verify_document", "symback.documents.exercise_document", "symback.documents.moodle",
    "symback.documents.gradebook", "symback.engine.vary", "symback.engine.conv", "symback.engine.conv_identities",
    "symback.cli.verify", "symback.cli.identity", "symback.cli.gallery", "symback.cli.exercise", "symback.cli.grade",
    "symback.cli.grad", "symback.cli.pool", "threadpoolctl", "multiprocessing", "latexcodec",
)

MODULES_AFTER = """
import json, sys
from symback.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def modules_after(*argv) -> tuple[int, set[str]]:
    """(exit code, every module loaded) after ``symback ARGV`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", MODULES_AFTER, *map(str, argv)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    return result["code"], set(result["modules"])


def test_a_json_derive_loads_no_templates_verifier_gallery_or_exercises(tmp_path):
    code, modules = modules_after("derive", "--example", "neuron", "--format", "json", "-o", tmp_path)
    assert code == 0
    assert json.loads((tmp_path / "neuron.json").read_text())["gradients"]["w1"] == pytest.approx(0.48775, abs=1e-5)
    loaded = sorted(name for name in ("jinja2", "symback.documents.gallery", "symback.documents.solution_document",
                                      "symback.engine.matrix", *NOT_FOR_DERIVE)
                    if name in modules)
    assert loaded == []
    assert "symback.cli.derive" in modules and "symback.documents.json_output" in modules


def test_numpy_loads_only_for_what_runs_in_float64(tmp_path):
    # chain_rule has no learning rate: nothing runs in float64. (neuron's JSON has a training
    # history, which the compiled NumPy program computes, so NumPy loads for it, at that point.)
    code, modules = modules_after("derive", "--example", "chain_rule", "--format", "json", "-o", tmp_path)
    assert code == 0 and (tmp_path / "chain_rule.json").is_file()
    assert "numpy" not in modules and "symback.engine.train" not in modules
    code, modules = modules_after("derive", "--example", "neuron", "--format", "json", "-o", tmp_path)
    assert "symback.engine.train" in modules and "numpy" in modules


def test_a_markdown_derive_loads_templates_but_not_the_rest(tmp_path):
    code, modules = modules_after("derive", "--example", "neuron", "--format", "md", "-o", tmp_path)
    assert code == 0 and (tmp_path / "neuron.md").read_text().strip()
    assert "jinja2" in modules and "symback.documents.solution_document" in modules
    loaded = sorted(name for name in ("numpy", "symback.documents.matrix_document", *NOT_FOR_DERIVE)
                    if name in modules)
    assert loaded == []


def test_version_loads_no_sympy():
    code, modules = modules_after("--version")
    assert code == 0
    assert "sympy" not in modules and "symback.api" not in modules and "symback.commands" not in modules


def test_help_lists_every_subcommand_with_its_help_without_importing_them():
    done = subprocess.run([sys.executable, "-m", "symback.cli", "--help"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})  # one line per subcommand
    assert done.returncode == 0
    listed = dict(re.findall(r"^    (\w+) +(\S.*)$", done.stdout, re.MULTILINE))
    assert sorted(listed) == sorted(["derive", "gallery", "examples", "identity", "verify", "grad", "exercise",
                                     "grade"])
    assert all(len(text) > 10 for text in listed.values())
    code, modules = modules_after("--help")
    assert code == 0
    assert not {m for m in modules if m.startswith("symback.cli.") and m not in ("symback.cli.common",
                                                                                  "symback.cli.faults")}


def test_every_public_name_resolves_on_first_use():
    script = """
import json, sys
import symback, symback.api as api, symback.commands as commands
before = sorted(m for m in ("numpy", "jinja2", "symback.checking.verify", "symback.documents.gallery") if m in sys.modules)
missing = [n for facade in (api, commands, symback) for n in facade.__all__ if getattr(facade, n, None) is None]
same = all(getattr(symback, n) is getattr(api, n) for n in symback.__all__)
sol = symback.solve(symback.load_example("chain_rule"))
listed = sorted((set(api.__all__) - set(dir(api))) | (set(commands.__all__) - set(dir(commands))))
print(json.dumps({"before": before, "missing": missing, "same": same, "listed": listed,
                  "dw": float(sol.gradients["w"]), "verify": symback.verify_claims.__module__}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["before"] == []  # importing the facade loads none of them
    assert result["missing"] == [] and result["same"] and result["listed"] == []
    assert result["dw"] == 5.0  # chain_rule: f = w*x + b, df/dw = x = 5
    assert result["verify"] == "symback.checking.verify"


def test_ctrl_c_while_the_command_loads_is_one_line(monkeypatch, capsys):
    """Ctrl-C before the command's handlers are in place (SymPy still importing): 130 and one line."""
    import symback.cli as cli

    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_build_parser", interrupted)
    assert cli.main(["derive", "--example", "neuron"]) == 130
    err = capsys.readouterr().err
    assert err.splitlines() == ["symback: interrupted; nothing was written"]


def test_the_console_script_tunes_the_collector_and_main_does_not(monkeypatch, capsys):
    """``symback`` (the console script, ``entry``) raises the first GC threshold and freezes what the command
    imported; ``main`` called in a process of the caller's (a test, a notebook) leaves the collector alone."""
    from importlib.metadata import entry_points

    import symback.cli as cli

    calls = []
    monkeypatch.setattr(cli.gc, "set_threshold", lambda *a: calls.append(("threshold", a)))
    monkeypatch.setattr(cli.gc, "freeze", lambda: calls.append(("freeze",)))
    monkeypatch.setattr(sys, "argv", ["symback", "examples"])
    assert cli.entry() == 0
    assert calls == [("threshold", cli.GC_THRESHOLD), ("freeze",)]
    calls.clear()
    assert cli.main(["examples"]) == 0 and calls == []
    capsys.readouterr()
    assert [ep.value for ep in entry_points(group="console_scripts", name="symback")] == ["symback.cli:entry"]
