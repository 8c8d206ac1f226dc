"""LMS export of an exercise: a Moodle XML question bank and a plain CSV answer table.

Moodle's importer (question/format/xml) wants ``<quiz>`` of ``<question type="numerical">``, each
with ``<name><text>``, ``<questiontext format="html"><text>``, ``<generalfeedback>``, and
``<answer fraction="100">`` holding ``<text>`` (the number) and ``<tolerance>`` (absolute, ±).
Formulas are LaTeX inside ``\\( \\)`` and ``\\[ \\]``, which Moodle's MathJax filter renders.
The answer is the engine's value to the exercise's digits, the tolerance half a unit of its last digit
(the rounding rule the grader uses); the general feedback is the worked solution, line by line.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from symback.documents.catalogue import messages
from symback.documents.exercise_document import EXACT_DIGITS, WORKED_EXTRA, Exercise
from symback.documents.lms_html import asked_html, category_path, feedback_html, statement_html, xml_safe
from symback.engine.numerals import number_text
from symback.documents.spreadsheet import csv_text

CSV_COLUMNS = ("variant", "quantity", "kind", "answer", "tolerance", "value")


def moodle_xml(exercise: Exercise, lang: str = "en") -> str:
    """The Moodle XML question bank: one numerical question per variant and asked quantity."""
    t = messages(lang)
    quiz = ET.Element("quiz")
    category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
    ET.SubElement(category, "text").text = category_path(exercise.title)
    for variant in exercise.variants:
        solution = variant.solution
        worked = solution.document(lang, exercise.digits + WORKED_EXTRA)
        statement, feedback = statement_html(variant, worked, t), feedback_html(worked, t)
        for item in variant.answers:
            question = ET.SubElement(quiz, "question", type="numerical")
            _text(ET.SubElement(question, "name"), f"{exercise.title} {variant.id} {item.question.label}")
            asked = asked_html(item, variant, exercise.digits, t)
            _text(ET.SubElement(question, "questiontext", format="html"), statement + f"<p>{asked}</p>")
            _text(ET.SubElement(question, "generalfeedback", format="html"), feedback)
            ET.SubElement(question, "defaultgrade").text = "1"
            ET.SubElement(question, "penalty").text = "0"
            ET.SubElement(question, "hidden").text = "0"
            answer = ET.SubElement(question, "answer", fraction="100", format="moodle_auto_format")
            ET.SubElement(answer, "text").text = item.rounded.text
            ET.SubElement(answer, "tolerance").text = format(item.rounded.tolerance, "f")
            _text(ET.SubElement(answer, "feedback", format="html"), "")
            units = ET.SubElement(question, "units")
            units.text = None
            ET.SubElement(question, "unitgradingtype").text = "0"
            ET.SubElement(question, "showunits").text = "3"
    ET.indent(xml_safe(quiz))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def answers_csv(exercise: Exercise) -> str:
    """The answer table: one row per variant and asked quantity (answer, tolerance, value to 15 digits)."""
    return csv_text([CSV_COLUMNS] + [(variant.id, item.question.label, item.question.kind, item.rounded.text,
                                      format(item.rounded.tolerance, "f"), number_text(item.value, EXACT_DIGITS))
                                     for variant in exercise.variants for item in variant.answers])


def _text(parent: ET.Element, content: str) -> None:
    ET.SubElement(parent, "text").text = content
