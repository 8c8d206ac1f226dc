"""The command line, in process: the subcommands, exit codes, and the bad-input table (derive's outputs:
tests/cli/test_derive.py)."""
import json

import pytest

import symback
from symback.cli import main
from symback.engine.examples import steps_examples

GOOD = """
loss = "L"
learning_rate = 1
[inputs]
i1 = 2
i2 = 5
t = 0
[params]
w1 = 0.5
w2 = 0.1
[nodes]
l1 = "w1*i1 + w2*i2"
o = "sigmoid(l1)"
L = "(t - o)^2"
"""

NET = """
[network]
layers = [2, 2]
activation = "sigmoid"
bias = "neuron"
loss = "mse"
[network.values]
x = [1, 2]
t = [0, 1]
W1 = [[0.1, 0.2], [0.3, 0.4]]
b1 = [0.5, 0.5]
"""


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_lists_every_example(capsys):
    code, out, _ = run(["examples"], capsys)
    assert code == 0
    specs, _, derivations = out.partition("\n\n")
    assert [line.split()[0] for line in specs.splitlines()] == symback.example_names()
    assert derivations.splitlines()[0].startswith("derivations (symback verify steps --example NAME)")
    assert [line.split()[0] for line in derivations.splitlines()[1:]] == steps_examples()


def test_grad(capsys):
    code, out, _ = run(["grad", "w*x + b", "--wrt", "w,x,b", "--at", "w=-2,x=5,b=3"], capsys)
    assert code == 0
    assert out.splitlines() == ["d/dw = x = 5", "d/dx = w = -2", "d/db = 1"]
    code, out, _ = run(["grad", "sigmoid(w*x)", "--wrt", "w", "--at", "w=0.5,x=2", "--digits", "4"], capsys)
    assert out.strip().endswith("= 0.3932")  # 2*s*(1-s), s = sigma(1): 0.39322386...
    code, out, err = run(["grad", "lambda*x^2 + E", "--wrt", "lambda,x", "--at", "lambda=0.1,x=3,E=1"], capsys)
    assert code == 0 and out.splitlines() == ["d/dlambda = x**2 = 9", "d/dx = 2*lambda*x = 3/5"], err  # 2 (1/10) 3


def test_identity_lists_and_derives(tmp_path, capsys):
    from symback.checking.identities import IDENTITIES
    code, out, _ = run(["identity"], capsys)
    assert code == 0 and out.split() == list(IDENTITIES)
    code, out, _ = run(["identity", "sigmoid"], capsys)
    assert code == 0 and out.count("\n  = ") == 10 and "add and subtract 1" in out
    code, out, _ = run(["identity", "softmax_cross_entropy", "--format", "json", "-o", tmp_path], capsys)
    data = json.loads((tmp_path / "identity_softmax_cross_entropy.json").read_text())
    assert len(data["routes"]) == 2 and data["wrong"]["explanation"] and data["assumptions"] == ["t1 + t2 + t3 = 1"]
    assert all(line["latex"] for route in data["routes"] for line in route["lines"])
    code, _, err = run(["identity", "sigmod"], capsys)
    assert code == 2 and "did you mean 'sigmoid'?" in err and err.count("\n") == 1


def test_one_failure_does_not_stop_the_others(tmp_path, capsys):
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text("loss = ")
    code, out, err = run(["derive", tmp_path / "bad.toml", tmp_path / "good.toml", "-o", tmp_path / "o"], capsys)
    assert code == 2
    assert (tmp_path / "o" / "good.json").exists() and not (tmp_path / "o" / "bad.json").exists()
    assert err.count("\n") == 1 and "bad.toml" in err


BAD = [
    ("malformed TOML", "loss = \n", "malformed TOML"),
    ("empty file", "  \n", "the file is empty"),
    ("unknown key", GOOD.replace('loss = "L"', 'los = "L"'), "los: unknown key; did you mean 'loss'?"),
    ("unknown table", GOOD + "\n[param]\nq = 1\n", "param: unknown key; did you mean 'params'?"),
    ("unknown network key", NET.replace("activation =", "activations ="), "network.activations: unknown key; did you mean 'activation'?"),
    ("string for a number", GOOD.replace("learning_rate = 1", 'learning_rate = "1"'), "learning_rate: expected a number"),
    ("string for a param", GOOD.replace("w1 = 0.5", 'w1 = "0.5"'), "params.w1: expected a number"),
    ("steps below 1", GOOD.replace("learning_rate = 1", "learning_rate = 1\nsteps = 0"), "steps: must be from 1"),
    ("unknown function", GOOD.replace("sigmoid(l1)", "sigmod(l1)"), "nodes.o: unknown function 'sigmod'"),
    ("undefined name", GOOD.replace("(t - o)^2", "(target - o)^2"), "nodes.L: unknown name 'target'"),
    ("cyclic nodes", GOOD.replace('"w1*i1 + w2*i2"', '"w1*i1 + w2*o"'), "form a cycle"),
    ("node uses itself", GOOD.replace('"sigmoid(l1)"', '"sigmoid(o)"'), "nodes.o: 'o' uses itself"),
    ("defined twice", GOOD.replace("[params]", "[params]\nt = 1"), "params.t: 't' is already defined in [inputs]"),
    ("missing loss", GOOD.replace('loss = "L"', ""), "loss: missing"),
    ("loss not a node", GOOD.replace('loss = "L"', 'loss = "LL"'), "loss: 'LL' is not a node; did you mean 'L'?"),
    ("shape mismatch", NET.replace("[[0.1, 0.2], [0.3, 0.4]]", "[[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]]"),
     "network.values.W1: expected a 2x2 matrix, got 2 rows of 3"),
    ("missing weights", NET.replace("W1 = [[0.1, 0.2], [0.3, 0.4]]", ""), "network.values.W1: missing"),
    ("input size", NET.replace("x = [1, 2]", "x = [1, 2, 3]"), "network.values.x: sample 1 has 3 values"),
    ("not finite", GOOD.replace("w1 = 0.5", "w1 = nan"), "params.w1: the value nan is not finite"),
    ("infinite", GOOD.replace("w1 = 0.5", "w1 = inf"), "params.w1: the value inf is not finite"),
    ("log(0) at the point", GOOD.replace("(t - o)^2", "log(t)"), "nodes.L: the value is undefined at the given point"),
    ("division by zero", GOOD.replace("(t - o)^2", "1/(i1 - 2)"), "nodes.L: the value is undefined"),
    ("not real", GOOD.replace("(t - o)^2", "sqrt(t - 1)"), "nodes.L: the value is not a real number"),
    ("refused formula", GOOD.replace('"sigmoid(l1)"', '"__import__(\'os\').system(\'id\')"'), "nodes.o: only named functions"),
    ("attribute payload", GOOD.replace('"sigmoid(l1)"', '"l1.__class__"'), "nodes.o: 'Attribute' is not allowed"),
    ("frozen unknown", GOOD.replace("learning_rate = 1", 'learning_rate = 1\nfrozen = ["w3"]'), "frozen: 'w3' is not a parameter"),
    ("relu_at_zero range", GOOD.replace("learning_rate = 1", "learning_rate = 1\nrelu_at_zero = 2"), "relu_at_zero: must be from 0 to 1"),
    ("bad name", GOOD.replace("w1 = 0.5", '"w-1" = 0.5'), "params.w-1: 'w-1' is not a valid name"),
    ("reserved name", GOOD.replace("w1 = 0.5", "exp = 0.5"), "params.exp: 'exp' is the name of a built-in"),
    ("both forms", GOOD + NET, "a spec has either a [network] or a graph"),
    ("unknown activation", NET.replace('"sigmoid"', '"sigmod"'), "network.activation: unknown activation 'sigmod'; did you mean 'sigmoid'?"),
    ("unknown loss", NET.replace('"mse"', '"mae"'), "network.loss: unknown loss 'mae'"),
    ("bias shape", NET.replace("b1 = [0.5, 0.5]", "b1 = 0.5"), "network.values.b1: expected 2 biases"),
    ("steps without rate", GOOD.replace("learning_rate = 1", "steps = 5"), "steps: training for several steps needs a learning rate"),
]


@pytest.mark.parametrize("name, text, fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_table(name, text, fragment, tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    out_dir = tmp_path / "out"
    code, out, err = run(["derive", spec, "-o", out_dir], capsys)
    assert code == 2
    assert err.count("\n") == 1, err          # one line
    assert "Traceback" not in err
    assert f"{spec}" in err and fragment in err, err
    assert ";" in err                          # every message carries a fix after the semicolon
    assert not out_dir.exists() or not any(out_dir.iterdir())  # nothing written


def test_non_utf8_file(tmp_path, capsys):
    spec = tmp_path / "latin1.toml"
    spec.write_bytes('title = "café"\n'.encode("latin-1"))
    code, _, err = run(["derive", spec], capsys)
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, fragment", [
    (["derive"], "no spec given"),
    (["derive", "--example", "nope"], "no such example"),
    (["derive", "--example", "neuron", "--format", "docx"], "unknown format 'docx'"),
    (["frobnicate"], "invalid choice"),
    (["grad", "x^2", "--wrt", "x", "--at", "x"], "'x' is not name=number"),
    (["grad", "x*y", "--wrt", "x", "--at", "x=1"], "no value for y"),
    (["grad", "x.__class__", "--wrt", "x"], "not allowed"),
])
def test_usage_errors(argv, fragment, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_batch_runs_in_parallel_with_progress_on_a_terminal(tmp_path, capsys, monkeypatch):
    import sys
    specs = []
    for i in range(4):
        spec = tmp_path / f"spec{i}.toml"
        spec.write_text(GOOD.replace("w1 = 0.5", f"w1 = 0.{i + 1}") if i != 2 else "loss = ")
        specs.append(spec)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(["derive", *specs, "--format", "json,md", "-o", tmp_path / "o"], capsys)
    assert code == 2
    written = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert written == ["spec0.json", "spec0.md", "spec1.json", "spec1.md", "spec3.json", "spec3.md"]
    assert "spec2.toml" in err and "malformed TOML" in err and "4/4" in err and "[####" in err
    for i in (0, 1, 3):  # each result is its own spec's, whatever order the pool finished in
        data = json.loads((tmp_path / "o" / f"spec{i}.json").read_text())
        assert data["values"]["w1"] == pytest.approx((i + 1) / 10)


def test_files_may_follow_options(tmp_path, capsys):
    """argparse stops a file list at the first option; the files after it still count."""
    apple = str(symback.example_path("apple"))
    assert main(["derive", "--format", "md", "-o", str(tmp_path), apple]) == 0
    assert (tmp_path / "apple.md").exists()
    assert main(["derive", "--format", "md", "-o", str(tmp_path), apple, "--nonsense"]) == 2
    assert "unrecognized arguments: --nonsense" in capsys.readouterr().err


@pytest.mark.parametrize("argv, kept", [
    (["identity", "power"], "identity_power.tex"),
    (["verify", "--example", "neuron", "--claim", "dL/dw1 = 0.488"], "neuron.verify.tex"),
    (["verify", "steps", "--example", "chain_rule"], "chain_rule.steps.tex"),
])
def test_reports_keep_the_tex_when_the_pdf_fails(tmp_path, capsys, monkeypatch, argv, kept):
    """identity and verify write documents as derive does: without TeX Live the .tex is kept."""
    import symback.documents.pdf
    monkeypatch.setattr(symback.documents.pdf.shutil, "which", lambda name: None)
    code = main(argv + ["--format", "pdf", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "apt-get install" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept]


# -- nothing silently wrong: grad (issue 12, section 3; derive's numbers: tests/cli/test_derive.py) -----

@pytest.mark.parametrize("argv, message", [
    (["grad", "log(x)", "--wrt", "x", "--at", "x=-1"], "not a real number"),
    (["grad", "w^x", "--wrt", "w,x", "--at", "w=-1,x=0.5"], "not a real number"),
    (["grad", "w*x", "--wrt", "1w"], "'1w' is not a name"),
    (["grad", "w*x", "--wrt", "q"], "its variables: w, x"),
])
def test_cli_grad_refuses_undefined_values_and_unknown_names(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
