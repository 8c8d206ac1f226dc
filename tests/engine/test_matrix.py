"""The matrix (layer-level) view against the neuron-level solution, plain NumPy, and torch autograd."""
import functools
import json
import random

import numpy as np
import pytest
import sympy as sp

import symback
from symback.cli import main
from symback.engine.errors import SymbackError
from symback.engine.losses import LAYERS_ONLY, LOSSES
from symback.engine.compile import matrix_program
from symback.documents.matrix_document import build_matrix_document
from symback.documents.render import render_document
from symback.engine.activations import ACTIVATIONS

OUTPUT_FOR = {  # output activations each loss is defined for (log needs y > 0, bce 0 < y < 1)
    "cross_entropy": ("softmax", "sigmoid", "softplus"), "bce": ("sigmoid", "softmax"),
    "softmax_cross_entropy": ("softmax",),
}


def random_network(seed: int) -> dict:
    """A seeded random network spec: every activation, loss and bias mode comes up over the seeds."""
    rng = random.Random(seed)
    dense_losses = sorted(set(LOSSES) - LAYERS_ONLY)  # the losses of the layer-size form (the matrix view's)
    loss = dense_losses[seed % len(dense_losses)]
    bias = ("none", "neuron", "shared")[seed % 3]
    layers = [rng.randint(1, 3) for _ in range(rng.randint(2, 4))]
    names = list(ACTIVATIONS)
    hidden = [names[(seed + i) % len(names)] for i in range(len(layers) - 2)]
    out = rng.choice(OUTPUT_FOR.get(loss, names))
    if out == "softmax" or loss in ("cross_entropy", "softmax_cross_entropy"):
        layers[-1] = max(layers[-1], 2)
    m = 1 + seed % 8
    number = lambda: round(rng.uniform(-1, 1), 2)
    values = {"x": [[number() for _ in range(layers[0])] for _ in range(m)]}
    if loss in ("cross_entropy", "softmax_cross_entropy") and seed % 4:
        hot = [[0] * layers[-1] for _ in range(m)]
        for row in hot:
            row[rng.randrange(layers[-1])] = 1  # one-hot: the targets sum to 1
        values["t"] = hot
    else:
        values["t"] = [[round(rng.uniform(0, 1), 2) for _ in range(layers[-1])] for _ in range(m)]
    for l in range(1, len(layers)):
        values[f"W{l}"] = [[number() for _ in range(layers[l - 1])] for _ in range(layers[l])]
        if bias == "shared":
            values[f"b{l}"] = number()
        elif bias == "neuron":
            values[f"b{l}"] = [number() for _ in range(layers[l])]
    return {"learning_rate": 0.5, "network": {"layers": layers, "activation": hidden + [out], "bias": bias,
                                              "loss": loss, "values": values}}


@functools.lru_cache(maxsize=None)
def solved(seed: int):
    """The neuron-level solution of ``random_network(seed)``, shared by both conventions' cases."""
    return symback.solve(random_network(seed), check=False)


def close(a, b, digits: int = 40) -> bool:
    return abs(a - b) <= sp.Float(10) ** -digits * max(1, abs(b))


# seed by seed (both conventions of a seed side by side, so xdist sends them to one worker and the
# cached solve serves both); the ids are the usual "row-7", "column-7"
@pytest.mark.parametrize("convention, seed", [(c, s) for s in range(48) for c in ("row", "column")],
                         ids=lambda v: str(v))
def test_every_entry_equals_the_neuron_level_gradient(convention, seed):
    spec = random_network(seed)
    solution = solved(seed)
    form = solution.matrix(convention)
    assert form.consistent, [c for c in form.checks if not c.agrees]
    net, m = solution.graph.network, len(spec["network"]["values"]["x"])
    sample = (lambda i: "") if m == 1 else (lambda i: f"_s{i + 1}")
    for l, layer in enumerate(form.layers, 1):
        dW = layer.dW if convention == "row" else layer.dW.T  # row form: n(l-1) x n(l)
        assert dW.shape == (net.layers[l - 1], net.layers[l])
        for k in range(dW.rows):
            for j in range(dW.cols):
                assert close(dW[k, j], solution.gradients[f"w{l}_{j + 1}_{k + 1}"])
        if net.bias == "shared":
            assert layer.db.shape == (1, 1) and close(layer.db[0, 0], solution.gradients[f"b{l}"])
        elif net.bias == "neuron":
            db = layer.db if convention == "row" else layer.db.T
            assert all(close(db[0, j], solution.gradients[f"b{l}_{j + 1}"]) for j in range(db.cols))
        else:
            assert layer.db is None
    dX = form.layers[0].dA_prev if convention == "row" else form.layers[0].dA_prev.T
    for i in range(m):  # the gradient passed back to the input, per sample, is m times dL/dx
        for k in range(dX.cols):
            assert close(dX[i, k] / m, solution.gradients[f"x{k + 1}{sample(i)}"])
    for l, layer in enumerate(form.layers, 1):  # the update, entry by entry
        W_new = layer.W_updated if convention == "row" else layer.W_updated.T
        assert all(close(W_new[k, j], solution.updated[f"w{l}_{j + 1}_{k + 1}"])
                   for k in range(W_new.rows) for j in range(W_new.cols))


@pytest.mark.parametrize("seed", [1, 5, 10, 14, 23])
def test_compiled_program_agrees_with_the_exact_matrices(seed):
    solution = solved(seed)
    net = solution.graph.network
    for convention in ("row", "column"):
        form = solution.matrix(convention)
        flip = (lambda a: a) if convention == "row" else (lambda a: a.T)
        X, T = flip(np.array(net.x, float)), flip(np.array(net.t, float))
        weights = [flip(np.array(W, float).T) for W in net.weights]
        biases = None if net.bias == "none" else \
            [float(b[0]) if net.bias == "shared" else np.array(b, float) for b in net.biases]
        loss, dws, dbs = matrix_program(net, convention)(X, T, weights, biases)
        exact = form.numpy()
        assert loss == pytest.approx(float(solution.loss), rel=1e-12)
        for l, dW in enumerate(dws, 1):
            assert dW.shape == exact[f"W{l}"].shape
            np.testing.assert_allclose(dW, exact[f"W{l}"], rtol=1e-10, atol=1e-13)
            if net.bias != "none":
                np.testing.assert_allclose(np.ravel(dbs[l - 1]), np.ravel(exact[f"b{l}"]), rtol=1e-10, atol=1e-13)


def test_shape_mismatch_names_the_layer_and_both_shapes():
    net = symback.load_example("affine_233").network
    program = matrix_program(net)
    X, T = np.array(net.x, float), np.array(net.t, float)
    W1, W2 = np.array(net.weights[0], float).T, np.array(net.weights[1], float).T
    b1, b2 = np.array(net.biases[0], float), np.array(net.biases[1], float)
    with pytest.raises(SymbackError) as error:
        program(X, T, [W1, np.zeros((3, 4))], [b1, b2])
    assert str(error.value) == "layer 2: W2: has shape 3 x 4, expected 3 x 3 in the row convention; pass a 3 x 3 array"
    with pytest.raises(SymbackError, match=r"layer 1: W1: has shape 3 x 2, expected 2 x 3 .* array \(W1.T: this one is transposed\)$"):
        program(X, T, [W1.T, W2], [b1, b2])  # the spec's orientation given to the row convention
    with pytest.raises(SymbackError, match=r"layer 0: X: has shape 1 x 3, expected m x 2"):
        program(np.zeros((1, 3)), T, [W1, W2], [b1, b2])
    with pytest.raises(SymbackError, match=r"layer 2: b2: has shape \(4,\), expected 3 values"):
        program(X, T, [W1, W2], [b1, np.zeros(4)])
    column = matrix_program(net, "column")
    with pytest.raises(SymbackError, match=r"layer 2: W2: has shape 3 x 4, expected 3 x 3 in the column convention"):
        column(X.T, T.T, [W1.T, np.zeros((3, 4))], [b1, b2])
    assert "\n" not in str(error.value)


def test_graph_specs_and_unknown_conventions_are_refused(tmp_path, capsys):
    with pytest.raises(SymbackError, match="needs a \\[network\\] spec"):
        symback.solve(symback.load_example("neuron")).matrix()
    with pytest.raises(SymbackError, match="unknown convention 'col'"):
        symback.solve(symback.load_example("softmax_233")).matrix("col")
    assert main(["derive", "--example", "neuron", "--view", "matrix", "--format", "all", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "use --view neuron" in err and not list(tmp_path.iterdir())
    assert main(["derive", "--example", "mazur_222", "--convention", "diagonal"]) == 2


@pytest.mark.parametrize("convention", ["row", "column"])
@pytest.mark.parametrize("seed", [2, 3, 4, 19])  # neuron, shared and no biases; batches of 3, 4, 5 and 4
def test_symbolic_statement_has_shapes_and_evaluates_to_the_numbers(seed, convention):
    form = solved(seed).matrix(convention)
    equations = form.symbolic()
    names = {str(lhs) for lhs, _ in equations}
    assert {"Z1", "dW1", "dA0"} <= names and ("db1" in names) == (form.bias != "none")
    first = form.layers[0]
    bindings = {"X": first.A_prev}
    for layer in form.layers:
        l = layer.index
        bindings |= {f"W{l}": layer.W, f"b{l}": layer.b, f"Z{l}": layer.Z, f"A{l}": layer.A, f"delta{l}": layer.delta,
                     f"S{l}": layer.local, f"dW{l}": layer.dW, f"db{l}": layer.db, f"dA{l - 1}": layer.dA_prev}
    symbols = {s.name: s for _, rhs in equations for s in rhs.free_symbols} | {lhs.name: lhs for lhs, _ in equations}
    assert symbols["W1"].shape == first.W.shape and symbols["X"].shape == first.A_prev.shape
    for lhs, rhs in equations:
        value = sp.Matrix(rhs.xreplace({symbols[n]: sp.ImmutableMatrix(bindings[n]) for n in symbols if bindings.get(n) is not None}).doit())
        assert all(close(a, b) for a, b in zip(value, bindings[lhs.name])), lhs


def test_minibatch_document_shows_the_average():
    solution = solved(3)  # shared biases, a batch of 4
    md = render_document(build_matrix_document(solution, convention="row"), "md")
    assert r"\frac{1}{4} " in md and r"m = 4" in md and r"\frac{\eta}{m}" in md
    column = render_document(build_matrix_document(solution, convention="column"), "md")
    assert r"\delta^{(1)} {X}^{\top}" in column and r"{X}^{\top} \delta^{(1)}" in md


def test_cli_view_both_writes_both_documents_and_json(tmp_path, capsys):
    assert main(["derive", "--example", "affine_233", "--view", "both", "--convention", "column", "--format",
                 "json,md", "--lang", "ko", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["affine_233.json", "affine_233.ko.md",
                                                          "affine_233.matrix_column.ko.md"]
    data = json.loads((tmp_path / "affine_233.json").read_text())
    form = symback.solve(symback.load_example("affine_233")).matrix("column")
    assert data["matrix"]["convention"] == "column" and data["matrix"]["shapes"]["W1"] == [3, 2]
    assert data["matrix"]["consistency"]["agrees"] is True
    assert data["matrix"]["layers"][1]["dW"] == [[float(v) for v in form.layers[1].dW.row(i)] for i in range(3)]


def test_default_view_is_unchanged(tmp_path, capsys):
    assert main(["derive", "--example", "softmax_233", "--format", "json,md", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["softmax_233.json", "softmax_233.md"]
    assert "matrix" not in json.loads((tmp_path / "softmax_233.json").read_text())


def test_large_network_layer_gradients_match_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    sizes, m = [784, 64, 10], 256
    X = rng.uniform(0, 1, (m, 784))
    T = np.eye(10)[rng.integers(0, 10, m)]
    W1, W2 = rng.normal(0, 0.05, (784, 64)), rng.normal(0, 0.1, (64, 10))   # row form: n(l-1) x n(l)
    b1, b2 = rng.normal(0, 0.1, 64), rng.normal(0, 0.1, 10)
    spec = symback.spec_from_dict({"network": {"layers": sizes, "activation": ["sigmoid", "softmax"], "bias": "neuron",
                                               "loss": "cross_entropy", "values": {
                                                   "x": X[0].tolist(), "t": T[0].tolist(), "W1": W1.T.tolist(),
                                                   "b1": b1.tolist(), "W2": W2.T.tolist(), "b2": b2.tolist()}}})
    loss, (dW1, dW2), (db1, db2) = matrix_program(spec.network)(X, T, [W1, W2], [b1, b2])
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = params
    z = torch.sigmoid(torch.tensor(X) @ tW1 + tb1) @ tW2 + tb2
    reference = torch.nn.functional.cross_entropy(z, torch.tensor(T))  # mean over the batch of -sum t log softmax
    reference.backward()
    assert loss == pytest.approx(reference.item(), rel=1e-12)
    for mine, theirs in zip((dW1, db1, dW2, db2), params):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-15)
    _, (cW1, cW2), _ = matrix_program(spec.network, "column")(X.T, T.T, [W1.T, W2.T], [b1, b2])
    np.testing.assert_allclose(cW1, dW1.T, rtol=1e-14) and np.testing.assert_allclose(cW2, dW2.T, rtol=1e-14)
