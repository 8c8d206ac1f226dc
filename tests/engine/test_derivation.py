"""The derivation's lookups: a gradient and its chain of factors refuse an unknown name alike."""
import pytest

import symback


def test_chain_and_gradient_refuse_an_unknown_name_alike(solved):
    sol = solved("neuron")
    for lookup in (sol.gradient, sol.chain):
        with pytest.raises(KeyError, match="no node, input or parameter named 'foo'"):
            lookup("foo")
    assert sol.chain("w1") == "dL/do * do/dl1 * dl1/dw1"


def test_a_name_off_the_loss_path_has_the_chain_0():
    sol = symback.solve({"loss": "L", "inputs": {"x": 2}, "params": {"w": 3, "u": 1},
                         "nodes": {"L": "w*x", "side": "u*x"}})
    assert sol.chain("u") == "0" and sol.gradient("u") == 0
