"""Multi-step SGD on the compiled path, checked against the exact one-step path."""
from dataclasses import replace

import pytest

import symback


def test_one_compiled_step_equals_the_exact_update():
    s = symback.solve(symback.load_example("softmax_233"))
    training = symback.train(s.derivation, steps=1)
    for p, value in s.numbers.updated.items():
        assert training.params[p] == pytest.approx(float(value), rel=1e-12, abs=1e-15)
    assert training.history[0] == pytest.approx(float(s.loss), rel=1e-12)


def test_history_follows_repeated_exact_steps():
    spec = symback.load_example("perceptron")
    training = symback.train(symback.solve(spec).derivation, steps=3)
    params = dict(spec.params)
    for k in range(4):
        exact = symback.solve(replace(spec, params=tuple(params.items())), check=False)
        assert training.history[k] == pytest.approx(float(exact.loss), rel=1e-12)
        params = {p: exact.numbers.updated[p] for p in params}


def test_frozen_parameters_do_not_move():
    spec = replace(symback.load_example("mazur_222"), steps=5)
    s = symback.solve(spec, check=False)
    assert s.updated["b1"] == pytest.approx(0.35) and s.updated["b2"] == pytest.approx(0.60)
    assert len(s.history) == 6 and s.history[-1] < s.history[0]


def test_mazur_ten_thousand_steps():
    # Published: 0.0000351085 after 10,000 iterations (computed there with rounded intermediates).
    s = symback.solve(replace(symback.load_example("mazur_222"), steps=10_000), check=False)
    assert s.history[1] == pytest.approx(0.291027924, rel=1e-6)
    assert s.history[-1] == pytest.approx(0.0000351085, rel=2e-3)
