"""Numbers: exact where rational, high precision otherwise, updates, gradient check, errors."""
import pytest
import sympy as sp

import symback
from symback.engine.errors import EvaluationError


def test_toml_floats_become_exact_rationals():
    s = symback.solve(symback.load_example("mazur_222"))
    assert s.values["x1"] == sp.Rational(1, 20) and s.values["w1_1_1"] == sp.Rational(3, 20)


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
