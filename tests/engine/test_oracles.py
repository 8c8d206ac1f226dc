"""symback against independent oracles.

Nothing here trusts symback's own numbers: every expected gradient comes from a forward evaluation
written in this file (a tiny formula AST interpreted over mpmath or over torch tensors), from
mpmath central differences of that evaluation, or from torch autograd of it.

* Random computational graphs (smooth operations; kinked ones separately, away from the kink):
  symback's exact / 50-digit gradients, its textbook closed forms evaluated at the point, and
  the compiled NumPy program, against mpmath central differences and torch float64 autograd.
* Random dense networks (every activation, loss and bias mode, minibatches): symback's gradients,
  closed forms, ``compiled()`` and ``compiled_network()`` against a hand-written torch forward.
* Softmax cross-entropy with targets that do / do not sum to 1: the Sigma t = 1 assumption is
  stated and used exactly when it holds, and then dL/dz_j = (y_j - t_j) / m symbolically.

Regression tests pin three bugs these oracles found (compiled() with max/min, compiled() with an
unused node, exact zeros that lost all precision).

Hypothesis runs derandomized (the same cases on every run, no example database).
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction
from types import SimpleNamespace

import mpmath
import numpy
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import symback

RTOL = 1e-9

_SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                        HealthCheck.data_too_large])


def cases(n: int):
    return settings(max_examples=n, **_SETTINGS)


def assert_close(name: str, got, want, floor: float, rtol: float = RTOL, what: str = "") -> None:
    got, want = float(got), float(want)
    assert math.isfinite(got), f"{what}dL/d{name} = {got}"
    assert abs(got - want) <= rtol * max(abs(got), abs(want)) + floor, \
        f"{what}dL/d{name}: symback {got!r}, oracle {want!r}"


# ---------------------------------------------------------------------------------------------
# A tiny formula language of our own: an AST of tuples, a printer to symback's syntax, and one
# interpreter that runs over any backend (mpmath numbers or torch tensors).
#
#   ("name", n)  ("const", Fraction)  ("add"|"sub"|"mul"|"div", a, b)  ("neg", a)
#   ("pow", a, int)  ("gpow", a, b)  ("call", f, a, ...)  ("softmax", k, [z...])
#   ("loss", kind, [y...], [t...])
# ---------------------------------------------------------------------------------------------

def show(e) -> str:
    op = e[0]
    if op == "name":
        return e[1]
    if op == "const":
        q = e[1]
        return f"({q.numerator})" if q.denominator == 1 else f"({q.numerator}/{q.denominator})"
    if op in ("add", "sub", "mul", "div"):
        sign = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[op]
        return f"({show(e[1])} {sign} {show(e[2])})"
    if op == "neg":
        return f"(-{show(e[1])})"
    if op == "pow":
        return f"({show(e[1])})^({e[2]})"
    if op == "gpow":
        return f"({show(e[1])})^({show(e[2])})"
    if op == "call":
        return f"{e[1]}({', '.join(show(a) for a in e[2:])})"
    if op == "softmax":
        return f"softmax({e[1]}, {', '.join(show(z) for z in e[2])})"
    if op == "loss":
        ys, ts = e[2], e[3]
        if len(ys) == 1 and e[1] not in ("cross_entropy", "softmax_cross_entropy"):
            return f"{e[1]}({show(ys[0])}, {show(ts[0])})"
        return f"{e[1]}([{', '.join(map(show, ys))}], [{', '.join(map(show, ts))}])"
    raise AssertionError(op)


def run(e, env, B):
    op = e[0]
    if op == "name":
        return env[e[1]]
    if op == "const":
        return B.const(e[1])
    if op == "add":
        return run(e[1], env, B) + run(e[2], env, B)
    if op == "sub":
        return run(e[1], env, B) - run(e[2], env, B)
    if op == "mul":
        return run(e[1], env, B) * run(e[2], env, B)
    if op == "div":
        return run(e[1], env, B) / run(e[2], env, B)
    if op == "neg":
        return -run(e[1], env, B)
    if op == "pow":
        return run(e[1], env, B) ** e[2]
    if op == "gpow":
        return run(e[1], env, B) ** run(e[2], env, B)
    if op == "call":
        return getattr(B, e[1])(*(run(a, env, B) for a in e[2:]))
    if op == "softmax":
        zs = [run(z, env, B) for z in e[2]]
        return B.exp(zs[e[1] - 1] - B.logsumexp(zs))
    if op == "loss":
        return loss_value(e[1], [run(y, env, B) for y in e[2]], [run(t, env, B) for t in e[3]], B)
    raise AssertionError(op)


def loss_value(kind: str, ys, ts, B):
    """The loss definitions, written out independently of symback.engine.losses."""
    n = len(ys)
    if kind == "mse":
        return sum((y - t) ** 2 for y, t in zip(ys, ts)) / n
    if kind == "half_sse":
        return sum((y - t) ** 2 for y, t in zip(ys, ts)) / 2
    if kind == "sse":
        return sum((y - t) ** 2 for y, t in zip(ys, ts))
    if kind == "bce":
        return -sum(t * B.log(y) + (1 - t) * B.log(1 - y) for y, t in zip(ys, ts)) / n
    if kind == "cross_entropy":
        return -sum(t * B.log(y) for y, t in zip(ys, ts))
    if kind == "softmax_cross_entropy":
        lse = B.logsumexp(ys)
        return -sum(t * (z - lse) for z, t in zip(ys, ts))
    raise AssertionError(kind)


def _mp_logsumexp(zs):
    top = max(zs)
    return top + mpmath.log(mpmath.fsum(mpmath.exp(z - top) for z in zs))


MP = SimpleNamespace(
    const=lambda q: mpmath.mpf(q.numerator) / q.denominator,
    exp=mpmath.exp, log=mpmath.log, sqrt=mpmath.sqrt, tanh=mpmath.tanh,
    sigmoid=lambda x: 1 / (1 + mpmath.exp(-x)),
    softplus=lambda x: mpmath.log(1 + mpmath.exp(x)),
    relu=lambda x: x if x > 0 else 0 * x,
    leaky_relu=lambda x, a=None: x if x > 0 else (mpmath.mpf(1) / 100 if a is None else a) * x,
    abs=abs,
    max=lambda a, b: a if a > b else b,
    min=lambda a, b: a if a < b else b,
    logsumexp=_mp_logsumexp,
)


def torch_backend():
    torch = pytest.importorskip("torch")
    return SimpleNamespace(
        torch=torch,
        const=lambda q: q.numerator / q.denominator,
        exp=torch.exp, log=torch.log, sqrt=torch.sqrt, tanh=torch.tanh, sigmoid=torch.sigmoid,
        softplus=lambda x: torch.logaddexp(x, torch.zeros_like(x)),
        relu=torch.relu,
        leaky_relu=lambda x, a=0.01: torch.where(x > 0, x, a * x),
        abs=torch.abs, max=torch.maximum, min=torch.minimum,
        logsumexp=lambda zs: torch.logsumexp(torch.stack(list(zs)), 0),
    )


# ---------------------------------------------------------------------------------------------
# Random computational graphs
# ---------------------------------------------------------------------------------------------

def eighths(lo: int, hi: int):
    """Multiples of 1/8 from lo/8 to hi/8."""
    return st.integers(lo, hi).map(lambda n: Fraction(n, 8))


def name(n):
    return ("name", n)


def const(q):
    return ("const", Fraction(q))


def positive(kind: str, a):
    """A strictly positive expression of ``a`` (safe for log, sqrt, division, negative powers)."""
    return {
        "one_plus_sq": ("add", const(1), ("pow", a, 2)),
        "exp": ("call", "exp", a),
        "sigmoid": ("call", "sigmoid", a),
        "softplus": ("call", "softplus", a),
        "one_plus_sigmoid": ("add", const(1), ("call", "sigmoid", a)),
    }[kind]




POSITIVE = ["one_plus_sq", "exp", "sigmoid", "softplus", "one_plus_sigmoid"]
SMOOTH = ["add", "sub", "mul", "div", "affine", "square", "cube", "exp", "log", "sigmoid", "tanh",
          "softplus", "sqrt", "inverse", "inverse_square", "neg", "gpow", "softmax"]
KINKED = ["relu", "leaky_relu", "leaky_relu_slope", "abs", "max", "min"]
LOSS_KINDS = ["mse", "half_sse", "sse", "bce", "cross_entropy", "softmax_cross_entropy"]
MAX_NODE = 8      # node values are rescaled by a power of 2 to at most this magnitude
KINK_GAP = 0.125


@st.composite
def graphs(draw, kinks: bool | None = False):
    """A random graph: leaves, node formulas (as ASTs), and the spec dictionary for symback.

    ``kinks``: also use relu, leaky_relu, abs, max and min (None: drawn).
    """
    if kinks is None:
        kinks = draw(st.booleans())
    leaves: dict[str, Fraction] = {}
    inputs = [f"x{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    params = [f"p{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    for n in inputs + params:
        leaves[n] = draw(eighths(-16, 16))
    names = inputs + params
    ops = SMOOTH + (KINKED * 2 if kinks else [])
    env = {n: MP.const(q) for n, q in leaves.items()}
    nodes: list[tuple[str, tuple]] = []

    def pick():
        # prefer recent names so the graphs are deep, but any earlier name may be reused (fan-out)
        i = draw(st.integers(0, len(names) - 1))
        j = draw(st.integers(0, len(names) - 1))
        return name(names[max(i, j)])

    def away(a, gap_from=None):
        """``a`` itself, or ``a + 1/2`` when ``a`` (or a - gap_from) is within 1/8 of the kink."""
        value = run(a, env, MP) - (run(gap_from, env, MP) if gap_from is not None else 0)
        return ("add", a, const(Fraction(1, 2))) if abs(value) < KINK_GAP else a

    with mpmath.workdps(30):
        for i in range(1, draw(st.integers(2, 7)) + 1):
            op = draw(st.sampled_from(ops))
            a, b = pick(), pick()
            pos = positive(draw(st.sampled_from(POSITIVE)), b)
            if op in ("add", "sub", "mul"):
                e = (op, a, b)
            elif op == "div":
                e = ("div", a, pos)
            elif op == "affine":
                e = ("add", ("mul", const(draw(eighths(-24, 24))), a), ("mul", b, const(draw(eighths(-24, 24)))))
            elif op == "square":
                e = ("pow", a, 2)
            elif op == "cube":
                e = ("pow", a, 3)
            elif op in ("exp", "sigmoid", "tanh", "softplus"):
                e = ("call", op, a)
            elif op == "log":
                e = ("call", "log", positive(draw(st.sampled_from(POSITIVE)), a))
            elif op == "sqrt":
                e = ("call", "sqrt", positive(draw(st.sampled_from(POSITIVE)), a))
            elif op == "inverse":
                e = ("pow", pos, -1)
            elif op == "inverse_square":
                e = ("pow", pos, -2)
            elif op == "neg":
                e = ("neg", a)
            elif op == "gpow":
                base = positive(draw(st.sampled_from(["one_plus_sq", "sigmoid", "softplus"])), a)
                e = ("gpow", base, b)
            elif op == "softmax":
                zs = [a, b] + ([pick()] if draw(st.booleans()) else [])  # repeats allowed: softmax(1, z, z)
                e = ("softmax", draw(st.integers(1, len(zs))), zs)
            elif op in ("relu", "leaky_relu", "abs"):
                e = ("call", op, away(a))
            elif op == "leaky_relu_slope":
                slope = draw(st.sampled_from([const(Fraction(1, 10)), const(Fraction(1, 4)), name(params[-1])]))
                e = ("call", "leaky_relu", away(a), slope)
            elif op in ("max", "min"):
                e = ("call", op, a, away(b, gap_from=a))
            else:  # pragma: no cover
                raise AssertionError(op)
            value = run(e, env, MP)
            if abs(value) > MAX_NODE:
                e = ("div", e, const(2 ** math.ceil(math.log2(abs(value) / MAX_NODE))))
                value = run(e, env, MP)
            nodes.append((f"n{i}", e))
            env[f"n{i}"] = value
            names.append(f"n{i}")

    # the loss node: one of the six losses over the last node and maybe others
    kind = draw(st.sampled_from(LOSS_KINDS))
    node_names = [n for n, _ in nodes]
    size = draw(st.integers(2 if "cross_entropy" in kind else 1, 3))
    outs = [node_names[-1]] + [node_names[draw(st.integers(0, len(node_names) - 1))] for _ in range(size - 1)]
    targets = [f"t{j}" for j in range(1, size + 1)]
    if kind == "bce":
        ys = [("call", "sigmoid", name(o)) for o in outs]
        values = [draw(eighths(0, 8)) for _ in targets]
    elif kind == "cross_entropy":
        zs = [name(o) for o in outs]
        ys = [("softmax", k, zs) for k in range(1, size + 1)]
        values = draw(target_rows(size))
    elif kind == "softmax_cross_entropy":
        ys = [name(o) for o in outs]
        values = draw(target_rows(size))
    else:
        ys = [name(o) for o in outs]
        values = [draw(eighths(-16, 16)) for _ in targets]
    leaves.update(zip(targets, values))
    loss = ("loss", kind, ys, [name(t) for t in targets])
    if draw(st.booleans()):  # a regulariser: a direct path from a parameter to the loss
        loss = ("add", loss, ("mul", const(Fraction(1, 16)), ("pow", name(draw(st.sampled_from(params))), 2)))
    nodes.append(("L", loss))
    spec = {
        "loss": "L",
        "inputs": {n: float(leaves[n]) for n in inputs + targets},
        "params": {n: float(leaves[n]) for n in params},
        "nodes": {n: show(e) for n, e in nodes},
    }
    return SimpleNamespace(leaves=leaves, nodes=nodes, spec=spec)


def target_rows(size: int):
    """Targets of a cross-entropy loss: a one-hot row, a distribution, or any non-negative row."""
    one_hot = st.integers(0, size - 1).map(lambda k: [Fraction(int(j == k)) for j in range(size)])
    cuts = st.lists(st.integers(0, 8), min_size=size - 1, max_size=size - 1).map(sorted)
    distribution = cuts.map(lambda c: [Fraction(b - a, 8) for a, b in zip([0] + c, c + [8])])
    anything = st.lists(eighths(0, 12), min_size=size, max_size=size)
    return st.one_of(one_hot, distribution, anything)


def mp_loss(case, point) -> mpmath.mpf:
    env = dict(point)
    for n, e in case.nodes:
        env[n] = run(e, env, MP)
    return env["L"]


def central_differences(case) -> dict[str, mpmath.mpf]:
    """dL/dleaf for every leaf: mpmath central differences (40 digits, h = 1e-12)."""
    with mpmath.workdps(40):
        base = {n: MP.const(q) for n, q in case.leaves.items()}
        h = mpmath.mpf(10) ** -12
        grads = {}
        for n in base:
            up, down = dict(base), dict(base)
            up[n] += h
            down[n] -= h
            grads[n] = (mp_loss(case, up) - mp_loss(case, down)) / (2 * h)
        return grads


def closed_form_values(solution, names) -> dict[str, sp.Expr]:
    """symback's textbook closed forms dL/dname (node symbols) evaluated at the solved point."""
    at = {solution.graph.symbols[n]: v for n, v in solution.values.items()}
    return {n: solution.gradient(n).xreplace(at).evalf(30) for n in names}


def check_graph_against_fd(case) -> None:
    solution = symback.solve(case.spec, check=False)
    want = central_differences(case)
    assert set(want) == set(solution.graph.inputs + solution.graph.params)
    floor = 1e-15 * (1 + max(abs(float(g)) for g in want.values()))
    with mpmath.workdps(40):
        loss = mp_loss(case, {n: MP.const(q) for n, q in case.leaves.items()})
    assert_close("L (the loss value)", solution.loss, loss, 1e-15 * (1 + abs(float(loss))))
    closed = closed_form_values(solution, list(want))
    for n, g in want.items():
        assert_close(n, solution.gradients[n], g, floor)
        assert_close(n, closed[n], g, floor, what="closed form ")


@cases(150)
@given(graphs())
def test_random_graph_vs_mpmath_central_differences(case):
    check_graph_against_fd(case)


@cases(70)
@given(graphs(kinks=True))
def test_random_graph_with_kinks_vs_mpmath_central_differences(case):
    """relu, leaky_relu (default and given slope), abs, max, min: every kink operand >= 1/8 away."""
    check_graph_against_fd(case)


@pytest.fixture(scope="module")
def tb():
    """The torch backend (skips the test when torch is not installed)."""
    return torch_backend()


@cases(80)
@given(case=graphs(kinks=None))
def test_random_graph_vs_torch_autograd(tb, case):
    B = tb
    torch = B.torch
    env = {n: torch.tensor(float(q), dtype=torch.float64, requires_grad=True) for n, q in case.leaves.items()}
    for n, e in case.nodes:
        env[n] = run(e, env, B)
        env[n].retain_grad()
    env["L"].backward()
    want = {n: 0.0 if t.grad is None else t.grad.item() for n, t in env.items()}

    solution = symback.solve(case.spec, check=False)
    floor = 1e-12 * (1 + max(abs(g) for g in want.values()))
    assert abs(float(solution.loss) - env["L"].item()) <= 1e-12 * (1 + abs(env["L"].item()))
    for n, g in want.items():  # every input, parameter and node
        assert_close(n, solution.gradients[n], g, floor)
    check_compiled_graph(solution, case.leaves, want, env["L"].item(), floor)


def check_compiled_graph(solution, leaves, want, loss, floor) -> None:
    program = solution.compiled()
    assert set(program.leaves) == set(leaves)
    value, grads = program({n: float(q) for n, q in leaves.items()})
    assert abs(float(value) - loss) <= 1e-9 * (1 + abs(loss))
    for n in leaves:
        assert_close(n, grads[n], want[n], floor, what="compiled() ")


def names_in(e) -> set[str]:
    if e[0] == "name":
        return {e[1]}
    parts = [p for p in e[1:] if isinstance(p, tuple)] + [p for p in e[1:] if isinstance(p, list) for p in p]
    return set().union(*(names_in(p) for p in parts)) if parts else set()


def calls_in(e) -> set[str]:
    parts = [p for p in e[1:] if isinstance(p, tuple)] + [p for p in e[1:] if isinstance(p, list) for p in p]
    return ({e[1]} if e[0] == "call" else set()).union(*(calls_in(p) for p in parts))




def test_compiled_graph_with_max_and_min():
    spec = {"loss": "L", "inputs": {"x": 0.5}, "params": {"p": 0.25, "q": -1.5},
            "nodes": {"L": "max(x, p) * q + min(x, p, 1)"}}
    # by hand: max(x, p) = x and min(x, p, 1) = p, so L = x q + p
    want = {"x": -1.5, "p": 1.0, "q": 0.5}
    solution = symback.solve(spec, check=False)
    for n, g in want.items():
        assert_close(n, solution.gradients[n], g, 1e-15)  # the exact path is right
    check_compiled_graph(solution, {"x": Fraction(1, 2), "p": Fraction(1, 4), "q": Fraction(-3, 2)},
                         want, -0.5, 1e-15)


def test_compiled_graph_with_unused_node_matching_a_derivative():
    spec = {"loss": "L", "inputs": {"x": 0.5}, "params": {"p": 0.25}, "nodes": {"u": "2*x", "L": "x^2 + p"}}
    want = {"x": 1.0, "p": 1.0}  # 2x and 1
    solution = symback.solve(spec, check=False)
    for n, g in want.items():
        assert_close(n, solution.gradients[n], g, 1e-15)  # the exact path is right
    check_compiled_graph(solution, {"x": Fraction(1, 2), "p": Fraction(1, 4)}, want, 0.5, 1e-15)


@pytest.mark.parametrize("nodes", [
    {"n": "softmax(1, p, p)", "L": "n + p^2"},            # dn/dp = 0 exactly
    {"n": "sigmoid(p) + sigmoid(-p)", "L": "n + p^2"},    # dn/dp = 0 exactly
], ids=["softmax-repeated-logit", "sigmoid-symmetric"])
def test_exact_zero_derivative_keeps_precision(nodes):
    solution = symback.solve({"loss": "L", "params": {"p": 0.375}, "nodes": nodes}, check=False)
    assert_close("p", solution.gradients["p"], 0.75, 1e-15)  # dL/dp = 0 + 2p


def test_exact_zero_value_keeps_precision():
    solution = symback.solve({"loss": "L", "params": {"p": 0.375},
                              "nodes": {"n": "softmax(1, p, p) - 1/2", "L": "n + p^2"}}, check=False)
    assert_close("L (the loss value)", solution.loss, 0.140625, 1e-15)  # 0 + p^2


# ---------------------------------------------------------------------------------------------
# Random dense networks against a hand-written torch forward
# ---------------------------------------------------------------------------------------------

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"]
ALL_ACTIVATIONS = HIDDEN + ["softmax"]
BIASES = ["none", "neuron", "shared"]
KINKED_ACTIVATIONS = {"relu", "leaky_relu"}


def fraction_matrix(rows: int, cols: int, lo: int, hi: int):
    return st.lists(st.lists(eighths(lo, hi), min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@st.composite
def networks(draw, loss: str | None = None):
    """A random dense network: depth 1-3, layers of 1-4 neurons, 1-3 samples, values in eighths."""
    depth = draw(st.integers(1, 3))
    layers = [draw(st.integers(1, 4)) for _ in range(depth + 1)]
    loss = loss or draw(st.sampled_from(LOSS_KINDS))
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)]
    if loss == "bce":
        out = "sigmoid"
    elif loss == "cross_entropy":
        out = "softmax"
    elif loss == "softmax_cross_entropy":
        out = draw(st.sampled_from(["softmax", "identity", None]))  # None: one activation name for all
    else:
        out = draw(st.sampled_from(ALL_ACTIVATIONS))
    if out is None:
        activation = draw(st.sampled_from(HIDDEN)) if not hidden else hidden[0]
        hidden = [activation] * (depth - 1)
        acts = hidden + ["softmax"]
    else:
        acts = hidden + [out]
        activation = acts[0] if len(set(acts)) == 1 and draw(st.booleans()) else list(acts)
    bias = draw(st.sampled_from(BIASES))
    m = draw(st.integers(1, 3))
    X = draw(fraction_matrix(m, layers[0], -16, 16))
    if loss == "bce":
        T = draw(fraction_matrix(m, layers[-1], 0, 8))
    elif "cross_entropy" in loss:
        T = [draw(target_rows(layers[-1])) for _ in range(m)]
    else:
        T = draw(fraction_matrix(m, layers[-1], -8, 8))
    Ws = [draw(fraction_matrix(layers[l], layers[l - 1], -12, 12)) for l in range(1, depth + 1)]
    if bias == "neuron":
        bs = [draw(st.lists(eighths(-8, 8), min_size=n, max_size=n)) for n in layers[1:]]
    elif bias == "shared":
        bs = [draw(eighths(-8, 8)) for _ in layers[1:]]
    else:
        bs = [None] * depth
    return network_case(layers, acts, activation, bias, loss, X, T, Ws, bs)


def network_case(layers, acts, activation, bias, loss, X, T, Ws, bs):
    """The spec dictionary of a network given in Fractions, and the Fractions for the oracle.

    ``acts``: the activation of each layer as the network computes it; ``activation``: as the spec
    says it (one name or a list). ``bs[l]``: a list (neuron), one Fraction (shared) or None.
    """
    values = {"x": [[float(v) for v in row] for row in X], "t": [[float(v) for v in row] for row in T]}
    for l, (W, b) in enumerate(zip(Ws, bs), 1):
        values[f"W{l}"] = [[float(v) for v in row] for row in W]
        if b is not None:
            values[f"b{l}"] = float(b) if bias == "shared" else [float(v) for v in b]
    spec = {"network": {"layers": list(layers), "activation": activation, "bias": bias, "loss": loss,
                        "values": values}}
    return SimpleNamespace(layers=list(layers), acts=list(acts), bias=bias, loss=loss, X=X, T=T, Ws=Ws,
                           bs=bs, m=len(X), spec=spec)


def torch_network(net, B):
    """Loss and dL/d(every weight, bias, input and target), by torch autograd of our own forward."""
    torch = B.torch

    def tensor(v):
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    Ws = [tensor([[float(v) for v in row] for row in W]) for W in net.Ws]
    bs = [None if b is None else tensor(float(b) if net.bias == "shared" else [float(v) for v in b])
          for b in net.bs]
    xs = [tensor([float(v) for v in row]) for row in net.X]
    ts = [tensor([float(v) for v in row]) for row in net.T]
    depth = len(net.layers) - 1
    activations = {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda z: z,
        "leaky_relu": lambda z: torch.where(z > 0, z, 0.01 * z),
        "softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
        "softmax": lambda z: torch.softmax(z, 0),
    }
    total, kinks = 0, []
    for x, t in zip(xs, ts):
        a = x
        for l in range(depth):
            z = Ws[l] @ a
            if bs[l] is not None:
                z = z + bs[l]
            if net.acts[l] in KINKED_ACTIVATIONS:
                kinks.append(float(z.detach().abs().min()))
            a = activations[net.acts[l]](z)
        if net.loss == "softmax_cross_entropy":
            per_sample = -(t * torch.log_softmax(z, 0)).sum()
        else:
            per_sample = loss_value(net.loss, list(a), list(t), B)
        total = total + per_sample
    L = total / net.m
    L.backward()
    grads = {}
    for l in range(1, depth + 1):
        W = Ws[l - 1].grad
        for j in range(net.layers[l]):
            for k in range(net.layers[l - 1]):
                grads[f"w{l}_{j + 1}_{k + 1}"] = W[j, k].item()
            if net.bias == "neuron":
                grads[f"b{l}_{j + 1}"] = bs[l - 1].grad[j].item()
        if net.bias == "shared":
            grads[f"b{l}"] = bs[l - 1].grad.item()
    suffix = (lambda s: "") if net.m == 1 else (lambda s: f"_s{s + 1}")
    for s in range(net.m):
        for k, g in enumerate(xs[s].grad.tolist(), 1):
            grads[f"x{k}{suffix(s)}"] = g
        for j, g in enumerate(ts[s].grad.tolist(), 1):
            grads[f"t{j}{suffix(s)}"] = g
    return L.item(), grads, min(kinks, default=math.inf)


def check_network(net, B, solution=None):
    """Compare symback on ``net`` with torch; returns symback's solution."""
    loss, want, kink_gap = torch_network(net, B)
    if not kink_gap > 1e-6:  # relu'(0) is a convention; keep every pre-activation off the kink
        assume(False)

    solution = solution or symback.solve(net.spec, check=False)
    graph = solution.graph
    params = [n for n in want if n[0] in "wb"]
    assert sorted(graph.params) == sorted(params)
    assert sorted(graph.inputs) == sorted(set(want) - set(params))
    floor = 1e-12 * (1 + max(abs(g) for g in want.values()))
    assert abs(float(solution.loss) - loss) <= 1e-12 * (1 + abs(loss))
    for n, g in want.items():
        assert_close(n, solution.gradients[n], g, floor)
    for n, v in closed_form_values(solution, params).items():
        assert_close(n, v, want[n], floor, what="closed form ")

    # the scalar program, with a float for every leaf
    scalar_loss, grads = solution.compiled()({n: float(solution.values[n]) for n in graph.inputs + graph.params})
    assert abs(float(scalar_loss) - loss) <= 1e-9 * (1 + abs(loss))
    for n, g in want.items():
        assert_close(n, grads[n], g, floor, what="compiled() ")

    # the layer-level program
    X = numpy.array(net.X, dtype=numpy.float64)
    T = numpy.array(net.T, dtype=numpy.float64)
    Ws = [numpy.array(W, dtype=numpy.float64) for W in net.Ws]
    bs = [None if b is None else (float(b) if net.bias == "shared" else numpy.array(b, dtype=numpy.float64))
          for b in net.bs]
    layer_loss, dWs, dbs = solution.compiled_network()(X, T, Ws, bs)
    assert abs(float(layer_loss) - loss) <= 1e-9 * (1 + abs(loss))
    for l, (dW, db) in enumerate(zip(dWs, dbs), 1):
        assert numpy.shape(dW) == (net.layers[l], net.layers[l - 1])
        for j in range(net.layers[l]):
            for k in range(net.layers[l - 1]):
                n = f"w{l}_{j + 1}_{k + 1}"
                assert_close(n, dW[j, k], want[n], floor, what="compiled_network() ")
            if net.bias == "neuron":
                assert_close(f"b{l}_{j + 1}", db[j], want[f"b{l}_{j + 1}"], floor, what="compiled_network() ")
        if net.bias == "shared":
            assert numpy.ndim(db) == 0
            assert_close(f"b{l}", db, want[f"b{l}"], floor, what="compiled_network() ")
        if net.bias == "none":
            assert db is None
    return solution


@pytest.mark.parametrize("loss", LOSS_KINDS)  # each parametrization has its own derandomized cases
@cases(8)
@given(data=st.data())
def test_random_network_vs_torch(tb, loss, data):
    """Depth 1-3, layers of 1-4 neurons, batches of 1-3: gradients, closed forms, both compiled programs."""
    net = data.draw(networks(loss), label="net")
    check_network(net, tb)
    for what in [f"bias {net.bias}", f"{net.m} samples", f"depth {len(net.layers) - 1}",
                 f"max width {max(net.layers)}"] + [f"activation {a}" for a in set(net.acts)]:
        event(what)  # coverage, shown by --hypothesis-show-statistics


@pytest.mark.parametrize("activation, bias", [(a, BIASES[i % 3]) for i, a in enumerate(ALL_ACTIVATIONS)])
def test_every_activation_vs_torch(tb, activation, bias):
    """Each activation in the hidden and the output layer of a 2-2-2 network, two samples, mse."""
    q = lambda *vs: [Fraction(v, 8) for v in vs]  # noqa: E731
    X, T = [q(3, -9), q(-6, 2)], [q(2, -1), q(8, 5)]
    Ws = [[q(5, -2), q(-7, 3)], [q(4, 6), q(-3, 9)]]
    bs = {"none": [None, None], "shared": [Fraction(1, 8), Fraction(-3, 8)],
          "neuron": [q(1, -2), q(3, -1)]}[bias]
    hidden = "tanh" if activation == "softmax" else activation  # softmax on the output only
    check_network(network_case([2, 2, 2], [hidden, activation], [hidden, activation], bias, "mse",
                               X, T, Ws, bs), tb)


# ---------------------------------------------------------------------------------------------
# Softmax cross-entropy: the Sigma t = 1 assumption
# ---------------------------------------------------------------------------------------------

def _sce_network(targets, deep: bool = False):
    """Softmax cross-entropy, 3 classes: 2-3 (softmax), or 1-1-3 (tanh, softmax) when ``deep``."""
    m = len(targets)
    layers = [1, 1, 3] if deep else [2, 3]
    X = [[Fraction(1), Fraction(-1, 2)], [Fraction(3, 8), Fraction(5, 4)], [Fraction(-1), Fraction(1, 4)]][:m]
    X = [row[:layers[0]] for row in X]
    if deep:
        Ws = [[[Fraction(3, 4)]], [[Fraction(1, 2)], [Fraction(-5, 4)], [Fraction(1, 8)]]]
        bs = [[Fraction(-1, 8)], [Fraction(0), Fraction(1, 8), Fraction(-1, 4)]]
    else:
        Ws = [[[Fraction(1, 4), Fraction(-1, 2)], [Fraction(3, 4), Fraction(1, 8)], [Fraction(-1, 8), Fraction(5, 8)]]]
        bs = [[Fraction(0), Fraction(1, 8), Fraction(-1, 4)]]
    T = [[Fraction(v) for v in row] for row in targets]
    acts = ["tanh", "softmax"] if deep else ["softmax"]
    return network_case(layers, acts, acts, "neuron", "softmax_cross_entropy", X, T, Ws, bs)


def _output_layer_gradients(solution, net):
    """(row sums to 1, name, dL/dz closed form, the textbook (y_j - t_j) / m) per output neuron."""
    depth, m = len(net.layers) - 1, net.m
    sym = solution.graph.symbols
    for s, row in enumerate(net.T, 1):
        suf = "" if m == 1 else f"_s{s}"
        for j in (1, 2, 3):
            z = f"z{depth}_{j}{suf}"
            yield sum(row) == 1, z, solution.gradient(z), (sym[f"y{j}{suf}"] - sym[f"t{j}{suf}"]) / m


SCE_TARGETS = {
    "1.25": [[0.5, 0.25, 0.5]], "0.5": [[0, 0, 0.5]], "3": [[1, 1, 1]],            # no row sums to 1
    "batch-1.25-1.25": [[0.25, 0.5, 0.5], [1, 0, 0.25]],
    "one-hot": [[0, 1, 0]], "distribution": [[0.25, 0.5, 0.25]],                   # every row does
    "batch-1.25-1": [[0.25, 0.5, 0.5], [1, 0, 0]],                                 # only the second
}
SCE_CASES = [(key, False) for key in SCE_TARGETS] + [(key, True) for key in ("1.25", "distribution")]


def _sce_id(case):
    return f"{case[0]}-{'1-1-3' if case[1] else '2-3'}"


@functools.lru_cache(maxsize=None)
def _sce_solution(key, deep):
    net = _sce_network(SCE_TARGETS[key], deep)
    return net, symback.solve(net.spec, check=False)


@pytest.mark.parametrize("case", SCE_CASES, ids=_sce_id)
def test_softmax_cross_entropy_any_targets_vs_torch(tb, case):
    """Gradients match torch whatever the targets sum to; Sigma t = 1 is stated exactly when true."""
    net, solution = _sce_solution(*case)
    check_network(net, tb, solution=solution)
    expected = []
    for s, row in enumerate(net.T, 1):
        suf = "" if net.m == 1 else f"_s{s}"
        if sum(row) == 1:
            expected.append(f"t1{suf} + t2{suf} + t3{suf} = 1")
    assert sorted(str(a) for a in solution.derivation.assumptions) == sorted(expected)
    # without the assumption dL/dz_j = (y_j * sum_k t_k - t_j) / m, which is not the textbook form
    for sums_to_one, z, g, textbook in _output_layer_gradients(solution, net):
        if not sums_to_one:
            assert sp.simplify(g - textbook) != 0, (z, g)


@pytest.mark.parametrize("case", [
    case for case in SCE_CASES if any(sum(Fraction(v) for v in row) == 1 for row in SCE_TARGETS[case[0]])
], ids=_sce_id)
def test_softmax_cross_entropy_closed_form_is_y_minus_t(case):
    """Where a sample's targets sum to 1, dL/dz_j of its output layer is (y_j - t_j) / m symbolically."""
    net, solution = _sce_solution(*case)
    for sums_to_one, z, g, textbook in _output_layer_gradients(solution, net):
        if sums_to_one:
            assert sp.simplify(g - textbook) == 0, (z, g)


def test_softmax_cross_entropy_graph_form_assumption(tb):
    """The same in a graph spec: softmax_cross_entropy([z1, z2, z3], [t1, t2, t3])."""
    torch = tb.torch
    base = {"loss": "L", "params": {"z1": 0.5, "z2": -0.25, "z3": 1.0},
            "nodes": {"L": "softmax_cross_entropy([z1, z2, z3], [t1, t2, t3])"}}
    zs = torch.tensor([0.5, -0.25, 1.0], dtype=torch.float64)
    for t, sums_to_one in (([0.25, 0.25, 0.5], True), ([0.5, 0.5, 0.5], False)):
        solution = symback.solve(dict(base, inputs={"t1": t[0], "t2": t[1], "t3": t[2]}), check=False)
        z = zs.clone().requires_grad_(True)
        (-(torch.tensor(t, dtype=torch.float64) * torch.log_softmax(z, 0)).sum()).backward()
        sym = solution.graph.symbols
        z1, z2, z3, t1 = sym["z1"], sym["z2"], sym["z3"], sym["t1"]
        y1 = sp.exp(z1) / (sp.exp(z1) + sp.exp(z2) + sp.exp(z3))
        g = solution.gradient("z1")
        for j in (1, 2, 3):
            assert_close(f"z{j}", solution.gradients[f"z{j}"], z.grad[j - 1].item(), 1e-15)
        assert bool(solution.derivation.assumptions) is sums_to_one
        assert (sp.simplify(g.rewrite(sp.exp) - (y1 - t1)) == 0) is sums_to_one
