"""Platform exports graded back: CSVs shaped as Moodle's Responses report, Canvas's Student Analysis and
PrairieLearn's submissions, built from the files an exported exercise holds (right, wrong and blank answers)."""
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

import symback
from symback.checking.exports import platform_of, platform_rows
from symback.checking.manifest import read_manifest
from symback.documents.canvas import canvas_qti_zip
from symback.documents.exercise_document import manifest_json
from symback.documents.moodle_cloze import moodle_cloze_xml
from symback.documents.prairielearn import prairielearn_files
from symback.engine.errors import SymbackError

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def exported():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=3, seed=5, name="example:exercise_neuron")
    return ex, json.loads(json.dumps(manifest_json(ex)))


def wrong(key: str) -> str:
    """The key with its sign flipped: outside its window whatever its size."""
    return key[1:] if key.startswith("-") else "-" + key


def answered(keys: list[str]) -> list[str]:
    """What the student wrote: the first answer right, the second wrong, the third blank, the rest right."""
    return [wrong(k) if i == 1 else "" if i == 2 else k for i, k in enumerate(keys)]


def check(book, manifest, variant_index: int) -> None:
    (graded,) = book.grades
    assert graded.variant == manifest["variants"][variant_index]["id"] and not book.ungraded
    verdicts = [m.verdict for m in graded.marks]
    assert verdicts[0] == "correct" and verdicts[2] == "blank" and verdicts[3:] == ["correct"] * (len(verdicts) - 3)
    assert not graded.marks[1].right and verdicts[1] in ("wrong", "follow-on", "rounding-carried")


def as_csv(header, rows) -> list[dict]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def grade_rows(manifest, rows, platform=None):
    return symback.grade(manifest, rows, platform=platform)


def test_moodle_responses_report_of_the_cloze_export(exported):
    ex, manifest = exported
    gaps = [re.findall(r"\{1:NUMERICAL:=([^:]+):", q.find("questiontext/text").text)
            for q in ET.fromstring(moodle_cloze_xml(ex)).iter("question") if q.get("type") == "cloze"]
    right = "; ".join(f"part {i}: {k}" for i, k in enumerate(gaps[1], 1))
    response = "; ".join(f"part {i}: {a or '-'}" for i, a in enumerate(answered(gaps[1]), 1))
    header = ["Surname", "First name", "Email address", "State", "Started on", "Completed", "Time taken",
              "Grade/4.00", "Response 1", "Right answer 1"]
    rows = as_csv(header, [["Lovelace", "Ada", "ada@example.org", "Finished", "", "", "", "2.00", response, right]])
    assert platform_of(list(rows[0])) == "moodle"
    book = grade_rows(manifest, rows)
    check(book, manifest, 1)
    assert book.grades[0].student == "ada@example.org"


def test_canvas_student_analysis_of_the_qti_export(exported):
    ex, manifest = exported
    archive = zipfile.ZipFile(io.BytesIO(canvas_qti_zip(ex)))
    assessment = ET.fromstring(archive.read(next(n for n in archive.namelist() if n != "imsmanifest.xml")))
    items = list(assessment.iter(f"{QTI}item"))
    keys = [item.find(f".//{QTI}varequal").text for item in items]
    per = len(manifest["questions"])
    header = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted", "attempt"]
    for number, item in enumerate(items):
        header += [f"{900 + number}: {item.get('title')}", "1.0"]
    header += ["n correct", "n incorrect", "score"]
    cells = [""] * (2 * len(items))
    cells[2 * 2 * per::2] = answered(keys[2 * per:3 * per])  # the third group: variant 3
    first = ["Grace Hopper", "7", "", "S", "1", "", "2026-01-01", "1"] + [""] * (2 * len(items)) + ["0", "0", "0"]
    last = ["Grace Hopper", "7", "", "S", "1", "", "2026-01-02", "2"] + cells + ["4", "1", "4"]
    rows = as_csv(header, [last, first])  # the later attempt counts, whatever the order
    assert platform_of(list(rows[0])) == "canvas"
    check(grade_rows(manifest, rows, "canvas"), manifest, 2)


def test_prairielearn_submissions_of_the_question_export(exported):
    ex, manifest = exported
    files = prairielearn_files(ex)
    html = next(text for name, text in files.items() if name.endswith("question.html"))
    names = re.findall(r'answers-name="([^"]+)"', html)
    keys = [manifest["variants"][0]["answers"][q["label"]]["answer"] for q in manifest["questions"]]
    typed = {n: (float(a) if a else None) for n, a in zip(names, answered(keys)) if a}
    header = ["UID", "UIN", "Name", "Role", "Assessment", "Assessment instance", "Question", "Question instance",
              "Variant", "Seed", "Params", "True answer", "Options", "submission_id", "Submission date",
              "Submitted answer", "Score"]
    early = {n: 0.0 for n in names}
    rows = as_csv(header, [
        ["kay@example.org", "1", "Kay", "Student", "HW1", "1", "neuron", "1", "1", "s", json.dumps({"variant": "v01"}),
         "{}", "{}", "2", "2026-01-02 10:00:00", json.dumps(typed), "0.5"],
        ["kay@example.org", "1", "Kay", "Student", "HW1", "1", "neuron", "1", "1", "s", json.dumps({"variant": "v01"}),
         "{}", "{}", "1", "2026-01-01 10:00:00", json.dumps(early), "0"]])
    assert platform_of(list(rows[0])) == "prairielearn"
    check(grade_rows(manifest, rows), manifest, 0)


def test_prairielearn_numbers_get_back_the_zeros_it_dropped(exported):
    ex, manifest = exported
    plan = read_manifest(manifest, "variants.json")
    names = re.findall(r'answers-name="([^"]+)"', next(t for n, t in prairielearn_files(ex).items()
                                                       if n.endswith("question.html")))
    header = ["UID", "Params", "Submitted answer"]
    submitted = {names[0]: 0.5, names[1]: 1e-05, names[2]: 123456.0}
    _, rows = platform_rows(plan, header, as_csv(header, [["u", '{"variant": "v02"}', json.dumps(submitted)]]), "s.csv")
    labels = [q.label for q in plan.questions]
    zeros = "0" * (plan.digits - 1)
    assert [rows[0][label] for label in labels[:3]] == [f"0.5{zeros}", f"0.00001{zeros}", "123456.0"]
    assert rows[0]["variant"] == "v02"


def test_own_csv_passes_through_and_a_wrong_platform_is_one_line(exported):
    _, manifest = exported
    plan = read_manifest(manifest, "variants.json")
    own = ["student", "variant", *(q.label for q in plan.questions)]
    assert platform_of(own) is None
    assert platform_rows(plan, own, [{"student": "a"}], "s.csv") == (own, [{"student": "a"}])
    with pytest.raises(SymbackError, match=r"s.csv: row 1: not a canvas export .*Student Analysis"):
        platform_rows(plan, own, [], "s.csv", "canvas")
    with pytest.raises(SymbackError, match="--from: unknown platform 'blackboard'"):
        platform_rows(plan, own, [], "s.csv", "blackboard")


def test_an_unknown_moodle_variant_is_listed_not_graded(exported):
    _, manifest = exported
    header = ["Surname", "First name", "Email address", "Response 1", "Right answer 1"]
    rows = as_csv(header, [["X", "Y", "x@example.org", "part 1: 1", "part 1: 12345"]])
    book = grade_rows(manifest, rows, "moodle")
    assert not book.grades and "right answers 12345" in book.ungraded[0].reason
