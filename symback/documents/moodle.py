"""LMS export of an exercise: a Moodle XML question bank and a plain CSV answer table.

Moodle's importer (question/format/xml) wants ``<quiz>`` of ``<question type="numerical">``, each
with ``<name><text>``, ``<questiontext format="html"><text>``, ``<generalfeedback>``, and
``<answer fraction="100">`` holding ``<text>`` (the number) and ``<tolerance>`` (absolute, ±).
Formulas are LaTeX inside ``\\( \\)`` and ``\\[ \\]``, which Moodle's MathJax filter renders.
The answer is the engine's value to the exercise's digits, the tolerance half a unit of its last digit
(the rounding rule the grader uses); the general feedback is the worked solution, line by line.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from symback.documents.catalogue import messages
from symback.documents.exercise_document import EXACT_DIGITS, WORKED_EXTRA, Exercise, given_text, question_latex
from symback.documents.printing import name_latex
from symback.engine.numerals import number_text
from symback.documents.spreadsheet import csv_text

CSV_COLUMNS = ("variant", "quantity", "kind", "answer", "tolerance", "value")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  #: characters XML 1.0 forbids
ETA, BEGIN, END = r"\eta = ", r"\begin{aligned}", r"\end{aligned}"


def moodle_xml(exercise: Exercise, lang: str = "en") -> str:
    """The Moodle XML question bank: one numerical question per variant and asked quantity."""
    t = messages(lang)
    quiz = ET.Element("quiz")
    category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
    ET.SubElement(category, "text").text = f"$course$/symback/{exercise.title}"
    for variant in exercise.variants:
        solution = variant.solution
        worked = solution.document(lang, exercise.digits + WORKED_EXTRA)
        statement, feedback = _statement(variant, worked, t), _feedback(worked, t)
        for item in variant.answers:
            question = ET.SubElement(quiz, "question", type="numerical")
            _text(ET.SubElement(question, "name"), f"{exercise.title} {variant.id} {item.question.label}")
            asked = t["exercise.question"].format(quantity=_math(question_latex(item.question, solution.graph.loss)),
                                                  digits=exercise.digits)
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
    for element in quiz.iter():  # whatever a title holds: control characters have no place in XML 1.0
        element.text = element.text and NOT_XML.sub("", element.text)
        element.attrib.update((k, NOT_XML.sub("", v)) for k, v in element.attrib.items())
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def answers_csv(exercise: Exercise) -> str:
    """The answer table: one row per variant and asked quantity (answer, tolerance, value to 15 digits)."""
    return csv_text([CSV_COLUMNS] + [(variant.id, item.question.label, item.question.kind, item.rounded.text,
                                      format(item.rounded.tolerance, "f"), number_text(item.value, EXACT_DIGITS))
                                     for variant in exercise.variants for item in variant.answers])


def _text(parent: ET.Element, content: str) -> None:
    ET.SubElement(parent, "text").text = content


def _math(tex: str, display: bool = False) -> str:
    """LaTeX for MathJax inside HTML (``<``, ``&`` escaped)."""
    return (r"\[" + html.escape(tex, quote=False) + r"\]") if display else (r"\(" + html.escape(tex, quote=False) + r"\)")


def _statement(variant, doc, t) -> str:
    """The problem as HTML: the given values, the graph's definitions, the loss and learning rate."""
    graph, solution = variant.solution.graph, variant.solution
    given = ", ".join(_math(f"{name_latex(n)} = {given_text(v)}") for n, v in solution.values.items()
                      if n in graph.inputs or n in graph.params)
    rows = r" \\ ".join(f"{row.lhs} &= {row.symbolic}" for row in doc.definitions)
    rate = "" if graph.learning_rate is None else \
        f" {html.escape(t['learning_rate'])}: {_math(ETA + given_text(graph.learning_rate))}."
    return (f"<p>{html.escape(t['problem'])}: {given}.</p><p>{html.escape(t['definitions'])}:</p>"
            f"<p>{_math(BEGIN + rows + END, display=True)}</p>"
            f"<p>{html.escape(t['loss_is'])} {_math(name_latex(graph.loss))}.{rate}</p>")


def _feedback(doc, t) -> str:
    """The worked solution as HTML: forward pass, loss, backward pass, gradients, updates (aligned displays)."""
    lines = getattr(doc, "lines", None) or {}
    sections = [("forward", lines.get("forward") or _rows(doc.forward)),
                ("loss", lines.get("loss") or _rows((doc.loss,))),
                ("backward", tuple(line for step in doc.backward for line in _step_lines(step))),
                ("gradients", lines.get("gradients", ())),
                ("update", lines.get("updates") or _rows(doc.updates))]
    return "".join(f"<h4>{html.escape(t[title])}</h4><p>{_aligned(body)}</p>" for title, body in sections if body)


def _rows(rows) -> tuple[str, ...]:
    return tuple(f"{row.lhs} &= {row.rhs}" for row in rows)


def _step_lines(step) -> tuple[str, ...]:
    """A backward step's aligned lines: local derivatives, the chain step, its closed form."""
    parts = (step.locals, step.chain, getattr(step, "closed", ()))
    if all(isinstance(p, tuple) and all(isinstance(x, str) for x in p) for p in parts):
        return tuple(line for p in parts for line in p)
    return _rows(step.locals) + (f"{step.lhs} &= {step.chain} = {step.substituted} = {step.value}",)


def _aligned(lines) -> str:
    return _math(BEGIN + r" \\ ".join(lines) + END, display=True)
