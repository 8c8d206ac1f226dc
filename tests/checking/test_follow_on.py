"""checking.follow_on: error carried forward in grade, against the neuron computed by hand with mpmath.

A student gets o wrong, then computes L, dL/dw1, dL/dw2, w1' and w2' correctly from their own o (and their
own gradients): every downstream answer is follow-on, worth the credit asked; from a blank or a zero o, or
from numbers that do not follow, nothing is.
"""
import json

import mpmath
import pytest

import symback
from symback.checking.grade import grade_submissions
from symback.checking.manifest import read_manifest
from symback.documents.exercise_document import manifest_json
from symback.documents.gradebook import gradebook_csv, misconceptions_csv

mpmath.mp.dps = 40


@pytest.fixture(scope="module")
def manifest():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=4, seed=5, name="example:exercise_neuron")
    return json.loads(json.dumps(manifest_json(ex)))


def by_hand(values, o):
    """The asked quantities from a student's own o (the neuron: L = (t − o)², η = 1), rounded to 3 digits."""
    v = {n: mpmath.mpf(str(x)) for n, x in values.items()}
    dl_do = 2 * (o - v["t"])
    dl_dl1 = dl_do * o * (1 - o)
    dw1, dw2 = dl_dl1 * v["i1"], dl_dl1 * v["i2"]
    numbers = {"L": (v["t"] - o) ** 2, "dL/dw1": dw1, "dL/dw2": dw2, "w1'": v["w1"] - dw1, "w2'": v["w2"] - dw2}
    return {k: mpmath.nstr(x, 3, min_fixed=-20, max_fixed=20) for k, x in numbers.items()}


def student(manifest, name, o, **cells):
    variant = manifest["variants"][0]
    values = {"i1": 2, "i2": 5, "t": 0, **variant["values"]}
    answers = {"o": o, **(by_hand(values, mpmath.mpf(o)) if o not in ("", "0") else {}), **cells}
    return {"student": name, "variant": variant["id"], **answers}


def test_answers_right_from_a_wrong_upstream_answer_are_follow_on(manifest):
    right_o = mpmath.mpf(manifest["variants"][0]["answers"]["o"]["answer"])
    wrong_o = mpmath.nstr(right_o / 2, 3)
    book = symback.grade(manifest, [student(manifest, "ann", wrong_o)])
    marks = {m.question.label: m for m in book.grades[0].marks}
    assert marks["o"].verdict == "wrong"
    assert {label: marks[label].verdict for label in ("L", "dL/dw1", "dL/dw2", "w1'", "w2'")} == dict.fromkeys(
        ("L", "dL/dw1", "dL/dw2", "w1'", "w2'"), "follow-on")
    assert marks["L"].upstream == ("o",) and "o" in marks["dL/dw1"].upstream
    grade = book.grades[0]
    assert (grade.right, grade.follow_on, grade.score) == (0, 5, 5)
    half = symback.grade(manifest, [student(manifest, "ann", wrong_o)], follow_on_credit=0.5).grades[0]
    assert half.score == 2.5 and "2.5" in gradebook_csv(symback.grade(manifest, [student(manifest, "ann", wrong_o)],
                                                                       follow_on_credit=0.5))


def test_no_follow_on_from_a_blank_a_zero_or_numbers_that_do_not_follow(manifest):
    variant = manifest["variants"][0]
    values = {"i1": 2, "i2": 5, "t": 0, **variant["values"]}
    from_zero = by_hand(values, mpmath.mpf(0))
    book = symback.grade(manifest, [student(manifest, "ben", "", **from_zero), student(manifest, "cy", "0", **from_zero)])
    for grade in book.grades:
        assert not any(m.verdict == "follow-on" for m in grade.marks), [m.verdict for m in grade.marks]
    right_o = mpmath.mpf(variant["answers"]["o"]["answer"])
    made_up = student(manifest, "dee", mpmath.nstr(right_o / 2, 3), L="0.123")
    marks = {m.question.label: m for m in symback.grade(manifest, [made_up]).grades[0].marks}
    assert marks["L"].verdict == "wrong" and marks["dL/dw1"].verdict == "follow-on"


def test_misconceptions_are_counted_per_question(manifest):
    variant = manifest["variants"][0]
    key = variant["answers"]["dL/dw1"]["answer"]
    flipped = key[1:] if key.startswith("-") else "-" + key
    rows = [{"student": s, "variant": variant["id"], **{k: a["answer"] for k, a in variant["answers"].items()},
             "dL/dw1": flipped} for s in ("a", "b", "c")]
    plan = read_manifest(manifest, "variants.json")
    book = grade_submissions(plan, rows, ["student", "variant", *variant["answers"]])
    code = book.grades[0].marks[2].misconception  # a sign slip: d(t − o)/do = −1 dropped names it most precisely
    assert code in ("sign", "missing_inner_derivative") and book.misconceptions() == [("dL/dw1", code, 3)]
    assert misconceptions_csv(book).splitlines() == ["question,misconception,students", f"dL/dw1,{code},3"]
