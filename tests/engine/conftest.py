"""What the exercise tests share: seed 000's neuron with [vary] and [ask] tables."""
import pytest

import symback

NEURON = {
    "loss": "L", "learning_rate": 1,
    "inputs": {"i1": 2, "i2": 5, "t": 0}, "params": {"w1": 0.5, "w2": 0.1},
    "nodes": {"l1": "w1*i1 + w2*i2", "o": "sigmoid(l1)", "L": "(t - o)^2"},
    "vary": {"w1": {"from": -1, "to": 1, "step": 0.1}, "w2": {"choices": [0.2, 0.4]}, "t": {"choices": [0, 1]}},
    "ask": {"values": ["o"], "gradients": ["w1", "w2"], "updated": ["w1"]},
}


def _spec(**changes):
    """The neuron exercise, with ``changes`` to its top-level keys, as read from ``ex.toml``."""
    data = {**NEURON, **changes}
    return symback.spec_from_dict(data, source="ex.toml")


@pytest.fixture
def neuron_exercise():
    """``neuron_exercise(**changes)``: seed 000's neuron exercise read as a spec (``vary=...`` replaces its [vary] table)."""
    return _spec
