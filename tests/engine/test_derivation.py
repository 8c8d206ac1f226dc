"""derivation: the chain of factors per path, a node's gradient in node symbols, and the numbers kept apart;
a gradient and its chain of factors refuse an unknown name alike."""
import pytest
import sympy as sp

import symback
from symback import backprop, build_graph, chain_text, spec_from_dict, substitute

FAN_OUT = {"loss": "L", "inputs": {"x": 2}, "params": {"w": 3},
           "nodes": {"a": "w*x", "b": "a^2", "c": "sigmoid(a)", "L": "b + c", "u": "w + 1"}}


def derivation(data=FAN_OUT):
    return backprop(build_graph(spec_from_dict(data)))


def test_the_chain_names_every_path_from_the_loss_in_order():
    d = derivation()
    assert chain_text(d, "w") == "dL/db * db/da * da/dw + dL/dc * dc/da * da/dw"
    assert chain_text(d, "b") == "dL/db" and chain_text(d, "u") == "0"  # u does not reach the loss


def test_many_paths_are_written_one_step_deep():
    """Three layers of fan-out (2 x 2 x 2 = 8 paths to x) stay within the limit of 8; a fourth makes 16."""
    nodes = {"p1": "x", "p2": "x", "q1": "p1 + p2", "q2": "p1 - p2", "r1": "q1 + q2", "r2": "q1*q2",
             "L": "r1 + r2"}
    d = derivation({"loss": "L", "inputs": {"x": 1}, "nodes": nodes})
    assert chain_text(d, "x").count(" + ") == 7
    nodes |= {"s1": "r1 + r2", "s2": "r1*r2", "L": "s1 + s2"}
    d = derivation({"loss": "L", "inputs": {"x": 1}, "nodes": nodes})
    assert chain_text(d, "x") == "dL/dp1 * dp1/dx + dL/dp2 * dp2/dx"


def test_a_gradient_is_in_node_symbols_and_zero_off_the_loss():
    d = derivation()
    a, b, c = (sp.Symbol(n, real=True) for n in "abc")
    assert sp.simplify(d.gradient("a") - (2 * a + c * (1 - c))) == 0  # db/da + dc/da, σ' = σ(1 - σ) in c
    assert d.gradient("u") == 0 and set(d.by_node) == {"L", "b", "c", "a", "w", "x"}


def test_numbers_come_as_a_new_derivation():
    d = derivation()
    numbered = substitute(d)
    assert d.numbers is None and numbered.steps == d.steps and numbered.numbers is not None
    assert numbered.numbers.values["a"] == 6 and numbered.numbers.gradients["b"] == 1


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
