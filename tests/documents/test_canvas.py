"""canvas: the QTI 1.2 zip Canvas imports: its two files, well-formed XML, the elements Canvas's importer reads
(question groups, numerical_question items, the answer and its window, the general feedback), the same answers
and tolerances as the manifest, and the same bytes on every run."""
import io
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import pytest

import symback
from symback.documents.canvas import canvas_qti_zip, canvas_small_answers, canvas_warning
from symback.documents.exercise_document import manifest_json

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}


def unpack(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: ET.fromstring(archive.read(name)) for name in archive.namelist()}


def metadata(element):
    return {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
            for f in element.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)}


def test_the_package_holds_a_manifest_and_the_assessment_it_names(exercise):
    files = unpack(canvas_qti_zip(exercise))
    manifest = files.pop("imsmanifest.xml")
    resource = manifest.find("cp:resources/cp:resource", NS)
    assert resource.get("type") == "imsqti_xmlv1p2" and list(files) == [resource.find("cp:file", NS).get("href")]
    root = files.popitem()[1]
    assert root.tag == f"{{{NS['q']}}}questestinterop"
    assessment = root.find("q:assessment", NS)
    assert assessment.get("title") == exercise.title and assessment.get("ident") == resource.get("identifier")


def test_a_group_per_variant_a_numerical_item_per_asked_quantity_with_the_manifests_window(exercise):
    root = next(tree for name, tree in unpack(canvas_qti_zip(exercise)).items() if name != "imsmanifest.xml")
    manifest = manifest_json(exercise)
    groups = root.findall("q:assessment/q:section/q:section", NS)
    assert len(groups) == len(manifest["variants"])
    idents = [e.get("ident") for e in root.iter() if e.tag.endswith(("}item", "}section"))]
    assert len(idents) == len(set(idents))
    for group, listed in zip(groups, manifest["variants"]):
        items = group.findall("q:item", NS)
        assert len(items) == len(manifest["questions"])
        assert group.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=NS) == str(len(items))
        for item, question in zip(items, manifest["questions"]):
            assert metadata(item) == {"question_type": "numerical_question", "points_possible": "1.0"}
            text = item.find("q:presentation/q:material/q:mattext", NS)
            assert text.get("texttype") == "text/html" and r"\(" in text.text
            fib = item.find("q:presentation/q:response_str/q:render_fib", NS)
            assert fib.get("fibtype") == "Decimal" and fib.find("q:response_label", NS) is not None
            key = listed["answers"][question["label"]]
            answer, tolerance = Decimal(key["answer"]), Decimal(key["tolerance"])
            right = item.find("q:resprocessing/q:respcondition[@continue='No']", NS)
            assert Decimal(right.findtext("q:conditionvar/q:or/q:varequal", namespaces=NS)) == answer
            low = Decimal(right.findtext("q:conditionvar/q:or/q:and/q:vargte", namespaces=NS))
            high = Decimal(right.findtext("q:conditionvar/q:or/q:and/q:varlte", namespaces=NS))
            assert (low, high) == (answer - tolerance, answer + tolerance) and low < Decimal(key["value"]) < high
            assert right.findtext("q:setvar", namespaces=NS) == "100"
            shown = item.find("q:resprocessing/q:respcondition[@continue='Yes']/q:displayfeedback", NS)
            feedback = item.find("q:itemfeedback", NS)
            assert shown.get("linkrefid") == feedback.get("ident") == "general_fb"
            assert r"\begin{aligned}" in feedback.findtext("q:flow_mat/q:material/q:mattext", namespaces=NS)


def test_the_same_exercise_makes_the_same_bytes(exercise):
    assert canvas_qti_zip(exercise) == canvas_qti_zip(exercise)


SPEC = {"title": "", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
        "vary": {"w": {"choices": [0.25, 0.75]}}}


@pytest.mark.parametrize("title", ["a/b", "\u0001<q>&amp;]]>\ud800", '"x" \\ {1:NM:=5}', "신경망 \u202e"])
def test_well_formed_whatever_the_title(title):
    files = unpack(canvas_qti_zip(symback.exercise({**SPEC, "title": title}, variants=2, seed=2)))
    kept = "".join(c for c in title if c in "\t\n\r" or (" " <= c and not "\ud800" <= c <= "\udfff"))
    assert files["imsmanifest.xml"].find(".//{http://www.imsglobal.org/xsd/imsmd_v1p2}string").text == kept


def test_answers_canvas_would_round_to_zero_are_named():
    """L = (w x - 1)^2 with x = 1: w = 0.99 gives L = 1e-4 (kept), w = 0.999 gives L = 1e-6 (named), w = 1 gives 0."""
    names = {}
    for w in ("0.99", "0.999", "1"):
        exercise = symback.exercise({**SPEC, "inputs": {"x": 1}, "vary": {"w": {"choices": [float(w)]}}}, variants=1)
        names[w] = canvas_small_answers(exercise)
    assert names == {"0.99": (), "0.999": ("v01 L",), "1": ()}
    assert canvas_warning(exercise) == "" and "1e-4" in canvas_warning(
        symback.exercise({**SPEC, "inputs": {"x": 1}, "vary": {"w": {"choices": [0.999]}}}, variants=1))
