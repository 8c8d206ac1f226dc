"""Numbers: exact where rational, high precision otherwise, updates, gradient check, errors."""
import pytest
import sympy as sp

import symback
from symback.engine.errors import EvaluationError
from symback.engine.examples import example_names


def test_precision_is_carried_and_configurable():
    s = symback.solve(symback.load_example("neuron"), precision=80)
    o = s.values["o"]
    exact = 1 / (1 + sp.exp(-sp.Rational(3, 2)))
    assert abs(o - exact.evalf(90)) < sp.Float(10) ** -78


def test_update_uses_old_gradients_and_respects_frozen():
    spec = {"loss": "L", "learning_rate": 0.25, "frozen": ["b"], "inputs": {"x": 2}, "params": {"w": 1, "b": 1},
            "nodes": {"L": "(w*x + b)^2"}}
    s = symback.solve(spec)
    # dL/dw = 2(wx + b)x = 12, dL/db = 2(wx + b) = 6
    assert s.gradients["w"] == 12 and s.gradients["b"] == 6
    assert s.updated == {"w": 1 - sp.Rational(1, 4) * 12, "b": 1}


def test_gradient_check_covers_every_leaf():
    s = symback.solve(symback.load_example("softmax_233_graph"))
    assert set(s.numbers.check) == set(s.graph.inputs + s.graph.params)
    assert max(c.relative_error for c in s.numbers.check.values()) < 1e-20


@pytest.mark.parametrize("formula, message", [("log(x - 2)", "undefined"), ("1/(x - 2)", "undefined"),
                                              ("sqrt(1 - x)", "not a real number")])
def test_undefined_values_name_the_node(formula, message):
    with pytest.raises(EvaluationError) as info:
        symback.solve({"loss": "L", "inputs": {"x": 2}, "nodes": {"L": formula}})
    assert info.value.line().startswith("<spec>: nodes.L: ") and message in info.value.line()


def test_relu_at_zero_convention_reaches_the_numbers():
    base = {"loss": "L", "inputs": {"x": 0}, "params": {"w": 1}, "nodes": {"a": "relu(w*x) + w", "L": "a"}}
    assert symback.solve(base).gradients["x"] == 0
    assert symback.solve(base | {"relu_at_zero": 0.5}).gradients["x"] == sp.Rational(1, 2)


def _mlp(n: int, seed: int = 0) -> dict:
    """An [n, n, n] sigmoid MLP spec with seeded values (more leaves than a per-leaf check takes)."""
    import random
    rng = random.Random(seed)
    u = lambda: round(rng.uniform(-1, 1), 3)
    values = {"x": [u() for _ in range(n)], "t": [abs(u()) for _ in range(n)]}
    for l in (1, 2):
        values[f"W{l}"] = [[u() for _ in range(n)] for _ in range(n)]
        values[f"b{l}"] = [u() for _ in range(n)]
    return {"network": {"layers": [n, n, n], "activation": "sigmoid", "bias": "neuron", "loss": "half_sse",
                        "values": values}}


@pytest.mark.parametrize("name", [n for n in example_names() if n not in ("regression",)] + ["mlp8"])
def test_compiled_evaluator_matches_the_exact_forward_pass(name):
    """The loss program (leaves as one vector, sums and products of symbols printed directly) against
    SymPy's exact forward pass at 80 digits, on every example and an 8-8-8 network."""
    import mpmath
    from symback.engine.mp_program import leaf_order, mp_point, mpmath_loss
    spec = symback.spec_from_dict(_mlp(8)) if name == "mlp8" else symback.load_example(name)
    s = symback.solve(spec, precision=80, check=False)
    if getattr(s, "graph", None) is None:
        pytest.skip(f"{name} has no graph")
    with mpmath.workdps(60):
        value = mpmath_loss(s.graph)(*mp_point(s.graph, s.graph.point, 60))
        exact = s.numbers.values[s.graph.loss]  # SymPy's evaluation of the same point (substitute, 80 digits)
        exact = mpmath.mpf(exact.p) / exact.q if exact.is_Rational else mpmath.mpf(exact._mpf_)
        assert abs(value - exact) <= mpmath.mpf(10) ** -55 * (1 + abs(exact))
    assert leaf_order(s.graph) == s.graph.inputs + s.graph.params


def test_large_graph_check_is_directional_and_sampled():
    from symback.engine.substitute import DIRECTIONS, PER_LEAF_LEAVES, SAMPLED_LEAVES
    s = symback.solve(_mlp(8))
    leaves = s.graph.inputs + s.graph.params
    assert len(leaves) > PER_LEAF_LEAVES
    assert len(s.numbers.directions) == DIRECTIONS and len(s.numbers.check) == SAMPLED_LEAVES
    assert set(s.numbers.check) <= set(leaves)
    assert max(c.relative_error for c in (*s.numbers.check.values(), *s.numbers.directions)) < 1e-20
    data = s.to_json()["gradient_check"]
    assert data["agrees"] and len(data["directions"]) == DIRECTIONS and "random directions" in data["method"]


@pytest.mark.parametrize("leaf, factor", [("w1_3_5", 1 + 1e-6), ("b2_7", -1), ("x2", 1.001)])
def test_check_catches_one_wrong_gradient_in_a_large_graph(leaf, factor):
    from symback.engine.derivation import CHECK_TOLERANCE
    from symback.engine.substitute import check_gradients
    s = symback.solve(_mlp(8), check=False)
    right, directions = check_gradients(s.graph, s.gradients)
    assert leaf not in right  # not in the random sample: the directions alone must catch it
    assert max(c.relative_error for c in (*right.values(), *directions)) < 1e-20
    wrong = dict(s.gradients)
    wrong[leaf] = wrong[leaf] * sp.Float(factor, 50)
    assert wrong[leaf] != s.gradients[leaf]
    per_leaf, directions = check_gradients(s.graph, wrong)
    caught = [c for c in directions if c.relative_error > CHECK_TOLERANCE]
    assert len(caught) == len(directions)  # every direction sees it


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
    import random

    from symback.engine.substitute import _plain_value

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
        fast, general = _plain_value(candidate, values), candidate.xreplace(values)
        assert fast is not None
        assert type(fast) is type(general) and sp.srepr(fast) == sp.srepr(general)
        assert not fast.is_Float or fast._prec == general._prec


def test_plain_sums_leave_other_formulas_and_values_to_the_general_path():
    from symback.engine.substitute import _plain_value, evaluate

    w, a, b = sp.symbols("w a b", real=True)
    values = {w: sp.Rational(1, 2), a: sp.Float(3, 50), b: sp.Integer(2)}
    assert _plain_value(2 * w * a + b, values) is None          # a coefficient
    assert _plain_value(w * a * b + 1, values) is None          # three factors
    assert _plain_value(w * a + b, {w: sp.pi, a: 1, b: 1}) is None  # not a number the sum may add
    assert _plain_value(w * a + b, {w: 1, a: 1}) is None        # b has no value
    assert _plain_value(w * a + b, {**values, b: sp.Float("inf")}) is None  # not finite: the general path decides
    with sp.evaluate(False):
        assert _plain_value(w * a + b, values) is None
    assert evaluate(w * a + b, values, "z") == sp.Float(3.5, 50)
