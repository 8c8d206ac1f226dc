"""The layer-level normalisation section: each entry's identity value against torch autograd's ∂L/∂(the layer's
input), and the agreement with the neuron level stated."""
from __future__ import annotations

import pytest

import symback
from symback.documents.catalogue import messages
from symback.documents.normalisation_document import build_norm_section
from symback.documents.tex import format_number


def _dl_dz(example):
    """∂L/∂z1 (the dense layer's output, the normalisation's input) by torch autograd of the example's network."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    spec = symback.load_example(example)
    net = spec.network
    t64 = lambda rows: torch.tensor([[float(v) for v in r] for r in rows], dtype=torch.float64)  # noqa: E731
    X, T = t64(net.x), t64(net.t)
    value = net.value
    W1 = t64([value["W1"][i:i + 2] for i in range(0, len(value["W1"]), 2)])
    z = F.linear(X, W1, torch.tensor([float(v) for v in value["b1"]], dtype=torch.float64)).detach().requires_grad_(True)
    gamma, beta = (torch.tensor([float(v) for v in value[k]], dtype=torch.float64) for k in ("gamma2", "beta2"))
    n = z.shape[1]
    h = F.batch_norm(z, None, None, gamma, beta, training=True, eps=1e-5) if example == "batchnorm" else \
        F.layer_norm(z, (n,), gamma, beta, 1e-5)
    W4 = t64([value["W4"][i:i + n] for i in range(0, len(value["W4"]), n)])
    y = F.linear(torch.relu(h) if example == "batchnorm" else torch.tanh(h), W4,
                 torch.tensor([float(v) for v in value["b4"]], dtype=torch.float64))
    loss = (0.5 * ((y - T) ** 2).sum(1)).mean() if example == "batchnorm" else ((y - T) ** 2).mean(1).mean()
    loss.backward()
    return z.grad


@pytest.mark.parametrize("example", ["batchnorm", "layernorm"])
def test_each_entry_is_the_gradient_torch_computes(example):
    solution = symback.solve(symback.load_example(example))
    section = build_norm_section(solution, messages("en"), 4)
    (layer,) = section.layers
    assert layer.agrees and "All" in layer.check
    grad = _dl_dz(example)
    m = grad.shape[0]
    for line in layer.lines:
        lhs = str(line).split("&=")[0]
        s = int(lhs.split("[")[1].split("]")[0]) - 1 if m > 1 else 0
        j = int(lhs.rsplit("{", 1)[1].split("}")[0]) - 1
        assert str(line).rstrip(" \\").endswith("= " + format_number(grad[s, j].item(), 4)), line


def test_a_network_without_normalisation_has_no_section():
    assert build_norm_section(symback.solve(symback.load_example("dropout")), messages("en"), 4) is None
    assert build_norm_section(symback.solve(symback.load_example("mazur_222")), messages("en"), 4) is None
