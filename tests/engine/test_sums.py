"""The shape questions and their fast paths (symback.engine.sums) against SymPy's general paths.

Each fast path must give what SymPy gives: the structure as stored (``(type, args)`` trees, the
``tree`` fixture) for built products and neuron locals, the LaTeX and ``str`` text of the printers,
the numbers ``xreplace`` builds in the forward pass, and the text and values of the mpmath programs.
The oracles are SymPy's own methods (``Mul``, ``LatexPrinter._print_Mul`` ...), never symback's output.
The property tests draw random expressions (Hypothesis, derandomized: the same cases on every run, no
example database) weighted toward the shapes the fast paths take, and count that they took them.
"""
from __future__ import annotations

import random
from collections import Counter

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.printing.latex import LatexPrinter
from sympy.printing.pycode import MpmathPrinter
from sympy.printing.str import StrPrinter

from symback.documents.plain import _PlainPrinter, plain
from symback.documents.printing import SymbackLatexPrinter, _ordered_terms, latex
from symback.engine import functions as fn
from symback.engine.expr import parse_formula
from symback.engine.mp_program import _ProgramPrinter
from symback.engine.rules import differentiate, neuron_locals
from symback.engine.substitute import evaluate
from symback.engine.sums import (is_product_of_sums, is_symbol_product, lex_ordered, neuron_terms,
                                 only_sums_and_products, pair_terms, sum_value, symbols_and_products, times)

_SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])


def cases(n: int):
    return settings(max_examples=n, **_SETTINGS)


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


#: graph symbols (real), names that are prefixes of others or sort by their digits
REAL = [sym(n) for n in ("a", "a1", "a1_15", "a1_2", "b", "t", "w2_9_15", "w2_10_15", "x1", "x10", "x2", "y2",
                         "Z", "price", "lambda1", "e")]
#: adjoint names, an x1 of other assumptions, a Dummy, a non-commutative symbol: the fast paths step aside
ODD = [sp.Symbol("\u2202z2_9"), sp.Symbol("dL/dz2_10"), sp.Symbol("x1"), sp.Dummy("d"), sp.Symbol("n", commutative=False)]
NUMBERS = [sp.S.One, sp.S.NegativeOne, sp.S.Zero, sp.Integer(2), sp.Rational(1, 2), sp.Rational(-3, 4), sp.Float("0.5", 10)]
#: printer settings: a name printed as a number puts \cdot between two numbers
NAMES = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "b": "2", "x1": "x_{1}", "\u2202z2_9": "0.001179"}
LATEX_SETTINGS = [{}, {"mul_symbol": "dot"}, {"names": NAMES}, {"names": NAMES, "mul_symbol": "dot"}, {"order": "none"}]
#: lambdify's mpmath printer settings as symback.engine.mp_program sets them
PROGRAM_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "order": "none"}


def _mul(factors):
    return sp.Mul(*factors)


def _add(terms):
    return sp.Add(*terms)


def shapes(pool: list[sp.Symbol], functions: bool = True) -> dict[str, st.SearchStrategy]:
    """Random expressions over ``pool`` by shape: the fast paths' shapes, and anything else (``general``;
    without ``functions``, no exp or sigmoid: their values at 80-digit Floats take long to compute)."""
    symbols = st.sampled_from(pool)
    numbers = st.sampled_from(NUMBERS)
    symbol_products = st.lists(symbols, min_size=2, max_size=4, unique=True).map(_mul)
    pair_sums = st.lists(st.one_of(symbols, st.lists(symbols, min_size=2, max_size=2, unique=True).map(_mul)),
                         min_size=2, max_size=8).map(_add)
    small_sums = st.lists(st.one_of(symbols, numbers, symbol_products), min_size=2, max_size=3).map(_add)
    products_of_sums = st.lists(st.one_of(symbols, small_sums, small_sums.map(lambda s: -s)),
                                min_size=2, max_size=4).map(_mul)
    powers = st.tuples(symbols, st.sampled_from([2, -1, sp.Rational(1, 2)])).map(lambda p: p[0] ** p[1])
    calls = (sp.exp, fn.sigmoid) if functions else ()
    general = st.recursive(st.one_of(symbols, numbers, powers), lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=4).map(_add), st.lists(inner, min_size=2, max_size=3).map(_mul),
        *(inner.map(f) for f in calls), inner.map(lambda e: -e)), max_leaves=8)
    sums_of_products = st.lists(st.one_of(symbols, symbol_products, products_of_sums, general),
                                min_size=2, max_size=6).map(_add)
    return {"symbol products": symbol_products, "pair sums": pair_sums, "products of sums": products_of_sums,
            "sums of products": sums_of_products, "general": general}


def expressions(pool: list[sp.Symbol], *favoured: str, functions: bool = True) -> st.SearchStrategy:
    """Random expressions over ``pool``, of every shape (``favoured`` ones drawn more often)."""
    drawn = shapes(pool, functions)
    return st.sampled_from(list(favoured) * 3 + list(drawn)).flatmap(drawn.__getitem__)


ANY = REAL * 3 + ODD


def _shape(expr: sp.Expr) -> str:
    """Which fast path an expression's top may take (for counting that the draws reach them)."""
    if is_symbol_product(expr):
        return "symbol product"
    if type(expr) is sp.Mul and is_product_of_sums(expr):
        return "product of sums"
    if type(expr) is sp.Add and symbols_and_products(expr.args):
        return "sum of symbols and products"
    return "other"


class _GeneralLatex(SymbackLatexPrinter):
    """symback's notation by SymPy's general path: ``_print_Mul`` as SymPy has it, and a sum's terms ordered by
    SymPy (positive ones first, symback's one change) and printed by SymPy's ``_print_Add``."""

    def _print_Mul(self, expr):
        return LatexPrinter._print_Mul(self, expr)

    def _print_Add(self, expr, order=None):
        terms = self._as_ordered_terms(expr, order=order)
        if (order or self.order) != "none":
            terms = sorted(terms, key=lambda term: term.could_extract_minus_sign())  # stable
        return LatexPrinter._print_Add(self, sp.Add(*terms, evaluate=False), order="none")


class _GeneralPlain(_PlainPrinter):
    """:func:`plain` by SymPy's general path (``StrPrinter``'s own ``_print_Mul`` and ``_print_Add``)."""

    def _print_Mul(self, expr):
        return StrPrinter._print_Mul(self, expr)

    def _print_Add(self, expr, order=None):
        return StrPrinter._print_Add(self, expr, order=order)


def test_times_builds_what_mul_builds(tree):
    """:func:`times` against ``adjoint * local``: the same tree, also unevaluated (as tidied), for random factors."""
    taken = Counter()

    symbols = st.sampled_from(ANY)

    @cases(300)
    @given(st.one_of(symbols, expressions(ANY, "symbol products", "products of sums")),
           st.one_of(symbols, symbols, st.just(sp.S.One), st.sampled_from(NUMBERS), expressions(ANY)), st.booleans())
    def check(adjoint, local, evaluated):
        with sp.evaluate(evaluated):
            fast, general = times(adjoint, local), adjoint * local
        assert tree(fast) == tree(general) and str(fast) == str(general)
        taken[evaluated and type(local) is sp.Symbol and type(fast) is sp.Mul
              and all(type(f) in (sp.Symbol, sp.Add) for f in fast.args)] += 1

    check()
    assert taken[True] > 30, taken


def test_printers_print_what_sympys_general_path_prints():
    """The LaTeX printer and :func:`plain` against SymPy's general ``_print_Mul`` and ``_print_Add``."""
    shapes = Counter()

    @cases(400)
    @given(expressions(ANY), st.sampled_from(LATEX_SETTINGS))
    def check(expr, settings):
        assert SymbackLatexPrinter(settings).doprint(expr) == _GeneralLatex(settings).doprint(expr), expr
        order = {"order": settings["order"]} if "order" in settings else {}
        assert plain(expr, **order) == _GeneralPlain(order).doprint(expr), expr
        shapes[_shape(expr)] += 1

    check()
    assert min(shapes.values()) > 20 and len(shapes) == 4, shapes


def test_programs_print_and_compute_what_sympys_general_path_does():
    """The mpmath program printer against lambdify's own: the same text, the same values."""
    shapes = Counter()
    modules = [fn.MPMATH_NAMESPACE, "mpmath"]

    @cases(200)
    @given(expressions(REAL), st.randoms(use_true_random=False))
    def check(expr, rng):
        fast, general = _ProgramPrinter(PROGRAM_SETTINGS, {}), MpmathPrinter(PROGRAM_SETTINGS)
        assert fast.doprint(expr) == general.doprint(expr), expr
        leaves = sorted(expr.free_symbols, key=lambda s: s.name)
        point = [mpmath.mpf(rng.uniform(0.1, 2)) for _ in leaves]
        with mpmath.workdps(30):
            values = [sp.lambdify(leaves, expr, modules=modules, printer=p)(*point) for p in (fast, general)]
        assert values[0] == values[1], expr
        shapes[_shape(expr)] += 1

    check()
    assert min(shapes.values()) > 10 and len(shapes) == 4, shapes


#: leaf values: mostly the numbers of a forward pass (exact, 0 and 1 among them, Floats of several
#: precisions), sometimes one the fast path leaves alone (pi, a Python int, an infinity)
VALUES = st.sampled_from(["exact"] * 3 + ["small"] * 2 + ["float"] * 4 + ["other"]).flatmap({
    "small": st.sampled_from([sp.S.Zero, sp.S.One, sp.S.NegativeOne, sp.Integer(2)]),
    "exact": st.builds(sp.Rational, st.integers(-999, 999), st.integers(1, 999)),
    "float": st.builds(lambda x, e, p: sp.Float(x * 10 ** e, p), st.floats(-2, 2), st.integers(-3, 3),
                       st.sampled_from([15, 30, 50, 80])),
    "other": st.sampled_from([sp.pi, 1, sp.Float("inf"), sp.Float("-inf")]),
}.__getitem__)


def test_sum_values_are_the_numbers_xreplace_builds():
    """:func:`sum_value` against ``xreplace`` at random numbers: the same number, type and precision, and
    ``None`` only where the shape or a value is not its own."""
    taken = Counter()

    @cases(400)
    @given(expressions(REAL + [sp.Symbol("x1")], "pair sums", functions=False), st.data())
    def check(expr, data):
        values = {s: data.draw(VALUES) for s in sorted(expr.free_symbols, key=str)}
        fast, general = sum_value(expr, values), expr.xreplace(values)
        numbers = all(isinstance(values.get(s), (sp.Rational, sp.Float)) for s in expr.free_symbols)
        plain_shape = type(expr) is sp.Symbol or pair_terms(expr) is not None
        if plain_shape and numbers and general.is_finite:
            assert fast is not None, expr
        if fast is not None:
            assert type(fast) is type(general) and sp.srepr(fast) == sp.srepr(general), expr
            assert not fast.is_Float or fast._prec == general._prec
        taken[fast is not None and type(expr) is sp.Add] += 1

    check()
    assert taken[True] > 50, taken


def test_pair_terms_are_a_sums_symbols_and_two_symbol_products():
    x, y = sym("x1"), sym("y2")
    assert pair_terms(x * y + x) == ((x,), (x, y)) and pair_terms(x) is None and pair_terms(x * y) is None
    assert pair_terms(2 * x + y) is None and pair_terms(x * y * sym("t") + x) is None
    assert neuron_terms(x * y + x) is None and neuron_terms(x * y + sym("b")) == ((sym("b"),), (x, y))


def test_neuron_locals_are_the_walks_for_random_sums(tree):
    """:func:`neuron_locals` (by :func:`neuron_terms`) against the rule table's walk, on random expressions."""
    taken = Counter()

    @cases(300)
    @given(expressions(REAL, "pair sums"))
    def check(expr):
        found = neuron_locals(expr)
        taken[found is not None] += 1
        if found is None:
            return
        assert set(found) == expr.free_symbols
        for symbol, (local, rules) in found.items():
            walked, walked_rules = differentiate(expr, symbol)
            assert tree(local) == tree(walked) and rules == walked_rules

    check()
    assert taken[True] > 20, taken


def test_lex_order_is_sympys_term_order():
    """:func:`lex_ordered` is ``as_ordered_terms()`` exactly where it answers."""
    taken = Counter()

    @cases(300)
    @given(st.lists(st.lists(st.sampled_from(REAL + ODD[:3]), min_size=1, max_size=4, unique=True).map(_mul),
                    min_size=2, max_size=9).map(_add))
    def check(expr):
        if type(expr) is not sp.Add:
            return
        ordered = lex_ordered(expr)
        taken[ordered is not None] += 1
        assert ordered in (None, tuple(expr.as_ordered_terms())), expr

    check()
    assert taken[True] > 60, taken


def test_only_sums_and_products_is_a_tree_of_sums_products_and_atoms():
    @cases(300)
    @given(expressions(ANY))
    def check(expr):
        walked = all(isinstance(e, (sp.Add, sp.Mul)) or e.is_Atom for e in sp.preorder_traversal(expr))
        assert only_sums_and_products(expr) == walked

    check()


@pytest.mark.parametrize("expr, expected", [("w*a + b", True), ("w*a*x - 2*b", True), ("sigmoid(z)", False),
                                            ("(a - t)**2", False), ("x", True)])
def test_sums_of_atoms(expr, expected):
    names = {n: sp.Symbol(n, real=True) for n in ("w", "a", "b", "x", "z", "t")}
    assert only_sums_and_products(parse_formula(expr, names, "test").expr) is expected


# The example-based tests of the fast paths, from before this module: seeded loops over the shapes.


@pytest.mark.parametrize("seed", range(30))
def test_products_of_adjoints_and_locals_are_muls(seed, tree):
    """:func:`times` against ``adjoint * local``, on random products (also unevaluated, as tidied)."""
    rng = random.Random(seed)
    names = [sp.Symbol(f"s{i}", real=True) for i in range(12)]
    rng.shuffle(names)
    factors = []
    for _ in range(rng.randint(2, 4)):  # mostly what the short cut takes: distinct symbols and sums
        kind = rng.choices(range(5), weights=(8, 5, 4, 1, 1))[0]
        if kind == 0:
            factors.append(names.pop())
        elif kind == 1:
            factors.append(1 - names.pop())
        elif kind == 2:
            factors.append(names.pop() - names.pop())
        elif kind == 3:
            factors.append(rng.choice(names) ** 2)
        else:
            factors.append(sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)))
    for evaluated in (True, False):
        with sp.evaluate(evaluated):
            adjoint = sp.Mul(*factors)
        for local in (rng.choice(names), sp.S.One, rng.choice(names) * rng.choice(names), sp.Integer(2)):
            fast, general = times(adjoint, local), adjoint * local
            assert tree(fast) == tree(general) and str(fast) == str(general)
    for adjoint, local in ((names[0], names[1]), (names[1], names[0]), (names[0], names[0])):
        fast, general = times(adjoint, local), adjoint * local  # a weight's a δ in the document
        assert tree(fast) == tree(general) and str(fast) == str(general)


def test_unevaluated_products_stay_two_factors(tree):
    x, y, z = sp.symbols("x y z", real=True)
    with sp.evaluate(False):
        assert tree(times(x * (1 - y), z)) == tree(x * (1 - y) * z)


def _random_neuron(rng, names):
    """A random sum of symbols and products of two of them, as network builders and formulas give."""
    pool = list(names)
    rng.shuffle(pool)
    terms = []
    while len(pool) >= 2 and len(terms) < 6:
        terms.append(pool.pop() * pool.pop() if rng.random() < 0.7 else pool.pop())
    if rng.random() < 0.2:  # a symbol used twice: the short cut must step aside
        terms.append(rng.choice(names) * rng.choice(pool or names))
    return sp.Add(*terms)


@pytest.mark.parametrize("seed", range(30))
def test_neuron_locals_are_the_walks(seed, tree):
    """The short cut for a neuron's sum against :func:`differentiate`, on random sums."""
    rng = random.Random(seed)
    names = [sp.Symbol(f"s{i}", real=True) for i in range(10)]
    expr = _random_neuron(rng, names)
    found = neuron_locals(expr)
    counts = {s: sum(1 for t in expr.args if s in t.free_symbols) for s in expr.free_symbols}
    if not expr.is_Add or any(c > 1 for c in counts.values()) or \
            any(t.is_Mul and len(t.args) != 2 or t.is_Pow for t in expr.args):
        assert found is None
        return
    assert set(found) == expr.free_symbols
    for symbol, (local, rules) in found.items():
        walked, walked_rules = differentiate(expr, symbol)
        assert tree(local) == tree(walked) and rules == walked_rules


def _random_number(rng):
    """A leaf or node value as the forward pass meets them: exact rationals (0 and 1 among them) and
    Floats of several precisions."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice([sp.S.Zero, sp.S.One, sp.S.NegativeOne, sp.Integer(2)])
    if kind in (1, 2):
        return sp.Rational(rng.randint(-999, 999), rng.randint(1, 999))
    return sp.Float(rng.uniform(-2, 2) * 10 ** rng.randint(-3, 3), rng.choice([15, 30, 50, 80]))


@pytest.mark.parametrize("seed", range(40))
def test_plain_sums_are_the_numbers_xreplace_builds(seed):
    """The forward pass's short cut for w1*a1 + ... + b against the general path, on random sums."""
    rng = random.Random(seed)
    names = [sp.Symbol(f"s{i}", real=True) for i in range(12)]
    rng.shuffle(names)
    pool = iter(names)
    terms = []
    for _ in range(rng.randint(1, 5)):
        terms.append(next(pool) * next(pool) if rng.random() < 0.7 else next(pool))
    expr = sp.Add(*terms)
    values = {s: _random_number(rng) for s in names}
    for candidate in (expr, *terms):
        if not (candidate.is_Add or candidate.is_Symbol):
            continue
        fast, general = sum_value(candidate, values), candidate.xreplace(values)
        assert fast is not None
        assert type(fast) is type(general) and sp.srepr(fast) == sp.srepr(general)
        assert not fast.is_Float or fast._prec == general._prec


def test_plain_sums_leave_other_formulas_and_values_to_the_general_path():
    w, a, b = sp.symbols("w a b", real=True)
    values = {w: sp.Rational(1, 2), a: sp.Float(3, 50), b: sp.Integer(2)}
    assert sum_value(2 * w * a + b, values) is None          # a coefficient
    assert sum_value(w * a * b + 1, values) is None          # three factors
    assert sum_value(w * a + b, {w: sp.pi, a: 1, b: 1}) is None  # not a number the sum may add
    assert sum_value(w * a + b, {w: 1, a: 1}) is None        # b has no value
    assert sum_value(w * a + b, {**values, b: sp.Float("inf")}) is None  # not finite: the general path decides
    with sp.evaluate(False):
        assert sum_value(w * a + b, values) is None
    assert evaluate(w * a + b, values, "z") == sp.Float(3.5, 50)


def test_a_product_of_symbols_prints_as_sympys_own_product():
    """The short path for products of plain symbols gives SymPy's ``_print_Mul`` output exactly: name
    order, separators, and ``\\cdot`` between two printed numbers (a name printed as a number)."""
    rng = random.Random(4)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "b", "L", "price", "z1_2_s3", "lambda1", "e")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("\u2202a1_3"), sp.Symbol("x1")]  # adjoints; an x1 of other assumptions
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "b": "2", "x1": "x_{1}", "\u2202z2_9": "0.001179"}
    compared = 0
    for _ in range(400):
        expr = sp.Mul(*rng.sample(pool, rng.randint(2, 4)))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}, {"names": numbers, "mul_symbol": "dot"}])
        printer = SymbackLatexPrinter(settings)
        if isinstance(expr, sp.Mul):
            compared += 1
            assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr), expr
    assert compared > 300
    assert latex(sym("a1_15") * sp.Symbol("\u2202z2_9"), names={"\u2202z2_9": r"\delta"}) == r"a^{(1)}_{15} \delta"


def test_a_product_of_symbols_and_sums_prints_as_sympys_own_product():
    """The short path for products of symbols and sums (a graph's closed forms, y (1 - y) (y - t))
    gives SymPy's ``_print_Mul`` output exactly, and steps aside for a number factor or a power."""
    rng = random.Random(6)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "y2", "L", "price", "z1_2_s3", "e")]
    pool.append(sp.Symbol("\u2202z2_9"))
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "y2": "2", "\u2202z2_9": "0.001179"}

    def factor():
        kind = rng.randrange(6)
        if kind < 2:
            return rng.choice(pool)
        if kind == 2:
            return 1 - rng.choice(pool)
        if kind == 3:
            return rng.choice(pool) - rng.choice(pool)
        if kind == 4:
            return rng.choice(pool) * rng.choice(pool) + sp.Rational(rng.randint(-3, 3), rng.randint(1, 2))
        return rng.choice([sp.Integer(2), rng.choice(pool) ** 2, sp.Rational(1, 2)])

    short = compared = 0
    for _ in range(600):
        expr = sp.Mul(*(factor() for _ in range(rng.randint(2, 4))))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}, {"names": numbers, "mul_symbol": "dot"}])
        printer = SymbackLatexPrinter(settings)
        if isinstance(expr, sp.Mul):
            compared += 1
            short += is_product_of_sums(expr)
            assert printer.doprint(expr) == LatexPrinter._print_Mul(printer, expr), expr
    assert compared > 400 and 100 < short < compared


def test_a_signed_sum_prints_as_sympys_print_of_its_ordered_terms():
    """_print_Add writes SymPy's loop over the ordered terms itself, where it used to build an
    unevaluated Add of them for SymPy's _print_Add: the same text for random signed sums."""
    class Before(SymbackLatexPrinter):  # the former last step, as the oracle
        def _print_Add(self, expr, order=None):
            chosen = order or self.order
            terms = self._as_ordered_terms(expr, order=order) if chosen in ("old", "none") \
                else _ordered_terms(expr, chosen)
            if symbols_and_products(terms):
                return " + ".join(self._print(t) for t in terms)
            if chosen != "none":
                terms = sorted(terms, key=lambda term: term.could_extract_minus_sign())
            return LatexPrinter._print_Add(self, sp.Add(*terms, evaluate=False), order="none")

    rng = random.Random(8)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "x1", "t", "y2", "price", "e")]
    leaves = pool + [sp.Integer(2), sp.Rational(-3, 4), sp.Float("0.5", 10)]

    def term():
        kind = rng.randrange(6)
        if kind == 0:
            return rng.choice(leaves)
        if kind == 1:
            return -rng.choice(pool)
        if kind == 2:
            return rng.choice(leaves) * rng.choice(pool)
        if kind == 3:
            return rng.choice(pool) ** rng.choice([2, -1, sp.Rational(1, 2)])
        if kind == 4:
            return sp.exp(-rng.choice(pool)) * rng.choice([1, -2])
        return -(rng.choice(pool) + rng.choice(leaves)) * rng.choice(pool)

    for _ in range(500):
        expr = sp.Add(*(term() for _ in range(rng.randint(2, 5))))
        settings = rng.choice([{}, {"mul_symbol": "dot"}, {"names": {"t": r"\left(-0.3\right)", "x1": "0.25"}}])
        assert SymbackLatexPrinter(settings).doprint(expr) == Before(settings).doprint(expr), expr


def test_a_sum_of_symbol_products_prints_as_sympys_own_sum():
    """The short path for sums of symbols and symbol products (sum_k w_kj delta_k, a neuron's input)
    gives what SymPy's ``_print_Add`` gives on the same ordered terms."""
    rng = random.Random(6)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "w2_10_15", "x1", "t", "b", "price", "lambda1")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("\u2202z2_10")]
    numbers = {"a1_15": "0.7467", "t": r"\left(-0.3\right)", "b": "2", "\u2202z2_9": "0.001179"}
    shortcut = 0
    for _ in range(300):
        terms = [sp.Mul(*rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(2, 8))]
        if rng.random() < 0.2:
            terms.append(rng.choice([sp.Integer(-1), sp.Rational(1, 2), -pool[0], 2 * pool[1]]))  # the long path
        expr = sp.Add(*terms)
        if not isinstance(expr, sp.Add):
            continue
        printer = SymbackLatexPrinter(rng.choice([{}, {"mul_symbol": "dot"}, {"names": numbers}]))
        ordered = sorted(expr.as_ordered_terms(), key=lambda term: term.could_extract_minus_sign())
        expected = LatexPrinter._print_Add(printer, sp.Add(*ordered, evaluate=False), order="none")
        assert printer.doprint(expr) == expected, expr
        shortcut += all(t.is_Symbol or t.is_Mul and all(a.is_Symbol for a in t.args) for t in expr.args)
    assert shortcut > 150


def test_term_order_of_symbol_sums_is_sympys():
    """The kept term order computes SymPy's lex order for sums of symbols and symbol products itself;
    it must be ``as_ordered_terms()`` exactly (prefixes, names that sort by their digits, adjoint names)."""
    rng = random.Random(12)
    pool = [sym(n) for n in ("a", "a1", "a1_15", "a1_2", "w2_9_15", "w2_10_15", "x1", "x10", "x2", "b", "Z")]
    pool += [sp.Symbol("\u2202z2_9"), sp.Symbol("dL/dz2_10"), sp.Symbol("x1")]  # the last: x1 of other assumptions
    computed = 0
    for _ in range(1500):
        expr = sp.Add(*(sp.Mul(*rng.sample(pool, rng.randint(1, 4))) for _ in range(rng.randint(2, 9))))
        if not isinstance(expr, sp.Add):
            continue
        computed += lex_ordered(expr) is not None
        assert _ordered_terms(expr, None) == tuple(expr.as_ordered_terms()), expr
    assert computed > 800
