"""``symback exercise`` and ``symback grade`` in process: files, byte-identical reruns, exit codes."""
import csv
import json
import os
import signal
import stat
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from processes import live_processes
from runs import files, run
from symback.api import example_path


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
    assert code == 1 and "row 2: not graded: unknown variant 'v7'" in err  # listed, the other rows (none) graded
    listed = list(csv.DictReader((tmp_path / "g2" / "gradebook.csv").open(encoding="utf-8")))
    assert [(r["student"], r["score"], r["note"][:19]) for r in listed] == [("ana", "", "unknown variant 'v7")]


# -- bounded and orphan-free: the pool of derive, the budget, signals ------------------------------------------

def _group(pgid: int) -> set[int]:
    """Live (not zombie) processes of the process group ``pgid`` (from /proc)."""
    return {pid for pid, (_, group) in live_processes().items() if group == pgid}


def _gone(pgid: int, seconds: float = 15) -> bool:
    end = time.monotonic() + seconds
    while _group(pgid) and time.monotonic() < end:
        time.sleep(0.1)
    return not _group(pgid)


def _start(argv, **options) -> subprocess.Popen:
    """``symback argv`` in a process group of its own (its workers join it)."""
    return subprocess.Popen([sys.executable, "-m", "symback.cli", *map(str, argv)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **options)


LONG = ["exercise", "--example", "exercise_mazur", "--variants", 10000, "--format", "md"]


def test_the_budget_ends_exercise_and_every_worker(tmp_path):
    """10,000 variants, --budget 3: one line and exit 2 soon after; the parent and its workers all gone."""
    start = time.monotonic()
    proc = _start(LONG + ["--budget", 3, "-o", tmp_path / "out"])
    try:
        _, err = proc.communicate(timeout=60)  # returns once every holder of the pipes (the workers too) is gone
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 2 and err.count("\n") == 1 and "--budget: the command did not finish" in err, err
    assert time.monotonic() - start < 3 + 25
    assert _gone(proc.pid) and not (tmp_path / "out").exists()


def test_sigterm_to_exercise_leaves_no_worker(tmp_path):
    proc = _start(LONG + ["-o", tmp_path / "out"])
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 2 and time.monotonic() < deadline:  # the pool's workers have started
            time.sleep(0.05)
        assert len(_group(proc.pid)) >= 2
        proc.send_signal(signal.SIGTERM)  # to the parent alone
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 143 and err.startswith("symback: terminated") and "Traceback" not in err, err
    assert _gone(proc.pid) and not (tmp_path / "out").exists()


def test_exercise_and_grade_take_the_limit_options(tmp_path, capsys):
    code, _, err = run(["exercise", "--example", "exercise_mazur", "--variants", 1, "--format", "md", "--max-nodes", 5,
                        "-o", tmp_path / "a"], capsys)
    assert code == 2 and err.count("\n") == 1 and "--max-nodes" in err and not (tmp_path / "a").exists()
    assert run(["exercise", "--example", "exercise_neuron", "--variants", 2, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    code, _, err = run(["grade", tmp_path / "variants.json", tmp_path / "variants.json", "--max-file", 100,
                        "-o", tmp_path / "g"], capsys)
    assert code == 2 and err.count("\n") == 1 and "--max-file" in err and not (tmp_path / "g").exists()


def test_output_and_templates_are_checked_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("symback.cli.exercise.exercise_spec", lambda *a: pytest.fail("the spec was read"))
    monkeypatch.setattr("symback.cli.grade.grade", lambda *a: pytest.fail("the answers were graded"))
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for argv, words in ((["exercise", "--example", "exercise_neuron", "-o", a_file], "is not a directory"),
                        (["exercise", "--example", "exercise_neuron", "--templates", tmp_path / "none", "-o", tmp_path],
                         "--templates"),
                        (["grade", a_file, a_file, "-o", a_file / "g"], "is a file, not a directory")):
        code, _, err = run(argv, capsys)
        assert code == 2 and err.count("\n") == 1 and words in err, err


def _set_of(folder):
    return {name: data for name, data in files(folder).items() if not name.startswith(".")}


def test_two_runs_into_one_directory_leave_one_set(tmp_path, capsys):
    """Seed 1 with 3 variants, then seed 2 with 2: the directory holds seed 2's set alone, as a fresh run writes it;
    the same set in Korean adds its files; a run while another holds the directory is refused."""
    base = ["exercise", "--example", "exercise_neuron", "--format", "md", "--lms", "csv"]
    assert run(base + ["--seed", 1, "--variants", 3, "-o", tmp_path / "shared"], capsys)[0] == 0
    (tmp_path / "shared" / "notes.txt").write_text("mine")
    assert run(base + ["--seed", 2, "--variants", 2, "-o", tmp_path / "shared"], capsys)[0] == 0
    assert run(base + ["--seed", 2, "--variants", 2, "-o", tmp_path / "fresh"], capsys)[0] == 0
    assert _set_of(tmp_path / "shared") == {**_set_of(tmp_path / "fresh"), "notes.txt": b"mine"}
    assert run(base + ["--seed", 2, "--variants", 2, "--lang", "ko", "-o", tmp_path / "shared"], capsys)[0] == 0
    both = _set_of(tmp_path / "shared")
    assert {"sheet_v01.md", "sheet_v01.ko.md", "key_v02.md", "key_v02.ko.md"} <= set(both)
    fcntl = pytest.importorskip("fcntl")
    handle = os.open(tmp_path / "shared", os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as a run that is writing holds it
        code, _, err = run(base + ["--seed", 3, "-o", tmp_path / "shared"], capsys)
    finally:
        os.close(handle)
    assert code == 2 and "another symback run is writing" in err and _set_of(tmp_path / "shared") == both


def test_outputs_respect_the_umask(tmp_path):
    """Under umask 077 nothing is readable by others: answer keys, answers.csv, the gradebook, feedback."""
    exercise = subprocess.run([sys.executable, "-m", "symback.cli", "exercise", "--example", "exercise_neuron",
                               "--variants", "2", "--format", "md", "--lms", "csv,moodle", "-o", tmp_path / "ex"],
                              umask=0o077, capture_output=True, text=True)
    assert exercise.returncode == 0, exercise.stderr
    manifest = json.loads((tmp_path / "ex" / "variants.json").read_text(encoding="utf-8"))
    labels = [q["label"] for q in manifest["questions"]]
    subs = tmp_path / "subs.csv"
    subs.write_text("student,variant," + ",".join(labels) + "\nana,v01," + ",".join("1" for _ in labels) + "\n")
    graded = subprocess.run([sys.executable, "-m", "symback.cli", "grade", tmp_path / "ex" / "variants.json", subs,
                             "-o", tmp_path / "g"], umask=0o077, capture_output=True, text=True)
    assert graded.returncode == 0, graded.stderr
    written = [p for folder in ("ex", "g") for p in (tmp_path / folder).rglob("*")]
    assert len(written) > 8 and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in written), \
        {p.name: oct(p.stat().st_mode) for p in written}


def test_a_300_character_student_id_is_graded_and_written(tmp_path, capsys):
    assert run(["exercise", "--example", "exercise_neuron", "--variants", 1, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    manifest = json.loads((tmp_path / "variants.json").read_text(encoding="utf-8"))
    labels = [q["label"] for q in manifest["questions"]]
    subs = tmp_path / "subs.csv"
    subs.write_text("student,variant," + ",".join(labels) + "\n" + "s" * 300 + ",v01," + ",".join("1" for _ in labels) + "\n")
    code, out, err = run(["grade", tmp_path / "variants.json", subs, "-o", tmp_path / "g"], capsys)
    assert code == 0 and err == "" and "1 students" in out
    assert len(list((tmp_path / "g" / "feedback").iterdir())) == 1


def test_grade_runs_its_variants_in_the_pool_and_within_the_budget(tmp_path, capsys):
    assert run(["exercise", "--example", "exercise_mazur", "--variants", 3, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    manifest = json.loads((tmp_path / "variants.json").read_text(encoding="utf-8"))
    labels = [q["label"] for q in manifest["questions"]]
    rows = [(name, vid, v["answers"]) for name, (vid, v) in zip("abcdef", [(v["id"], v) for v in manifest["variants"]] * 2)]
    subs = tmp_path / "subs.csv"
    subs.write_text("student,variant," + ",".join(labels) + "\n" + "".join(
        f"{name},{vid}," + ",".join(answers[label]["answer"] for label in labels) + "\n" for name, vid, answers in rows))
    code, out, err = run(["grade", tmp_path / "variants.json", subs, "--budget", 0.001, "-o", tmp_path / "late"], capsys)
    assert code == 2 and err.count("\n") == 1 and "--budget" in err and not (tmp_path / "late").exists()
    code, out, err = run(["grade", tmp_path / "variants.json", subs, "-o", tmp_path / "g"], capsys)
    assert code == 0 and f"6 students, {6 * len(labels)} of {6 * len(labels)} answers right" in out, err
    book = list(csv.DictReader((tmp_path / "g" / "gradebook.csv").open(encoding="utf-8")))
    assert [r["student"] for r in book] == list("abcdef")


def test_a_worker_that_dies_ends_the_exercise_at_once(tmp_path, capsys, monkeypatch):
    """Variant 3 kills its worker (as the OOM killer would): one line, exit 2, nothing written, no rerun one by one."""
    import symback.cli.exercise as exercise

    real = exercise.exercise_variant

    def dying(spec, asked, number, seed, width):
        if number == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(spec, asked, number, seed, width)
    monkeypatch.setattr(exercise, "exercise_variant", dying)  # the forked workers inherit it
    calls = []
    monkeypatch.setattr("symback.cli.pool._pool_pass", _counting(calls))
    code, out, err = run(["exercise", "--example", "exercise_neuron", "--variants", 6, "--format", "md",
                          "-o", tmp_path / "out"], capsys)
    assert code == 2 and err.count("\n") == 1 and "worker process" in err and out == ""
    assert not (tmp_path / "out").exists() and len(calls) == 1


def _counting(calls):
    import symback.cli.pool as pool

    real = pool._pool_pass

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)
    return counted


def test_grade_follow_on_credit_and_the_misconceptions_table(tmp_path, capsys):
    """--follow-on-credit sets what a follow-on answer earns; misconceptions.csv counts the named mistakes."""
    assert run(["exercise", "--example", "exercise_neuron", "--variants", 1, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    manifest = json.loads((tmp_path / "variants.json").read_text(encoding="utf-8"))
    variant = manifest["variants"][0]
    values = {"i1": 2, "i2": 5, "t": 0, **variant["values"]}
    o = Decimal(variant["answers"]["o"]["answer"]) / 2  # a wrong o, and L computed from it (by hand, exactly)
    loss = (Decimal(values["t"]) - o) ** 2
    labels = [q["label"] for q in manifest["questions"]]
    cells = {label: variant["answers"][label]["answer"] for label in labels}
    cells.update(o=str(o), L=str(loss))
    key = cells["dL/dw1"]
    cells["dL/dw1"] = key[1:] if key.startswith("-") else "-" + key
    subs = tmp_path / "subs.csv"
    subs.write_text("student,variant," + ",".join(labels) + "\nann," + variant["id"] + ","
                    + ",".join(cells[label] for label in labels) + "\n", encoding="utf-8")
    code, out, err = run(["grade", tmp_path / "variants.json", subs, "--follow-on-credit", 0.5, "-o", tmp_path / "g"], capsys)
    assert code == 0 and err == "" and "1 follow-on" in out
    (row,) = csv.DictReader((tmp_path / "g" / "gradebook.csv").open(encoding="utf-8"))
    assert (row["o"], row["L"], row["dL/dw1"]) == ("wrong", "follow-on", "wrong")
    right = sum(row[label] == "correct" for label in labels)
    assert float(row["score"]) == right + 0.5
    table = list(csv.DictReader((tmp_path / "g" / "misconceptions.csv").open(encoding="utf-8")))
    assert [(r["question"], int(r["students"])) for r in table if r["question"] == "dL/dw1"] == [("dL/dw1", 1)]
    code, _, err = run(["grade", tmp_path / "variants.json", subs, "--follow-on-credit", 2, "-o", tmp_path / "g3"], capsys)
    assert code == 2 and "--follow-on-credit" in err and err.count("\n") == 1


def test_lms_kinds_write_their_files_and_an_unknown_kind_is_refused(tmp_path, capsys):
    base = ["exercise", "--example", "exercise_neuron", "--variants", 2, "--format", "md"]
    code, out, err = run(base + ["--lms", "moodle,moodle-cloze,canvas,prairielearn", "-o", tmp_path / "a"], capsys)
    assert code == 0 and err == "", err
    question = "prairielearn/two-input-sigmoid-neuron-with-mse/"
    written = {"moodle.xml", "moodle_cloze.xml", "canvas_qti.zip"} | {question + f for f in ("info.json", "question.html",
                                                                                               "server.py")}
    assert written <= set(files(tmp_path / "a")) and all(name in out for name in written)
    code, _, _ = run(["exercise", "--example", "exercise_mazur", "--variants", 1, "--format", "md", "--lms",
                      "prairielearn", "-o", tmp_path / "a"], capsys)
    assert code == 0 and not (tmp_path / "a" / question / "info.json").exists()  # another exercise replaced it
    code, _, err = run(base + ["--lms", "blackboard", "-o", tmp_path / "b"], capsys)
    assert code == 2 and err.count("\n") == 1 and "moodle-cloze" in err and not (tmp_path / "b").exists()


def test_lms_canvas_warns_of_answers_it_would_round_to_zero(tmp_path, capsys):
    """L = (w - 1)^2 at w = 0.999 is 1e-6: written, with one warning line naming the answer."""
    spec = tmp_path / "small.toml"
    spec.write_text('loss = "L"\n[inputs]\nx = 1\n[params]\nw = 0.5\n[nodes]\nL = "(w*x - 1)^2"\n'
                    '[vary]\nw = { choices = [0.999] }\n', encoding="utf-8")
    code, _, err = run(["exercise", spec, "--variants", 1, "--format", "md", "--lms", "canvas", "-o", tmp_path / "x"],
                       capsys)
    assert code == 0 and (tmp_path / "x" / "canvas_qti.zip").is_file()
    assert err.count("\n") == 1 and "warning" in err and "1e-4" in err and "v01 L" in err and "min_abs" in err


def test_each_variants_files_are_those_of_the_variant_derived_alone(tmp_path, capsys, monkeypatch):
    """The pool shares one derivation and one model per variant: the files equal a from-scratch rendering of each."""
    import symback.engine.solution as engine_solution
    from symback.api import exercise
    from symback.commands import build_exercise_document, render_document
    from symback.engine.backprop import backprop

    argv = ["exercise", "--example", "exercise_mazur", "--variants", 3, "--seed", 4, "--format", "md,tex"]
    assert run(argv + ["-o", tmp_path], capsys)[0] == 0
    monkeypatch.setattr(engine_solution, "shared_backprop", backprop)  # the reference: every variant differentiated
    alone = exercise(example_path("exercise_mazur"), 3, 4, "example:exercise_mazur")
    written = files(tmp_path)
    for kind, key in (("sheet", False), ("key", True)):
        for variant in alone.variants:
            doc = build_exercise_document(alone, (variant,), "en", key)
            assert written[f"{kind}_{variant.id}.md"].decode() == render_document(doc, "md")
            assert written[f"{kind}_{variant.id}.tex"].decode() == render_document(doc, "tex")
        combined = build_exercise_document(alone, alone.variants, "en", key)
        assert written[f"{kind}s.tex"].decode() == render_document(combined, "tex")


def test_grade_from_a_platform_the_csv_is_not_is_one_line_exit_2(tmp_path, capsys):
    assert run(["exercise", "--example", "exercise_neuron", "--variants", 1, "--format", "md", "-o", tmp_path], capsys)[0] == 0
    subs = tmp_path / "subs.csv"
    subs.write_text("student,variant,o\nana,v01,0.5\n", encoding="utf-8")
    code, _, err = run(["grade", tmp_path / "variants.json", subs, "--from", "canvas", "-o", tmp_path / "g"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"symback: {subs}: row 1: not a canvas export") and not (tmp_path / "g").exists()
