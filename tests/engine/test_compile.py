"""Generated NumPy programs against the exact path."""
from dataclasses import replace

import numpy as np
import pytest

import symback


@pytest.mark.parametrize("name", [n for n in symback.example_names() if symback.load_example(n).regression is None])
def test_graph_program_matches_exact_values(name):
    s = symback.solve(symback.load_example(name), check=False)
    program = s.compiled()
    loss, grads = program({n: float(v) for n, v in s.graph.point.items()})
    assert loss == pytest.approx(float(s.loss), rel=1e-12, abs=1e-15)
    for leaf, value in grads.items():
        assert float(value) == pytest.approx(float(s.gradients[leaf]), rel=1e-10, abs=1e-13), leaf


@pytest.mark.parametrize("name", [n for n in symback.example_names()  # dense networks (conv: tests/engine/test_conv.py)
                                  if isinstance(symback.load_example(n).network, symback.NetworkSpec)])
def test_network_program_matches_exact_values(name):
    s = symback.solve(symback.load_example(name), check=False)
    net = s.graph.network
    program = s.compiled_network()
    biases = [None if net.bias == "none" else (float(b[0]) if net.bias == "shared" else np.array(b, float))
              for b in net.biases]
    loss, dws, dbs = program(np.array(net.x, float), np.array(net.t, float),
                             [np.array(W, float) for W in net.weights], biases)
    assert loss == pytest.approx(float(s.loss), rel=1e-12, abs=1e-15)
    for l, dW in enumerate(dws, 1):
        for (j, k), value in np.ndenumerate(dW):
            assert value == pytest.approx(float(s.gradients[f"w{l}_{j + 1}_{k + 1}"]), rel=1e-10, abs=1e-13)


def test_graph_program_is_vectorised_over_a_batch():
    s = symback.solve(symback.load_example("neuron"), check=False)
    program = s.compiled()
    i1 = np.array([2.0, -1.0, 0.5])
    values = {n: float(v) for n, v in s.graph.point.items()} | {"i1": i1}
    loss, grads = program(values)
    for k, x in enumerate(i1):
        single = symback.solve(replace(symback.load_example("neuron"), inputs=(("i1", x), ("i2", 5), ("t", 0))),
                               check=False)
        assert loss[k] == pytest.approx(float(single.loss), rel=1e-12)
        assert grads["w1"][k] == pytest.approx(float(single.gradients["w1"]), rel=1e-12)


def test_source_uses_generated_names_only():
    s = symback.solve({"loss": "L", "inputs": {"lambda": 2}, "params": {"import": 1},
                       "nodes": {"L": "(lambda*import)^2"}}, check=False)
    program = s.compiled()
    assert "lambda" not in program.source.replace("def program", "") and "import" not in program.source
    assert program({"lambda": 2.0, "import": 1.0})[1]["import"] == pytest.approx(8.0)


def test_fused_softmax_cross_entropy_is_stable_for_huge_logits():
    s = symback.solve(symback.load_example("softmax_233"), check=False)
    net = s.graph.network
    X, T = np.array(net.x, float), np.array(net.t, float)
    weights = [np.array(W, float) * 1000 for W in net.weights]
    loss, dws, _ = s.compiled_network()(X, T, weights, [None, None])
    assert np.isfinite(loss) and all(np.isfinite(dW).all() for dW in dws)
    # independent: z = W2 sigmoid(W1 x); log-softmax by the log-sum-exp identity in exact arithmetic
    import mpmath
    a = [1 / (1 + mpmath.exp(-mpmath.mpf(sum(w * x for w, x in zip(row, X[0]))))) for row in weights[0]]
    z = [sum(mpmath.mpf(w) * ai for w, ai in zip(row, a)) for row in weights[1]]
    expected = -sum(t * (zk - mpmath.log(sum(mpmath.exp(zi) for zi in z))) for t, zk in zip(T[0], z))
    assert loss == pytest.approx(float(expected), rel=1e-12)


def test_large_networks_compile_but_are_not_derived_neuron_by_neuron(tmp_path):
    from symback.engine.errors import SpecError
    rng = np.random.default_rng(0)
    values = {"x": rng.uniform(-1, 1, 784).tolist(), "t": [0.0] * 9 + [1.0],
              "W1": rng.normal(0, 0.05, (64, 784)).tolist(), "W2": rng.normal(0, 0.1, (10, 64)).tolist()}
    spec = symback.spec_from_dict({"network": {"layers": [784, 64, 10], "activation": ["relu", "softmax"],
                                               "bias": "none", "loss": "cross_entropy", "values": values}})
    with pytest.raises(SpecError, match="compile_network"):
        symback.solve(spec)
    program = symback.compile_network(spec.network)
    X, T = np.array([values["x"]]), np.array([values["t"]])
    W1, W2 = np.array(values["W1"]), np.array(values["W2"])
    loss, (dW1, dW2), _ = program(X, T, [W1, W2], [None, None])
    # independent: the same network by hand in NumPy
    a = np.maximum(0, X @ W1.T)
    z = a @ W2.T
    y = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert loss == pytest.approx(-np.log(y[0, 9]), rel=1e-12)
    assert np.allclose(dW2, (y - T).T @ a, rtol=1e-12, atol=1e-15)


def _blas_threads_during_call(program):
    """Run ``program`` with a spy in place of its function: the BLAS threads in force inside the call."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []

    def spy(*args):
        seen.append([lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"])
        return program.function(*args)

    net = symback.load_example("mazur_222").network
    X, T = np.array(net.x, float), np.array(net.t, float)
    W = [np.array(w, float) for w in net.weights]
    b = [np.array(v, float).reshape(-1) for v in net.biases]
    replace(program, function=spy)(X, T, W, b)
    return seen[0]


def test_threads_setting_is_honoured_and_restored():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    net = symback.load_example("mazur_222").network
    before = [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
    if not before:
        pytest.skip("NumPy has no BLAS that threadpoolctl can see")
    assert set(_blas_threads_during_call(symback.compile_network(net))) == {1}  # default: no oversubscription
    assert _blas_threads_during_call(symback.compile_network(net, threads=None)) == before  # left as it is
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        assert set(_blas_threads_during_call(symback.compile_network(net, threads=1))) == {1}
    assert [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"] == before
    assert symback.matrix_program(net, threads=2).program.threads == 2
    assert symback.matrix_program(net).program.threads == 1


@pytest.mark.parametrize("threads", [0, -1, 1.5, "2", True])
def test_threads_setting_rejects_nonsense(threads):
    net = symback.load_example("mazur_222").network
    with pytest.raises(symback.SymbackError, match="threads"):
        symback.compile_network(net, threads=threads)


def test_compiled_network_returns_what_its_source_says(solved):
    """compiled_network() returned (loss, [dW1, dW2], [db1, db2]) while its source said (dW1, db1, dW2, db2,)."""
    program = solved("mazur_222").compiled_network()
    net = solved("mazur_222").graph.network
    X, T = np.array(net.x, float), np.array(net.t, float)
    W, b = [np.array(w, float) for w in net.weights], [float(v[0]) for v in net.biases]
    assert program.source.rstrip().splitlines()[-1] == "    return loss, [dW1, dW2], [db1, db2]"
    loss, dws, dbs = program(X, T, W, b)
    assert isinstance(dws, list) and isinstance(dbs, list) and [d.shape for d in dws] == [(2, 2), (2, 2)]
    # independent: dL/db2 of half_sse with sigmoid outputs, shared bias: sum over the outputs of (y - t) y (1 - y)
    a = 1 / (1 + np.exp(-(X @ W[0].T + b[0])))
    y = 1 / (1 + np.exp(-(a @ W[1].T + b[1])))
    assert dbs[1] == pytest.approx(float(((y - T) * y * (1 - y)).sum() / len(X)), rel=1e-12)


def test_compiled_network_names_a_transposed_weight(solved):
    net = symback.load_example("softmax_233").network
    program = symback.compile_network(net)
    X, T = np.array(net.x, float), np.array(net.t, float)
    W = [np.array(w, float) for w in net.weights]
    with pytest.raises(symback.SymbackError, match=r"layer 1: W1: has shape 2 x 3, expected 3 x 2 .*W1\.T"):
        program(X, T, [W[0].T, W[1]], [np.array(v, float) for v in net.biases])
    with pytest.raises(symback.SymbackError, match="layer 0: X"):
        program(X.T, T, W, [np.array(v, float) for v in net.biases])
