"""common: report formats, strict JSON text, atomic writes and one-line usage errors."""
import json
import stat

import pytest

from symback.api import SymbackError
from symback.cli.common import Parser, emit, json_text, log_lines, report_formats, write_atomic


def test_report_formats_are_checked_and_all_means_every_one():
    assert report_formats("json, md", "out") == ["json", "md"]
    assert report_formats("all", "out") == ["text", "json", "md", "tex", "pdf"]
    for value, output, fragment in (("", "out", "no format given"), ("docx", "out", "unknown format 'docx'"),
                                    ("pdf", "-", "a PDF cannot go to standard output")):
        with pytest.raises(SymbackError, match=fragment):
            report_formats(value, output)


def test_json_text_is_strict_json_with_unicode_kept():
    assert json_text({"σ": 0.5}) == '{\n  "σ": 0.5\n}\n'
    with pytest.raises(ValueError):
        json_text({"x": float("inf")})


def test_a_file_is_written_whole_through_a_rename(tmp_path):
    target = tmp_path / "new" / "a.json"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second" and [p.name for p in target.parent.iterdir()] == ["a.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_emit_writes_a_file_or_standard_output(tmp_path, capsys):
    assert emit("text", str(tmp_path), "a.md") == f"wrote {tmp_path / 'a.md'}"
    assert (tmp_path / "a.md").read_text() == "text"
    assert emit('{"a": 1}', "-", "a.json") is None and capsys.readouterr().out == '{"a": 1}'


def test_usage_errors_are_one_line_and_exit_2(capsys):
    parser = Parser(prog="symback")
    parser.add_argument("--digits", type=int)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--digits", "many"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and err.startswith("symback: argument --digits")
    assert err.rstrip().endswith("run 'symback --help'")


def test_a_latex_errors_log_lines_are_indented_under_it():
    error = SymbackError("a.tex", "LaTeX failed", "fix line 3")
    assert log_lines(error) == ""
    error.log_tail = "! Undefined control sequence.\nl.3 \\foo"
    assert log_lines(error) == "\n    | ! Undefined control sequence.\n    | l.3 \\foo"
    assert json.loads(json_text({"lines": log_lines(error).splitlines()}))["lines"][1].startswith("    | !")
