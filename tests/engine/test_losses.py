"""Losses: the multiclass hinge (CS231n's SVM loss) by hand and against torch.nn.functional.multi_margin_loss on
200 random networks; where it is refused."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given
from layers_torch import CASES, assert_matches, networks, solve_cached, torch_layers

import symback
from symback.engine.errors import SpecError
from symback.engine.losses import LOSSES


def test_multiclass_hinge_is_cs231ns_svm_loss_by_hand():
    """Scores (3.2, 5.1, -1.7), true class 1: max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9 (CS231n's cat)."""
    s = [sp.Rational(32, 10), sp.Rational(51, 10), sp.Rational(-17, 10)]
    assert LOSSES["multiclass_hinge"].build(s, [1, 0, 0]) == sp.Rational(29, 10)
    assert LOSSES["multiclass_hinge"].build(s, [0, 1, 0]) == 0            # the margin is met: 5.1 − 3.2 ≥ 1
    assert LOSSES["multiclass_hinge"].build(s, [0, 0, 1]) == sp.Rational(59, 10) + sp.Rational(78, 10)  # 3.2 + 1.7 + 1, 5.1 + 1.7 + 1


@CASES
@given(networks("activation", loss="multiclass_hinge"))
def test_multiclass_hinge_vs_torch_multi_margin_loss(case):
    layers, values = case
    spec = {"network": {"layers": layers, "loss": "multiclass_hinge", "values": values}}
    assert_matches(solve_cached(spec), torch_layers(layers, values, "multiclass_hinge"))


def test_multiclass_hinge_takes_one_hot_targets_in_the_layers_form_only():
    values = {"x": [1.0], "t": [0, 1], "W1": [[1.0], [2.0]], "b1": [0, 0]}
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [1, 2], "loss": "multiclass_hinge", "values": values}})
    assert error.value.where.endswith("network.loss") and "layers-list" in error.value.message
    with pytest.raises(SpecError) as error:
        symback.spec_from_dict({"network": {"layers": [1, {"dense": 2}], "loss": "multiclass_hinge",
                                            "values": {**values, "t": [0.5, 0.5]}}})
    assert error.value.where.endswith("network.values.t[0]") and "one-hot" in error.value.message


def test_a_margin_met_exactly_has_gradient_zero_as_in_torch():
    """Scores (1, 0, 0.75), true class 1: the margin of class 2 is exactly 0; torch gives it no gradient."""
    layers, values = [2, {"dense": 3}], {"x": [1.0, 2.0], "t": [1, 0, 0], "W1": [[0.5, 0.25], [0.75, -0.5], [-0.25, 0.5]],
                                         "b1": [0.0, 0.25, 0.0]}
    solution = symback.solve(symback.spec_from_dict({"network": {"layers": layers, "loss": "multiclass_hinge", "values": values}}))
    loss, grads = torch_layers(layers, values, "multiclass_hinge")
    assert float(solution.loss) == pytest.approx(loss)
    assert solution.gradients["b1_2"] == 0 and grads["b1_2"] == 0.0
    for name in ("x1", "x2", "b1_1", "b1_3", "w1_1_2"):
        assert float(solution.gradients[name]) == pytest.approx(grads[name], rel=1e-12)


def test_the_hinge_example_against_torch():
    """examples/hinge.toml: a linear classifier, multiclass hinge loss plus weight decay 0.1."""
    from layers_torch import torch_layers

    spec = symback.load_example("hinge")
    values = {"x": [[1.0, 2.0], [-1.0, 0.5]], "t": [[1, 0, 0], [0, 0, 1]],
              "W1": [[0.5, 0.25], [0.75, -0.5], [-0.25, 0.5]], "b1": [0.0, 0.1, 0.0]}
    assert [[float(v) for v in row] for row in spec.network.x] == values["x"]  # the example's own numbers
    assert_matches(symback.solve(spec), torch_layers([2, {"dense": 3}], values, "multiclass_hinge", 0.1))
