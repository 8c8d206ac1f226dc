"""The safe formula parser: what it builds, and what it refuses (quickly)."""
import time
from pathlib import Path

import pytest
import sympy as sp

from symback.engine import functions as fn
from symback.engine.errors import FormulaError
from symback.engine.expr import MAX_BRACKETS, MAX_DEPTH, parse_formula, symbol

NAMES = ["x", "y", "w", "b", "t", "o", "y1", "y2", "t1", "t2", "z1", "z2",
         "E", "I", "S", "N", "Q", "O", "pi", "gamma", "beta", "lambda", "in", "is"]
SYMBOLS = {n: symbol(n) for n in NAMES}
X, Y, W, B = (SYMBOLS[n] for n in "xywb")


def parse(text):
    return parse_formula(text, SYMBOLS).expr


@pytest.mark.parametrize("text, expected", [
    ("w*x + b", W * X + B),
    ("x^2", X ** 2),
    ("x**2 - -y", X ** 2 + Y),
    ("1/2*(y - t)^2", sp.Rational(1, 2) * (Y - SYMBOLS["t"]) ** 2),
    ("0.05*x", sp.Rational(1, 20) * X),
    ("sigmoid(w*x + b)", fn.sigmoid(W * X + B)),
    ("leaky_relu(x, 0.2)", fn.leaky_relu(X, sp.Rational(1, 5))),
    ("leaky_relu(x)", fn.leaky_relu(X, sp.Rational(1, 100))),
    ("max(x, y) + min(x, y) + abs(x)", sp.Max(X, Y) + sp.Min(X, Y) + sp.Abs(X)),
    ("softmax(2, x, y)", fn.softmax(2, X, Y)),
    ("softmax(2, [x, y])", fn.softmax(2, X, Y)),
    ("exp(x) + log(y) + sqrt(w) + tanh(b) + softplus(x) + step(y) + relu(w) + identity(b)",
     sp.exp(X) + sp.log(Y) + sp.sqrt(W) + sp.tanh(B) + fn.softplus(X) + fn.step(Y) + fn.relu(W) + B),
    ("mse(y, t)", (Y - SYMBOLS["t"]) ** 2),
    ("half_sse([y1, y2], [t1, t2])",
     sp.Rational(1, 2) * ((SYMBOLS["y1"] - SYMBOLS["t1"]) ** 2 + (SYMBOLS["y2"] - SYMBOLS["t2"]) ** 2)),
    ("e^x", sp.exp(X)),
])
def test_parses(text, expected):
    assert parse(text) == expected


def test_user_names_are_never_constants_or_keywords():
    expr = parse("E + I + S + N + Q + O + pi + gamma + beta + lambda + in + is")
    assert expr == sp.Add(*(SYMBOLS[n] for n in ["E", "I", "S", "N", "Q", "O", "pi", "gamma", "beta",
                                                  "lambda", "in", "is"]))
    assert not expr.has(sp.E, sp.I, sp.pi)
    assert all(s.is_real for s in expr.free_symbols)


def test_free_names_mode_makes_symbols():
    assert parse_formula("w*x + lambda_1", None).expr == W * X + symbol("lambda_1")


def test_the_nesting_limits_are_the_ones_the_readme_gives():
    """400 levels in all (4990 unary minuses are refused at 400), 200 of brackets: Python's tokenizer stops there."""
    assert parse_formula("(" * 199 + "x" + ")" * 199, None).expr == X
    with pytest.raises(FormulaError, match="brackets nested more than 200 deep"):
        parse_formula("exp(" * 201 + "x" + ")" * 201, None)
    assert parse_formula("-" * 390 + "x", None).expr == X
    with pytest.raises(FormulaError, match="nested 401 levels deep"):
        parse_formula("-" * 398 + "x", None)  # the tree: Expression, 398 UnaryOp, Name, Load
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"nesting depth is at most {MAX_DEPTH}, of which at most {MAX_BRACKETS} levels of brackets" in readme


def test_free_names_mode_takes_keywords_as_names_too():
    """symback grad "lambda*x^2 + E": specs accepted lambda, the free-names mode refused it (invalid syntax)."""
    expr = parse_formula("lambda*x^2 + E + in", None).expr
    assert expr == symbol("lambda") * X**2 + symbol("E") + symbol("in") and not expr.has(sp.E)


def test_cross_entropy_declares_its_target_group():
    formula = parse_formula("cross_entropy([y1, y2], [t1, t2])", SYMBOLS)
    assert formula.target_groups == ((SYMBOLS["t1"], SYMBOLS["t2"]),)


PAYLOADS = [
    "__import__('os').system('touch /tmp/pwned')",
    "x.__class__.__mro__",
    "(lambda: 1)()",
    "[c for c in ().__class__.__bases__]",
    "{'a': 1}",
    "9**9**9**9",
    "2^2^2^2^2^2",
    "10**(10**10)",
    "exec('1')",
    "eval('1')",
    "open('/etc/passwd')",
    "x if y else w",
    "x < y",
    "f'{x}'",
    "x[0]",
    "sigmoid(x=1)",
    "sigmoid(*x)",
    "'text'",
    "True",
    "1j",
    "x; y",
    "(x := 3)",
    "9" * 100,
    "x+" * 3000 + "x",
]


@pytest.mark.serial
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payloads_are_refused_quickly(payload):
    times = []
    for _ in range(5):  # best of five: a refusal costs milliseconds; a loaded machine may pause once
        start = time.perf_counter()
        with pytest.raises(FormulaError):
            parse_formula(payload, SYMBOLS, where="nodes.evil")
        times.append(time.perf_counter() - start)
    assert min(times) < 0.05


@pytest.mark.parametrize("text, fragment", [
    ("sigmod(x)", "did you mean 'sigmoid'?"),
    ("x + wx", "unknown name 'wx'"),
    ("max(x)", "max() takes 2 or more arguments"),
    ("sigmoid(x, y)", "sigmoid() takes 1 arguments"),
    ("softmax(3, x, y)", "softmax index 3 is outside 1..2"),
    ("mse([y1, y2], [t1])", "2 outputs and 1 targets"),
    ("w +* x", "cannot parse"),
    ("1/0", "undefined"),
    ("log(0)", "undefined"),
    ("", "empty"),
    ("sigmoid", "is a function"),
])
def test_errors_name_the_problem(text, fragment):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, SYMBOLS, where="nodes.o")
    line = info.value.line()
    assert line.startswith("nodes.o: ") and fragment in line and "\n" not in line


def test_literals_are_exact_atoms_also_as_written():
    """Read from the text (1e-400 is not 0.0), and one Rational atom even unevaluated (echoed claims)."""
    from fractions import Fraction

    from symback.engine.expr import parse_as_written

    for text in ("1e-400", "2.50", "-0.125", "1.00000000000000000001", "3"):
        as_written = parse_as_written(text, None)
        assert as_written.is_Rational and as_written == sp.Rational(Fraction(text))
    assert parse_formula("2*e", {"e": symbol("e")}).expr == 2 * symbol("e")  # a user's e is the user's
    assert parse_formula("2*e", None).expr == 2 * sp.E                        # else Euler's number


def test_a_long_sum_is_one_add_and_an_unevaluated_one_keeps_its_grouping():
    """Sums are built as one Add (not term by term); under evaluate(False), as a derivation's lines
    are read, the grouping the user wrote stays (the verifier prints it back)."""
    import sympy as sp

    from symback.engine.expr import parse_formula, symbol

    a, b, c = symbol("a"), symbol("b"), symbol("c")
    assert parse_formula("a + b - c - 2 + a", None).expr == 2 * a + b - c - 2
    with sp.evaluate(False):
        kept = parse_formula("(a + b) - c", None).expr
        expected = sp.Add(sp.Add(a, b), -c)
    assert sp.srepr(kept) == sp.srepr(expected) and len(kept.args) == 2


def test_a_parsed_product_is_sympys_product(tree):
    """Formulas multiply through times: each parsed sum of products has the structure SymPy's * builds."""
    import random

    from symback.engine.expr import parse_formula

    rng = random.Random(2)
    names = {n: sp.Symbol(n, real=True) for n in ("w1_1_1", "x1", "w1_1_2", "x2", "b1_1", "a", "t")}
    for _ in range(200):
        terms = [" * ".join(rng.sample(list(names), rng.randint(1, 3))) for _ in range(rng.randint(1, 5))]
        text = " + ".join(terms) + rng.choice(["", " + 2", " * (a - t)", " - 3", " * 1"])
        with_times = parse_formula(text, names, "test").expr
        by_sympy = sp.sympify(text, locals=names)  # an oracle built by SymPy's own parser (test-only)
        assert tree(with_times) == tree(by_sympy), text
