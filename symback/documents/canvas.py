"""Canvas export of an exercise: a QTI 1.2 package (``canvas_qti.zip``) for Canvas's "QTI .zip file" import.

The zip holds ``imsmanifest.xml`` (IMS Content Packaging, one resource of type ``imsqti_xmlv1p2``) and one
assessment, ``<ident>/<ident>.xml``: ``<questestinterop>`` of one ``<assessment>`` whose root section holds a
question group (a ``<section>`` with ``<selection_ordering>``) per variant, drawing all of that variant's
questions, so the groups are the variants and a quiz keeps one variant's questions together. Each asked
quantity is an ``<item>`` in the shape Canvas exports: ``qtimetadata`` with ``question_type`` =
``numerical_question`` and ``points_possible``, the problem as ``<mattext texttype="text/html">``, a
``render_fib`` of ``fibtype="Decimal"``, and a ``respcondition`` that gives 100 for the key
(``<varequal>``) or a response in ``[key - tolerance, key + tolerance]`` (``<vargte>``, ``<varlte>``): the
window Moodle gets and ``symback grade`` applies (:mod:`symback.checking.acceptance`). The worked solution is
the general feedback (``<itemfeedback ident="general_fb">``, shown by a ``displayfeedback`` on any response).

Canvas rounds a numerical answer below 1e-4 in magnitude to 0: :func:`canvas_small_answers` names the asked
answers that are and :func:`canvas_warning` says so in a line, so the command can warn (``[vary] min_abs`` keeps them away: README).
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

from symback.documents.catalogue import messages
from symback.documents.exercise_document import WORKED_EXTRA, Exercise
from symback.documents.lms_html import asked_html, exercise_uuid, feedback_html, statement_html, xml_safe

CANVAS_SMALLEST = Decimal("1e-4")   #: Canvas stores a numerical answer smaller than this in magnitude as 0
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
IMSCP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)     #: every member's date: the same exercise makes the same bytes


def canvas_qti_zip(exercise: Exercise, lang: str = "en") -> bytes:
    """The QTI 1.2 zip of ``exercise``: a question group per variant, a numerical question per asked quantity.

    >>> import symback, zipfile, io
    >>> ex = symback.exercise({"loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
    ...                        "vary": {"w": {"choices": [0.25]}}}, variants=1)
    >>> sorted(n.split("/")[-1] for n in zipfile.ZipFile(io.BytesIO(canvas_qti_zip(ex))).namelist())[-1]
    'imsmanifest.xml'
    """
    ident = "g" + exercise_uuid(exercise, "canvas").hex
    path = f"{ident}/{ident}.xml"
    members = ((path, _xml(_assessment(exercise, ident, lang))), ("imsmanifest.xml", _xml(_manifest(exercise, ident, path))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, text)
    return buffer.getvalue()


def canvas_small_answers(exercise: Exercise) -> tuple[str, ...]:
    """The asked answers Canvas would round to 0 (nonzero, below 1e-4 in magnitude), as ``"v02 dL/dw1"``."""
    return tuple(f"{variant.id} {item.question.label}" for variant in exercise.variants for item in variant.answers
                 if 0 < abs(Decimal(item.rounded.text)) < CANVAS_SMALLEST)


def canvas_warning(exercise: Exercise) -> str:
    """One line naming the answers Canvas would round to 0 (the first three, and how many more) and the fix, or ""."""
    small = canvas_small_answers(exercise)
    listed = ", ".join(small[:3]) + (f" and {len(small) - 3} more" if len(small) > 3 else "")
    return (f"Canvas rounds numerical answers below 1e-4 in magnitude to 0: {listed}; "
            "add min_abs = 0.0001 to [vary] to draw them away") if small else ""


def _assessment(exercise: Exercise, ident: str, lang: str) -> ET.Element:
    """``<questestinterop>``: the assessment, its root section, a group per variant, an item per asked quantity."""
    t = messages(lang)
    root = ET.Element("questestinterop", {"xmlns": QTI, "xmlns:xsi": XSI,
                                          "xsi:schemaLocation": f"{QTI} {QTI}p1.xsd"})
    assessment = ET.SubElement(root, "assessment", ident=ident, title=exercise.title)
    _fields(ET.SubElement(assessment, "qtimetadata"), cc_maxattempts="1")
    top = ET.SubElement(assessment, "section", ident="root_section")
    for variant in exercise.variants:
        worked = variant.solution.document(lang, exercise.digits + WORKED_EXTRA)
        statement, feedback = statement_html(variant, worked, t), feedback_html(worked, t)
        group = ET.SubElement(top, "section", ident=f"{ident}_{variant.id}", title=f"{exercise.title} {variant.id}")
        selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
        ET.SubElement(selection, "selection_number").text = str(len(variant.answers))
        ET.SubElement(ET.SubElement(selection, "selection_extension"), "points_per_item").text = "1.0"
        for number, item in enumerate(variant.answers, 1):
            question = ET.SubElement(group, "item", ident=f"{ident}_{variant.id}_{number}",
                                     title=f"{exercise.title} {variant.id} {item.question.label}")
            _fields(ET.SubElement(ET.SubElement(question, "itemmetadata"), "qtimetadata"),
                    question_type="numerical_question", points_possible="1.0")
            _html(ET.SubElement(question, "presentation"),
                  statement + f"<p>{asked_html(item, variant, exercise.digits, t)}</p>")
            response = ET.SubElement(question[-1], "response_str", ident="response1", rcardinality="Single")
            ET.SubElement(ET.SubElement(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
            _processing(ET.SubElement(question, "resprocessing"), item.rounded)
            _html(ET.SubElement(ET.SubElement(question, "itemfeedback", ident="general_fb"), "flow_mat"), feedback)
    return root


def _processing(parent: ET.Element, key) -> None:
    """Score 100 for the key or any response in its window; show the general feedback whatever the response."""
    ET.SubElement(ET.SubElement(parent, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
                  vartype="Decimal")
    shown = ET.SubElement(parent, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(shown, "conditionvar"), "other")
    ET.SubElement(shown, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    right = ET.SubElement(parent, "respcondition", {"continue": "No"})
    either = ET.SubElement(ET.SubElement(right, "conditionvar"), "or")
    answer = Decimal(key.text)
    ET.SubElement(either, "varequal", respident="response1").text = format(answer, "f")
    window = ET.SubElement(either, "and")
    ET.SubElement(window, "vargte", respident="response1").text = format(answer - key.tolerance, "f")
    ET.SubElement(window, "varlte", respident="response1").text = format(answer + key.tolerance, "f")
    ET.SubElement(right, "setvar", action="Set", varname="SCORE").text = "100"


def _manifest(exercise: Exercise, ident: str, path: str) -> ET.Element:
    """``imsmanifest.xml``: the package's title and its one QTI resource."""
    manifest = ET.Element("manifest", {"identifier": f"{ident}_manifest", "xmlns": IMSCP,
                                       "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2"})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    title = ET.SubElement(ET.SubElement(ET.SubElement(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    ET.SubElement(title, "imsmd:string").text = exercise.title
    ET.SubElement(manifest, "organizations")
    resource = ET.SubElement(ET.SubElement(manifest, "resources"), "resource", identifier=ident, type="imsqti_xmlv1p2")
    ET.SubElement(resource, "file", href=path)
    return manifest


def _fields(parent: ET.Element, **fields: str) -> None:
    for label, entry in fields.items():
        field = ET.SubElement(parent, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _html(parent: ET.Element, content: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", texttype="text/html").text = content


def _xml(root: ET.Element) -> str:
    ET.indent(xml_safe(root))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
