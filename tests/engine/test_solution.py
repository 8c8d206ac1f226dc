"""solution: a solved problem's values, gradients and updates (exact after one step, float64 after several), its
gradient in two forms, and its compiled programs."""
import math

import pytest
import sympy as sp

from symback.engine.examples import load_example
from symback.engine.expr import symbol
from symback.engine.solution import solve_spec
from symback.engine.spec_reader import spec_from_dict

LINE = {"loss": "L", "inputs": {"x": 2, "t": 1}, "params": {"w": 0.5}, "nodes": {"y": "w*x", "L": "(y - t)^2"}}


def test_a_solution_without_a_learning_rate_has_no_update_or_history():
    s = solve_spec(spec_from_dict(LINE, source="dir/line.toml"))
    assert s.title == "line" and s.loss == 0 and s.gradients["w"] == 0  # y = 1 = t
    assert s.updated == {} and s.history == () and s.training is None


def test_one_step_is_exact_and_several_are_float64():
    one = solve_spec(spec_from_dict({**LINE, "params": {"w": 1}, "learning_rate": 0.125}))
    # L = (2w - 1)^2, dL/dw = 4(2w - 1) = 4 at w = 1; w' = 1 - 0.125 * 4 = 1/2
    assert one.gradients["w"] == 4 and one.updated == {"w": sp.Rational(1, 2)}
    many = solve_spec(spec_from_dict({**LINE, "params": {"w": 1}, "learning_rate": 0.125, "steps": 3}))
    w, losses = 1.0, []
    for _ in range(3):
        losses.append((2 * w - 1) ** 2)
        w -= 0.125 * 4 * (2 * w - 1)
    losses.append((2 * w - 1) ** 2)
    assert list(many.history) == pytest.approx(losses) and many.updated["w"] == pytest.approx(w)
    assert isinstance(many.updated["w"], float) and math.isclose(many.history[0], 1.0)


def test_a_gradient_in_node_symbols_or_in_leaves():
    s = solve_spec(spec_from_dict(LINE))
    w, x, y, t = (symbol(n) for n in "wxyt")
    assert sp.expand(s.gradient("w") - 2 * x * (y - t)) == 0
    assert sp.expand(s.gradient("w", form="leaves") - 2 * x * (w * x - t)) == 0
    assert s.chain("w") == "dL/dy * dy/dw"
    with pytest.raises(ValueError, match="form must be 'nodes' or 'leaves'"):
        s.gradient("w", form="closed")


def test_the_compiled_programs():
    s = solve_spec(spec_from_dict(LINE))
    loss, grads = s.compiled()({"x": 2.0, "t": 1.0, "w": 1.0})
    assert loss == 1.0 and grads["w"] == 4.0  # 2x(wx - t)
    with pytest.raises(ValueError, match="needs a dense network spec; use compiled"):
        s.compiled_network()
    with pytest.raises(ValueError, match="a convolutional one: symback.conv_forward_backward"):
        solve_spec(load_example("conv1d")).compiled_network()
    net = solve_spec(load_example("mazur_222"))
    assert callable(net.compiled_network())
