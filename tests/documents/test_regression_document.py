"""regression_document: the regression's JSON, its worked solution in both languages (the same mathematics,
matrices with their shapes, escaped titles) and its PDF."""
import json
import re
import subprocess

import pytest

import symback
from symback.cli import main
from symback.documents.catalogue import LANGUAGES, messages

EXAMPLE = symback.load_example("regression")


def test_cli_json(tmp_path, capsys):
    assert main(["derive", "--example", "regression", "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "regression.json").read_text())
    sol = symback.solve(EXAMPLE)
    assert data["kind"] == "regression" and data["beta_hat"] == [float(v) for v in sol.beta_hat]
    assert data["exact"]["beta_hat"] == ["1/20", "199/100"] and data["converges"] is True
    assert len(data["gd"]["history"]) == sol.regression.steps + 1 and data["gd"]["final"] == list(sol.iterations[-1].beta)
    assert data["gradient"]["matches_matrix_form"] is True and data["hessian"]["max_learning_rate"] == sol.descent.max_rate
    assert set(data) >= {"cost_at_beta_hat", "r_squared", "normal_equations", "flops", "X", "Y"}


def math_blocks(text: str) -> list[str]:
    return re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S) + re.findall(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$", text)


def test_documents_share_the_mathematics_and_typeset_matrices_with_shapes():
    sol = symback.solve(EXAMPLE)
    en, ko = sol.markdown("en"), sol.markdown("ko")
    assert math_blocks(en) == math_blocks(ko)
    assert r"\underset{5 \times 2}{\begin{bmatrix} 1 & 1 \\ 1 & 2" in en and r"\underset{2 \times 1}" in en
    assert "## 경사 하강법" in ko and "## Gradient descent" in en
    assert r"\frac{\partial E}{\partial \beta_{0}} &= 10 \beta_{0} + 30 \beta_{1} - 60.2" in en  # 2XᵀXβ − 2XᵀY, row 1
    for block in math_blocks(en):
        assert block.count("{") == block.count("}") and r"\begin{eqnarray}" not in block
    assert "\\$" not in en  # no math escaped into text


def test_user_text_in_the_title_is_escaped():
    sol = symback.solve(symback.spec_from_dict({"title": r"$x$ \input{/etc/passwd} *b*", "regression":
                                                {"x": [1, 2, 3], "y": [1, 2, 2], "learning_rate": 0.01}}))
    assert sol.markdown().splitlines()[0] == r"# \$x\$ \\input{/etc/passwd} \*b\*"
    assert r"\textbackslash{}input\{/etc/passwd\}" in sol.latex()


needs_tex = pytest.mark.needs("pdflatex", "pdftotext")  # tests/conftest.py skips without them


@needs_tex
@pytest.mark.parametrize("lang", LANGUAGES)
def test_example_pdf(lang, tmp_path, capsys):
    assert main(["derive", "--example", "regression", "--format", "pdf", "--lang", lang, "-o", str(tmp_path)]) == 0
    pdf = tmp_path / f"regression{'' if lang == 'en' else '.' + lang}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    t = messages(lang)
    for key in ("problem", "regression.closed_form", "regression.descent", "regression.costs", "summary"):
        assert t[key] in text, key
    for number in ("0.05", "1.99", "0.9973", "0.0169"):
        assert number in text, number
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]


def spec(**regression):
    return symback.spec_from_dict({"title": "t", "regression": regression}, source="reg.toml")


def test_data_on_a_rounding_tie_reads_the_same_in_the_cost_and_in_y():
    """Y to 1 digit, data on ties: the cost's terms and the matrix Y round each value the same way,
    half to even from the exact decimal (the cost printed Floats of the data: 0.55 became 0.5 there, 0.6 in Y)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    ys = ["0.55", "0.65", "0.45", "0.85", "2.5"]
    text = symback.solve(spec(x=[1, 2, 3, 4, 5], y=[float(v) for v in ys], learning_rate=0.01, steps=5)).markdown(digits=1)
    expected = [str(Decimal(v).quantize(Decimal(1).scaleb(Decimal(v).adjusted()), ROUND_HALF_EVEN)) for v in ys]
    assert expected == ["0.6", "0.6", "0.4", "0.8", "2"]
    assert r"Y = \underset{5 \times 1}{\begin{bmatrix} " + r" \\ ".join(expected) + r" \end{bmatrix}}" in text
    cost = text[text.index(r"E\left(\beta\right) &="):text.index(r"\end{aligned}")]
    assert re.findall(r"\\left\(([0-9.]+) - \\beta_\{0\}", cost) == expected
