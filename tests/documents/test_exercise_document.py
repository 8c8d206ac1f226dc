"""Exercise documents: the sheet hides the answers, the key shows them and composes the worked solution, the
manifest (Moodle XML and the CSV table: tests/documents/test_moodle.py)."""
import re
import subprocess
from decimal import Decimal

import pytest
import sympy as sp

import symback
from symback.documents.catalogue import messages
from symback.documents.exercise_document import WORKED_EXTRA, build_exercise_document, manifest_json
from symback.documents.pdf import compile_pdf
from symback.documents.render import DETAILS, render_document


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sheet_has_boxes_and_no_answers_key_has_answers_and_solution(exercise, lang):
    t = messages(lang)
    variant = exercise.variants[0]
    sheet = render_document(build_exercise_document(exercise, (variant,), lang), "md")
    key = render_document(build_exercise_document(exercise, (variant,), lang, key=True), "md")
    assert t["exercise.student"] in sheet and t["exercise.worked"] not in sheet and t["forward"] not in sheet
    assert f"| {t['exercise.more_digits']} |" not in sheet
    assert t["exercise.worked"] in key and t["forward"] in key
    for answer in variant.answers:
        assert f"${answer.rounded.text}$" in key
        assert f"${answer.rounded.text}$" not in sheet
    tex = render_document(build_exercise_document(exercise, (variant,), lang), "tex")
    assert tex.count(r"\answerbox") == len(variant.answers) + 1  # one per question, and its definition
    assert ("kotex" in tex) == (lang == "ko")


def test_combined_document_has_every_variant_a_page_apart(exercise):
    tex = render_document(build_exercise_document(exercise, exercise.variants, "en", key=True), "tex")
    assert tex.count(r"\newpage") == len(exercise.variants) - 1
    assert tex.count(r"\begin{document}") == 1 and tex.count(r"\end{document}") == 1
    assert all(f"Variant {v.id}" in tex for v in exercise.variants)


def test_given_values_are_exact(exercise):
    variant = exercise.variants[0]
    md = render_document(build_exercise_document(exercise, (variant,), "en"), "md")
    for name, value in variant.values.items():
        assert f"${Decimal(str(float(value))).normalize():f}$" in md


def test_manifest_shape(exercise):
    data = manifest_json(exercise)
    assert data["format"] == "symback-exercise/1" and data["seed"] == 5 and data["digits"] == 3
    assert data["source"] == "example:exercise_neuron" and "toml" in data["spec"]
    first = data["variants"][0]
    assert first["id"] == "v01" and isinstance(first["seed"], int)
    assert set(first["values"]) == {"w1", "w2", "i1", "i2", "t"}
    for label in (q["label"] for q in data["questions"]):
        entry = first["answers"][label]
        assert set(entry) == {"answer", "tolerance", "value", "exact"}
        assert abs(Decimal(repr(entry["value"])) - Decimal(entry["answer"])) <= Decimal(entry["tolerance"])


def test_the_key_composes_the_worked_solution_one_heading_level_down(exercise):
    """Against the solution's own rendering, shifted by hand: LaTeX sections one down, every Markdown heading one #."""
    variant = exercise.variants[0]
    worked = variant.solution.document("en", exercise.digits + WORKED_EXTRA)
    tex = render_document(worked, "tex")
    body = tex.split("\\maketitle\n", 1)[1].rsplit("\\end{document}", 1)[0]
    body = body.replace("\\subsection*{", "\\subsubsection*{").replace("\\section*{", "\\subsection*{")
    key_tex = render_document(build_exercise_document(exercise, (variant,), "en", key=True), "tex")
    assert "\\subsection*{Worked solution}\n" + body + "\\end{document}" in key_tex
    md = render_document(worked, "md").split("\n", 1)[1]
    shifted = re.sub(r"^(#+) ", r"#\1 ", md, flags=re.M)
    key_md = render_document(build_exercise_document(exercise, (variant,), "en", key=True), "md")
    assert "## Worked solution\n" + shifted in key_md
    assert "\n#### Node $o$:" in key_md and "\n### Backward pass\n" in key_md


def test_a_sheet_loads_tikz_where_it_draws(exercise):
    for detail in DETAILS:
        sheet = render_document(build_exercise_document(exercise, exercise.variants, "en", detail=detail), "tex")
        assert r"\usepackage{tikz}" in sheet and sheet.count(r"\begin{tikzpicture}") == len(exercise.variants)
    compact_key = build_exercise_document(exercise, exercise.variants, "en", key=True, detail="compact")
    assert not compact_key.draws and r"\usepackage{tikz}" not in render_document(compact_key, "tex")


@pytest.mark.needs("pdflatex", "pdftotext")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_compact_sheet_compiles(exercise, tmp_path, lang):
    """The README's `--detail compact` command wrote no sheets: 'Environment tikzpicture undefined' (issue 22)."""
    variant = exercise.variants[0]
    tex = render_document(build_exercise_document(exercise, (variant,), lang, detail="compact"), "tex")
    pdf = compile_pdf(tex, tmp_path / "sheet.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert messages(lang)["exercise.compute"] in text


def test_a_user_solution_body_reaches_the_key(exercise, tmp_path):
    (tmp_path / "solution_body.md.j2").write_text("my worked {{ doc.loss_name }} at {{ level }}\n", encoding="utf-8")
    variant = exercise.variants[0]
    key = render_document(build_exercise_document(exercise, (variant,), "en", key=True), "md", str(tmp_path))
    assert key.endswith("## Worked solution\nmy worked L at 3\n")


def test_given_values_are_decimals_where_they_terminate_and_fractions_elsewhere():
    from symback.documents.exercise_document import given_text

    assert given_text(sp.Rational(1, 20)) == "0.05" and given_text(sp.Integer(-3)) == "-3"
    assert given_text(sp.Rational(1, 3)) == r"\frac{1}{3}" and given_text(sp.Rational(-2, 7)) == r"-\frac{2}{7}"


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.needs("pdflatex", "pdfinfo", "pdftotext")
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", ["exercise_neuron", "exercise_mazur"])
def test_a_built_in_sheet_is_one_page_and_its_answer_tables_stay_whole(name, lang, tmp_path):
    drawn = symback.exercise(symback.example_path(name), variants=1, seed=3, name=f"example:{name}")
    sheet = render_document(build_exercise_document(drawn, drawn.variants, lang), "tex")
    assert _pages(compile_pdf(sheet, tmp_path / "sheet.pdf")) == 1
    assert r"\begin{longtable}" not in sheet  # the answer boxes are one tabular: they never split 2 + 4
    for detail in ("compact", "full"):
        key = render_document(build_exercise_document(drawn, drawn.variants, lang, key=True, detail=detail), "tex")
        assert r"\begin{longtable}" not in key  # a key's tables are small: each is kept whole
        pdf = compile_pdf(key, tmp_path / f"key_{detail}.pdf")
        assert messages(lang)["exercise.compute"] in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                                                     text=True, check=True).stdout


def test_an_exercise_and_a_variant_show_themselves_in_short():
    import mpmath

    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=12, seed=7, name="example:exercise_neuron")
    markdown = ex._repr_markdown_()
    lines = markdown.splitlines()
    assert lines[0] == "**Two-input sigmoid neuron with MSE**: 12 variants (seed 7), answers to 3 significant digits"
    assert lines[2] == ("| Variant | $o$ | $L$ | $\\frac{\\partial L}{\\partial w_{1}}$ | $\\frac{\\partial L}{\\partial w_{2}}$ "
                        "| ${w_{1}}'$ | ${w_{2}}'$ |")
    assert [line.split(" | ")[0] for line in lines[4:14]] == [f"| v{i:02d}" for i in range(1, 11)]
    assert lines[-1] == "… and 2 more (in `.variants`)." and len(markdown) < 1500
    for line, variant in zip(lines[4:14], ex.variants):   # o = σ(w1 i1 + w2 i2) by mpmath, to 3 digits
        v = {name: mpmath.mpf(value.p) / value.q for name, value in variant.values.items()}
        o = 1 / (1 + mpmath.exp(-(v["w1"] * v["i1"] + v["w2"] * v["i2"])))
        assert line.split(" | ")[1] == mpmath.nstr(o, 3, strip_zeros=False)
    shown = ex.variants[0]._repr_markdown_()
    assert shown.startswith(f"**Variant v01 (seed {ex.variants[0].seed})**: $w_{{1}} = ")
    assert f"| $o$ | {lines[4].split(' | ')[1]} |" in shown and len(shown) < 600 and "solution=" not in shown
