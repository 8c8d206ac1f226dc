"""Derivations line by line: the seeds' derivations, a wrong middle line, abstract functions, bad input."""
import json
import time

import mpmath
import pytest

from symback.cli import main
from symback.engine.examples import STEPS_DIR
from symback.checking.equivalence import NUMERIC, PROVED, WRONG
from symback.engine.errors import SymbackError
from symback.checking.steps import load_steps, verify_steps

SIGMOID = (STEPS_DIR / "sigmoid_derivative.txt").read_text()


def test_seed_000_sigmoid_derivation_passes_every_step():
    report = load_steps(STEPS_DIR / "sigmoid_derivative.txt", budget=30)
    assert len(report.steps) == 11 and report.first_wrong is None
    assert [s.verdict for s in report.steps] == ["given"] + [PROVED] * 10
    assert report.conclusion.verdict == PROVED


def test_seed_001_equation_3_fails_with_a_real_counterexample():
    report = load_steps(STEPS_DIR / "chain_rule_wrong.txt")
    assert report.first_wrong == 4 and report.functions == ("f", "g")
    step = report.steps[0]
    # recompute both sides at the counterexample with the concrete f, g it names (mpmath, by hand)
    x = mpmath.mpf(str(step.comparison.point["x"]))
    f_body, g_body = step.instance["f"], step.instance["g"]
    env = {"exp": mpmath.exp, "sin": mpmath.sin}

    def fn(body):
        return lambda v: eval(body, dict(env, u=v))  # our own printed text, not user input

    f, g = fn(f_body), fn(g_body)
    left = mpmath.diff(lambda v: f(g(v)), x)
    right = mpmath.diff(f, g(x)) * f(mpmath.diff(g, x))
    assert abs(left - right) > 1e-6
    assert abs(left - mpmath.mpf(step.comparison.left)) < 1e-8 * max(1, abs(left))
    assert abs(right - mpmath.mpf(step.comparison.right)) < 1e-8 * max(1, abs(right))


def test_the_chain_rule_itself_holds():
    report = load_steps(STEPS_DIR / "chain_rule.txt")
    assert [s.verdict for s in report.steps] == [PROVED]


def test_a_wrong_middle_line_is_reported_at_that_line():
    lines = SIGMOID.splitlines()
    index = next(i for i, l in enumerate(lines) if l.startswith("= exp(-x) / (1 + exp(-x))^2"))
    lines[index] = "= -exp(-x) / (1 + exp(-x))^2"  # a sign slip in the middle
    report = verify_steps("\n".join(lines))
    wrong = [s.line for s in report.steps if s.verdict == WRONG]
    assert report.first_wrong == index + 1 and wrong == [index + 1, index + 2]  # and the next step back
    assert report.steps[[s.line for s in report.steps].index(index + 1)].comparison.slip == ("slip.sign", {})


@pytest.mark.parametrize("text, verdicts", [
    ("diff(x^3, x) = 3*x^2", [PROVED]),
    ("d/dx(x^3) = 3*x^2", [PROVED]),
    ("(x^3)' = 3*x^2", [PROVED]),
    ("diff(x^3, x, 2) = 6*x", [PROVED]),
    ("# functions: f\nf'(x)\n= diff(f(x), x)", ["given", PROVED]),
    ("# functions: f\ndiff(f(2*x), x) = 2*f'(2*x)", [PROVED]),
    ("# functions: f\ndiff(f(2*x), x) = f'(2*x)", [WRONG]),
    ("# functions: f, g\ndiff(f(x)*g(x), x) = f'(x)*g(x) + f(x)*g'(x)", [PROVED]),
    ("# functions: f, g\ndiff(f(x)*g(x), x) = f'(x)*g'(x)", [WRONG]),
    ("(tanh(x))'  # a comment\n= 1 - tanh(x)^2", ["given", PROVED]),
    ("σ(x)·(1 − σ(x)) = diff(sigmoid(x), x)", [PROVED]),
])
def test_notation(text, verdicts):
    assert [s.verdict for s in verify_steps(text).steps] == verdicts


def test_a_prime_on_an_undeclared_call_is_refused():
    with pytest.raises(SymbackError, match="not a declared function"):
        verify_steps("tanh'(x) = 1 - tanh(x)^2")


def test_numeric_when_the_proof_runs_out_of_budget(monkeypatch):
    import symback.checking.steps as steps
    monkeypatch.setattr(steps, "prove_equal", lambda a, b, budget: False)
    report = verify_steps("sigmoid(x)*(1 - sigmoid(x)) = exp(-x)/(1 + exp(-x))^2")
    assert [s.verdict for s in report.steps] == [NUMERIC]


@pytest.mark.serial
def test_hard_equivalence_is_bounded_by_its_budget():
    # equal (both are sigmoid'(x) written twice over), and hard for simplify; the proof is cut off
    hard = "sigmoid(x)*(1-sigmoid(x))*(tanh(x/2)^2 + 1)^3 = exp(-x)/(1+exp(-x))^2*(1+((exp(x)-1)/(exp(x)+1))^2)^3"
    start = time.perf_counter()
    report = verify_steps(hard, budget=1)
    assert time.perf_counter() - start < 1 + 1.5
    assert report.steps[0].verdict in (PROVED, NUMERIC)


@pytest.mark.parametrize("text, message", [
    ("", "no expression lines"),
    ("# only a comment\n\n", "no expression lines"),
    ("x +* 2", "line 1"),
    ("= x", "starts with '='"),
    ("x =", "nothing after it"),
    ("h(x) = x", "unknown function 'h'"),
    ("f'(x) = 1", "not a declared function"),
    ("diff(x, 2)", "differentiates by a name"),
    ("diff(x, x, 9)", "order of diff"),
    ("x^2\n= __import__('os')", "line 2"),
    ("(x*y)' = y", "exactly one variable"),
    ("9**9**9**9", "too large"),
])
def test_bad_derivations_are_refused_in_one_line(tmp_path, capsys, text, message):
    path = tmp_path / "d.txt"
    path.write_text(text)
    code = main(["verify", "steps", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("content, message", [(None, "no such file; check the path"),
                                              (b"x\xff\n", "not UTF-8 text (byte 1); save the file as UTF-8")])
def test_unreadable_steps_files_are_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "d.txt"
    if content is not None:
        path.write_bytes(content)
    code = main(["verify", "steps", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err == f"symback: {path}: {message}\n"


def test_cli_steps_json_shape_and_exit_codes(capsys):
    assert main(["verify", "steps", "--example", "chain_rule_wrong", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["first_wrong"] == 4
    assert data["steps"][0].keys() >= {"line", "text", "verdict", "detail"} and data["steps"][0]["verdict"] == WRONG
    assert main(["verify", "steps", "--example", "sigmoid_derivative", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["first_wrong"] is None and len(data["steps"]) == 11
    assert main(["verify", "steps", "--example", "nope"]) == 2
    assert "no such derivation" in capsys.readouterr().err


@pytest.mark.parametrize("text, point_holds", [
    ("x\n= x + 10^-100", lambda p: True),                    # a constant difference: wrong everywhere
    ("x*y\n= x*y + 10^-30*x", lambda p: p["x"] != 0),        # below 40 digits' tolerance
    ("step(x - 1000)\n= 0", lambda p: p["x"] > 1000),        # a threshold far from the unit points
    ("relu(x - 1000)\n= 0", lambda p: p["x"] > 1000),
    ("10^-40*exp(x)\n= 10^-40", lambda p: p["x"] != 0),       # small on both sides
])
def test_false_steps_below_the_default_precision_are_wrong(text, point_holds):
    report = verify_steps(text)
    assert [s.verdict for s in report.steps] == ["given", WRONG], text
    point = report.steps[1].comparison.point
    assert not point or point_holds({k: v for k, v in point.items() if k != "@"})  # a real counterexample


@pytest.mark.parametrize("text", ["x + 10^-100 - 10^-100\n= x", "2*10^-30*x\n= 10^-30*x + x*10^-30",
                                  "step(x - 1000)*(x - 1000)\n= relu(x - 1000)"])
def test_true_steps_with_tiny_or_large_constants_still_hold(text):
    assert verify_steps(text).steps[1].verdict in (PROVED, NUMERIC)


@pytest.mark.parametrize("text", [r"\log_{0}(x)" "\n= 0", r"\log_{1}(x)" "\n= 0"])
def test_a_logarithm_of_base_0_or_1_is_refused_not_proved(text):
    with pytest.raises(SymbackError, match="base"):
        verify_steps(text, latex=True)


def test_a_30_deep_abstract_composition_is_checked_within_its_timeout():
    """diff(f(f(...f(x)...)), x) then f(x), --timeout 2: the probes took minutes (the concrete f composed 30 times)."""
    nested = "x"
    for _ in range(30):
        nested = f"f({nested})"
    start = time.perf_counter()
    report = verify_steps(f"# functions: f\ndiff({nested}, x)\n= f(x)\n", budget=2)
    assert time.perf_counter() - start < 2 + 8
    assert report.first_wrong == 3  # line 1 declares f
