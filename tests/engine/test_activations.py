"""The one registry of activations, against values written here from each activation's definition."""
import mpmath
import pytest
import sympy as sp

from symback.engine import functions as fn
from symback.engine.activations import ACTIVATIONS
from symback.engine.expr import FUNCTIONS, parse_formula, symbol
from symback.engine.network import activation_expr
from symback.engine.spec import RESERVED
from symback.engine.spec_reader import spec_from_dict

#: one row per activation: its value at a point, from the textbook definition (mpmath, 40 digits)
DEFINITIONS = {
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "tanh": mpmath.tanh,
    "relu": lambda z: max(mpmath.mpf(0), z),
    "leaky_relu": lambda z: z if z > 0 else z / 100,
    "softplus": lambda z: mpmath.log(1 + mpmath.exp(z)),
    "identity": lambda z: z,
    "step": lambda z: mpmath.mpf(1 if z > 0 else 0),
    "softmax": None,  # the whole layer: test_softmax_activates_a_whole_layer
}


def test_every_activation_has_a_definition_row():
    assert set(ACTIVATIONS) == set(DEFINITIONS), "add a row to DEFINITIONS for a new activation"


@pytest.mark.parametrize("name", [n for n, f in DEFINITIONS.items() if f is not None])
@pytest.mark.parametrize("at", ["-0.7", "0", "1.3"])
def test_a_layer_applies_each_activation_by_its_definition(name, at):
    z = sp.Rational(at)
    with mpmath.workdps(40):
        expected = DEFINITIONS[name](mpmath.mpf(at))
        assert abs(sp.N(activation_expr(name, z), 40) - sp.Float(expected, 40)) < sp.Float(10) ** -35


def test_softmax_activates_a_whole_layer():
    zs = [sp.Rational(1, 2), sp.Integer(-1), sp.Integer(2)]
    with mpmath.workdps(40):
        exps = [mpmath.exp(mpmath.mpf(1) / 2), mpmath.exp(-1), mpmath.exp(2)]
        for j in (1, 2, 3):
            expected = sp.Float(exps[j - 1] / mpmath.fsum(exps), 40)
            assert abs(sp.N(activation_expr("softmax", zs[j - 1], zs, j), 40) - expected) < sp.Float(10) ** -35


def test_the_registry_feeds_the_parser_the_reserved_names_and_the_spec_reader():
    for name, activation in ACTIVATIONS.items():
        assert name == activation.spec_name and name in RESERVED
        assert (name in FUNCTIONS) is not activation.layerwise  # softmax has the parser's own syntax
    assert parse_formula("leaky_relu(x)", None).expr == fn.leaky_relu(symbol("x"), sp.Rational(1, 100))
    assert parse_formula("identity(x) + tanh(y)", None).expr == symbol("x") + sp.tanh(symbol("y"))
    assert parse_formula("softmax(2, [x, y])", None).expr == fn.softmax(2, symbol("x"), symbol("y"))
    for name in ACTIVATIONS:
        spec = spec_from_dict({"network": {"layers": [1, 2], "activation": name, "loss": "half_sse",
                                           "values": {"x": [1], "t": [0, 1], "W1": [[1], [2]], "b1": [0, 0]}}})
        assert spec.network.activations == (name,)


def test_the_registered_classes_are_the_function_classes_with_a_spec_name():
    classes = {a for a in ACTIVATIONS.values() if isinstance(a, type)}
    assert classes == {f for f in fn.TABLED if f.spec_name is not None}
    assert {n for n, a in ACTIVATIONS.items() if not isinstance(a, type)} == {"tanh", "identity"}
