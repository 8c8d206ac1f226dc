"""The first step of an update rule in the worked solution: Adam's m, v, m̂, v̂ and step, momentum's velocity,
with numbers computed here (mpmath) from the problem, not from symback's."""
from __future__ import annotations

import mpmath

import symback
from symback.documents.solution_document import build_document
from symback.documents.tex import format_number


def _neuron(optimizer):
    """Seed 000's neuron: y = σ(w1·2 + w2·5), L = (y − 0)², as the adam example."""
    return symback.solve(symback.spec_from_dict({
        "learning_rate": 0.1, "optimizer": optimizer,
        "network": {"layers": [2, {"dense": {"out": 1, "bias": False}}, "sigmoid"], "loss": "sse",
                    "values": {"x": [2.0, 5.0], "t": [0.0], "W1": [[0.5, 0.1]]}}}))


def _gradient_w1():
    mpmath.mp.dps = 40
    y = 1 / (1 + mpmath.exp(-(mpmath.mpf("0.5") * 2 + mpmath.mpf("0.1") * 5)))
    return 2 * y * y * (1 - y) * 2


def test_adams_first_step_is_written_line_by_line_with_its_numbers():
    document = build_document(_neuron({"name": "adam"}))
    lines = [str(line) for line in document.lines["updates"]]
    g = _gradient_w1()
    m, v = (1 - mpmath.mpf("0.9")) * g, (1 - mpmath.mpf("0.999")) * g ** 2
    m_hat, v_hat = m / (1 - mpmath.mpf("0.9")), v / (1 - mpmath.mpf("0.999"))
    step = mpmath.mpf("0.5") - mpmath.mpf("0.1") * m_hat / (mpmath.sqrt(v_hat) + mpmath.mpf("1e-8"))
    expected = [("m_{w^{(1)}_{1,1}}", m), ("v_{w^{(1)}_{1,1}}", v), (r"\hat{m}_{w^{(1)}_{1,1}}", m_hat),
                (r"\hat{v}_{w^{(1)}_{1,1}}", v_hat), ("{w^{(1)}_{1,1}}'", step)]
    for line, (lhs, value) in zip(lines, expected):
        assert line.startswith(lhs) and line.rstrip(" \\").endswith("= " + format_number(value, 4)), line
    assert "beta1 = 0.9, beta2 = 0.999, eps = 1e-8" in document.update_intro


def test_momentums_first_step_is_the_gradient_step_and_says_why():
    document = build_document(_neuron({"name": "momentum", "momentum": 0.5}), lang="ko")
    lines = [str(line) for line in document.lines["updates"]]
    g = _gradient_w1()
    assert lines[0].startswith("v_{w^{(1)}_{1,1}}") and lines[0].rstrip(" \\").endswith(format_number(g, 4))
    assert lines[1].rstrip(" \\").endswith(format_number(mpmath.mpf("0.5") - mpmath.mpf("0.1") * g, 4))
    assert "0.5" in document.update_intro and "torch.optim.SGD" in document.update_intro
