"""CSV cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""
import csv
import io

import pytest

from symback.documents.spreadsheet import csv_text, safe_cell


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")",
                                  "-", "+", "--1"])
def test_a_formula_start_is_quoted(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-0.25", "+3", "-1e-3", "1.5E+10", "0", "ana", "a=b", " =1", "'=1"])
def test_numbers_and_plain_text_stay_as_written(cell):
    assert safe_cell(cell) == cell


def test_rows_read_back_as_written_apart_from_the_quote():
    rows = [("student", "score"), ("=cmd|' /C calc'!A0", -2), ("o'neil, \"jr\"\nx", 1.5)]
    back = list(csv.reader(io.StringIO(csv_text(rows))))
    assert back == [["student", "score"], ["'=cmd|' /C calc'!A0", "-2"], ["o'neil, \"jr\"\nx", "1.5"]]
