"""The function classes: exact and numeric values, lambdify backends, and how a class registers itself."""
import mpmath
import pytest
import sympy as sp

from symback.engine import functions as fn

x, y = sp.symbols("x y", real=True)

def elementary(expr: sp.Expr) -> sp.Expr:
    """The expression with symback's functions rewritten to exp/log/Piecewise (SymPy's own)."""
    return expr.rewrite(sp.exp).rewrite(sp.Piecewise)


def test_every_function_class_registers_itself():
    def subclasses(cls):
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    assert set(fn.TABLED) == {c for c in subclasses(fn._Tabled) if "rule" in c.__dict__}
    assert fn.Indicator in fn.TABLED and fn.Indicator.spec_name is None  # no user writes it
    assert set(fn.MATH_NAMESPACE) == set(fn.MPMATH_NAMESPACE) == {c.__name__ for c in fn.TABLED}


#: the classes of more than one argument at a point away from kinks, for the lambdify namespaces (the others
#: are tried at -0.6 and 0.8)
SAMPLE_CALLS = {fn.leaky_relu: [(-0.6, 0.1), (0.8, 0.1)], fn.Indicator: [(-0.2, 0.5), (0.3, 0.5)],
                fn.softmax: [(2, 0.3, -1.2, 2.0)]}


@pytest.mark.parametrize("function", fn.TABLED, ids=lambda f: f.__name__)
def test_math_and_mpmath_callables_agree_with_the_elementary_form(function):
    for args in SAMPLE_CALLS.get(function, [(-0.6,), (0.8,)]):
        exact = float(elementary(function(*(sp.Float(a, 30) if isinstance(a, float) else a for a in args))).evalf(30))
        assert function.math_function(*args) == pytest.approx(exact, rel=1e-13, abs=1e-300)
        with mpmath.workdps(30):
            mine = float(function.mpmath_function(*(mpmath.mpf(a) for a in args)))
            assert mine == pytest.approx(exact, rel=1e-13, abs=1e-300)


def test_functions_evaluate_exactly_and_numerically():
    assert fn.sigmoid(0) == sp.Rational(1, 2)
    assert fn.relu(-3) == 0 and fn.relu(sp.Rational(5, 2)) == sp.Rational(5, 2)
    assert fn.step(0) == 0 and fn.step(sp.Rational(1, 10)) == 1
    assert fn.softplus(0) == sp.log(2)
    value = fn.sigmoid(sp.Rational(3, 2)).evalf(40)
    assert abs(value - 1 / (1 + sp.exp(-sp.Rational(3, 2))).evalf(40)) < sp.Float(10) ** -38
    soft = fn.softmax(2, sp.Integer(1), sp.Integer(2), sp.Integer(3)).evalf(30)
    assert abs(soft - (sp.exp(2) / (sp.exp(1) + sp.exp(2) + sp.exp(3))).evalf(30)) < sp.Float(10) ** -28


@pytest.mark.parametrize("backend", ["numpy", "mpmath", "math"])
def test_lambdify_backends(backend):
    from symback.engine.functions import MATH_NAMESPACE, MPMATH_NAMESPACE
    expr = x ** fn.sigmoid(y) + fn.softplus(x) * fn.relu(y) + fn.softmax(1, x, y)
    modules = {"numpy": ["numpy"], "mpmath": [MPMATH_NAMESPACE, "mpmath"], "math": [MATH_NAMESPACE, "math"]}[backend]
    value = float(sp.lambdify([x, y], expr, modules=modules)(1.7, 0.4))
    exact = float(elementary(expr).subs({x: 1.7, y: 0.4}).evalf(30))
    assert value == pytest.approx(exact, rel=1e-12)
