"""Abstract functions evaluated under concrete instances: the same numbers as composing them symbolically, in time
linear in the abstract expression."""
import random
import time

import mpmath
import sympy as sp

from symback.checking.instances import concrete, instance_program


def _nested(f, x, depth: int) -> sp.Expr:
    expr = x
    for _ in range(depth):
        expr = f(expr)
    return expr


def test_derivatives_of_a_composition_match_the_composed_concrete_function():
    """diff(f(g(f(x))), x, 2) under random concrete f, g, against SymPy's diff of the composed concrete expression."""
    x = sp.Symbol("x", real=True)
    f, g = sp.Function("f", real=True), sp.Function("g", real=True)
    expr = sp.Derivative(f(g(f(x))) + g(x) ** 2, (x, 2)).doit()
    rng = random.Random(3)
    for _ in range(4):
        instance = {f: concrete(rng), g: concrete(rng)}
        composed = instance[f](instance[g](instance[f](x))) + instance[g](x) ** 2
        expected = sp.diff(composed, x, 2)
        program = instance_program([x], expr, instance)
        with mpmath.workdps(30):
            for point in (sp.Rational(-3, 8), sp.Rational(5, 4)):
                want = sp.N(expected.subs(x, point), 30)
                assert abs(program(mpmath.mpf(point.p) / point.q) - mpmath.mpf(str(want))) < 1e-20 * max(1, abs(want))


def test_a_30_deep_composition_is_evaluated_at_once():
    """diff(f(f(...f(x)...)), x) 30 deep: substituting f = a e^{u/2} + b u built a tree that doubles per level."""
    x = sp.Symbol("x", real=True)
    f = sp.Function("f", real=True)
    u = sp.Dummy("u", real=True)
    instance = {f: sp.Lambda(u, sp.Rational(1, 2) * u + sp.Rational(1, 10) * sp.exp(u / 2))}
    expr = sp.Derivative(_nested(f, x, 30), x).doit()
    start = time.perf_counter()
    program = instance_program([x], expr, instance)
    with mpmath.workdps(30):
        value = program(mpmath.mpf(-1))
    assert time.perf_counter() - start < 2
    # by hand: the chain rule along the 30 values f^k(-1), mpmath's derivative of the concrete f
    body = lambda v: v / 2 + mpmath.exp(v / 2) / 10  # noqa: E731
    with mpmath.workdps(30):
        point, product = mpmath.mpf(-1), mpmath.mpf(1)
        for _ in range(30):
            product *= mpmath.diff(body, point)
            point = body(point)
        assert abs(value - product) < mpmath.mpf(10) ** -20 * abs(product)
