"""The compiled forward pass of the gradient check: the program text, and its central differences."""
import mpmath
import pytest
import sympy as sp

import symback
from symback import build_graph, spec_from_dict
from symback.engine.examples import example_names
from symback.engine import limits
from symback.engine.mp_program import _ProgramPrinter, central_difference, leaf_order, mp_number, mpmath_loss

_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "order": "none"}


def _graphs():
    for name in example_names():
        spec = symback.load_example(name)
        if spec.regression is None:
            yield name, build_graph(spec)


@pytest.mark.parametrize("name, graph", list(_graphs()))
def test_symbols_renamed_by_the_printer_print_as_a_renamed_copy(name, graph):
    """Each formula printed with its symbols' program names is the text of the copy renamed by
    ``xreplace`` under ``sp.evaluate(False)`` (the way the program was built before)."""
    leaves = sp.DeferredVector("_p")
    rename = {graph.symbols[n]: leaves[i] for i, n in enumerate(leaf_order(graph))}
    rename.update({n.symbol: sp.Symbol(f"_v{i}") for i, n in enumerate(graph.nodes) if not n.is_leaf})
    names = {symbol: str(new) for symbol, new in rename.items()}
    for node in graph.nodes:
        if node.is_leaf:
            continue
        with sp.evaluate(False):
            copy = node.expr.xreplace(rename)
        assert _ProgramPrinter(_SETTINGS, names).doprint(node.expr) == _ProgramPrinter(_SETTINGS, {}).doprint(copy)


def test_user_names_never_reach_the_program():
    graph = build_graph(spec_from_dict({"loss": "L", "inputs": {"mpf": 3}, "params": {"E": 2},
                                        "nodes": {"sigmoid_": "E*mpf", "L": "sigmoid(sigmoid_)^2"}}))
    with mpmath.workdps(30):
        value = mpmath_loss(graph)(mpmath.mpf(3), mpmath.mpf(2))
        assert value == (1 / (1 + mpmath.exp(-6))) ** 2


def test_a_directional_difference_steps_both_ways_by_the_same_rounded_step():
    with mpmath.workdps(50):
        base = [mpmath.mpf(1) / 3, mpmath.mpf(2) / 7]
        direction = [mpmath.mpf(0.3), mpmath.mpf(-0.9)]
        h = mpmath.mpf(10) ** -16
        loss = lambda a, b: a * a * b  # noqa: E731
        up = [b + h * v for b, v in zip(base, direction)]
        down = [b - h * v for b, v in zip(base, direction)]
        assert central_difference(loss, base, direction, h) == (loss(*up) - loss(*down)) / (2 * h)


def _wide(network: dict):
    """The graph of a network spec too wide for the default --max-nodes."""
    with limits.command(limits.Limits(nodes=100_000)):
        return build_graph(spec_from_dict({"network": network}))


def test_a_3500_term_sum_compiles_and_evaluates():
    """A dense [3500, 1] layer: one sum of 3,500 products (Python's compiler overflowed on the chained +)."""
    n = 3500
    x, w = [(i % 7) / 10 for i in range(n)], [(i % 5) / 100 - 0.02 for i in range(n)]
    graph = _wide({"layers": [n, 1], "activation": "identity", "loss": "half_sse",
                   "values": {"x": [x], "t": [[0.5]], "W1": [w], "b1": [0.1]}})
    exact = {name: graph.point[name] for name in leaf_order(graph)}
    with mpmath.workdps(40):
        value = mpmath_loss(graph)(*(mp_number(exact[name]) for name in leaf_order(graph)))
        z = mpmath.fsum(mp_number(sp.Rational(repr(a))) * mp_number(sp.Rational(repr(b))) for a, b in zip(w, x))
        expected = (z + mpmath.mpf(1) / 10 - mpmath.mpf(1) / 2) ** 2 / 2
        assert abs(value - expected) < mpmath.mpf(10) ** -35


@pytest.mark.parametrize("kernel", [56, 64])
def test_a_conv2d_kernel_of_up_to_64_compiles_and_evaluates(kernel):
    """A 64x64 kernel on a 64x64 input: one output position summing 4,096 products (README: kernels up to 64)."""
    k = kernel
    x = [[((r * k + c) % 11) / 10 for c in range(k)] for r in range(k)]
    kern = [[[[((r + 2 * c) % 9) / 100 - 0.04 for c in range(k)] for r in range(k)]]]
    graph = _wide({"layers": [[1, k, k], {"conv2d": {"out": 1, "kernel": k}}, "flatten", 1], "activation": "identity",
                   "loss": "half_sse", "values": {"x": x, "t": [0.5], "K1": kern, "b1": [0.1], "W3": [[0.5]],
                                                  "b3": [0.0]}})
    exact = {name: graph.point[name] for name in leaf_order(graph)}
    with mpmath.workdps(40):
        value = mpmath_loss(graph)(*(mp_number(exact[name]) for name in leaf_order(graph)))
        z = mpmath.fsum(mp_number(sp.Rational(repr(x[r][c]))) * mp_number(sp.Rational(repr(kern[0][0][r][c])))
                        for r in range(k) for c in range(k)) + mpmath.mpf(1) / 10
        expected = (z / 2 - mpmath.mpf(1) / 2) ** 2 / 2
        assert abs(value - expected) < mpmath.mpf(10) ** -35
