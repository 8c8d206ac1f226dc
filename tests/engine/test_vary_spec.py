"""vary_spec: the [vary] table read exactly (ranges, choices, nonzero), and each bad entry one line naming its key."""
import pytest
import sympy as sp

import symback


def test_vary_table_is_read_exactly(neuron_exercise):
    draws = {d.name: d for d in neuron_exercise().vary.draws}
    assert draws["w1"].values[0] == -1 and draws["w1"].values[-1] == 1 and len(draws["w1"].values) == 21
    assert sp.Rational(1, 10) in draws["w1"].values  # exact decimals, not floats
    assert draws["w2"].values == (sp.Rational(1, 5), sp.Rational(2, 5))
    assert neuron_exercise().vary.digits == 3 and neuron_exercise().vary.avoid_kinks is True


def test_min_abs_is_read_exactly_and_defaults_to_zero(neuron_exercise):
    assert neuron_exercise().vary.min_abs == 0
    assert neuron_exercise(vary={"w1": {"choices": [1]}, "min_abs": 0.0001}).vary.min_abs == sp.Rational(1, 10000)


def test_nonzero_removes_zero_from_the_candidates(neuron_exercise):
    s = neuron_exercise(vary={"w1": {"from": -1, "to": 1, "step": 0.5, "nonzero": True}})
    assert s.vary.draws[0].values == (-1, sp.Rational(-1, 2), sp.Rational(1, 2), 1)


@pytest.mark.parametrize("vary, where, words", [
    ({"w1": {"from": 1, "to": -1, "step": 0.1}}, "vary.w1", "is empty"),
    ({"w1": {"from": -1, "to": 1, "step": 0.3}}, "vary.w1.step", "does not divide"),
    ({"w1": {"from": -1, "to": 1, "step": 0}}, "vary.w1.step", "must be positive"),
    ({"w1": {"choices": [0], "nonzero": True}}, "vary.w1.nonzero", "no value other than 0"),
    ({"w1": {"choices": []}}, "vary.w1.choices", "non-empty list"),
    ({"w1": {"from": -1, "to": 1}}, "vary.w1.step", "missing"),
    ({"w1": {"from": 0, "to": 1, "stp": 0.1}}, "vary.w1.stp", "unknown key"),
    ({"w1": {"choices": [1], "from": 0}}, "vary.w1", "give one of"),
    ({"t": {"one_hot": 1}}, "vary.t.one_hot", "length"),
    ({"w1": 0.5}, "vary.w1", "expected a table"),
    ({"digits": 0, "w1": {"choices": [1]}}, "vary.digits", "1 to 10"),
    ({"digits": 3}, "vary", "varies nothing"),
    ({"min_abs": -0.1, "w1": {"choices": [1]}}, "vary.min_abs", "0 or more"),
    ({"min_abs": "small", "w1": {"choices": [1]}}, "vary.min_abs", "expected a number"),
])
def test_bad_vary_tables_name_the_key(vary, where, words, neuron_exercise):
    with pytest.raises(symback.SpecError) as exc:
        neuron_exercise(vary=vary)
    assert exc.value.where == f"ex.toml: {where}" and words in exc.value.message
    assert "\n" not in exc.value.line()
