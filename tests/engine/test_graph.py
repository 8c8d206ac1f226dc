"""graph: nodes in any order sorted, cycles and self-use refused by their path, parents, the loss's ancestors,
and node symbols expanded to their formulas."""
import pytest
import sympy as sp

from symback import build_graph, expand_nodes, spec_from_dict
from symback.engine.errors import SpecError
from symback.engine.expr import symbol


def graph(nodes, loss="L", inputs=None, params=None):
    return build_graph(spec_from_dict({"loss": loss, "inputs": inputs or {"x": 2}, "params": params or {"w": 3},
                                       "nodes": nodes}, source="g.toml"))


def test_nodes_in_any_order_come_after_what_they_use_and_leaves_first():
    g = graph({"L": "b + u", "b": "a^2", "a": "w*x", "u": "a + 1"})
    names = [n.name for n in g.nodes]
    assert names[:2] == ["x", "w"] and g.inputs == ("x",) and g.params == ("w",)
    for node in g.nodes:
        assert all(names.index(p) < names.index(node.name) for p in node.parents)
    assert g.node("b").parents == ("a",) and g.node("L").parents == ("b", "u")


def test_a_cycle_is_refused_by_its_path():
    with pytest.raises(SpecError) as refused:
        graph({"a": "w*c", "b": "a + x", "c": "b^2", "L": "c"})
    message = str(refused.value)
    assert "form a cycle" in message and "\n" not in message and message.startswith("g.toml: nodes.")
    cycle = message.split("the nodes ")[1].split(" form")[0].split(" -> ")
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}


def test_a_node_that_uses_itself_is_refused():
    with pytest.raises(SpecError, match=r"g.toml: nodes.a: 'a' uses itself in 'a \+ x'"):
        graph({"a": "a + x", "L": "a"})


def test_a_long_chain_is_not_a_recursion_problem():
    nodes = {f"n{i}": f"n{i - 1} + 1" for i in range(1, 3000)} | {"n0": "w*x", "L": "n2999"}
    names = [n.name for n in graph(nodes).nodes]
    assert names.index("n0") < names.index("n1") < names.index("n2999") < names.index("L")


def test_the_losss_ancestors_and_the_expansion_to_leaves():
    g = graph({"a": "w*x", "b": "a^2", "u": "w + 1", "L": "b + a"})
    assert g.ancestors_of_loss == {"L", "b", "a", "w", "x"}
    w, x = symbol("w"), symbol("x")
    assert expand_nodes(g, symbol("b") * symbol("u")) == (w * x) ** 2 * (w + 1)
    assert sp.simplify(expand_nodes(g, g.node("L").expr) - ((w * x) ** 2 + w * x)) == 0
    with pytest.raises(KeyError, match="no node, input or parameter named 'q'"):
        g.node("q")
