"""moodle_cloze: one cloze question per variant, read back by a parser of Moodle's cloze syntax written here
(the regular expressions of Moodle's question/type/multianswer): every asked quantity is one gap whose answer and
tolerance are the manifest's, the gap feedback survives any character, and the XML is well-formed."""
import html
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

import symback
from symback.documents.exercise_document import manifest_json, question_latex
from symback.documents.moodle_cloze import cloze_escape, moodle_cloze_xml

# Moodle's definitions (PCRE), with PHP's alternated look-behind split into fixed-width ones for Python
FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
ALTERNATIVE = f"(?:(?:{FRACTION.replace('(-', '(?:-')}))?(?:{ANSWER})(?:#(?:{FEEDBACK}))?"
TYPES = r"NUMERICAL|NM|MULTICHOICE|MC|SHORTANSWER|SA|MW"
GAP = re.compile(r"\{([0-9]*):(" + TYPES + r"):(" + ALTERNATIVE + "(?:~" + ALTERNATIVE + r")*)\}")
ONE = re.compile(f"^(?:({FRACTION}))?({ANSWER})(?:#({FEEDBACK}))?")  #: one alternative, its parts captured


def gaps(text):
    """Every gap of a cloze text: (weight, type, fraction, answer, tolerance, feedback), unescaped as Moodle does."""
    found = []
    for match in GAP.finditer(text):
        weight, kind, body = match.groups()
        alt = ONE.match(body)
        fraction, answer, feedback = alt.group(1), alt.group(3), alt.group(4) or ""
        assert alt.end() == len(body), f"one alternative expected: {body!r}"
        value, _, tolerance = answer.partition(":")
        found.append((weight, kind, fraction, value, tolerance, html.unescape(re.sub(r'\\([}#~/"])', r"\1", feedback))))
    return found


def test_one_cloze_question_per_variant_with_the_manifests_answers(exercise):
    root = ET.fromstring(moodle_cloze_xml(exercise, "en"))
    manifest = manifest_json(exercise)
    assert root.find("question[@type='category']/category/text").text == f"$course$/symback/{exercise.title}"
    questions = root.findall("question[@type='cloze']")
    assert len(questions) == len(exercise.variants) == len(manifest["variants"]) == len(root) - 1
    for question, variant, listed in zip(questions, exercise.variants, manifest["variants"]):
        assert question.findtext("name/text") == f"{exercise.title} {listed['id']}"
        text = question.findtext("questiontext/text")
        assert question.find("questiontext").get("format") == "html" and r"\(" in text
        found = gaps(text)
        assert [g[3] for g in found] == [listed["answers"][q["label"]]["answer"] for q in manifest["questions"]]
        assert [Decimal(g[4]) for g in found] == [Decimal(listed["answers"][q["label"]]["tolerance"])
                                                  for q in manifest["questions"]]
        assert all(g[:3] == ("1", "NUMERICAL", "=") for g in found)
        loss = variant.solution.graph.loss
        assert [g[5] for g in found] == [rf"\({question_latex(a.question, loss)}\) = {a.rounded.text}"
                                         for a in variant.answers]
        assert int(question.findtext("defaultgrade")) == len(found)
        assert r"\begin{aligned}" in question.findtext("generalfeedback/text")


def test_every_answer_lies_in_its_gap_window(exercise):
    """The window the gap states holds the exact value (the key rounds it), and is half a unit of the key's last digit."""
    root = ET.fromstring(moodle_cloze_xml(exercise))
    for question, variant in zip(root.findall("question[@type='cloze']"), exercise.variants):
        for (_, _, _, key, tolerance, _), answer in zip(gaps(question.findtext("questiontext/text")), variant.answers):
            assert abs(Decimal(str(answer.value.evalf(30))) - Decimal(key)) <= Decimal(tolerance)
            assert Decimal(tolerance) == Decimal(5).scaleb(Decimal(key).as_tuple().exponent - 1)


@pytest.mark.parametrize("text", ['a}b#c~d/e"f\\g=h{i', "}}}", "\\", "#~", "&amp;#61; é 가", "x_{1} = 2/3"])
def test_any_feedback_text_reads_back_whole(text):
    gap = "{1:NUMERICAL:=1.5:0.05#" + cloze_escape(text) + "}"
    assert gaps("<p>before " + gap + " after {</p>") == [("1", "NUMERICAL", "=", "1.5", "0.05", html.unescape(text))]


SPEC = {"title": "", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
        "vary": {"w": {"choices": [0.25, 0.75]}}}


@pytest.mark.parametrize("title", ["a/b", "\u0001<q>&amp;]]>\ud800", "{1:NM:=5} #~", "신경망 \u202e"])
def test_well_formed_whatever_the_title(title):
    exercise = symback.exercise({**SPEC, "title": title}, variants=2, seed=2)
    root = ET.fromstring(moodle_cloze_xml(exercise).encode("utf-8"))
    kept = "".join(c for c in title if c in "\t\n\r" or (" " <= c and not "\ud800" <= c <= "\udfff"))
    assert root.find("question/category/text").text == "$course$/symback/" + kept.replace("/", "//")
    for question in root.findall("question[@type='cloze']"):
        assert question.findtext("name/text").startswith(kept)
        assert len(gaps(question.findtext("questiontext/text"))) == 2
