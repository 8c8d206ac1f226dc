"""Convolutional networks as neuron-level graphs (exact, checked by mpmath central differences and by hand),
max-pool ties against torch, XOR. The shape errors are tests/engine/test_conv_reader.py's, the NumPy path
tests/engine/test_conv_compile.py's."""
from __future__ import annotations

import pytest

from symback.engine.examples import load_example
from symback.engine.solution import solve_spec
from symback.engine.spec_reader import spec_from_dict


def _spec(layers, values, loss="half_sse", **net):
    return spec_from_dict({"network": {"layers": layers, "loss": loss, "values": values, **net}})


def test_conv_examples_exact_and_checked_by_mpmath_central_differences():
    for name in ("conv1d", "conv2d_pool"):
        sol = solve_spec(load_example(name))
        assert sol.numbers.check, name
        assert max(c.relative_error for c in sol.numbers.check.values()) < 1e-25


def test_conv1d_example_by_hand():
    """z_i = Σ_p k_p x_(i+p) + b and dL/dk_p = Σ_i (z_i - t_i) x_(i+p): written out independently."""
    sol = solve_spec(load_example("conv1d"))
    x, k, b, t = [1, 2, -1, 0.5, 3], [0.5, -0.25, 1], 0.1, [1, 0, 2]
    z = [sum(k[p] * x[i + p] for p in range(3)) + b for i in range(3)]
    assert [float(sol.values[f"z1_1_{i}"]) for i in (1, 2, 3)] == pytest.approx(z, abs=1e-15)
    for p in range(3):
        assert float(sol.gradients[f"k1_1_1_{p + 1}"]) == pytest.approx(sum((z[i] - t[i]) * x[i + p] for i in range(3)), abs=1e-14)
    assert float(sol.gradients["b1_1"]) == pytest.approx(sum(zi - ti for zi, ti in zip(z, t)), abs=1e-14)


def test_max_pool_tie_convention_against_torch():
    """A two-way tie: symback's max rule gives each tied entry 1/2; PyTorch gives all to the first arg-max."""
    torch = pytest.importorskip("torch")
    spec = _spec([[1, 2, 2], {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [1, 2]], "t": [0]}, loss="sse")
    sol = solve_spec(spec)  # L = (max - 0)^2 = 9, dL/dmax = 6
    assert [sol.gradients[f"x_1_1_{j}"] for j in (1, 2)] == [3, 3]
    x = torch.tensor([[[[3.0, 3.0], [1.0, 2.0]]]], requires_grad=True)
    (torch.nn.functional.max_pool2d(x, 2) ** 2).sum().backward()
    assert x.grad.flatten().tolist() == [6.0, 0.0, 0.0, 0.0]


def test_xor_step_network_truth_table_and_zero_gradients():
    sol = solve_spec(load_example("xor"))
    xor = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    for s, (pair, expected) in enumerate(xor.items(), 1):
        assert (sol.values[f"x1_s{s}"], sol.values[f"x2_s{s}"]) == pair
        assert sol.values[f"y1_s{s}"] == expected
    assert sol.loss == 0
    assert all(sol.gradients[p] == 0 for p in sol.graph.params)
    assert any("0 almost everywhere" in n.note for n in sol.derivation.notes)


def test_xor_sigmoid_training_matches_torch_and_falls():
    torch = pytest.importorskip("torch")
    sol = solve_spec(load_example("xor_sigmoid"))
    history = sol.history
    assert history[-1] < history[0] / 20
    X = torch.tensor([[0.0, 0], [0, 1], [1, 0], [1, 1]])
    T = torch.tensor([[0.0], [1], [1], [0]])
    W1 = torch.tensor([[1.0, 1.2], [-1.1, -0.9]], dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor([-0.5, 1.5], dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor([[1.0, 1.0]], dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor([-1.0], dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(500):
        y = torch.sigmoid(torch.sigmoid(X.double() @ W1.T + b1) @ W2.T + b2)
        loss = ((y - T.double()) ** 2).mean()
        losses.append(loss.item())
        for p in (W1, b1, W2, b2):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in (W1, b1, W2, b2):
                p -= 4 * p.grad
    assert history[0] == pytest.approx(losses[0], rel=1e-12)
    assert history[-2] == pytest.approx(losses[-1], rel=1e-9)


def test_a_three_way_max_pool_tie_shares_the_whole_gradient():
    """After a ReLU, windows of equal zeros are common: the tied entries must share 1 between them (1/3 each)."""
    spec = _spec([[1, 2, 2], {"maxpool": {"size": 2}}, "flatten"],
                 {"x": [[3, 3], [3, 2]], "t": [0]}, loss="sse")
    sol = solve_spec(spec)  # L = (max - 0)^2 = 9, dL/dmax = 6: three tied entries get 2 each, the fourth 0
    grads = [sol.gradients[f"x_1_{i}_{j}"] for i in (1, 2) for j in (1, 2)]
    assert grads == [2, 2, 2, 0] and sum(grads) == 6
