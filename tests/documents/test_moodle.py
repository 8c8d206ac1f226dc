"""The Moodle XML question bank is well-formed XML whatever the title holds; answers.csv cells are safe."""
import xml.etree.ElementTree as ET

import pytest

import symback
from symback.api import moodle_xml

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
