"""lms_html: the pieces every LMS export shares: math escaped for HTML, the asked question in the catalogue's words,
the category path, XML-safe text and an exercise's stable UUID."""
import uuid
import xml.etree.ElementTree as ET

import symback
from symback.documents.catalogue import messages
from symback.documents.lms_html import asked_html, category_path, exercise_uuid, math_html, xml_safe

SPEC = {"title": "T", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
        "vary": {"w": {"choices": [0.25, 0.75]}}}


def test_math_is_escaped_for_html():
    assert math_html("a < b & c") == r"\(a &lt; b &amp; c\)"
    assert math_html("x", display=True) == r"\[x\]"


def test_asked_html_puts_the_quantity_in_the_catalogues_sentence():
    exercise = symback.exercise(SPEC, variants=1, seed=1)
    variant = exercise.variants[0]
    gradient = variant.answers[-1]
    assert asked_html(gradient, variant, 3, messages("en")) == \
        r"Compute \(\frac{\partial L}{\partial w}\) to 3 significant digits."
    assert asked_html(gradient, variant, 4, messages("ko")).startswith(r"\(\frac{\partial L}{\partial w}\)")


def test_category_path_doubles_a_slash_as_moodle_reads_it():
    assert category_path("Week 3/Backprop") == "$course$/symback/Week 3//Backprop"


def test_xml_safe_drops_what_xml_forbids():
    root = ET.Element("a", title="x\u0001y")
    root.text = "\ufffeok\u000b"
    assert ET.tostring(xml_safe(root), encoding="unicode") == '<a title="xy">ok</a>'


def test_an_exercise_uuid_is_stable_and_tells_exercises_and_parts_apart():
    one, again = symback.exercise(SPEC, variants=2, seed=1), symback.exercise(SPEC, variants=2, seed=1)
    other = symback.exercise(SPEC, variants=2, seed=2)
    assert exercise_uuid(one, "a") == exercise_uuid(again, "a") and exercise_uuid(one, "a").version == 5
    assert len({exercise_uuid(one, "a"), exercise_uuid(one, "b"), exercise_uuid(other, "a")}) == 3
    assert isinstance(exercise_uuid(one, "a"), uuid.UUID)
