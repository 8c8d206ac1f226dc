"""A hand-edited or tampered variants.json: each fault one SymbackError naming its key, before anything is solved."""
import json

import pytest
import sympy as sp

import symback
from symback.documents.exercise_document import manifest_json
from symback.checking.manifest import read_manifest


@pytest.fixture(scope="module")
def manifest():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=2, seed=1, name="example:exercise_neuron")
    return json.loads(json.dumps(manifest_json(ex)))


def _edited(manifest, change):
    data = json.loads(json.dumps(manifest))
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop(path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


FAULTS = {
    "digits as text": (_set(["digits"], "x"), "variants.json: digits", "whole number"),
    "digits out of range": (_set(["digits"], 99), "variants.json: digits", "whole number"),
    "a value as text": (_set(["variants", 0, "values", "w1"], "abc"), "variants.json: variants[0].values.w1", "number"),
    "a value null": (_set(["variants", 1, "values", "w2"], None), "variants.json: variants[1].values.w2", "null"),
    "no values": (_drop(["variants", 0, "values"]), "variants.json: variants[0].values", "JSON object"),
    "no answers": (_drop(["variants", 0, "answers"]), "variants.json: variants[0].answers", "JSON object"),
    "an answer missing": (_drop(["variants", 0, "answers", "o"]), "variants.json: variants[0].answers.o.answer",
                          "answer"),
    "unknown kind": (_set(["questions", 0, "kind"], "guess"), "variants.json: questions[0].kind", "unknown kind"),
    "kind null": (_set(["questions", 1, "kind"], None), "variants.json: questions[1].kind", "text"),
    "a name __class__": (_set(["variants", 0, "values", "__class__"], 1), "variants.json: variants[0].values",
                         '"__class__" is not an input or parameter'),
    "a question of another problem": (_set(["questions", 0, "name"], "__class__"), "variants.json: questions",
                                      "not the questions"),
    "the same id twice": (_set(["variants", 1, "id"], "v01"), "variants.json: variants[1].id", "new id"),
    "an id with a newline": (_set(["variants", 0, "id"], "v01\n<x>"), "variants.json: variants[0].id", "new id"),
    "variants not a list": (_set(["variants"], {"v01": 1}), "variants.json: variants", "list"),
    "no spec": (_drop(["spec"]), "variants.json: spec", "JSON object"),
    "spec text not TOML": (_set(["spec"], {"toml": "loss = ["}), "variants.json: spec.toml", "cannot be rebuilt"),
    "an infinite value": (_set(["variants", 0, "values", "w1"], float("inf")), "variants.json: variants[0].values.w1",
                          "number"),
}


@pytest.mark.parametrize("case", sorted(FAULTS))
def test_a_tampered_key_is_named(manifest, case):
    change, where, words = FAULTS[case]
    with pytest.raises(symback.SymbackError) as exc:
        read_manifest(_edited(manifest, change))
    assert exc.value.where == where and words in exc.value.message, exc.value.line()
    assert "\n" not in exc.value.line()


def test_grading_refuses_it_before_solving(manifest):
    row = {"student": "ana", "variant": "v01", "o": "0.5", "L": "0.1", "dL/dw1": "1", "dL/dw2": "1", "w1'": "1",
           "w2'": "1"}
    with pytest.raises(symback.SymbackError, match=r"variants\.json: digits"):
        symback.grade(_edited(manifest, _set(["digits"], "x")), [row])


def test_the_written_manifest_reads_back(manifest):
    read = read_manifest(manifest)
    assert [v.id for v in read.variants] == ["v01", "v02"] and read.digits == 3
    assert [q.label for q in read.questions] == [q["label"] for q in manifest["questions"]]
    written = manifest["variants"][0]["values"]["w1"]
    assert dict(read.variants[0].values)["w1"] == sp.Rational(str(written))  # 0.3 is exactly 3/10
