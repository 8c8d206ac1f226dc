"""``--scheduler``: exercise, grade and derive on a Dask cluster (a scheduler and two worker processes on
127.0.0.1, started here and torn down) write the bytes the local pool writes; a missing scheduler is one line."""
import csv
import json
import time

import pytest

from runs import files, run

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=50)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_exercise_and_grade_on_the_cluster_write_what_the_pool_writes(tmp_path, capsys, scheduler):
    argv = ["exercise", "--example", "exercise_neuron", "--variants", 4, "--seed", 2, "--format", "md,tex",
            "--lms", "moodle-cloze,csv"]
    assert run(argv + ["-o", tmp_path / "local"], capsys)[0] == 0
    code, out, err = run(argv + ["-o", tmp_path / "cluster", "--scheduler", scheduler], capsys)
    assert code == 0 and not err
    local, cluster = files(tmp_path / "local"), files(tmp_path / "cluster")
    assert len(local) == 2 * 4 * 2 + 2 + 3 and cluster == local
    manifest = json.loads(local["variants.json"])
    labels = [q["label"] for q in manifest["questions"]]
    with (tmp_path / "subs.csv").open("w", newline="", encoding="utf-8") as f:
        rows = [[f"s{i}", v["id"], *(v["answers"][label]["answer"] if i % 2 else "1.5" for label in labels)]
                for i, v in enumerate(manifest["variants"] * 2)]
        csv.writer(f).writerows([["student", "variant", *labels], *rows])
    grade = ["grade", tmp_path / "local" / "variants.json", tmp_path / "subs.csv"]
    assert run(grade + ["-o", tmp_path / "g-local"], capsys)[0] == 0
    assert run(grade + ["-o", tmp_path / "g-cluster", "--scheduler", scheduler], capsys)[0] == 0
    assert files(tmp_path / "g-cluster") == files(tmp_path / "g-local")
    book = list(csv.DictReader((tmp_path / "g-cluster" / "gradebook.csv").open(encoding="utf-8")))
    assert {row[labels[0]] for row in book[1::2]} == {"correct"}  # the odd rows wrote the key


def test_derive_of_several_specs_on_the_cluster(tmp_path, capsys, scheduler):
    argv = ["derive", "--example", "neuron", "--example", "mazur_222", "--format", "md,json"]
    assert run(argv + ["-o", tmp_path / "local"], capsys)[0] == 0
    code, out, _ = run(argv + ["-o", tmp_path / "cluster", "--scheduler", scheduler], capsys)
    assert code == 0 and out.count("wrote") == 4
    assert files(tmp_path / "cluster") == files(tmp_path / "local")


def test_a_spec_that_fails_on_the_cluster_is_its_own_line(tmp_path, capsys, scheduler):
    bad = tmp_path / "bad.toml"
    bad.write_text('loss = "L"\n[inputs]\nx = 0\n[nodes]\nL = "log(x)"\n', encoding="utf-8")
    code, out, err = run(["derive", bad, "--example", "neuron", "-o", tmp_path, "--scheduler", scheduler], capsys)
    assert code == 2 and "neuron.json" in out
    assert err.count("\n") == 1 and err.startswith(f"symback: {bad}")


def test_the_scheduler_file_names_the_cluster(tmp_path, capsys, scheduler):
    path = tmp_path / "scheduler.json"
    path.write_text(json.dumps({"address": scheduler, "type": "Scheduler"}), encoding="utf-8")
    argv = ["exercise", "--example", "exercise_neuron", "--variants", 2, "--format", "md"]
    assert run(argv + ["-o", tmp_path / "a", "--scheduler", path], capsys)[0] == 0
    assert run(argv + ["-o", tmp_path / "b"], capsys)[0] == 0
    assert files(tmp_path / "a") == files(tmp_path / "b")


@pytest.mark.parametrize("address, message", [("tcp://127.0.0.1:9", "no Dask scheduler answers there within"),
                                              ("missing.json", "no such scheduler file")])
def test_no_scheduler_is_one_line_exit_2_within_seconds(tmp_path, capsys, address, message):
    started = time.monotonic()
    code, _, err = run(["exercise", "--example", "exercise_neuron", "--variants", 2, "--format", "md",
                        "-o", tmp_path / "out", "--scheduler", address], capsys)
    assert code == 2 and time.monotonic() - started < 15
    assert err.count("\n") == 1 and err.startswith(f"symback: --scheduler {address}: {message}")
    assert not (tmp_path / "out").exists()
