"""Verify reports: documents in both languages, the message catalogue, PDFs through pdftotext."""
import re
import subprocess
import tomllib
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest

import symback
from symback.cli import main
from symback.engine.examples import STEPS_DIR
from symback.documents.catalogue import LANGUAGES, TEMPLATES_DIR
from symback.documents.render import render_document
from symback.documents.verify_document import build_verify_document, claim_detail, claims_json
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


def test_a_counterexample_point_is_shown_in_decimals_not_guessed_into_fractions(tmp_path):
    """Probe points were turned back into fractions by nsimplify (x = 7/4; the student's 0.818 in JSON
    went through 409/500): now they read as decimals, and JSON keeps an integer an integer."""
    spec = tmp_path / "p.toml"
    spec.write_text('loss = "L"\n[inputs]\nx = 0.818\nn = 2\n[params]\nw = 0.5\n[nodes]\nL = "w*x*n"\n')
    solution = symback.solve(symback.load_spec(spec))
    own = verify_claims(solution, [("dL/dw", "x")], budget=5)  # the factor n forgotten: wrong at the own point
    assert claims_json(own)["claims"][0]["counterexample"] == {"x": 0.818, "n": 2, "w": 0.5}
    assert type(claims_json(own)["claims"][0]["counterexample"]["n"]) is int
    report = verify_claims(solution, [("dL/dw", "x*n + step(x - 1)*x")], budget=5)  # wrong where x > 1 only
    result = report.results[0]
    assert result.verdict == "wrong" and "own values" not in claim_detail(result, report)
    shown, row = claim_detail(result, report), claims_json(report)["claims"][0]["counterexample"]
    for name, value in result.counterexample.items():
        exact = Fraction(mpmath.nstr(value, 30)).limit_denominator(10**6)  # the probes' numbers are k/8
        assert exact.denominator in (1, 2, 4, 8) and row[name] == exact
        assert f"{name} = {Decimal(exact.numerator) / exact.denominator}" in shown, shown
    assert "/" not in shown.split(" the claim")[0]


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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_derivation_report_is_a_marked_script_each_note_beneath_its_line(lang):
    """Line number, mark and the line as written on one line; a wrong line's note below it, indented to the line."""
    report = load_steps(STEPS_DIR / "chain_rule_wrong.txt")
    tex = render_document(build_verify_document(report, lang), "tex")
    assert r"\intertext" not in tex and r"\begin{align*}" not in tex
    rows = re.findall(r"\\makebox\[2em\]\[r\]\{(\d+)\}\\makebox\[2em\]\{\$(.*?)\$\}\$\\displaystyle (.*?)\$\\par\n(.*)", tex)
    assert rows and all(mark for _, mark, _, _ in rows)
    wrong = [(line, note) for line, mark, _, note in rows if mark == r"\times"]
    assert wrong and all(note.startswith(r"{\footnotesize\leftskip=4em") for _, note in wrong)
