"""Exercise documents: the sheet hides the answers, the key shows them, Moodle XML and the CSV table."""
import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import sympy as sp

import symback
from symback.api import answers_csv, build_exercise_document, manifest_json, messages, moodle_xml, render_document


@pytest.fixture(scope="module")
def exercise():
    return symback.exercise(symback.example_path("exercise_neuron"), variants=3, seed=5, name="example:exercise_neuron")


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


def test_moodle_xml_has_what_the_importer_requires(exercise):
    root = ET.fromstring(moodle_xml(exercise, "en"))
    assert root.tag == "quiz"
    questions = root.findall("question[@type='numerical']")
    assert len(questions) == sum(len(v.answers) for v in exercise.variants)
    expected = {(v.id, a.question.label): a for v in exercise.variants for a in v.answers}
    for q in questions:
        name = q.findtext("name/text")
        assert name and name.strip()
        text = q.find("questiontext")
        assert text.get("format") == "html" and r"\(" in text.findtext("text") and "<script" not in text.findtext("text")
        feedback = q.find("generalfeedback")
        assert feedback is not None and r"\[" in feedback.findtext("text")
        answer = q.find("answer[@fraction='100']")
        _, vid, label = name.rsplit(" ", 2)
        key = expected[(vid, label)]
        assert answer.findtext("text") == key.rounded.text
        assert Decimal(answer.findtext("tolerance")) == key.rounded.tolerance > 0
    category = root.find("question[@type='category']/category/text")
    assert category is not None and category.text.startswith("$course$/")


def test_answers_csv(exercise):
    rows = list(csv.DictReader(io.StringIO(answers_csv(exercise))))
    assert len(rows) == sum(len(v.answers) for v in exercise.variants)
    assert set(rows[0]) == {"variant", "quantity", "kind", "answer", "tolerance", "value"}
    for r in rows:
        assert abs(Decimal(r["value"]) - Decimal(r["answer"])) <= Decimal(r["tolerance"])


def test_given_values_are_decimals_where_they_terminate_and_fractions_elsewhere():
    from symback.documents.exercise_document import given_text

    assert given_text(sp.Rational(1, 20)) == "0.05" and given_text(sp.Integer(-3)) == "-3"
    assert given_text(sp.Rational(1, 3)) == r"\frac{1}{3}" and given_text(sp.Rational(-2, 7)) == r"-\frac{2}{7}"
