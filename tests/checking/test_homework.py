"""checking.homework: hand work against a problem (networks' δ notation, LaTeX, bad lines, the command line).

The verdict of each link is tested in test_links.py, against mpmath values of the seed 000 neuron.
"""
import json

import pytest

import symback
from symback.checking.equivalence import PROVED, WRONG
from symback.checking.homework import load_homework, verify_homework
from symback.checking.steps import GIVEN, ROUNDED
from symback.cli import main
from symback.engine.errors import SymbackError


def test_networks_use_delta_notation_and_name_a_missing_path(verdicts):
    solution = symback.solve(symback.load_example("mazur_222"))
    text = ("δ2_1 = (y1 − t1) y1 (1 − y1)\n"
            "δ1_1 = (w2_1_1 δ2_1 + w2_2_1 δ2_2) a1_1 (1 − a1_1)\n"
            "δ1_1 = w2_1_1 δ2_1 a1_1 (1 − a1_1)\n"
            "dL/dw1_1_1 = δ1_1 x1\n"
            "w2_1_1' = w2_1_1 − dL/dw2_1_1")
    assert verdicts(text, solution) == ([PROVED, PROVED, WRONG, PROVED, WRONG],
                                        [None, None, "missing_path", None, "missing_learning_rate"])


def test_latex_homework(neuron):
    text = (r"\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial l_1} \, i_1 = 0.2439 \cdot 2 = 0.4878" "\n"
            r"w_1^{new} = w_1 - \eta \frac{\partial L}{\partial w_1} % the update" "\n"
            r"o(1 - o) = \sigma(l_1)\left(1 - \sigma(l_1)\right)")
    report = verify_homework(text, neuron, latex=True)
    assert [s.verdict for s in report.steps] == [ROUNDED, PROVED, PROVED]
    assert report.steps[1].echo == "w1' = w1 - eta*(d(L)/d(w1))"


@pytest.mark.parametrize("text, message", [
    ("dL/dw9 = 1", "'w9' is not in the problem"),
    ("do/dw1 = 1", "'w1' is not an input of node 'o'"),
    ("δ7_1 = 1", "names no node"),
    ("q = 1", "unknown name 'q'"),
    ("= o", "starts with '='"),
])
def test_bad_lines_are_one_line_errors(neuron, text, message):
    with pytest.raises(SymbackError) as info:
        verify_homework(text, neuron, source="hw.txt")
    assert message in str(info.value) and str(info.value).startswith("hw.txt: line 1") and "\n" not in str(info.value)


def test_the_command_line_interface(tmp_path, capsys):
    """symback verify steps FILE --spec SPEC --format json: first_wrong, steps[] with line, verdict, misconception."""
    path = tmp_path / "hw.txt"
    path.write_text("# my homework\no = σ(1.5) = 0.8176\n\ndL/dw1 = dL/dl1 · i2\n", encoding="utf-8")
    assert main(["verify", "steps", str(path), "--spec", "neuron", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["first_wrong"] == 4 and data["spec"] == "example:neuron"
    assert [(s["line"], s["verdict"], s["misconception"]) for s in data["steps"]] == \
        [(2, ROUNDED, None), (4, WRONG, "wrong_input")]
    assert {"text", "detail"} <= set(data["steps"][0])
    spec = tmp_path / "neuron.toml"
    spec.write_text(symback.example_path("neuron").read_text(encoding="utf-8"), encoding="utf-8")
    path.write_text("# spec: neuron.toml\no = σ(1.5) = 0.8176\n", encoding="utf-8")  # a spec next to the file
    assert main(["verify", "steps", str(path)]) == 0
    assert "~  o = σ(1.5) = 0.8176" in capsys.readouterr().out
    assert main(["verify", "--example", "neuron", "--spec", "neuron"]) == 2
    assert "--spec goes with 'steps'" in capsys.readouterr().err
    assert main(["verify", "steps", str(path), "--spec", "nope"]) == 2
    assert "neither a spec file nor a built-in example" in capsys.readouterr().err


def test_claims_name_their_misconception_in_json(capsys):
    assert main(["verify", "--example", "neuron", "--claim", "dL/dw1 = 2*(o - t)*o*(1 - o)*i2", "--format", "json"]) == 1
    claim = json.loads(capsys.readouterr().out)["claims"][0]
    assert claim["verdict"] == WRONG and claim["misconception"] == "wrong_input"
    assert "you used i2 where i1 belongs" in claim["detail"] and "likely slip" not in claim["detail"]


def test_without_a_spec_a_file_is_a_derivation(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("diff(x^3, x)\n= 3x²\n", encoding="utf-8")
    assert [s.verdict for s in load_homework(path).steps] == [GIVEN, PROVED]
