"""spec_reader: TOML files and dictionaries read into specs, numbers exactly from their text, every problem one
line naming the key path and the fix."""
import pytest
import sympy as sp

import symback
from symback.engine.errors import SpecError
from symback.engine.spec_reader import load_spec, spec_from_dict

NEURON = {"loss": "L", "learning_rate": 1, "inputs": {"i1": 2, "i2": 5, "t": 0}, "params": {"w1": 0.5, "w2": 0.1},
          "nodes": {"l1": "w1*i1 + w2*i2", "o": "sigmoid(l1)", "L": "(t - o)^2"}}


def test_toml_floats_become_exact_rationals():
    s = symback.solve(symback.load_example("mazur_222"))
    assert s.values["x1"] == sp.Rational(1, 20) and s.values["w1_1_1"] == sp.Rational(3, 20)


def test_a_file_and_its_dictionary_read_alike(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('loss = "L"\nlearning_rate = 1\n[inputs]\ni1 = 2\ni2 = 5\nt = 0\n[params]\nw1 = 0.5\nw2 = 0.1\n'
                    '[nodes]\nl1 = "w1*i1 + w2*i2"\no = "sigmoid(l1)"\nL = "(t - o)^2"\n')
    from_file, from_dict = load_spec(path), spec_from_dict(NEURON, source=str(path))
    assert from_file == from_dict and from_file.source == str(path)
    assert dict(from_file.params) == {"w1": sp.Rational(1, 2), "w2": sp.Rational(1, 10)}
    assert from_file.learning_rate == 1 and from_file.steps == 1 and from_file.relu_at_zero == 0


@pytest.mark.parametrize("change, where, fragment", [
    ({"los": "L"}, "los", "unknown key; did you mean 'loss'?"),
    ({"param": {"q": 1}}, "param", "did you mean 'params'?"),
    ({"loss": "LL"}, "loss", "'LL' is not a node; did you mean 'L'?"),
    ({"steps": 0}, "steps", "must be from 1 to 10000000"),
    ({"frozen": ["w3"]}, "frozen", "'w3' is not a parameter"),
    ({"relu_at_zero": 2}, "relu_at_zero", "must be from 0 to 1"),
    ({"params": {"w1": "0.5", "w2": 0.1}}, "params.w1", "expected a number"),
    ({"params": {"w1": 0.5, "w2": 0.1, "t": 1}}, "params.t", "'t' is already defined in [inputs]"),
    ({"params": {"w-1": 0.5, "w2": 0.1}}, "params.w-1", "'w-1' is not a valid name"),
])
def test_each_problem_is_one_line_naming_the_key(change, where, fragment):
    with pytest.raises(SpecError) as refused:
        spec_from_dict({**NEURON, **change}, source="n.toml")
    line = refused.value.line()  # where: what; the fix
    assert refused.value.where == f"n.toml: {where}" and fragment in line and "\n" not in line
    assert refused.value.fix


def test_a_file_that_is_empty_or_not_toml_is_named(tmp_path):
    empty, broken = tmp_path / "empty.toml", tmp_path / "broken.toml"
    empty.write_text("  \n")
    broken.write_text("loss = \n")
    with pytest.raises(SpecError, match="the file is empty"):
        load_spec(empty)
    with pytest.raises(SpecError, match="malformed TOML"):
        load_spec(broken)
