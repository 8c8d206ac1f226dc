"""Claims about a problem: the seed's numbers, rounding, formulas, slips, the CLI, bad input.

Expected numbers come from mpmath here (an independent forward pass), never from symback's output.
"""
import json
import time

import mpmath
import pytest

import symback
from symback.cli import main
from symback.engine.errors import SymbackError
from symback.documents.verify_document import detail_text
from symback.checking.verify import CARRIED, CORRECT, verify_claims

mpmath.mp.dps = 30


def seed_000():
    """Seed 000 by hand: l1 = 2*0.5 + 5*0.1, o = sigmoid(l1), L = (0 - o)^2, learning rate 1."""
    i1, i2, t, w1, w2 = map(mpmath.mpf, (2, 5, 0, "0.5", "0.1"))
    o = 1 / (1 + mpmath.exp(-(w1 * i1 + w2 * i2)))
    dl1 = 2 * (o - t) * o * (1 - o)
    return {"o": o, "L": (t - o) ** 2, "dL/do": 2 * (o - t), "dL/dl1": dl1, "dL/dw1": dl1 * i1,
            "dL/dw2": dl1 * i2, "w1'": w1 - dl1 * i1, "w2'": w2 - dl1 * i2}


@pytest.fixture(scope="module")
def neuron():
    return symback.solve(symback.load_example("neuron"))


def test_the_exact_values_the_verdicts_rely_on():
    exact = seed_000()
    assert mpmath.nstr(exact["o"], 4) == "0.8176"          # the seed wrote 0.8180
    assert mpmath.nstr(exact["L"], 3) == "0.668"           # the seed wrote 0.670
    assert mpmath.nstr(2 * mpmath.mpf("0.818"), 4) == "1.636"  # what the seed computed for dL/do


@pytest.mark.parametrize("name, claimed, verdict", [
    ("o", "0.8180", "wrong"),
    ("L", "0.670", "wrong"),
    ("w1'", "0.136", "wrong"),          # "w1 is updated to 0.136"
    ("w1_new", "0.136", "wrong"),
    ("dL/do", "1.636", CARRIED),        # 2 x 0.818: o rounded, then doubled
    ("dL/dl1", "0.244", CORRECT),
    ("dL/dw1", "0.488", CORRECT),
    ("d(L)/d(w1)", "0.488", CORRECT),
    ("dL/dw2", "1.22", CORRECT),
    ("w1'", "0.0122", CORRECT),
    ("w2'", "-1.12", CORRECT),
    ("w2_new", "-1.12", CORRECT),
])
def test_seed_000_numbers(neuron, name, claimed, verdict):
    result = verify_claims(neuron, [(name, claimed)]).results[0]
    assert result.verdict == verdict, result.details
    key = {"d(L)/d(w1)": "dL/dw1", "w1_new": "w1'", "w2_new": "w2'"}.get(name, name)
    assert abs(mpmath.mpf(str(result.actual)) - seed_000()[key]) < mpmath.mpf(10) ** -25
    digits = len(claimed.lstrip("-").replace(".", "").lstrip("0"))  # significant digits as written
    exact_rounds = mpmath.nstr(seed_000()[key], digits, strip_zeros=False)
    assert (verdict == CORRECT) == (mpmath.mpf(exact_rounds) == mpmath.mpf(claimed))


def test_rounding_uses_the_claimed_digits(neuron):
    # 0.81757...: 0.8 (1 digit), 0.82, 0.818, 0.8176, 0.81757 are all right; 0.8175 and 0.81 are not
    right = ["0.8", "0.82", "0.818", "0.8176", "0.81757"]
    wrong = ["0.8175", "0.81", "0.8180"]
    results = verify_claims(neuron, [("o", c) for c in right + wrong]).results
    assert [r.verdict for r in results] == [CORRECT] * len(right) + ["wrong"] * len(wrong)


def test_integers_and_fractions_are_exact():
    solution = symback.solve(symback.load_example("apple"))
    total = solution.loss
    assert total.is_Rational
    results = verify_claims(solution, [(solution.graph.loss, str(total)), (solution.graph.loss, str(total + 1))]).results
    assert [r.verdict for r in results] == [CORRECT, "wrong"]


def test_number_slips(neuron):
    exact = seed_000()
    claims = [("dL/dw1", mpmath.nstr(-exact["dL/dw1"], 3)),        # sign
              ("dL/dw1", mpmath.nstr(10 * exact["dL/dw1"], 3)),    # decimal point
              ("dL/dw1", mpmath.nstr(exact["dL/dw2"], 3))]         # the other weight's gradient
    slips = [r.details[-1][0] for r in verify_claims(neuron, claims).results]
    assert slips == ["slip.sign", "slip.decimal", "slip.matches"]


@pytest.mark.parametrize("formula, verdict, slip", [
    ("2*(o - t)*o*(1 - o)*i1", CORRECT, None),
    ("2*(sigmoid(l1) - t)*sigmoid(w1*i1 + w2*i2)*(1 - o)*i1", CORRECT, None),  # other nodes, same function
    ("(o - t)*o*(1 - o)*i1", "wrong", "slip.factor"),
    ("-2*(o - t)*o*(1 - o)*i1", "wrong", "slip.sign"),
    ("2*(o - t)*i1", "wrong", "slip.missing"),
    ("2*(o - t)*o*(1 - o)*i2", "wrong", "slip.instead"),
    ("2*(o - t)*o*(1 - o)*i1*w1", "wrong", "slip.extra"),
])
def test_formula_claims(neuron, formula, verdict, slip):
    result = verify_claims(neuron, [("dL/dw1", formula)]).results[0]
    assert result.verdict == verdict
    if verdict == "wrong":
        assert result.details[-1][0] == slip
        point = {k: mpmath.mpf(str(v)) for k, v in result.counterexample.items()}
        # the counterexample really separates the two sides (checked here with a hand forward pass)
        o = 1 / (1 + mpmath.exp(-(point["w1"] * point["i1"] + point["w2"] * point["i2"])))
        right = 2 * (o - point["t"]) * o * (1 - o) * point["i1"]
        assert abs(mpmath.mpf(result.details[0][1]["right"]) - right) < 1e-5 * max(1, abs(right))


def test_local_derivative_and_value_formulas(neuron):
    results = verify_claims(neuron, [("do/dl1", "o*(1 - o)"), ("do/dl1", "sigmoid(l1)"), ("o", "sigmoid(w1*i1 + w2*i2)"),
                                     ("do/dl1", "0.149")]).results
    assert [r.verdict for r in results] == [CORRECT, "wrong", CORRECT, CORRECT]


def test_softmax_cross_entropy_claim_uses_the_sum_to_one_assumption():
    solution = symback.solve(symback.load_example("softmax_233"))
    result = verify_claims(solution, [("dL/dz2_1", "y1 - t1"), ("dL/dz2_2", "y2 - t1")]).results
    assert result[0].verdict == CORRECT and result[0].details[-1][0] == "assumption"
    assert result[1].verdict == "wrong" and result[1].details[-1] == ("slip.instead", {"a": "t1", "b": "t2"})


def test_spec_claims_table_is_the_default(neuron):
    report = verify_claims(neuron)
    assert len(report.results) == len(neuron.spec.claims) == 10
    assert {r.name for r in report.wrong} == {"o", "L", "w1_new"}


@pytest.mark.parametrize("claim, message", [
    ("dL/dw9 = 1", "'w9' is not in the problem"),
    ("dL/dq = 1", "'q' is not in the problem"),
    ("do/dw1 = 1", "'w1' is not an input of node 'o'"),
    ("zz = 1", "'zz' names nothing"),
    ("o = sigmod(l1)", "unknown function 'sigmod'"),
    ("o = __import__('os')", "unknown function '__import__'"),
    ("o = ().__class__", "not allowed"),
    ("o = 9**9**9**9", "too large"),
    ("o 0.8", "not 'name = value'"),
    ("o = sqrt(-1)", "'sqrt(-1)' is not a real number"),
    ("o = log(-1)", "'log(-1)' is not a real number"),
    ("o = (-1)^(1/3)", "is not a real number"),
    ("o = exp(exp(exp(exp(3))))", "too large to compare"),  # SymPy's evalf worked on it for minutes
])
def test_bad_claims_exit_2_with_one_line(claim, message, capsys):
    start = time.perf_counter()
    code = main(["verify", "--example", "neuron", "--claim", claim])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and time.perf_counter() - start < 5


def test_a_constant_claim_is_compared_by_its_value(neuron):
    """exp(1)/4 and exp(1000000) are numbers to compare with o (SymPy's Float() refused them: internal errors)."""
    exact = seed_000()["o"]
    report = verify_claims(neuron, [("o", "exp(1)/4"), ("o", "exp(1000000)"), ("o", "1/(1 + exp(-3/2))")])
    assert [r.verdict for r in report.results] == ["wrong", "wrong", CORRECT]
    assert abs(exact - 1 / (1 + mpmath.exp(-1.5))) < 1e-25  # the last claim is o itself, by hand


def test_no_claims_is_bad_input(capsys):
    assert main(["verify", "--example", "apple"]) == 2
    assert "no claims" in capsys.readouterr().err


def test_updated_needs_a_learning_rate():
    solution = symback.solve({"loss": "f", "inputs": {"x": 2}, "params": {"w": 3}, "nodes": {"f": "w*x"}})
    with pytest.raises(SymbackError, match="no learning rate"):
        verify_claims(solution, [("w'", "1")])


def test_cli_exit_codes_and_json(tmp_path, capsys):
    assert main(["verify", "--example", "neuron", "--claim", "dL/dw1 = 0.488", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0].keys() >= {"name", "claimed", "actual", "verdict", "detail"}
    assert data["claims"][0]["verdict"] == CORRECT
    assert abs(data["claims"][0]["actual"] - float(seed_000()["dL/dw1"])) < 1e-15
    assert main(["verify", "--example", "neuron", "--claim", "o = 0.8180"]) == 1
    assert "wrong" in capsys.readouterr().out
    spec = tmp_path / "mine.toml"
    spec.write_text('loss = "f"\n[inputs]\nx = 5\n[params]\nw = -2\n[nodes]\nf = "w*x"\n'
                    '[claims]\n"df/dw" = ["5", "x"]\n"df/dx" = "w"\nf = -10\n')
    assert main(["verify", str(spec), "--format", "json,md", "-o", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["mine.verify.json", "mine.verify.md"]
    data = json.loads((tmp_path / "out" / "mine.verify.json").read_text())
    assert [c["verdict"] for c in data["claims"]] == [CORRECT] * 4 and data["summary"]["wrong"] == 0


def test_claims_in_the_spec_are_validated(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text('loss = "f"\n[inputs]\nx = 5\n[nodes]\nf = "x"\n[claims]\nf = true\n')
    assert main(["verify", str(spec)]) == 2
    assert "claims.f: expected a number or a formula" in capsys.readouterr().err


def test_unquoted_claims_keep_their_written_digits(tmp_path):
    """TOML reads 0.8180 as the float 0.818; the claim must still count four significant digits."""
    spec = (symback.example_path("neuron").read_text(encoding="utf-8").split("[claims]")[0]
            + "[claims]\no = 0.8180\n\"dL/dw1\" = 0.488\n")
    path = tmp_path / "neuron.toml"
    path.write_text(spec, encoding="utf-8")
    loaded = symback.load_spec(path)
    assert loaded.claims == (("o", "0.8180"), ("dL/dw1", "0.488"))
    verdicts = [r.verdict for r in verify_claims(symback.solve(loaded)).results]
    assert verdicts == ["wrong", CORRECT]   # 0.8176 does not round to 0.8180 (it would round to 0.818)


def test_the_detail_shows_more_digits_than_the_claim(neuron):
    """A long claim's reason must show why it rounds: the exact value to two digits beyond it."""
    exact = seed_000()["dL/dw1"]
    claimed = mpmath.nstr(exact, 8)                     # 0.48775333
    result = verify_claims(neuron, [("dL/dw1", claimed)]).results[0]
    assert result.verdict == CORRECT
    assert mpmath.nstr(exact, 10) in detail_text(result.details)


@pytest.mark.parametrize("formula, by_hand, slip, fix", [
    # half of sigma' dropped, or an input too many; fix turns the claim's value into the right one
    ("2*(o - t)*o*i1", lambda o: 2 * o * o * 2, ("slip.missing", {"factor": "1 - o"}), lambda v, o: v * (1 - o)),
    ("2*(o - t)*(1 - o)*i1", lambda o: 2 * o * (1 - o) * 2, ("slip.missing", {"factor": "o"}), lambda v, o: v * o),
    ("2*(o - t)*o*(1 - o)*i1*i2", lambda o: 2 * o * o * (1 - o) * 2 * 5, ("slip.extra", {"factor": "i2"}), lambda v, o: v / 5),
])
def test_part_of_a_local_derivative_dropped_is_named(neuron, formula, by_hand, slip, fix):
    result = verify_claims(neuron, [("dL/dw1", formula)]).results[0]
    assert result.verdict == "wrong" and result.details[-1] == slip
    exact = seed_000()
    with mpmath.workdps(40):   # the named factor is the whole difference (t = 0, i1 = 2, i2 = 5)
        assert abs(fix(by_hand(exact["o"]), exact["o"]) - exact["dL/dw1"]) < mpmath.mpf(10) ** -25


def test_claims_about_a_recurrent_network_by_its_step_names():
    """dL/dwh1_1_2 of the rnn example as BPTT sums it: torch.nn.RNN's gradient, rounded as claimed."""
    from sequence_torch import torch_sequence
    import tomllib

    raw = tomllib.loads(symback.example_path("rnn").read_text(encoding="utf-8"))["network"]
    _, grads = torch_sequence(raw["layers"], raw["values"], raw["loss"])
    solution = symback.solve(symback.load_example("rnn"))
    right, wrong = f"{grads['wh1_1_2']:.4g}", f"{grads['wh1_1_2'] * 3:.4g}"  # a third of the steps' terms, thrice
    results = verify_claims(solution, [("dL/dwh1_1_2", right), ("dL/dh1_2_t0", f"{grads['h1_2_t0']:.3g}"),
                                       ("dL/dwx1_1_1", wrong)]).results
    assert [r.verdict for r in results[:2]] == [CORRECT, CORRECT]
    assert results[2].verdict != CORRECT
