"""moodle: the Moodle XML an LMS imports and the answers.csv table."""
import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

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
