"""The gradebook and the feedback files: nothing a student writes runs as a formula, HTML or a path."""
import csv
import io
import json

import pytest

import symback
from symback.documents.exercise_document import manifest_json
from symback.documents.gradebook import feedback_markdown, feedback_name, gradebook_csv

HOSTILE_IDS = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1:A2)", "-2+3", "=1+1\n=2+2", "-\tx"]


@pytest.fixture(scope="module")
def manifest():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=1, seed=5, name="example:exercise_neuron")
    return json.loads(json.dumps(manifest_json(ex)))


def _row(manifest, student, **cells):
    variant = manifest["variants"][0]
    answers = {q["label"]: variant["answers"][q["label"]]["answer"] for q in manifest["questions"]}
    return {"student": student, "variant": variant["id"], **answers, **cells}


def test_formula_like_student_ids_are_text_in_the_gradebook(manifest):
    """OWASP: a cell starting with = + - @ tab or CR gets a leading ' (a spreadsheet shows it as text)."""
    book = symback.grade(manifest, [_row(manifest, sid) for sid in HOSTILE_IDS] + [_row(manifest, "ana")])
    rows = list(csv.DictReader(io.StringIO(gradebook_csv(book))))
    students = [r["student"] for r in rows]
    for written, student in zip(HOSTILE_IDS, students):
        assert student == "'" + written, (written, student)
    assert students[-1] == "ana"
    assert all(r["score"].isdigit() for r in rows)


def test_a_cell_cannot_end_its_code_span_and_become_html(manifest):
    cell = "0.599\n\n<img src=x onerror=alert(1)>\n\n"
    label = manifest["questions"][0]["label"]
    for written in (cell, "`` ` 1 ```", "0.5`\n<script>alert(1)</script>"):
        grade = symback.grade(manifest, [_row(manifest, "eve", **{label: written})]).grades[0]
        text = feedback_markdown(grade)
        item = next(line for line in text.splitlines() if line.startswith("- `"))
        assert "<img" not in text.replace(item, "") and "<script" not in text.replace(item, "")
        fence = item[2:item.index(label)].strip()
        assert set(fence) == {"`"} and item.count(fence) == 2  # one code span, opened and closed on its line
        markdown_it = pytest.importorskip("markdown_it")
        tokens = markdown_it.MarkdownIt("commonmark").parse(text)
        assert not [t for t in tokens if t.type.startswith("html")]
        assert "<img" not in markdown_it.MarkdownIt("commonmark").render(text)


def test_a_long_or_odd_student_id_makes_a_short_file_name(manifest):
    for student in ("x" * 300, "학생" * 200, "../../etc/passwd", "", "..."):
        grade = symback.grade(manifest, [_row(manifest, student)]).grades[0]
        name = feedback_name(grade)
        assert len(name.encode("utf-8")) <= 255 and "/" not in name and not name.startswith(".")
        assert name.endswith(".row2.md")


def test_the_gradebook_shows_itself_in_jupyter_as_a_table():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=2, seed=3, name="example:exercise_neuron")
    manifest = json.loads(json.dumps(manifest_json(ex)))
    variant = manifest["variants"][0]
    answers = {label: a["answer"] for label, a in variant["answers"].items()}
    book = symback.grade(manifest, [{"student": "ann", "variant": variant["id"], **answers, "o": "x"},
                                    {"student": "bo", "variant": "v99", **answers}])
    markdown = book._repr_markdown_()
    header, rule, ann, bo, _, note = markdown.splitlines()[:6]
    assert header.startswith("| student | variant | score | `o` |") and ann.startswith(f"| ann | {variant['id']} | ")
    assert f"| {len(answers) - 1}/{len(answers)} | not a number |" in ann and bo.startswith("| bo | v99 | |")
    assert note == "- row 3: unknown variant 'v99': use an id of variants.json (v01 .. v02)"
    assert len(markdown) < 1000 and len(markdown) < len(repr(book)) / 4   # a table, not the dataclass
