"""matrix_layers: the matrix view's model (MatrixForm): shapes, float arrays, bias gradients and JSON, against the
seed's affine equations in plain NumPy."""
import numpy as np
import pytest

import symback


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_seed_003_affine_example_shapes_and_numbers():
    """X: 1x2, W1: 2x3, b1: 1x3, W2: 3x3, b2: 1x3; the affine rules dW = X^T dY, db = dY, dX = dY W^T."""
    solution = symback.solve(symback.load_example("affine_233"))
    form = solution.matrix()
    shapes = form.shapes()
    assert (shapes["X"], shapes["W1"], shapes["b1"], shapes["W2"], shapes["b2"]) == ((1, 2), (2, 3), (1, 3), (3, 3), (1, 3))
    assert (shapes["Z1"], shapes["A1"], shapes["Z2"], shapes["A2"]) == ((1, 3),) * 4
    # independent: the seed's equations in plain NumPy, from the spec file's numbers
    v = symback.load_example("affine_233").network
    X, t = np.array(v.x, float), np.array(v.t, float)
    W1, W2 = np.array(v.weights[0], float).T, np.array(v.weights[1], float).T   # the seed's 2x3 and 3x3
    b1, b2 = np.array([v.biases[0]], float), np.array([v.biases[1]], float)
    a = X @ W1 + b1
    S = sigmoid(a)
    b = S @ W2 + b2
    y = np.exp(b) / np.exp(b).sum()
    dY2 = y - t                                   # softmax + cross-entropy
    dS = dY2 @ W2.T                               # dL/dX = dL/dY W^T
    da = dS * S * (1 - S)
    expected = {"W1": X.T @ da, "b1": da, "W2": S.T @ dY2, "b2": dY2}
    for name, value in form.numpy().items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-12)
    np.testing.assert_allclose(np.array(form.layers[0].dA_prev.tolist(), float), da @ W1.T, rtol=1e-12)
    assert float(form.loss_value) == pytest.approx(-np.log(y[0, 2]), rel=1e-12)
    assert form.output_rule == "softmax_cross_entropy" and form.targets_sum_to_one


@pytest.mark.parametrize("convention", ["row", "column"])
def test_bias_gradients_and_the_json_follow_the_convention(convention):
    """mazur_222: one sample, a shared bias per layer (1 x 1 gradients), W(l) 2 x 2 in the spec's orientation in
    the column convention and transposed in the row one; the entries are the neuron-level solution's."""
    solution = symback.solve(symback.load_example("mazur_222"))
    form = solution.matrix(convention)
    assert [db.shape for db in form.bias_gradients] == [(1, 1), (1, 1)]
    assert form.bias_gradients[1][0, 0] == solution.gradients["b2"] and form.consistent
    w = solution.gradients["w2_1_2"]  # from hidden neuron 2 to output 1: [1][2] in the spec's orientation
    assert form.gradients[1][(0, 1) if convention == "column" else (1, 0)] == w
    data = form.to_json()
    assert data["convention"] == convention and data["bias"] == "shared" and data["samples"] == 1
    assert data["loss"] == pytest.approx(0.298371109, abs=1e-9)  # Mazur's published total error
    assert data["layers"][1]["db"] == [[float(solution.gradients["b2"])]] and data["consistency"]["agrees"]
