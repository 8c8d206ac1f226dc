"""SGD with momentum and Adam against torch.optim (float64) on 200 random problems each: the exact first step
(``updated`` with steps = 1) and float64 training over several steps; the rules by hand; the refusals."""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from layers_torch import CASES

import symback
from symback.engine.errors import SpecError

NODES = {"h": "tanh(w1*x + b)", "L": "(w2*h - t)^2 + w1^2/4"}


def _spec(values, optimizer, rate, steps):
    return symback.spec_from_dict({"loss": "L", "learning_rate": rate, "steps": steps, "optimizer": optimizer,
                                   "inputs": {"x": values[0], "t": values[1]},
                                   "params": {"w1": values[2], "w2": values[3], "b": values[4]}, "nodes": NODES})


def _torch(values, optimizer, rate, steps):
    """The same problem trained by torch.optim.SGD(momentum) / torch.optim.Adam in float64."""
    torch = pytest.importorskip("torch")
    x, t = (torch.tensor(v, dtype=torch.float64) for v in values[:2])
    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values[2:]]
    w1, w2, b = params
    if optimizer["name"] == "momentum":
        opt = torch.optim.SGD(params, lr=rate, momentum=optimizer["momentum"])
    else:
        opt = torch.optim.Adam(params, lr=rate, betas=(optimizer["beta1"], optimizer["beta2"]), eps=optimizer["eps"])
    for _ in range(steps):
        opt.zero_grad()
        ((w2 * torch.tanh(w1 * x + b) - t) ** 2 + w1 ** 2 / 4).backward()
        opt.step()
    return {"w1": w1.item(), "w2": w2.item(), "b": b.item()}


@st.composite
def problems(draw, rule):
    values = [draw(st.integers(-2000, 2000)) / 1000 for _ in range(5)]
    if rule == "momentum":
        optimizer = {"name": "momentum", "momentum": draw(st.sampled_from([0.0, 0.5, 0.9, 0.99]))}
    else:
        optimizer = {"name": "adam", "beta1": draw(st.sampled_from([0.0, 0.8, 0.9])),
                     "beta2": draw(st.sampled_from([0.9, 0.99, 0.999])), "eps": draw(st.sampled_from([1e-8, 1e-3]))}
    return values, optimizer, draw(st.sampled_from([0.01, 0.1, 0.5])), draw(st.integers(1, 5))


def _check(case):
    values, optimizer, rate, steps = case
    got = symback.solve(_spec(values, optimizer, rate, steps)).updated
    want = _torch(values, optimizer, rate, steps)
    for name, value in want.items():
        assert abs(float(got[name]) - value) <= 1e-10 * max(abs(value), 1e-3), (name, float(got[name]), value)


@CASES
@given(problems("momentum"))
def test_momentum_vs_torch_optim_sgd(case):
    _check(case)


@CASES
@given(problems("adam"))
def test_adam_vs_torch_optim_adam(case):
    _check(case)


def test_the_first_adam_step_is_exact_and_moves_each_parameter_by_about_the_rate():
    """m̂ = g and v̂ = g² after one step, so p moves by η g / (|g| + ε): exact rationals for rational g."""
    spec = symback.spec_from_dict({"loss": "L", "learning_rate": 0.1, "optimizer": {"name": "adam"},
                                   "inputs": {"x": 2}, "params": {"w": 1}, "nodes": {"L": "(w*x - 1)^2 / 2"}})
    g = sp.Integer(2)  # (1·2 − 1)·2
    assert symback.solve(spec).updated["w"] == 1 - sp.Rational(1, 10) * g / (abs(g) + sp.Rational(1, 10 ** 8))


def test_an_optimizer_trains_a_batchnorm_network_as_torch_does():
    torch = pytest.importorskip("torch")
    values = {"x": [[1.0, -0.5], [0.25, 2.0], [-1.0, 0.5]], "t": [[0.5], [-0.25], [1.0]],
              "W1": [[0.5, -0.25], [0.75, 0.125]], "b1": [0.0, 0.1], "W4": [[1.0, -1.0]], "b4": [0.2]}
    layers = [2, {"dense": 2}, {"batchnorm": {}}, "tanh", {"dense": 1}]
    spec = symback.spec_from_dict({"learning_rate": 0.05, "steps": 3, "optimizer": {"name": "adam"},
                                   "network": {"layers": layers, "loss": "half_sse", "values": values}})
    got = symback.solve(spec).updated
    F = torch.nn.functional
    t64 = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    W1, b1, W4, b4 = (t64(values[k]) for k in ("W1", "b1", "W4", "b4"))
    gamma, beta = t64([1.0, 1.0]), t64([0.0, 0.0])
    X, T = torch.tensor(values["x"], dtype=torch.float64), torch.tensor(values["t"], dtype=torch.float64)
    opt = torch.optim.Adam([W1, b1, gamma, beta, W4, b4], lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        h = torch.tanh(F.batch_norm(F.linear(X, W1, b1), None, None, gamma, beta, training=True, eps=1e-5))
        (0.5 * ((F.linear(h, W4, b4) - T) ** 2).sum(1)).mean().backward()
        opt.step()
    for name, want in (("w1_2_1", W1[1, 0]), ("gamma2_1", gamma[0]), ("beta2_2", beta[1]), ("b4_1", b4[0])):
        assert float(got[name]) == pytest.approx(want.item(), rel=1e-10)


@pytest.mark.parametrize("optimizer, where, fix", [
    ({"name": "adamw"}, "optimizer.name", "adam"),
    ({"name": "adam", "beta1": 1}, "optimizer.beta1", "0.9"),
    ({"name": "adam", "eps": 0}, "optimizer.eps", "1e-08"),
    ({"name": "momentum", "nesterov": True}, "optimizer.nesterov", "momentum"),
    ({"momentum": 0.9}, "optimizer", "name"),
])
def test_refusals_name_the_key_and_the_fix(optimizer, where, fix):
    with pytest.raises(SpecError) as error:
        _spec([1, 0, 0.5, 0.5, 0], optimizer, 0.1, 1)
    assert error.value.where.endswith(where) and fix in error.value.fix, error.value.line()


def test_momentum_trains_a_dense_form_network_as_torch_does():
    """The dense form's layer-level training path takes the update rule too (Mazur's 2-2-2 network, 3 steps)."""
    torch = pytest.importorskip("torch")
    spec = symback.spec_from_dict({"learning_rate": 0.5, "steps": 3, "optimizer": {"name": "momentum", "momentum": 0.9},
                                   "network": {"layers": [2, 2, 2], "loss": "half_sse", "values": {
                                       "x": [0.05, 0.10], "t": [0.01, 0.99], "b1": [0.35, 0.35], "b2": [0.60, 0.60],
                                       "W1": [[0.15, 0.20], [0.25, 0.30]], "W2": [[0.40, 0.45], [0.50, 0.55]]}}})
    got = symback.solve(spec).updated
    t64 = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    W1, b1, W2, b2 = t64([[0.15, 0.20], [0.25, 0.30]]), t64([0.35, 0.35]), t64([[0.40, 0.45], [0.50, 0.55]]), t64([0.6, 0.6])
    x, t = torch.tensor([0.05, 0.10], dtype=torch.float64), torch.tensor([0.01, 0.99], dtype=torch.float64)
    opt = torch.optim.SGD([W1, b1, W2, b2], lr=0.5, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        (0.5 * ((torch.sigmoid(W2 @ torch.sigmoid(W1 @ x + b1) + b2) - t) ** 2).sum()).backward()
        opt.step()
    for name, want in (("w1_1_2", W1[0, 1]), ("w2_2_1", W2[1, 0]), ("b1_2", b1[1]), ("b2_1", b2[0])):
        assert float(got[name]) == pytest.approx(want.item(), rel=1e-10)
