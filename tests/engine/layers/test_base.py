"""The layer registry: every kind is registered by its module, reads its own table, and names its outputs."""
from __future__ import annotations

import sympy as sp

import symback
from symback.engine.layers.base import LAYER_KINDS, Place


def test_every_layer_module_registers_its_kind():
    assert {"dense", "batchnorm", "layernorm", "dropout"} <= set(LAYER_KINDS)
    assert all(kind.name in kind.summary for kind in LAYER_KINDS.values())  # the errors list them by their summary


def test_outputs_are_named_per_layer_and_y_in_the_last():
    made = []
    place = Place(3, ("_s1", "_s2"), lambda name, expr: made.append(name), last=False)
    assert place.output("z", 2, 1) == "z3_2_s2"
    assert Place(3, ("",), place.node, last=True).output("z", 2, 0) == "y2"


def test_an_unknown_kind_lists_the_registered_ones():
    try:
        symback.spec_from_dict({"network": {"layers": [1, {"dense": 1, "relu": 1}], "loss": "sse",
                                            "values": {"x": [1.0], "t": [1.0]}}})
    except symback.SpecError as error:
        assert all(kind.summary in error.fix for kind in LAYER_KINDS.values())
    else:
        raise AssertionError("two kinds in one entry were read")


def test_each_layer_builds_over_the_whole_batch():
    """The walk hands a layer every sample at once: a layer sees the batch (batch normalisation needs it)."""
    spec = symback.spec_from_dict({"network": {"layers": [1, {"dense": 1}, "tanh"], "loss": "sse",
                                               "values": {"x": [[1.0], [2.0]], "t": [[0.0], [1.0]], "W1": [[1.0]], "b1": [0]}}})
    solution = symback.solve(spec)
    assert abs(solution.values["y1_s2"] - sp.tanh(2).evalf(50)) < sp.Float("1e-45")
