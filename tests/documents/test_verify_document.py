"""Verify reports: documents in both languages, the message catalogue, PDFs through pdftotext."""
import re
import subprocess
import tomllib

import pytest

import symback
from symback.cli import main
from symback.engine.examples import STEPS_DIR
from symback.documents.catalogue import LANGUAGES, TEMPLATES_DIR
from symback.documents.render import render_document
from symback.documents.verify_document import build_verify_document, claims_json
from symback.checking.steps import load_steps
from symback.checking.verify import verify_claims


@pytest.fixture(scope="module")
def claims():
    return verify_claims(symback.solve(symback.load_example("neuron")), budget=30)


def test_catalogue_has_every_key_in_both_languages():
    def walk(table, prefix=""):
        for key, value in table.items():
            if isinstance(value, dict) and set(value) == set(LANGUAGES):
                yield prefix + key
            else:
                assert isinstance(value, dict), f"verify.toml: {prefix}{key} needs en and ko"
                yield from walk(value, f"{prefix}{key}.")
    keys = list(walk(tomllib.loads((TEMPLATES_DIR / "verify.toml").read_text())))
    assert len(keys) > 40
    checking = TEMPLATES_DIR.parent / "symback" / "checking"
    source = "".join((checking / name).read_text() for name in ("verify.py", "claim.py", "links.py", "homework.py"))
    used = set(re.findall(r'"(slip\.\w+|hw\.\w+|[a-z_]+)", \{', source))
    assert {"hw.follow_on", "hw.as_computed", "hw.rounds_from"} <= used
    assert {f"detail.{k}" for k in used if k not in ("value",)} <= set(keys) | {"detail.value"}


def test_markdown_report_has_the_same_math_in_both_languages(claims):
    docs = {lang: render_document(build_verify_document(claims, lang), "md") for lang in LANGUAGES}
    math = {lang: re.findall(r"\$[^$]+\$", text) for lang, text in docs.items()}
    assert math["en"] == math["ko"] and len(math["en"]) == 2 * len(claims.results)
    assert r"\frac{\partial L}{\partial w_{1}} = 0.488" in docs["en"] and "맞음" in docs["ko"]
    assert docs["en"].count("**wrong**") == 3


def test_json_counts_match_the_verdicts(claims):
    data = claims_json(claims)
    assert data["summary"] == {"total": 10, "right": 7, "wrong": 3}


@pytest.mark.needs("pdflatex", "pdftotext")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_reports(tmp_path, capsys, lang):
    assert main(["verify", "--example", "neuron", "--format", "pdf", "--lang", lang, "-o", str(tmp_path)]) == 1
    assert main(["verify", "steps", "--example", "chain_rule_wrong", "--format", "pdf", "--lang", lang,
                 "-o", str(tmp_path)]) == 1
    suffix = "" if lang == "en" else ".ko"
    claims_text = subprocess.run(["pdftotext", str(tmp_path / f"neuron.verify{suffix}.pdf"), "-"],
                                 capture_output=True, text=True, check=True).stdout
    steps_text = subprocess.run(["pdftotext", str(tmp_path / f"chain_rule_wrong.steps{suffix}.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert ("rounding-carried" if lang == "en" else "반올림 누적") in claims_text
    assert "0.8180" in claims_text and "0.8176" in claims_text
    assert ("wrong step is on line 4" if lang == "en" else "4번째 줄") in steps_text  # "first" is a ligature


def test_steps_document_marks_each_line():
    report = load_steps(STEPS_DIR / "sigmoid_derivative.txt", budget=30)
    text = render_document(build_verify_document(report, "en"), "md")
    assert text.count(r"$\Leftrightarrow$") == 10 and "Every step holds" in text
