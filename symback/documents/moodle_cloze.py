"""Moodle cloze export of an exercise: one question per variant, every asked quantity a gap in one text.

``moodle.xml`` (:mod:`symback.documents.moodle`) holds one numerical question per variant and quantity, so a
quiz built from random questions hands a student parts of several variants. Here each variant is one
``<question type="cloze">`` (Moodle's "Embedded answers"), all in the exercise's category
(``$course$/symback/TITLE``): a random question from it is a whole variant. Each asked quantity is a gap
``{1:NUMERICAL:=answer:tolerance#feedback}`` after its question, with the answer and tolerance Moodle's
numerical questions get (the key to the asked digits ± half a unit of its last digit:
:mod:`symback.checking.acceptance`, the rule ``symback grade`` applies). The general feedback is the worked solution.

Moodle reads a gap from ``{1:NUMERICAL:`` up to its closing ``}``; inside one, ``}``, ``#``, ``~``, ``/`` and ``"`` are escaped with a
backslash (Moodle removes it), and a backslash itself, ``=`` and ``{`` are written as HTML character references
(the text is HTML, and MathJax reads the decoded text), which :func:`cloze_escape` does.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from symback.documents.catalogue import messages
from symback.documents.exercise_document import WORKED_EXTRA, Exercise, question_latex
from symback.documents.lms_html import asked_html, category_path, feedback_html, math_html, statement_html, xml_safe

#: one pass over a gap's text: Moodle's backslash escapes, and character references where it has none
_IN_GAP = str.maketrans({**{c: "\\" + c for c in '}#~/"'}, "\\": "&#92;", "=": "&#61;", "{": "&#123;"})


def moodle_cloze_xml(exercise: Exercise, lang: str = "en") -> str:
    """The Moodle XML of one cloze question per variant (a gap per asked quantity), in the exercise's category.

    >>> import symback
    >>> ex = symback.exercise({"loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
    ...                        "vary": {"w": {"choices": [0.25]}}}, variants=1)
    >>> "{1:NUMERICAL:=-2.00:0.005#" in moodle_cloze_xml(ex)
    True
    """
    t = messages(lang)
    quiz = ET.Element("quiz")
    category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
    ET.SubElement(category, "text").text = category_path(exercise.title)
    for variant in exercise.variants:
        worked = variant.solution.document(lang, exercise.digits + WORKED_EXTRA)
        question = ET.SubElement(quiz, "question", type="cloze")
        ET.SubElement(ET.SubElement(question, "name"), "text").text = f"{exercise.title} {variant.id}"
        gaps = "".join(f"<p>{asked_html(item, variant, exercise.digits, t)} {cloze_gap(item, variant)}</p>"
                       for item in variant.answers)
        text = statement_html(variant, worked, t) + gaps
        ET.SubElement(ET.SubElement(question, "questiontext", format="html"), "text").text = text
        ET.SubElement(ET.SubElement(question, "generalfeedback", format="html"), "text").text = feedback_html(worked, t)
        ET.SubElement(question, "defaultgrade").text = str(len(variant.answers))
        ET.SubElement(question, "penalty").text = "0"
        ET.SubElement(question, "hidden").text = "0"
    ET.indent(xml_safe(quiz))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def cloze_gap(item, variant) -> str:
    """One numerical gap worth 1: the key, its tolerance, and as feedback the quantity with its key."""
    quantity = math_html(question_latex(item.question, variant.solution.graph.loss))
    feedback = cloze_escape(f"{quantity} = {item.rounded.text}")
    return "{1:NUMERICAL:=%s:%s#%s}" % (item.rounded.text, format(item.rounded.tolerance, "f"), feedback)


def cloze_escape(text: str) -> str:
    r"""``text`` (HTML) safe inside a cloze gap: Moodle's backslash escapes; ``\``, ``=``, ``{`` as character references.

    >>> print(cloze_escape(r'\(x_{1}\) = 2/3 # "~"'))
    &#92;(x_&#123;1\}&#92;) &#61; 2\/3 \# \"\~\"
    """
    return text.translate(_IN_GAP)
