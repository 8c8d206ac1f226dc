"""Every rule in the table against sympy.diff of an independent elementary form of its operation."""
import random

import pytest
import sympy as sp

from symback.engine import functions as fn
from symback.engine.rules import RULES, Conventions, differentiate, notes_for, partial, rule_name

x, y, z, a = sp.symbols("x y z a", real=True)

#: one sample application per operation: (expression, point away from kinks and ties)
SAMPLES = {
    sp.Add: (sp.Add(x, y, z, evaluate=False), {x: 0.3, y: -1.2, z: 2.0}),
    sp.Mul: (sp.Mul(x, y, z, evaluate=False), {x: 0.3, y: -1.2, z: 2.0}),
    sp.Pow: (sp.Pow(x, y, evaluate=False), {x: 1.7, y: 0.6}),
    sp.exp: (sp.exp(x), {x: 0.4}),
    sp.log: (sp.log(x), {x: 2.5}),
    sp.tanh: (sp.tanh(x), {x: -0.7}),
    sp.Abs: (sp.Abs(x), {x: -0.9}),
    sp.Max: (sp.Max(x, y), {x: 0.3, y: -1.2}),
    sp.Min: (sp.Min(x, y), {x: 0.3, y: -1.2}),
    sp.sign: (sp.sign(x), {x: 0.8}),
    fn.sigmoid: (fn.sigmoid(x), {x: 1.5}),
    fn.relu: (fn.relu(x), {x: 0.8}),
    fn.leaky_relu: (fn.leaky_relu(x, a), {x: -0.8, a: 0.1}),
    fn.softplus: (fn.softplus(x), {x: -0.4}),
    fn.step: (fn.step(x), {x: 0.6}),
    fn.softmax: (fn.softmax(2, x, y, z), {x: 0.3, y: -1.2, z: 2.0}),
    fn.Indicator: (fn.Indicator(x, a), {x: -0.5, a: 0.5}),
}


def elementary(expr: sp.Expr) -> sp.Expr:
    """The expression with symback's functions rewritten to exp/log/Piecewise (SymPy's own)."""
    return expr.rewrite(sp.exp).rewrite(sp.Piecewise)


def test_every_rule_has_a_sample_row():
    missing = [op.__name__ for op in RULES if op not in SAMPLES]
    assert not missing, f"add a row to SAMPLES in tests/test_rules.py for: {missing}"


@pytest.mark.parametrize("op", list(RULES), ids=lambda op: op.__name__)
def test_rule_partials_equal_sympy_diff(op):
    expr, point = SAMPLES[op]
    assert type(expr) is op
    reference = elementary(expr)
    for i, arg in enumerate(expr.args):
        if not isinstance(arg, sp.Symbol):
            continue  # e.g. the integer index of softmax
        mine = partial(expr, i).subs(point)
        theirs = sp.diff(reference, arg).subs(point)
        assert float(sp.N(mine, 30)) == pytest.approx(float(sp.N(theirs, 30)), rel=1e-12, abs=1e-15), \
            f"{op.__name__}: partial {i} is {partial(expr, i)}"


@pytest.mark.parametrize("op", list(RULES), ids=lambda op: op.__name__)
def test_rule_at_random_points(op):
    expr, point = SAMPLES[op]
    reference = elementary(expr)
    rng = random.Random(op.__name__)
    for _ in range(5):
        moved = {s: v + rng.uniform(-0.2, 0.2) for s, v in point.items()}
        for i, arg in enumerate(expr.args):
            if isinstance(arg, sp.Symbol):
                mine = float(sp.N(partial(expr, i).subs(moved), 30))
                theirs = float(sp.N(sp.diff(reference, arg).subs(moved), 30))
                assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_textbook_forms():
    s = fn.sigmoid(x)
    assert partial(s, 0) == s * (1 - s)
    assert partial(sp.tanh(x), 0) == 1 - sp.tanh(x) ** 2
    assert partial(fn.softplus(x), 0) == fn.sigmoid(x)
    assert partial(fn.relu(x), 0) == fn.Indicator(x, 0)
    assert partial(fn.softmax(1, x, y), 1) == fn.softmax(1, x, y) * (1 - fn.softmax(1, x, y))
    assert partial(fn.softmax(1, x, y), 2) == -fn.softmax(1, x, y) * fn.softmax(2, x, y)


def test_relu_convention_is_configurable():
    zero = sp.Integer(0)
    assert partial(fn.relu(x), 0, Conventions(relu_at_zero=sp.Rational(1, 2))).subs(x, zero) == sp.Rational(1, 2)
    assert partial(fn.relu(x), 0).subs(x, zero) == 0


def test_sympy_diff_of_our_functions_uses_the_table():
    assert sp.diff(fn.sigmoid(x), x) == fn.sigmoid(x) * (1 - fn.sigmoid(x))


def test_differentiate_names_rules_outermost_first():
    derivative, rules = differentiate(fn.sigmoid(x * y + z), x)
    assert derivative == y * fn.sigmoid(x * y + z) * (1 - fn.sigmoid(x * y + z))
    assert rules == ("logistic derivative", "sum rule", "product rule")
    assert rule_name(x ** 2) == "power rule" and rule_name(2 ** x) == "exponential rule"


def test_missing_rule_names_the_table():
    from symback.engine.errors import RuleError
    with pytest.raises(RuleError, match="symback.engine.rules.RULES"):
        differentiate(sp.sin(x), x)


def _walk_by_accumulation(expr, symbol, conventions=Conventions()):
    """The reference: the chain-rule walk adding partial x inner to zero, argument by argument."""
    used = []

    def walk(e):
        if e == symbol:
            return sp.S.One
        if symbol not in e.free_symbols:
            return sp.S.Zero
        if rule_name(e) not in used:
            used.append(rule_name(e))
        total = sp.S.Zero
        for i, arg in enumerate(e.args):
            inner = walk(arg)
            if inner != 0:
                total += partial(e, i, conventions) * inner
        return total

    return walk(expr), tuple(used)


def test_the_walk_gives_what_adding_each_partial_to_zero_gives():
    """differentiate skips the arguments without the symbol, multiplications by 1 and the running sum
    (a neuron's inputs and weights: one term, as it is); the expressions and rule names must be those
    of the plain accumulation, on every example's edges and random formulas."""
    import symback
    from symback.engine.examples import example_names

    cases = []
    for name in example_names():
        graph = getattr(symback.solve(symback.load_example(name), check=False), "graph", None)
        if graph is not None:
            cases += [(n.expr, graph.symbols[p]) for n in graph.nodes if n.expr is not None for p in n.parents]
    rng = random.Random(3)
    pool = sp.symbols("w1 w2 x1 x2 b t", real=True)
    for _ in range(400):
        terms = [sp.Mul(*rng.sample(pool, rng.randint(1, 3))) * rng.choice([1, 1, 2, -1, sp.Rational(1, 2)])
                 for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.4:
            terms.append(rng.choice([rng.choice(pool) ** 2 + sp.exp(rng.choice(pool)),
                                     fn.sigmoid(rng.choice(pool) * rng.choice(pool)) * rng.choice(pool),
                                     sp.log(1 + rng.choice(pool) ** 2) / (2 + rng.choice(pool) ** 2)]))
        expr = sp.Add(*terms)
        cases += [(expr, s) for s in expr.free_symbols] + [(expr, sp.Symbol("absent", real=True))]
    assert len(cases) > 1000
    for e, s in cases:
        assert differentiate(e, s) == _walk_by_accumulation(e, s), (e, s)


def test_notes_are_objects_that_name_their_rule():
    """A derivation's notes carry the rule's name and its note; their text is what the JSON states."""
    notes = notes_for(fn.relu(x) + sp.Abs(y) + fn.relu(z))
    assert sorted(n.rule for n in notes) == ["ReLU derivative", "absolute value derivative"]  # each rule once
    assert "absolute value derivative: |x|' = sign(x), taken as 0 at x = 0" in [str(n) for n in notes]
    assert notes_for(x * y + fn.sigmoid(z)) == ()
