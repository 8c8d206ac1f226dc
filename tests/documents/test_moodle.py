"""moodle: the Moodle XML an LMS imports and the answers.csv table; the XML is well-formed whatever the
title holds, and answers.csv cells are safe."""
import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

import symback
from symback.documents.moodle import answers_csv, moodle_xml


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


SPEC = {"title": "", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
        "vary": {"w": {"choices": [0.25, 0.75]}}}


@pytest.mark.parametrize("title", ["\u0001\u000b", "a\u0000b\u001fc", "<q>&amp;]]>\ud800", "\ufffe\uffff x",
                                   "=cmd|' /C calc'!A0", "신경망 ℕ \u202e"])
def test_moodle_xml_parses_whatever_the_title(title):
    exercise = symback.exercise({**SPEC, "title": title}, variants=1, seed=2)
    text = moodle_xml(exercise)
    root = ET.fromstring(text.encode("utf-8"))  # well-formed, or this raises
    names = [q.find("name/text").text for q in root.iter("question") if q.get("type") == "numerical"]
    kept = "".join(c for c in title if c in "\t\n\r" or (" " <= c and c not in "\ufffe\uffff" and not "\ud800" <= c <= "\udfff"))
    assert names and all(name.startswith(kept) for name in names)
