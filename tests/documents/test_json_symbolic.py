"""The JSON's symbolic block: adjoint (δ) forms against the engine's closed forms, by mpmath at random points."""
import random
import re

import mpmath
import pytest
import sympy as sp

import symback
import symback.documents.json_symbolic as json_symbolic

def _value(text: str, point: dict, loss: str) -> mpmath.mpf:
    """A JSON formula (adjoints ``dL/dname`` read as ``D_name``) at ``point``, evaluated by mpmath."""
    expr = symback.parse_formula(re.sub(rf"d{loss}/d(\w+)", r"D_\1", text), None).expr
    return mpmath.mpf(sp.Float(expr.xreplace({s: point[s.name] for s in expr.free_symbols}).evalf(40), 40)._mpf_)


@pytest.mark.parametrize("name", ["neuron", "mazur_222", "perceptron", "fruit", "apple", "chain_square", "xor_sigmoid"])
def test_adjoint_forms_equal_the_closed_forms_at_random_points(name):
    s = symback.solve(symback.load_example(name), check=False)
    assert not s.derivation.assumptions  # the closed forms are identities in the node symbols
    data = s.to_json(closed_forms="all")["symbolic"]
    graph = s.graph
    rng = random.Random(7)
    for _ in range(3):  # every node and leaf symbol an independent random number: an identity must hold anyway
        point = {n.name: sp.Float(rng.uniform(0.1, 0.9), 40) for n in graph.nodes}
        with mpmath.workdps(40):
            for node in reversed(graph.nodes):  # reverse topological: a node's users come first
                point[f"D_{node.name}"] = sp.Float(_value(data["adjoints"][node.name], point, graph.loss), 40)
                closed = _value(data["gradients"][node.name], point, graph.loss)
                assert abs(point[f"D_{node.name}"] - closed) <= mpmath.mpf(10) ** -30 * (1 + abs(closed)), node.name


def test_adjoint_forms_are_sums_over_the_users():
    s = symback.solve(symback.load_example("mazur_222"), check=False)
    data = s.to_json()["symbolic"]
    assert data["adjoints"]["w1_1_2"] == "dL/dz1_1*x2"
    assert data["adjoints"]["a1_1"] == "dL/dz2_1*w2_1_1 + dL/dz2_2*w2_2_1"
    assert data["adjoints"]["L"] == "1"
    assert data["latex"]["adjoints"]["w1_1_2"] == r"\frac{\partial L}{\partial z^{(1)}_{1}} \cdot x_{2}"
    # small closed forms are still written out in full, as before
    assert data["gradient_forms"]["w1_1_2"] == "closed" and data["gradients"]["w1_1_2"] == str(s.gradient("w1_1_2"))


def test_large_closed_forms_give_way_to_adjoint_forms(monkeypatch):
    s = symback.solve(symback.load_example("mazur_222"), check=False)
    monkeypatch.setattr(json_symbolic, "CLOSED_FORM_NODES", 20)
    data = s.to_json()["symbolic"]
    assert data["closed_form_nodes"] == 20
    assert data["gradient_forms"]["w1_1_2"] == "adjoint" and data["gradients"]["w1_1_2"] == "dL/dz1_1*x2"
    assert data["latex"]["gradients"]["w1_1_2"] == data["latex"]["adjoints"]["w1_1_2"]
    assert data["gradient_forms"]["w2_1_1"] == "closed"  # a1_1*y1*(1 - y1)*(y1 - t1) is small
    every = s.to_json(closed_forms="all")["symbolic"]
    assert set(every["gradient_forms"].values()) == {"closed"} and every["closed_form_nodes"] is None
    with pytest.raises(ValueError, match="closed_forms"):
        s.to_json(closed_forms="some")


def test_derive_closed_forms_option(capsys):
    from symback.cli import main
    assert main(["derive", "--example", "neuron", "--closed-forms", "all", "-o", "-"]) == 0
    import json
    data = json.loads(capsys.readouterr().out)
    assert data["symbolic"]["closed_form_nodes"] is None and data["symbolic"]["adjoints"]["w1"] == "dL/dl1*i1"
