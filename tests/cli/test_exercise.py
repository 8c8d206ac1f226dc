"""``symback exercise`` and ``symback grade`` in process: files, byte-identical reruns, exit codes."""
import csv
import json
import subprocess

import pytest

from symback.api import example_path
from symback.cli import main


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.needs("pdflatex", "pdfinfo")
def test_exercise_writes_everything_and_a_rerun_is_byte_identical(tmp_path, capsys):
    argv = ["exercise", "--example", "exercise_neuron", "--variants", 2, "--seed", 7, "--lms", "moodle,csv"]
    assert run(argv + ["-o", tmp_path / "a"], capsys)[0] == 0
    assert run(argv + ["-o", tmp_path / "b"], capsys)[0] == 0
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    expected = {"variants.json", "moodle.xml", "answers.csv", "sheets.tex", "sheets.pdf", "keys.tex", "keys.pdf"}
    expected |= {f"{kind}_v0{i}.{ext}" for kind in ("sheet", "key") for i in (1, 2) for ext in ("md", "tex", "pdf")}
    assert set(first) == expected
    assert first == second  # every file, PDFs included
    manifest = json.loads(first["variants.json"])
    assert [v["id"] for v in manifest["variants"]] == ["v01", "v02"] and manifest["seed"] == 7
    pdf = tmp_path / "a" / "sheets.pdf"
    pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    assert "Pages:" in pages and int(pages.split("Pages:")[1].split()[0]) >= 2


@pytest.mark.needs("pdflatex", "pdftotext")
def test_korean_sheet_pdf(tmp_path, capsys):
    code, _, _ = run(["exercise", "--example", "exercise_mazur", "--variants", 1, "--lang", "ko", "-o", tmp_path], capsys)
    assert code == 0
    text = subprocess.run(["pdftotext", tmp_path / "sheet_v01.ko.pdf", "-"], capture_output=True, text=True).stdout
    assert "이름" in text and "구할 것" in text
    key = subprocess.run(["pdftotext", tmp_path / "key_v01.ko.pdf", "-"], capture_output=True, text=True).stdout
    assert "풀이" in key and "역전파" in key


BAD = [
    ('w1 = { from = 1, to = -1, step = 0.1 }', "vary.w1: the range from 1 to -1 is empty"),
    ('w1 = { from = -1, to = 1, step = 0.3 }', "vary.w1.step: 0.3 does not divide"),
    ('w9 = { choices = [1] }', "vary.w9: 'w9' is not an input or parameter"),
]


@pytest.mark.parametrize("line, message", BAD)
def test_bad_vary_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, line, message):
    text = example_path("exercise_neuron").read_text(encoding="utf-8")
    lines = [line if row.startswith("w1 = {") else row for row in text.splitlines()]
    spec = tmp_path / "ex.toml"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(["exercise", spec, "-o", tmp_path / "out", "--format", "md"], capsys)
    assert code == 2 and message in err and err.count("\n") == 1 and err.startswith("symback: ")
    assert not (tmp_path / "out").exists() and out == ""


def test_unmeetable_constraint_writes_nothing(tmp_path, capsys):
    spec = tmp_path / "k.toml"
    spec.write_text('loss = "L"\n[inputs]\nx = 1\n[params]\nw = 0.5\n[nodes]\nz = "w*x"\nL = "relu(z)"\n'
                    '[vary]\nw = { choices = [0, 0.01] }\n', encoding="utf-8")
    code, _, err = run(["exercise", spec, "--variants", 2, "-o", tmp_path / "out", "--format", "md"], capsys)
    assert code == 2 and "vary.avoid_kinks: no draw met the constraints in 1000 tries" in err
    assert not (tmp_path / "out").exists()


def test_grade_gradebook_feedback_and_exit_codes(tmp_path, capsys):
    assert run(["exercise", "--example", "exercise_neuron", "--variants", 2, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    manifest = json.loads((tmp_path / "variants.json").read_text(encoding="utf-8"))
    labels = [q["label"] for q in manifest["questions"]]
    answers = manifest["variants"][1]["answers"]
    submissions = tmp_path / "subs.csv"
    with submissions.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["student", "variant", *labels])
        writer.writerow(["ana", "v02", *(answers[label]["answer"] for label in labels)])
        writer.writerow(["ben", "v02", *("1" for _ in labels)])
    code, out, _ = run(["grade", tmp_path / "variants.json", submissions, "-o", tmp_path / "grades"], capsys)
    assert code == 0 and "2 students" in out
    book = list(csv.DictReader((tmp_path / "grades" / "gradebook.csv").open(encoding="utf-8")))
    assert book[0]["student"] == "ana" and book[0]["score"] == str(len(labels))
    assert all(book[0][label] == "correct" for label in labels)
    assert book[1]["score"] != str(len(labels))
    assert sorted(p.name for p in (tmp_path / "grades" / "feedback").iterdir()) == ["ana.row2.md", "ben.row3.md"]
    bad = tmp_path / "bad.csv"
    bad.write_text("student,variant,o\nana,v02,0.5\n", encoding="utf-8")
    code, _, err = run(["grade", tmp_path / "variants.json", bad, "-o", tmp_path / "g2"], capsys)
    assert code == 2 and "row 1: missing column 'L'" in err and not (tmp_path / "g2").exists()
    bad.write_text("student,variant," + ",".join(labels) + "\nana,v7," + ",".join("1" for _ in labels) + "\n", encoding="utf-8")
    code, _, err = run(["grade", tmp_path / "variants.json", bad, "-o", tmp_path / "g2"], capsys)
    assert code == 2 and "row 2: unknown variant 'v7'" in err and not (tmp_path / "g2").exists()
