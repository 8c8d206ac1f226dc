"""Batch grading: verdicts per answer, blank cells, bad input named with its row, a tampered manifest."""
import json
from decimal import ROUND_HALF_EVEN, Decimal

import mpmath
import pytest

import symback
from symback.documents.exercise_document import manifest_json


@pytest.fixture(scope="module")
def manifest():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=12, seed=3, name="example:exercise_neuron")
    return json.loads(json.dumps(manifest_json(ex)))


def labels(manifest):
    return [q["label"] for q in manifest["questions"]]


def row(manifest, student, index=0, **cells):
    variant = manifest["variants"][index]
    answers = {label: variant["answers"][label]["answer"] for label in labels(manifest)}
    return {"student": student, "variant": variant["id"], **answers, **cells}


def test_right_wrong_blank_and_the_likely_slip(manifest):
    right = row(manifest, "alice")
    key = right["dL/dw1"]
    flipped = key[1:] if key.startswith("-") else "-" + key
    book = symback.grade(manifest, [right, row(manifest, "bob", **{"dL/dw1": flipped, "L": ""})])
    alice, bob = book.grades
    assert [m.verdict for m in alice.marks] == ["correct"] * len(alice.marks) and alice.right == len(alice.marks)
    verdicts = {m.question.label: m for m in bob.marks}
    assert verdicts["L"].verdict == "blank" and not verdicts["L"].right
    assert verdicts["dL/dw1"].verdict == "wrong"
    assert ("slip.sign", {}) in verdicts["dL/dw1"].result.details
    assert bob.right == len(bob.marks) - 2


def _round(x, digits=3):
    x = Decimal(mpmath.nstr(x, 40, strip_zeros=False))
    return x.quantize(Decimal(1).scaleb(x.adjusted() - digits + 1), ROUND_HALF_EVEN)


def _by_hand(values):
    """dL/dw1 of the neuron as a student gets it, rounding each stored value to 3 digits (independently of symback)."""
    with mpmath.workdps(50):
        v = {n: mpmath.mpf(str(x)) for n, x in values.items()}
        o = _round(1 / (1 + mpmath.exp(-(v["w1"] * v["i1"] + v["w2"] * v["i2"]))))
        o = mpmath.mpf(str(o))
        dL_do = mpmath.mpf(str(_round(2 * (o - v["t"]))))
        dL_dl1 = mpmath.mpf(str(_round(dL_do * o * (1 - o))))
        return _round(dL_dl1 * v["i1"])


def test_an_answer_carried_through_rounded_intermediates_is_rounding_carried(manifest):
    fixed = {"i1": 2, "i2": 5, "t": 0}
    for index, variant in enumerate(manifest["variants"]):
        hand = _by_hand({**fixed, **variant["values"]})
        if Decimal(variant["answers"]["dL/dw1"]["answer"]) != hand:
            mark = symback.grade(manifest, [row(manifest, "carol", index, **{"dL/dw1": str(hand)})]).grades[0].marks[2]
            assert mark.question.label == "dL/dw1" and mark.verdict == "rounding-carried"
            return
    pytest.skip("no variant of this seed differs by rounding")  # pragma: no cover


def test_an_unknown_variant_is_listed_and_the_other_rows_graded_a_missing_column_refused(manifest, tmp_path):
    """Issue 26: a row that cannot be graded is listed with its reason; the others are graded."""
    book = symback.grade(manifest, [row(manifest, "alice"), row(manifest, "dave", variant="v99")])
    assert [g.student for g in book.grades] == ["alice"] and all(m.verdict == "correct" for m in book.grades[0].marks)
    (ungraded,) = book.ungraded
    assert (ungraded.row, ungraded.student, ungraded.variant) == (3, "dave", "v99")
    assert "unknown variant 'v99'" in ungraded.reason and "v01" in ungraded.reason
    missing = row(manifest, "erin")
    del missing["dL/dw2"]
    with pytest.raises(symback.SymbackError, match="missing column 'dL/dw2'"):
        symback.grade(manifest, [missing])


def test_a_tampered_manifest_is_refused(manifest):
    edited = json.loads(json.dumps(manifest))
    edited["variants"][0]["values"]["w1"] = edited["variants"][0]["values"]["w1"] + 0.1
    with pytest.raises(symback.SymbackError, match="not .* any more"):
        symback.grade(edited, [row(manifest, "alice")])


def test_an_unreadable_cell_is_not_a_number_not_an_error(manifest):
    book = symback.grade(manifest, [row(manifest, "frank", o="zero point six")])
    mark = book.grades[0].marks[0]
    assert mark.verdict == "not a number" and mark.written == "zero point six"


def test_a_cell_over_the_csv_modules_cap_is_graded_not_a_number_not_an_error(manifest, tmp_path):
    """A cell of 131,073 characters (the csv module's cap is 131,072): that cell is not read, shown cut; the rest graded."""
    student = row(manifest, "gina", o="1" * 131_073)
    path = tmp_path / "subs.csv"
    path.write_text(",".join(student) + "\n" + ",".join(student.values()) + "\n", encoding="utf-8")
    grade = symback.grade(manifest, path).grades[0]
    marks = {m.question.label: m for m in grade.marks}
    assert marks["o"].verdict == "not a number" and len(marks["o"].written) < 300
    assert all(m.verdict == "correct" for label, m in marks.items() if label != "o")


def test_the_variants_are_handed_to_the_mapper_once_each(manifest):
    rows = [row(manifest, "ana", 0), row(manifest, "ben", 1), row(manifest, "cy", 0)]
    seen = []

    def mapper(work, jobs):
        seen.extend(vid for vid, _ in jobs)
        return [work(job) for job in reversed(jobs)][::-1]

    book = symback.grade(manifest, rows, mapper)
    assert sorted(seen) == sorted({r["variant"] for r in rows})
    assert [g.student for g in book.grades] == ["ana", "ben", "cy"] and [g.row for g in book.grades] == [2, 3, 4]


def test_a_wrong_number_many_students_wrote_is_checked_once(manifest, monkeypatch):
    from symback.checking.verify import ClaimChecker

    calls = []
    number = ClaimChecker.number

    def counting(self, name, text, *rest):
        calls.append((name, text))
        return number(self, name, text, *rest)

    monkeypatch.setattr(ClaimChecker, "number", counting)
    key = row(manifest, "x")["dL/dw1"]
    flipped = key[1:] if key.startswith("-") else "-" + key
    book = symback.grade(manifest, [row(manifest, s, **{"dL/dw1": flipped}) for s in ("ann", "bo", "cy")])
    assert calls == [("dL/dw1", flipped)]
    assert [m.verdict for g in book.grades for m in g.marks if m.question.label == "dL/dw1"] == ["wrong"] * 3
    assert len({id(m.result) for g in book.grades for m in g.marks if m.question.label == "dL/dw1"}) == 1
