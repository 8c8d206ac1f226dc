"""regression_spec: a [regression] table read and checked, each bad input one line naming the key and the fix."""
import re

import numpy as np
import pytest

import symback
from symback.cli import main

GOOD = """title = "r"
[regression]
x = [[1.0], [2.0], [3.0], [4.0]]
y = [2.0, 4.1, 5.9, 8.2]
learning_rate = 0.01
"""


BAD = [
    ("unknown key", GOOD.replace("learning_rate", "learning_rat"), "regression.learning_rat: unknown key; did you mean 'learning_rate'?"),
    ("y too short", GOOD.replace("y = [2.0, 4.1, 5.9, 8.2]", "y = [2.0, 4.1, 5.9]"),
     "regression.y: has 3 values but regression.x has 4 rows; give one y per row of x"),
    ("y missing", GOOD.replace("y = [2.0, 4.1, 5.9, 8.2]\n", ""), "regression.y: missing; give one target per row of x"),
    ("x missing", GOOD.replace("x = [[1.0], [2.0], [3.0], [4.0]]\n", ""), "regression.x: missing; give one row per observation"),
    ("ragged x", GOOD.replace("[3.0]", "[3.0, 1.0]"), "regression.x[2]: row 3 has 2 features but row 1 has 1; give every row"),
    ("text in x", GOOD.replace("[3.0]", '["3"]'), "regression.x[2][0]: expected a number"),
    ("text in y", GOOD.replace("5.9", '"5.9"'), "regression.y[2]: expected a number"),
    ("collinear", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]]"),
     "regression.x: column 2 of x is a linear combination of the column of ones, column 1 of x (collinear columns)"),
    ("constant feature", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[2.0], [2.0], [2.0], [2.0]]"),
     "column 1 of x is a linear combination of the column of ones"),
    ("too few rows", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", "[[1.0, 5.0], [2.0, 1.0]]").replace(
        "[2.0, 4.1, 5.9, 8.2]", "[2.0, 4.1]"), "regression.x: 2 rows for 3 coefficients, so XᵀX is singular"),
    ("negative rate", GOOD.replace("0.01", "-0.5"), "regression.learning_rate: must be positive"),
    ("missing rate", GOOD.replace("learning_rate = 0.01\n", ""), "regression.learning_rate: missing; add e.g. learning_rate ="),
    ("steps 0", GOOD + "steps = 0\n", "regression.steps: expected a whole number from 1 to 10000"),
    ("start size", GOOD + "start = [0]\n", "regression.start: expected 2 numbers (β0 .. β1)"),
    ("unknown cost", GOOD + 'cost = "mae"\n', "regression.cost: unknown cost 'mae'; use \"sse\""),
    ("intercept text", GOOD + 'intercept = "yes"\n', "regression.intercept: expected true or false"),
    ("top-level rate", "learning_rate = 0.1\n" + GOOD, "learning_rate: a regression sets gradient descent inside [regression]; move it to regression.learning_rate"),
    ("two forms", GOOD + "[nodes]\nf = \"x\"\n", "nodes: a spec has one of [regression], [network] or a graph"),
    ("too large", GOOD.replace("[[1.0], [2.0], [3.0], [4.0]]", str([[float(i), float(i * i % 7)] for i in range(600)])).replace(
        "[2.0, 4.1, 5.9, 8.2]", str([1.0] * 600)), "600 rows and 3 coefficients are too many"),
    ("not a table", 'regression = 3\n', "regression: expected a table"),
]


@pytest.mark.parametrize("name,text,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_naming_the_key_and_the_fix(name, text, expected, tmp_path, capsys):
    path = tmp_path / "reg.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["derive", str(path), "--format", "all", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"symback: {path}: ") and expected in err, err
    assert not (tmp_path / "out").exists()


def test_missing_rate_suggests_one_that_converges(tmp_path, capsys):
    path = tmp_path / "reg.toml"
    path.write_text(GOOD.replace("learning_rate = 0.01\n", ""), encoding="utf-8")
    assert main(["derive", str(path), "-o", "-"]) == 2
    suggested = float(re.search(r"learning_rate = ([0-9.e-]+)", capsys.readouterr().err).group(1))
    X = np.array([[1, 1], [1, 2], [1, 3], [1, 4.0]])  # the design matrix: ones, then x
    assert 0 < suggested < 2 / np.linalg.eigvalsh(2 * X.T @ X).max()
    path.write_text(GOOD.replace("learning_rate = 0.01", f"learning_rate = {suggested}"), encoding="utf-8")
    assert symback.solve(path).converges
