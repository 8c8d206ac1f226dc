"""derive: spec files to JSON (strict, exact values beside the floats), Markdown and LaTeX; digits, divergence
and the user's names e and pi."""
import json

import pytest

import symback
from symback.cli import main


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_writes_json(tmp_path, capsys):
    spec = tmp_path / "neuron.toml"
    spec.write_text(symback.example_path("neuron").read_text(encoding="utf-8"))  # seed 000's neuron
    code, out, err = run(["derive", spec, "-o", tmp_path / "out"], capsys)
    assert code == 0 and err == ""
    data = json.loads((tmp_path / "out" / "neuron.json").read_text())
    solution = symback.solve(spec)
    assert data["loss"] == {"name": "L", "value": float(solution.loss)}
    assert data["gradients"]["w1"] == float(solution.gradients["w1"])
    assert data["updated"]["w2"] == float(solution.updated["w2"])
    assert data["symbolic"]["gradients"]["w1"] == str(solution.gradient("w1"))
    assert set(data) >= {"title", "loss", "values", "gradients", "updated", "history", "symbolic", "assumptions"}
    assert data["gradient_check"]["agrees"] is True and data["gradient_check"]["max_relative_error"] < 1e-20
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["neuron.json"]  # no temp files left


def test_derive_example_to_stdout(capsys):
    code, out, err = run(["derive", "--example", "softmax_233", "-o", "-"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["assumptions"] == ["t1 + t2 + t3 = 1"]
    assert data["symbolic"]["gradients"]["z2_2"] in ("-t2 + y2", "y2 - t2")
    assert data["symbolic"]["latex"]["gradients"]["z2_2"] == "y_{2} - t_{2}"
    assert data["symbolic"]["latex"]["names"]["w2_2_3"] == "w^{(2)}_{2,3}"


def _strict_json(text: str):
    """JSON as a strict parser reads it: Infinity and NaN are refused."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_cli_numbers_are_read_exactly_and_written_as_strict_json(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text('loss = "L"\n[inputs]\nx = 1e-400\ny = 1e400\n[params]\nw = 1.00000000000000000001\n'
                    '[nodes]\nL = "w*x + y"\n')
    assert main(["derive", str(spec), "--format", "json,md", "-o", str(tmp_path / "o")]) == 0
    data = _strict_json((tmp_path / "o" / "tiny.json").read_text())
    assert data["gradients"]["w"] is None and data["exact"]["gradients"]["w"] == "1/1" + "0" * 400
    assert data["values"]["y"] is None and data["exact"]["values"]["y"] == "1" + "0" * 400
    assert data["gradients"]["x"] == 1.0 and data["exact"]["gradients"]["x"] == "100000000000000000001/1" + "0" * 20
    markdown = (tmp_path / "o" / "tiny.md").read_text()
    assert r"1 \times 10^{-400}" in markdown and "inf" not in markdown


def test_cli_thirty_digits_are_right(tmp_path, capsys):
    import mpmath
    assert main(["derive", "--example", "neuron", "--digits", "30", "--format", "md", "-o", str(tmp_path)]) == 0
    with mpmath.workdps(60):
        sigma = mpmath.nstr(1 / (1 + mpmath.exp(-mpmath.mpf(1.5))), 30)
    assert sigma in (tmp_path / "neuron.md").read_text()


def test_cli_diverging_training_is_one_line_exit_2(tmp_path, capsys):
    spec = tmp_path / "diverge.toml"
    spec.write_text('loss = "L"\nlearning_rate = 10\nsteps = 20\n[inputs]\nx = 1\n[params]\nw = 0.5\n'
                    '[nodes]\nL = "log(w)*x"\n')
    assert main(["derive", str(spec), "--format", "json", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "diverged" in err and "learning_rate" in err and "Traceback" not in err
    assert not (tmp_path / "o" / "diverge.json").exists()


def test_cli_e_and_pi_are_user_names(tmp_path, capsys):
    spec = tmp_path / "names.toml"
    spec.write_text('loss = "L"\n[inputs]\nE = 3\n[params]\npi = 2\n[nodes]\ne = "pi*E"\nL = "e^2 + exp(1)"\n')
    assert main(["derive", str(spec), "--format", "json", "-o", str(tmp_path)]) == 0
    data = _strict_json((tmp_path / "names.json").read_text())
    assert data["values"]["e"] == 6 and data["gradients"]["pi"] == 2 * 6 * 3  # dL/dpi = 2e * E
    assert data["symbolic"]["nodes"]["L"] == "e**2 + exp(1)"


def test_derive_writes_a_page_only_when_asked_and_refuses_it_without_katex(tmp_path, capsys, monkeypatch, fake_katex):
    monkeypatch.chdir(tmp_path)  # no node_modules/katex here
    monkeypatch.delenv("SYMBACK_KATEX", raising=False)
    code, out, err = run(["derive", "--example", "apple", "--format", "md,html", "-o", tmp_path / "none"], capsys)
    assert code == 2 and err.count("\n") == 1 and "npm install katex@0.16" in err and not (tmp_path / "none").exists()
    code, out, err = run(["derive", "--example", "apple", "--format", "all", "-o", tmp_path / "all"], capsys)
    assert code == 0 and not list((tmp_path / "all").glob("*.html"))  # `all` is the PDF's job: no KaTeX needed
    monkeypatch.setenv("SYMBACK_KATEX", str(fake_katex))
    code, out, err = run(["derive", "--example", "apple", "--format", "html", "--lang", "ko", "-o", tmp_path / "p"],
                         capsys)
    assert code == 0 and sorted(p.name for p in (tmp_path / "p").iterdir()) == ["apple.ko.html"]
    code, out, err = run(["derive", "--example", "regression", "--format", "html", "-o", tmp_path / "r"], capsys)
    assert code == 2 and err.count("\n") == 1 and "regression" in err


def test_derive_writes_a_network_layer_by_layer_unless_asked_for_every_step(capsys):
    code, standard, _ = run(["derive", "--example", "mazur_222", "-o", "-", "--format", "md"], capsys)
    assert code == 0 and "## Forward pass" in standard and "### Layer 2" in standard and "### Node" not in standard
    code, full, _ = run(["derive", "--example", "mazur_222", "-o", "-", "--format", "md", "--detail", "full"], capsys)
    assert code == 0 and "### Node $y_{1}$" in full and "### Layer 2" not in full
    code, same, _ = run(["derive", "--example", "mazur_222", "-o", "-", "--format", "md", "--detail", "standard"], capsys)
    assert same == standard
    code, graph, _ = run(["derive", "--example", "neuron", "-o", "-", "--format", "md"], capsys)
    assert code == 0 and "### Node $o$" in graph  # a graph is written node by node


def test_derive_shows_a_networks_inputs_gradients_only_when_asked(capsys):
    argv = ["derive", "--example", "mazur_222", "-o", "-", "--format", "md", "--detail", "full"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "### Node $z^{(1)}_{1}$" in out
    assert "### Node $x_{1}$" not in out and "### Node $t_{1}$" not in out
    code, out, _ = run(argv + ["--gradients-of", "inputs"], capsys)
    assert code == 0 and "### Node $x_{1}$" in out and "### Node $t_{2}$" in out
    code, _, err = run(argv + ["--gradients-of", "weights"], capsys)
    assert code == 2 and "--gradients-of" in err


def test_a_pdf_too_large_to_typeset_is_refused_before_anything_is_derived(tmp_path, capsys, monkeypatch):
    """With pdflatex's memory cut to what 20 edges need, mazur_222 in full detail (28 edges) is refused before the
    derivation runs; its Markdown is not."""
    import symback.cli.derive as derive
    import symback.documents.pdf as pdf

    monkeypatch.setattr(pdf, "TEX_MAX_WORDS", 20 * pdf.TEX_WORDS_PER_BYTE * pdf.LATEX_BYTES_PER_EDGE["full"])
    monkeypatch.setattr(derive, "solve", lambda spec: pytest.fail("derived before refusing"))
    code, out, err = run(["derive", "--example", "mazur_222", "--detail", "full", "--format", "pdf", "-o", tmp_path], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "mazur_222.pdf: its full worked solution would be at least" in err
    assert "refused before deriving" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    code, out, err = run(["derive", "--example", "mazur_222", "--detail", "full", "--format", "md", "-o", tmp_path], capsys)
    assert code == 0 and (tmp_path / "mazur_222.md").exists()


def test_a_layer_kind_without_a_matrix_form_is_refused_naming_its_spec(tmp_path, capsys):
    """Among several specs, the one whose recurrent layer has no layer-level view is named; the others are written."""
    rnn = tmp_path / "my_rnn.toml"
    rnn.write_text(symback.example_path("rnn").read_text(encoding="utf-8"))
    code, out, err = run(["derive", rnn, "--example", "mazur_222", "--view", "matrix", "-o", tmp_path / "out"], capsys)
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1
    assert f"{rnn}: network.layers[1].rnn: has no layer-level (matrix) form; use --view neuron" in err
    assert (tmp_path / "out" / "mazur_222.json").exists() and not (tmp_path / "out" / "my_rnn.json").exists()
