"""The layer-level view of layers-list networks: each layer's identity (dense δ Xᵀ and Wᵀ δ, f'(Z) ⊙ G, the
normalisations' compact identity, dropout's mask) compared entry by entry with the neuron-level reverse walk,
on the built-in examples and on random networks of every layer kind, in both conventions."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from layers_torch import networks

import symback
from symback.engine.errors import SymbackError
from symback.engine.layer_level import Context, layers_form
from symback.engine.layers.base import Plain
from symback.engine.rule import Conventions
from symback.engine.solution import solve_spec
from symback.engine.spec_reader import spec_from_dict

EXAMPLES = ("batchnorm", "layernorm", "dropout", "hinge", "adam")
QUANTITIES = {"dense": {"Y", "dY", "dX", "dW", "db"}, "activation": {"Y", "dY", "dX"},
              "batchnorm": {"Y", "dY", "dX", "dgamma", "dbeta"}, "layernorm": {"Y", "dY", "dX", "dgamma", "dbeta"},
              "dropout": {"Y", "dY", "dX"}}


def _form(solution, convention="column"):
    graph = solution.graph
    return layers_form(solution.spec.network, solution.numbers, graph.conventions, convention,
                       graph.learning_rate if graph.optimizer is None else None, graph.frozen)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_entry_of_every_layer_agrees_with_the_neuron_level(name):
    solution = symback.solve(symback.load_example(name))
    form = solution.matrix("column")
    assert form.consistent
    net = solution.spec.network
    for l, layer in enumerate(net.layers, 1):  # every layer checked, each of its quantities
        checked = {c.quantity.rstrip("0123456789'") for c in form.checks if c.layer == l and c.quantity[-1] not in "'L"}
        assert checked == QUANTITIES[layer.kind] - ({"db"} if layer.kind == "dense" and not layer.bias else set())
    assert [c.quantity for c in form.checks].count("L") == 1
    entries = sum(c.entries for c in form.checks if c.quantity == "dX")
    assert entries == sum(len(net.x) * layer.shape_in[0] for layer in net.layers)


def test_the_update_is_checked_when_the_spec_steps_plain_gradient_descent():
    form = symback.solve(symback.load_example("batchnorm")).matrix()
    assert {c.quantity for c in form.checks if c.layer == 2} >= {"gamma2'", "beta2'"}


def test_the_row_convention_is_the_transpose_of_the_column_one():
    solution = symback.solve(symback.load_example("layernorm"))
    row, column = solution.matrix("row"), solution.matrix("column")
    for r, c in zip(row.steps, column.steps):
        assert (r.X, r.Y, r.G, r.dX) == (c.X.T, c.Y.T, c.G.T, c.dX.T)
        assert dict(r.grads) == {k: M.T for k, M in c.grads}
    assert row.loss_value == column.loss_value and abs(row.loss_value - solution.loss) < 1e-40


def test_dense_identities_hold_against_sympy_matrices():
    """dL/dW = δ Xᵀ and dL/dX = Wᵀ δ, δ the neuron level's dL/dz (samples are columns), as plain SymPy products."""
    solution = symback.solve(symback.load_example("dropout"))
    net, grads = solution.spec.network, solution.gradients
    step = _form(solution).steps[0]
    m, (n_out, n_in) = len(net.x), step.params[0][1].shape
    sfx = [f"_s{s + 1}" if m > 1 else "" for s in range(m)]
    delta = sp.Matrix(n_out, m, lambda j, s: grads[f"z1_{j + 1}{sfx[s]}"])
    X = sp.Matrix(n_in, m, lambda k, s: solution.values[f"x{k + 1}{sfx[s]}"])
    W = sp.Matrix(n_out, n_in, list(net.value["W1"]))
    assert dict(step.grads)["dW1"] == delta * X.T
    assert step.dX == W.T * delta


def test_the_batchnorm_identity_matches_the_textbook_formula():
    """∂L/∂x_i = (γ/(mσ)) (m ∂L/∂y_i − Σ_k ∂L/∂y_k − x̂_i Σ_k ∂L/∂y_k x̂_k) for feature 1, written out here."""
    solution = symback.solve(symback.load_example("batchnorm"))
    step = _form(solution).steps[1]
    saved = dict(step.saved)
    G, xh, m = step.G, saved["xh"], step.X.cols
    gamma = solution.values["gamma2_1"]
    sigma = sp.sqrt(saved["var"][0] + step.layer.eps)
    for i in range(m):
        want = gamma / (m * sigma) * (m * G[0, i] - sum(G.row(0)) - xh[0, i] * sum(G[0, k] * xh[0, k] for k in range(m)))
        assert abs(step.dX[0, i] - want) < 1e-25


KINDS = ("batchnorm", "layernorm", "dropout", "activation")


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(KINDS), st.sampled_from(["half_sse", "softmax_cross_entropy", "multiclass_hinge"]),
       st.sampled_from([None, 0.5]), st.data())
def test_random_networks_of_every_kind_agree_entry_by_entry(kind, loss, decay, data):
    layers, values = data.draw(networks(kind, loss))
    spec = {"network": {"layers": layers, "loss": loss, "values": values}, "learning_rate": 0.1}
    if decay:
        spec["weight_decay"] = decay
    solution = solve_spec(spec_from_dict(spec), check=False)
    for convention in ("row", "column"):
        form = _form(solution, convention)
        assert form.consistent, [c for c in form.checks if not c.agrees]


@dataclass(frozen=True)
class _Unknown(Plain):
    shape_in: tuple = (2,)
    kind: str = "unknown"


def test_a_kind_without_a_layer_level_form_is_refused_in_one_line():
    with pytest.raises(SymbackError) as error:
        _Unknown().level_forward(3, sp.zeros(2, 1), {}, Context(Conventions(), 30))
    assert error.value.where == "network.layers[3].unknown" and "--view neuron" in error.value.fix
