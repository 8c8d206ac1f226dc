"""api: the public facade: what it exports (as symback, and documented), solve's inputs, and grad, which
refuses what derive refuses."""
import re
from pathlib import Path

import pytest
import sympy as sp

import symback
import symback.api as api
import symback.commands as commands

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_facade_is_what_symback_exports_and_what_the_readme_documents():
    assert sorted(symback.__all__) == sorted(api.__all__) and len(set(api.__all__)) == len(api.__all__)
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API"):text.index("## Linear regression")]
    undocumented = [name for name in api.__all__ if not re.search(rf"`[^`]*\b{name}\b", section)]
    assert undocumented == [], "document them in the README's 'Python API', or keep them out of api.__all__"


def test_what_only_the_command_line_needs_is_not_public():
    assert not set(commands.__all__) & set(api.__all__)
    for name in ("gallery", "messages", "render_document", "DETAILS", "MATRIX_CONVENTIONS", "limits"):
        assert name in commands.__all__ and not hasattr(symback, name)


def test_solve_takes_a_spec_a_dictionary_or_a_path(tmp_path):
    data = {"loss": "f", "inputs": {"x": -2}, "params": {"w": 5, "b": 3}, "nodes": {"f": "w*x + b"}}
    path = tmp_path / "f.toml"
    path.write_text('loss = "f"\n[inputs]\nx = -2\n[params]\nw = 5\nb = 3\n[nodes]\nf = "w*x + b"\n')
    for given in (data, symback.spec_from_dict(data), path, str(path)):
        solution = symback.solve(given)
        assert isinstance(solution, symback.Solution) and solution.gradients["w"] == -2 and solution.loss == -7
    assert isinstance(symback.solve(symback.load_example("regression")), symback.RegressionSolution)
    with pytest.raises(TypeError, match="takes a Spec, a dict or a path"):
        symback.solve(42)


@pytest.mark.parametrize("formula, wrt, at, message", [
    ("log(x)", ["x"], {"x": -1}, "not a real number"),
    ("w^x", ["w", "x"], {"w": -1, "x": 0.5}, "not a real number"),
    ("1/x", ["x"], {"x": 0}, "undefined"),
    ("w*x", ["1w"], None, "'1w' is not a name"),
    ("w*x", ["q"], None, "its variables: w, x"),
    ("w*x", ["w"], {"w": 1e999, "x": 1}, "not finite"),
    ("w*x", ["w"], {"w": "1e99999"}, "limit"),
])
def test_grad_refuses_what_derive_refuses(formula, wrt, at, message):
    with pytest.raises(symback.SymbackError) as caught:
        symback.grad(formula, wrt, at)
    assert message in caught.value.line() and "\n" not in caught.value.line()


def test_grad_reads_values_exactly():
    result = symback.grad("w*x", ["w"], {"w": "1e-400", "x": "1.00000000000000000001"})
    assert result["w"]["value"] == 1 + sp.Rational(1, 10**20)
    assert symback.grad("exp(w)", ["w"], {"w": 1})["w"]["text"] == "exp(w)"
    assert symback.grad("exp(1)*w", ["w"])["w"]["text"] == "exp(1)"
