"""Exercise documents: the sheet hides the answers, the key shows them, the manifest (Moodle XML and the CSV
table: tests/documents/test_moodle.py)."""
from decimal import Decimal

import pytest

from symback.documents.catalogue import messages
from symback.documents.exercise_document import build_exercise_document, manifest_json
from symback.documents.render import render_document


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
