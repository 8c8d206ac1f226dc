"""What every LMS export of an exercise shares: the problem, the asked quantity and the worked solution as HTML.

Moodle (numerical and cloze), Canvas (QTI) and PrairieLearn all show HTML with LaTeX inside ``\\( \\)`` and
``\\[ \\]``, which their MathJax renders; the pieces here are written once and used by each export
(:mod:`symback.documents.moodle`, :mod:`symback.documents.moodle_cloze`, :mod:`symback.documents.canvas`,
:mod:`symback.documents.prairielearn`). :func:`xml_safe` drops what XML 1.0 forbids from a tree built for an export;
:func:`exercise_uuid` names an exercise the same way on every run, for the platforms that want identifiers.
"""
from __future__ import annotations

import html
import json
import re
import uuid
import xml.etree.ElementTree as ET

from symback.documents.exercise_document import Answer, Exercise, given_text, question_latex
from symback.documents.printing import name_latex

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  #: characters XML 1.0 forbids
ETA, BEGIN, END = r"\eta = ", r"\begin{aligned}", r"\end{aligned}"


def math_html(tex: str, display: bool = False) -> str:
    """LaTeX for MathJax inside HTML (``<``, ``&`` escaped)."""
    return (r"\[" + html.escape(tex, quote=False) + r"\]") if display else (r"\(" + html.escape(tex, quote=False) + r"\)")


def statement_html(variant, doc, t) -> str:
    """The problem as HTML: the given values, the graph's definitions, the loss and learning rate."""
    graph, solution = variant.solution.graph, variant.solution
    given = ", ".join(math_html(f"{name_latex(n)} = {given_text(v)}") for n, v in solution.values.items()
                      if n in graph.inputs or n in graph.params)
    rows = r" \\ ".join(f"{row.lhs} &= {row.symbolic}" for row in doc.definitions)
    rate = "" if graph.learning_rate is None else \
        f" {html.escape(t['learning_rate'])}: {math_html(ETA + given_text(graph.learning_rate))}."
    return (f"<p>{html.escape(t['problem'])}: {given}.</p><p>{html.escape(t['definitions'])}:</p>"
            f"<p>{math_html(BEGIN + rows + END, display=True)}</p>"
            f"<p>{html.escape(t['loss_is'])} {math_html(name_latex(graph.loss))}.{rate}</p>")


def asked_html(item: Answer, variant, digits: int, t) -> str:
    """What one question asks, as HTML: "Compute \\(o\\) to 3 significant digits." (the catalogue's words)."""
    quantity = math_html(question_latex(item.question, variant.solution.graph.loss))
    return html.escape(t["exercise.question"].format(quantity="\0", digits=digits), quote=False).replace("\0", quantity)


def feedback_html(doc, t) -> str:
    """The worked solution as HTML: forward pass, loss, backward pass, gradients, updates (aligned displays)."""
    lines = getattr(doc, "lines", None) or {}
    sections = [("forward", lines.get("forward") or _rows(doc.forward)),
                ("loss", lines.get("loss") or _rows((doc.loss,))),
                ("backward", tuple(line for step in doc.backward for line in _step_lines(step))),
                ("gradients", lines.get("gradients", ())),
                ("update", lines.get("updates") or _rows(doc.updates))]
    return "".join(f"<h4>{html.escape(t[title])}</h4><p>{_aligned(body)}</p>" for title, body in sections if body)


def xml_safe(root: ET.Element) -> ET.Element:
    """``root`` with every text and attribute stripped of the characters XML 1.0 forbids (whatever a title holds)."""
    for element in root.iter():
        element.text = element.text and NOT_XML.sub("", element.text)
        element.attrib.update((k, NOT_XML.sub("", v)) for k, v in element.attrib.items())
    return root


def exercise_uuid(exercise: Exercise, part: str) -> uuid.UUID:
    """A UUID (version 5) of the exercise (title, spec, seed, variants) and ``part``: the same on every run."""
    identity = json.dumps([exercise.title, dict(exercise.spec), exercise.seed,
                           [(v.id, v.seed) for v in exercise.variants], part])
    return uuid.uuid5(uuid.NAMESPACE_URL, "symback:" + identity)


def category_path(title: str) -> str:
    """The Moodle question category of an exercise, ``$course$/symback/TITLE`` (a ``/`` in the title doubled, as
    Moodle reads ``//`` as a slash within one category name)."""
    return "$course$/symback/" + title.replace("/", "//")


def _rows(rows) -> tuple[str, ...]:
    return tuple(f"{row.lhs} &= {row.rhs}" for row in rows)


def _step_lines(step) -> tuple[str, ...]:
    """A backward step's aligned lines: local derivatives, the chain step, its closed form."""
    parts = (step.locals, step.chain, getattr(step, "closed", ()))
    if all(isinstance(p, tuple) and all(isinstance(x, str) for x in p) for p in parts):
        return tuple(line for p in parts for line in p)
    return _rows(step.locals) + (f"{step.lhs} &= {step.chain} = {step.substituted} = {step.value}",)


def _aligned(lines) -> str:
    return math_html(BEGIN + r" \\ ".join(lines) + END, display=True)
