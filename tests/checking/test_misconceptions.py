"""Named misconceptions: a mistake planted by an independent computation is named as the one planted.

The oracle is this test's own, sharing no code with symback's sweep or mutations: Nielsen's forward pass
and δ recursion written out for dense networks (mpmath), and reverse mode over random computational
graphs whose local derivatives come from SymPy's own ``diff`` of each node formula (``planted_graph``).
Each has hooks where a student's mistake changes the computation (a path left out of a sum, σ' for a
tanh unit, σ' at the activation, the activation derivative or an inner derivative dropped, an index
slipped, the softmax shortcut, updated weights in the backward pass, the scalar and update slips).
A planted value that lies within 1e-6 (relative) of the right value or of another planted mistake's
value cannot be told apart and is not counted; of the rest, at least 95% must be named as planted, and
a right or rounding-carried answer must never get a name.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import mpmath
import pytest
import sympy as sp

import symback
from symback.checking.misconceptions import Explainer
from symback.checking.sweep import Quantity
from symback.checking.verify import verify_claims

DPS = 40
ACT = {  # name: (f(z), f'(z, a))
    "sigmoid": (lambda z: 1 / (1 + mpmath.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (mpmath.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: z if z > 0 else mpmath.mpf(0), lambda z, a: mpmath.mpf(1 if z > 0 else 0)),
    "leaky_relu": (lambda z: z if z > 0 else z / 100, lambda z, a: mpmath.mpf(1) if z > 0 else mpmath.mpf(1) / 100),
    "softplus": (lambda z: mpmath.log(1 + mpmath.exp(z)), lambda z, a: 1 / (1 + mpmath.exp(-z))),
    "identity": (lambda z: z, lambda z, a: mpmath.mpf(1)),
}
FORMS = {"sigmoid": lambda z, a: a * (1 - a), "tanh": lambda z, a: 1 - a * a}   # σ' and tanh' in the output a
AT_OUTPUT = {"sigmoid": lambda a: ACT["sigmoid"][1](None, ACT["sigmoid"][0](a)),
             "tanh": lambda a: 1 - mpmath.tanh(a) ** 2}


@dataclass
class Hooks:
    """Where a planted mistake changes the oracle's computation (all names as symback's network names)."""

    drop: set = field(default_factory=set)            #: (child, node) edges left out of a sum
    act: dict = field(default_factory=dict)           #: (layer, j, sample) -> f'(z, a) used instead
    weight: dict = field(default_factory=dict)        #: (l, k, j) -> the weight name used for w_{l,k,j} in δ
    input: dict = field(default_factory=dict)         #: (l, j, k, sample) -> the activation name used for a_{l-1,k}
    updated: bool = False                             #: the δ recursion reads updated weights
    shortcut: bool = False                            #: δ of a softmax output is y − t


def _rational(rng, low=-2, high=2, denominator=20):
    return sp.Rational(rng.randint(low * denominator, high * denominator), denominator)


def random_network(rng: random.Random) -> dict:
    """A small dense network spec (dict) of every activation, loss, bias mode, with 1 or 2 samples."""
    depth = rng.choice((1, 2, 2))
    sizes = [rng.randint(1, 3)] + [rng.randint(2, 3) for _ in range(depth - 1)]
    loss = rng.choice(("mse", "half_sse", "sse", "bce", "cross_entropy", "softmax_cross_entropy"))
    out = rng.randint(2, 3) if loss in ("cross_entropy", "softmax_cross_entropy") else rng.randint(1, 2)
    sizes.append(out)
    hidden = [rng.choice(list(ACT)) for _ in range(depth - 1)]
    output = {"bce": "sigmoid", "cross_entropy": "softmax", "softmax_cross_entropy": "softmax"}.get(
        loss, rng.choice(("sigmoid", "tanh", "identity")))
    m = rng.choice((1, 1, 2))
    bias = rng.choice(("neuron", "neuron", "shared", "none"))
    xs = [[float(_rational(rng)) for _ in range(sizes[0])] for _ in range(m)]
    ts = []
    for _ in range(m):
        if loss in ("cross_entropy", "softmax_cross_entropy"):
            row = [rng.randint(0, 4) for _ in range(out)]
            total = sum(row) or 1
            ts.append([v / total for v in row] if rng.random() < 0.6 else [float(_rational(rng, 0, 1, 4)) for _ in row])
        elif loss == "bce":
            ts.append([float(rng.choice((0, 1, 0.25))) for _ in range(out)])
        else:
            ts.append([float(_rational(rng)) for _ in range(out)])
    values = {"x": xs if m > 1 else xs[0], "t": ts if m > 1 else ts[0]}
    for l in range(1, len(sizes)):
        values[f"W{l}"] = [[float(_rational(rng, -1, 1)) for _ in range(sizes[l - 1])] for _ in range(sizes[l])]
        if bias == "shared":
            values[f"b{l}"] = float(_rational(rng, -1, 1))
        elif bias == "neuron":
            values[f"b{l}"] = [float(_rational(rng, -1, 1)) for _ in range(sizes[l])]
    return {"title": "random", "learning_rate": rng.choice((0.5, 1, 0.3)),
            "network": {"layers": sizes, "activation": hidden + [output], "bias": bias, "loss": loss, "values": values}}


class Net:
    """The oracle: a dense network's forward pass, loss and δ recursion in mpmath, with :class:`Hooks`."""

    def __init__(self, spec: dict) -> None:
        net = spec["network"]
        self.sizes, self.acts, self.bias, self.loss = net["layers"], net["activation"], net["bias"], net["loss"]
        self.depth = len(self.sizes) - 1
        values = net["values"]
        xs, ts = values["x"], values["t"]
        self.xs = xs if isinstance(xs[0], list) else [xs]
        self.ts = ts if isinstance(ts[0], list) else [ts]
        self.m = len(self.xs)
        self.rate = mpmath.mpf(sp.Rational(repr(float(spec["learning_rate"]))))
        self.params = {}
        for l in range(1, self.depth + 1):
            for j in range(1, self.sizes[l] + 1):
                for k in range(1, self.sizes[l - 1] + 1):
                    self.params[f"w{l}_{j}_{k}"] = _mp(values[f"W{l}"][j - 1][k - 1])
                if self.bias == "neuron":
                    self.params[f"b{l}_{j}"] = _mp(values[f"b{l}"][j - 1])
            if self.bias == "shared":
                self.params[f"b{l}"] = _mp(values[f"b{l}"])

    def suffix(self, s: int) -> str:
        return "" if self.m == 1 else f"_s{s + 1}"

    def bias_name(self, l: int, j: int) -> str | None:
        return None if self.bias == "none" else f"b{l}" if self.bias == "shared" else f"b{l}_{j}"

    def act_name(self, l: int, j: int, s: int) -> str:
        return f"y{j}{self.suffix(s)}" if l == self.depth else f"a{l}_{j}{self.suffix(s)}"

    def forward(self, params):
        """Per sample: a[l][j] (a[0] the inputs), z[l][j], and the per-sample losses; names -> values."""
        runs, named = [], {}
        for s in range(self.m):
            a = {0: {k: _mp(v) for k, v in enumerate(self.xs[s], 1)}}
            z = {}
            for k, v in a[0].items():
                named[f"x{k}{self.suffix(s)}"] = v
            for l in range(1, self.depth + 1):
                z[l] = {j: mpmath.fsum(params[f"w{l}_{j}_{k}"] * a[l - 1][k] for k in a[l - 1])
                        + (params[self.bias_name(l, j)] if self.bias_name(l, j) else 0)
                        for j in range(1, self.sizes[l] + 1)}
                if self.acts[l - 1] == "softmax":
                    top = max(z[l].values())
                    e = {j: mpmath.exp(v - top) for j, v in z[l].items()}
                    a[l] = {j: e[j] / mpmath.fsum(e.values()) for j in e}
                else:
                    a[l] = {j: ACT[self.acts[l - 1]][0](v) for j, v in z[l].items()}
                for j in z[l]:
                    named[f"z{l}_{j}{self.suffix(s)}"] = z[l][j]
                    named[self.act_name(l, j, s)] = a[l][j]
            t = {j: _mp(v) for j, v in enumerate(self.ts[s], 1)}
            y = a[self.depth]
            loss = self.sample_loss(y, t)
            named[f"L{self.suffix(s)}" if self.m > 1 else "L"] = loss
            runs.append((a, z, t, loss))
        named["L"] = mpmath.fsum(r[3] for r in runs) / self.m
        return runs, named

    def sample_loss(self, y, t):
        n = len(y)
        if self.loss == "mse":
            return mpmath.fsum((y[j] - t[j]) ** 2 for j in y) / n
        if self.loss == "half_sse":
            return mpmath.fsum((y[j] - t[j]) ** 2 for j in y) / 2
        if self.loss == "sse":
            return mpmath.fsum((y[j] - t[j]) ** 2 for j in y)
        if self.loss == "bce":
            return -mpmath.fsum(t[j] * mpmath.log(y[j]) + (1 - t[j]) * mpmath.log(1 - y[j]) for j in y) / n
        return -mpmath.fsum(t[j] * mpmath.log(y[j]) for j in y)

    def output_delta(self, y, z, t, hooks: Hooks, s: int):
        """δ of the output layer of one sample, times 1/m (dL/dz_j)."""
        n, L = len(y), self.depth
        if self.acts[-1] == "softmax":
            if hooks.shortcut and mpmath.fsum(t.values()) != 1:
                return {j: (y[j] - t[j]) / self.m for j in y}
            dy = {k: -t[k] / y[k] for k in y}
            names = {k: self.act_name(L, k, s) for k in y}
            return {j: mpmath.fsum(dy[k] * y[k] * ((1 if k == j else 0) - y[j]) for k in y
                                   if (names[k], f"z{L}_{j}{self.suffix(s)}") not in hooks.drop) / self.m for j in y}
        dy = {"mse": lambda j: 2 * (y[j] - t[j]) / n, "half_sse": lambda j: y[j] - t[j],
              "sse": lambda j: 2 * (y[j] - t[j]),
              "bce": lambda j: (-t[j] / y[j] + (1 - t[j]) / (1 - y[j])) / n}[self.loss]
        return {j: dy(j) / self.m * self.act_local(L, j, s, z[L][j], y[j], hooks) for j in y}

    def act_local(self, l, j, s, z, a, hooks: Hooks):
        return hooks.act.get((l, j, s), hooks.act.get((l, j, None), ACT[self.acts[l - 1]][1]))(z, a)

    def gradients(self, hooks: Hooks = Hooks(), params=None):
        """dL/dp for every parameter, and the δ of every neuron (names as symback's)."""
        params = self.params if params is None else params
        runs, named = self.forward(params)
        local_w = params
        if hooks.updated:
            right, _ = self.gradients(Hooks(), params)
            local_w = {p: v - self.rate * right[p] for p, v in params.items()}
        grads = {p: mpmath.mpf(0) for p in params}
        deltas = {}
        for s, (a, z, t, _) in enumerate(runs):
            delta = {self.depth: self.output_delta(a[self.depth], z, t, hooks, s)}
            for l in range(self.depth, 0, -1):
                for j, d in delta[l].items():
                    deltas[f"z{l}_{j}{self.suffix(s)}"] = d
                    zname = f"z{l}_{j}{self.suffix(s)}"
                    for k in a[l - 1]:
                        w = f"w{l}_{j}_{k}"
                        if (zname, w) not in hooks.drop:
                            used = hooks.input.get((l, j, k, s)) or hooks.input.get((l, j, k, None))
                            grads[w] += d * (named[used + self.suffix(s)] if used else a[l - 1][k])
                    b = self.bias_name(l, j)
                    if b and (zname, b) not in hooks.drop:
                        grads[b] += d
                if l > 1:
                    delta[l - 1] = {}
                    for j in a[l - 1]:
                        aname = self.act_name(l - 1, j, s)
                        total = mpmath.fsum(delta[l][k] * local_w[hooks.weight.get((l, k, j, s), hooks.weight.get(
                                                (l, k, j, None), f"w{l}_{k}_{j}"))]
                                            for k in delta[l] if (f"z{l}_{k}{self.suffix(s)}", aname) not in hooks.drop)
                        delta[l - 1][j] = total * self.act_local(l - 1, j, s, z[l - 1][j], a[l - 1][j], hooks)
        return grads, {"deltas": deltas, "values": named}


def _mp(value) -> mpmath.mpf:
    return mpmath.mpf(sp.Rational(repr(float(value))).p) / sp.Rational(repr(float(value))).q


def network_mistakes(net: Net):
    """(code, hooks) for every structural mistake the oracle plants, as a student makes it: in one
    sample, and (with several samples) the same mistake in every sample."""
    found = []
    samples = [(s,) for s in range(net.m)] + ([tuple(range(net.m))] if net.m > 1 else [])
    for group in samples:
        one = group[0] if len(group) == 1 else None  # the hooks' key: one sample, or None for all of them

        def edges(make):
            return {make(s) for s in group}

        for l in range(1, net.depth + 1):
            for j in range(1, net.sizes[l] + 1):
                if net.bias == "shared" and (net.sizes[l] > 1 or net.m > 1) and one is not None:
                    found.append(("missing_path", Hooks(drop={(f"z{l}_{j}{net.suffix(one)}", f"b{l}")})))
                if net.bias == "neuron" and net.m > 1 and one is not None:
                    found.append(("missing_path", Hooks(drop={(f"z{l}_{j}{net.suffix(one)}", f"b{l}_{j}")})))
                previous = [f"x{k}" if l == 1 else f"a{l - 1}_{k}" for k in range(1, net.sizes[l - 1] + 1)]
                for k in range(1, net.sizes[l - 1] + 1):
                    if net.m > 1 and one is not None:
                        found.append(("missing_path", Hooks(drop={(f"z{l}_{j}{net.suffix(one)}", f"w{l}_{j}_{k}")})))
                    found += [("wrong_input", Hooks(input={(l, j, k, one): other}))
                              for k2, other in enumerate(previous, 1) if k2 != k]
                f = net.acts[l - 1]
                if f != "softmax":
                    if f != "identity":
                        found.append(("missing_activation_derivative",
                                      Hooks(act={(l, j, one): lambda z_, a_: mpmath.mpf(1)})))
                    if f in ("sigmoid", "tanh", "relu", "leaky_relu", "softplus"):
                        found += [("wrong_activation_derivative", Hooks(act={(l, j, one): form}))
                                  for other, form in FORMS.items() if other != f]
                    if f in FORMS:
                        found.append(("derivative_at_wrong_point",
                                      Hooks(act={(l, j, one): lambda z_, a_, g=AT_OUTPUT[f]: g(a_)})))
                        found.append(("derivative_at_wrong_point",
                                      Hooks(act={(l, j, one): lambda z_, a_, g=FORMS[f]: g(None, z_)})))
                if l < net.depth and net.sizes[l + 1] > 1:
                    found += [("missing_path", Hooks(drop=edges(lambda s, k=k: (f"z{l + 1}_{k}{net.suffix(s)}",
                                                                              net.act_name(l, j, s)))))
                              for k in range(1, net.sizes[l + 1] + 1)]
        for l in range(2, net.depth + 1):
            for k in range(1, net.sizes[l] + 1):
                for j in range(1, net.sizes[l - 1] + 1):
                    for other in _weight_slips(net, l, k, j):
                        code = "transposed_index" if other == f"w{l}_{j}_{k}" else "wrong_input"
                        found.append((code, Hooks(weight={(l, k, j, one): other})))
    if net.acts[-1] == "softmax":  # an off-diagonal term of the softmax Jacobian left out
        L = net.depth
        for s in range(net.m):
            found += [("missing_path", Hooks(drop={(net.act_name(L, k, s), f"z{L}_{j}{net.suffix(s)}")}))
                      for j in range(1, net.sizes[L] + 1) for k in range(1, net.sizes[L] + 1)]
    if net.depth > 1:
        found.append(("updated_weights_used", Hooks(updated=True)))
    if net.acts[-1] == "softmax" and any(sum(sp.Rational(repr(float(v))) for v in t) != 1 for t in net.ts):
        found.append(("softmax_shortcut", Hooks(shortcut=True)))
    return found


def _weight_slips(net: Net, l: int, k: int, j: int) -> list[str]:
    """Weight names one index away from w{l}_{k}_{j} (another layer, row or column), or transposed."""
    candidates = ([f"w{l2}_{k}_{j}" for l2 in range(1, net.depth + 1) if l2 != l]
                  + [f"w{l}_{k2}_{j}" for k2 in range(1, net.sizes[l] + 1) if k2 != k]
                  + [f"w{l}_{k}_{j2}" for j2 in range(1, net.sizes[l - 1] + 1) if j2 != j]
                  + ([f"w{l}_{j}_{k}"] if j != k else []))
    return [c for c in candidates if c in net.params]


def planted_numbers(net: Net, param: str, rng: random.Random):
    """(code, quantity, planted value, every other planted value) for dL/d(param) and param'."""
    right, extra = net.gradients()
    values = {**extra["values"], **{p: v for p, v in net.params.items()}}
    updated = {p: v - net.rate * right[p] for p, v in net.params.items()}
    gradient, update = Quantity("gradient", param, "L"), Quantity("updated", param)
    plants = {gradient: [], update: []}
    for code, hooks in network_mistakes(net):
        mutant, _ = net.gradients(hooks)
        plants[gradient].append((code, mutant[param]))
        plants[update].append((code, net.params[param] - net.rate * mutant[param]))
    n = net.sizes[-1]
    factors = [("constant_factor", 2), ("constant_factor", mpmath.mpf(1) / 2)]
    factors += [("constant_factor", n), ("constant_factor", mpmath.mpf(1) / n)] if net.loss in ("mse", "bce") and n > 2 else []
    factors += [("batch_mean", net.m), ("batch_mean", mpmath.mpf(1) / net.m)] if net.m > 1 else []
    factors += [("sign", -1)] + [("decimal_shift", mpmath.mpf(10) ** k) for k in (1, 2, 3, -1, -2, -3)]
    for quantity, value in ((gradient, right[param]), (update, updated[param])):
        plants[quantity] += [(code, value * factor) for code, factor in factors]
        others = [v for q, v in values.items() if q != "L"] + [g for p, g in right.items() if p != param] \
            + [u for p, u in updated.items() if p != param]
        plants[quantity].append(("other_quantity", rng.choice(others)))
    plants[update] += [("gradient_ascent", net.params[param] + net.rate * right[param]),
                       ("missing_learning_rate", net.params[param] - right[param])]
    for quantity, rights in ((gradient, right[param]), (update, updated[param])):
        every = plants[quantity]
        for code, value in every:
            if _apart(value, rights) and all(_apart(value, other) or other_code == code for other_code, other in every):
                yield code, quantity, value


APART, ZERO = mpmath.mpf("1e-6"), mpmath.mpf("1e-20")


def _apart(a, b) -> bool:
    """More than 1e-6 apart, relative (values below 1e-20 count as zero)."""
    return abs(a - b) > APART * max(abs(a), abs(b), ZERO)


def _written(value: mpmath.mpf, digits: int) -> str:
    return mpmath.nstr(value, digits, min_fixed=-mpmath.inf, max_fixed=mpmath.inf, strip_zeros=False)


def _networks(seed: int, count: int):
    rng = random.Random(seed)
    made = 0
    while made < count:
        spec = random_network(rng)
        net = Net(spec)
        _, named = net.forward(net.params)
        if any(abs(v) < mpmath.mpf("0.01") for n, v in named.items() if n.startswith("z")):
            continue  # near a kink of relu / leaky relu: a derivative there is a convention
        try:
            solution = symback.solve(spec, check=False)
        except symback.SymbackError:
            continue
        made += 1
        yield rng, net, solution


def _named_share(cases, digits_of):
    """(named as planted, counted, misses) over ``cases`` of (rng, net, solution), each claim written to
    ``digits_of(rng)`` significant digits."""
    named = counted = 0
    misses = []
    with mpmath.workdps(DPS):
        for rng, net, solution in cases:
            oracle, _ = net.gradients()
            assert all(abs(oracle[p] - _mp_of(solution.gradients[p])) < mpmath.mpf(10) ** -20 for p in net.params)
            explainer = Explainer(solution)
            param = rng.choice(sorted(net.params))
            for code, quantity, value in planted_numbers(net, param, rng):
                text = _written(value, digits_of(rng))
                found = explainer.number(quantity, sp.Rational(text), _unit(text))
                counted += 1
                named += found is not None and found.code == code
                if found is None or found.code != code:
                    misses.append((code, found and found.code, quantity.label, text))
    return named, counted, misses


@pytest.mark.parametrize("seed", range(5))
def test_planted_numbers_in_networks_are_named(seed):
    """50 random networks per seed (250 in all), every mistake planted in a gradient and in an update,
    written to 7 significant digits (finer than the 1e-6 that makes two mistakes distinguishable)."""
    named, counted, misses = _named_share(_networks(1000 + seed, 50), lambda rng: 7)
    assert counted > 1000 and named >= 0.95 * counted, (named, counted, misses[:20])


@pytest.mark.parametrize("seed", range(2))
def test_planted_numbers_as_students_round_them(seed):
    """The same at 3 or 4 significant digits, as students write answers: mistakes whose values lie
    within a rounding of each other are then told apart by the nearest exact value, so the share is lower."""
    named, counted, misses = _named_share(_networks(2000 + seed, 60), lambda rng: rng.choice((3, 4)))
    assert counted > 500 and named >= 0.9 * counted, (named, counted, misses[:20])


def test_right_and_rounding_carried_answers_get_no_name():
    """Right answers (rounded to 2-6 digits) and rounding-carried ones (the verifier's own hand-rounded
    sweep at 2 and 3 digits) of 40 random networks: every verdict right, no misconception named."""
    from symback.checking.sweep import Sweep

    checked = 0
    for rng, net, solution in _networks(4000, 40):
        carried = {d: Sweep(solution.derivation).run(solution.graph.point, d) for d in (2, 3)}
        claims = []
        for param in sorted(net.params):
            for quantity in (Quantity("gradient", param, "L"), Quantity("updated", param)):
                exact = _mp_of(solution.gradients[param] if quantity.kind == "gradient" else solution.updated[param])
                claims += [(quantity.label, _written(exact, d)) for d in (2, 3, 4, 6)]
                claims += [(quantity.label, _written(carried[d][quantity], d)) for d in (2, 3)]
        for result in verify_claims(solution, claims).results:
            checked += 1
            assert result.right and result.misconception is None, (result.name, result.claimed, result.verdict)
    assert checked > 1000


def _mp_of(value) -> mpmath.mpf:
    return mpmath.mpf(value.p) / value.q if isinstance(value, sp.Rational) else mpmath.mpf(sp.Float(value, DPS)._mpf_)


def _unit(text: str) -> sp.Rational:
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return sp.Integer(10) ** (int(exponent or 0) - decimals)


# -- computational graphs: composite node formulas, formula claims ---------------------------------
SIG, STEP, SOFTPLUS, RELU = (sp.Function(n) for n in ("sigmoid", "step", "softplus", "relu"))  # printed as symback reads them
F = {  # outer function: (build, derivative in the output a and the input u)
    "sigmoid": (SIG, lambda a, u: a * (1 - a)),
    "tanh": (sp.tanh, lambda a, u: 1 - a ** 2),
    "softplus": (SOFTPLUS, lambda a, u: SIG(u)),
    "relu": (RELU, lambda a, u: STEP(u)),
}
GRAPH_FORMS = {"sigmoid": lambda a, u: a * (1 - a), "tanh": lambda a, u: 1 - a ** 2}
MP = {"sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "step": lambda x: mpmath.mpf(1 if x > 0 else 0),
      "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)), "relu": lambda x: x if x > 0 else mpmath.mpf(0)}


def random_graph(rng: random.Random):
    """A graph spec with composite nodes (an activation of a weighted sum), fan-out, and one of four losses;
    and the oracle's description of it: {node: (outer name or None, inner or whole formula)}."""
    i1, i2, t, h1, h2, o = sp.symbols("i1 i2 t h1 h2 o")
    w = sp.symbols("w1:7")
    acts = [rng.choice(list(F)) for _ in range(2)]
    out = rng.choice(("sigmoid", "tanh"))
    nodes = {"h1": (acts[0], w[0] * i1 + w[1] * i2),
             "h2": (acts[1], w[2] * (i1 if rng.random() < 0.5 else i2) + w[3] * h1),
             "o": (out, w[4] * h1 + w[5] * h2)}
    loss = rng.choice(("square", "half", "bce") if out == "sigmoid" else ("square", "half"))
    nodes["L"] = (None, {"square": (t - o) ** 2, "half": sp.Rational(1, 2) * (o - t) ** 2,
                         "bce": -(t * sp.log(o) + (1 - t) * sp.log(1 - o))}[loss])
    values = {"i1": _rational(rng), "i2": _rational(rng), "t": rng.choice((sp.S(0), sp.S(1), sp.Rational(1, 4)))}
    params = {f"w{k}": _rational(rng, -1, 1) for k in range(1, 7)}
    text = {n: sp.sstr(F[f][0](inner) if f else inner) for n, (f, inner) in nodes.items()}
    spec = {"loss": "L", "learning_rate": 0.5, "inputs": {k: str(v) for k, v in values.items()},
            "params": {k: str(v) for k, v in params.items()}, "nodes": text}
    spec["inputs"] = {k: float(v) for k, v in values.items()}
    spec["params"] = {k: float(v) for k, v in params.items()}
    return spec, nodes, {**values, **params}


class Graph:
    """The oracle for a random graph: node values in mpmath, adjoints as formulas in node symbols."""

    def __init__(self, nodes, point):
        self.nodes, self.point = nodes, point
        self.values = {k: mpmath.mpf(v.p) / v.q for k, v in point.items()}
        for name, (f, inner) in nodes.items():
            self.values[name] = _evaluate(F[f][0](inner) if f else inner, self.values)
        self.order = list(nodes)

    def local(self, child: str, parent: str, hook=None):
        """d(child)/d(parent) in node symbols; ``hook`` (code, data) plants a mistake in this one local."""
        f, inner = self.nodes[child]
        P, a = sp.Symbol(parent), sp.Symbol(child)
        if f is None:  # the loss: outer x inner by the chain rule where it is a power of a difference
            if hook and hook[0] == "missing_inner_derivative" and isinstance(inner, sp.Pow):
                return inner.exp * inner.base ** (inner.exp - 1)
            return sp.diff(inner, P)
        outer, inner_d = F[f][1](a, inner), sp.diff(inner, P)
        code = hook[0] if hook else None
        if code == "missing_activation_derivative":
            return inner_d
        if code in ("wrong_activation_derivative", "derivative_at_wrong_point"):
            return hook[1](a, inner) * inner_d
        if code == "missing_inner_derivative":
            return outer
        if code == "wrong_input":
            return outer * hook[1]
        return outer * inner_d

    def children(self, name: str):
        return [c for c in self.order if sp.Symbol(name) in (F[self.nodes[c][0]][0](self.nodes[c][1])
                                                             if self.nodes[c][0] else self.nodes[c][1]).free_symbols]

    def gradient(self, name: str, hooks=None) -> sp.Expr:
        """dL/d(name) as a formula in node symbols (reverse accumulation), with planted ``hooks``:
        {(child, node): hook} for one local, ("drop", child, node) to leave a path out."""
        hooks = hooks or {}
        if name == "L":
            return sp.S.One
        total = sp.S.Zero
        for child in self.children(name):
            if ("drop", child, name) in hooks:
                continue
            total += self.gradient(child, hooks) * self.local(child, name, hooks.get((child, name)))
        return total

    def number(self, expr: sp.Expr) -> mpmath.mpf:
        return _evaluate(expr, self.values)


def _evaluate(expr: sp.Expr, values) -> mpmath.mpf:
    """The oracle's own evaluator of its formulas (sums, products, powers, its functions) in mpmath."""
    if expr.is_Symbol:
        return values[expr.name]
    if expr.is_Rational:
        return mpmath.mpf(expr.p) / expr.q
    args = [_evaluate(a, values) for a in expr.args]
    if expr.is_Add:
        return mpmath.fsum(args)
    if expr.is_Mul:
        return mpmath.fprod(args)
    if expr.is_Pow:
        return args[0] ** args[1]
    name = type(expr).__name__
    return {"tanh": mpmath.tanh, "log": mpmath.log, "exp": mpmath.exp}.get(name, MP.get(name))(*args)


def graph_mistakes(graph: Graph, param: str):
    """(code, hooks) for every mistake the oracle plants in the gradient of ``param``."""
    found = []
    for name, (f, inner) in graph.nodes.items():
        parents = sorted((str(s) for s in inner.free_symbols), key=str)
        for parent in parents:
            if f is not None:
                found.append(("missing_activation_derivative", {(name, parent): ("missing_activation_derivative",)}))
                for other, form in GRAPH_FORMS.items():
                    if other != f:
                        found.append(("wrong_activation_derivative", {(name, parent): ("wrong_activation_derivative", form)}))
                if f in GRAPH_FORMS:
                    at_a = (lambda a, u, f=f: F[f][1](F[f][0](a), a))
                    at_u = (lambda a, u, f=f: GRAPH_FORMS[f](u, u))
                    found += [("derivative_at_wrong_point", {(name, parent): ("derivative_at_wrong_point", g)}) for g in (at_a, at_u)]
                if sp.diff(inner, sp.Symbol(parent)) != 1:
                    found.append(("missing_inner_derivative", {(name, parent): ("missing_inner_derivative",)}))
                coefficient = sp.diff(inner, sp.Symbol(parent))
                if coefficient.is_Symbol and coefficient.name[0] in "iw":
                    for other in ("i1", "i2") if coefficient.name[0] == "i" else ():
                        if other != coefficient.name:
                            found.append(("wrong_input", {(name, parent): ("wrong_input", sp.Symbol(other))}))
            elif isinstance(inner, sp.Pow) and sp.diff(inner.base, sp.Symbol(parent)) != 1:
                found.append(("missing_inner_derivative", {(name, parent): ("missing_inner_derivative",)}))
    for name in list(graph.nodes) + list(graph.point):
        children = graph.children(name)
        if len(children) > 1:
            found += [("missing_path", {("drop", c, name): True}) for c in children]
    return found


def _graphs(seed: int, count: int):
    rng = random.Random(seed)
    made = 0
    while made < count:
        spec, nodes, point = random_graph(rng)
        graph = Graph(nodes, point)
        if any(abs(graph.number(inner)) < mpmath.mpf("0.01") for f, inner in nodes.values() if f == "relu"):
            continue
        try:
            solution = symback.solve(spec, check=False)
        except symback.SymbackError:
            continue
        made += 1
        yield rng, graph, solution


def _formula_text(expr: sp.Expr) -> str:
    return sp.sstr(expr)


@pytest.mark.parametrize("seed", range(3))
def test_planted_mistakes_in_graphs_are_named(seed):
    """50 random graphs per seed (150 in all): each mistake planted in dL/dw as a number (7 digits) and,
    for one mistake per graph, as a formula in node symbols checked by ``verify_claims``."""
    named = counted = 0
    misses = []
    with mpmath.workdps(DPS):
        for rng, graph, solution in _graphs(3000 + seed, 50):
            param = rng.choice([f"w{k}" for k in range(1, 7)])
            right = graph.gradient(param)
            assert abs(graph.number(right) - _mp_of(solution.gradients[param])) < mpmath.mpf(10) ** -20
            explainer = Explainer(solution)
            quantity = Quantity("gradient", param, "L")
            plants = [(code, graph.gradient(param, hooks)) for code, hooks in graph_mistakes(graph, param)]
            numbers = [(code, f, graph.number(f)) for code, f in plants]
            scalars = [("sign", -1), ("constant_factor", 2), ("constant_factor", mpmath.mpf(1) / 2)] + \
                [("decimal_shift", mpmath.mpf(10) ** k) for k in (1, 2, 3, -1, -2, -3)]
            every = [(code, v) for code, _, v in numbers] + [(c, graph.number(right) * k) for c, k in scalars]
            usable = [(code, f, v) for code, f, v in numbers if _apart(v, graph.number(right))
                      and all(_apart(v, other) or c == code for c, other in every)]
            for code, formula, value in usable:
                text = _written(value, 7)
                found = explainer.number(quantity, sp.Rational(text), _unit(text))
                counted += 1
                named += found is not None and found.code == code
                if found is None or found.code != code:
                    misses.append((code, found and found.code, "number", param, text))
            if usable:
                code, formula, _ = rng.choice(usable)
                result = verify_claims(solution, [(f"dL/d{param}", _formula_text(formula))]).results[0]
                counted += 1
                assert result.verdict == "wrong", (code, _formula_text(formula), result.details)
                named += result.misconception is not None and result.misconception.code == code
                if result.misconception is None or result.misconception.code != code:
                    misses.append((code, result.misconception and result.misconception.code, "formula", param,
                                   _formula_text(formula)))
    print(f"\ngraphs (seed {seed}): {named}/{counted} named as planted")  # the closing note's figure (-s)
    assert counted > 200 and named >= 0.95 * counted, (named, counted, misses[:20])


# -- homework: planted lines after right upstream lines, checked by verify_homework -----------------
def _network_homework(net: Net, solution, param: str, rng: random.Random, size: int = 150):
    """Homework files as (text, {line number: planted code or None}): the forward values and the param's δ
    written right at 7 digits (the oracle's), right answers rounded to 3-4 digits, then every planted
    update and every planted gradient (updates first: a wrong gradient of the same file would carry into
    them), at most ``size`` planted lines a file."""
    oracle, extra = net.gradients()
    lines, expected = [], {}
    if net.m == 1:
        for name, value in extra["values"].items():
            if name != "L" and name[0] in "zay":
                lines.append(f"{name} = {_written(value, 7)}")
        neuron = param.split("_")[0][1:], param.split("_")[1] if param.count("_") >= 1 else None
        if param.startswith(("w", "b")) and neuron[1] is not None:
            delta = f"z{neuron[0]}_{neuron[1]}"
            lines.append(f"δ{delta[1:]} = {_written(extra['deltas'][delta], 7)}")
    expected.update({len(lines) - k: None for k in range(len(lines))})  # right upstream lines: no code
    gradient, update = f"dL/d{param}", f"{param}'"
    right_update = net.params[param] - net.rate * oracle[param]
    for label, value in ((gradient, oracle[param]), (update, right_update)):
        for digits in (3, 4):
            lines.append(f"{label} = {_written(value, digits)}")
            expected[len(lines)] = None
    plants = sorted(planted_numbers(net, param, rng), key=lambda p: p[1].kind != "updated")
    for start in range(0, len(plants), size):
        chunk, marks = list(lines), dict(expected)
        for code, quantity, value in plants[start:start + size]:
            chunk.append(f"{gradient if quantity.kind == 'gradient' else update} = {_written(value, 7)}")
            marks[len(chunk)] = code
        yield "\n".join(chunk), marks


def _homework_share(report, expected):
    """(named as planted, counted, false namings, misses) of one checked homework."""
    named = counted = false = 0
    misses = []
    for step in report.steps:
        code = expected[step.line]
        found = step.misconception.code if step.misconception is not None else None
        if code is None:  # a right line: a right verdict (numeric: equal at every probe, unproved) and no code
            assert step.verdict in ("proved", "numeric", "rounded"), (step.verdict, step.text)
            false += found is not None
            if found is not None:
                misses.append(("right", found, step.text))
            continue
        counted += 1
        named += found == code
        if found != code:
            misses.append((code, found, step.text))
    return named, counted, false, misses


@pytest.mark.parametrize("seed", range(2))
def test_planted_homework_lines_in_networks_are_named(seed):
    """40 random networks per seed: homework whose right lines get no code and whose planted gradient and
    update lines (7 digits, after right upstream lines) are named as planted in 95% of the cases."""
    from symback.checking.homework import verify_homework

    totals = [0, 0, 0]
    misses = []
    with mpmath.workdps(DPS):
        for rng, net, solution in _networks(5000 + seed, 40):
            param = rng.choice(sorted(net.params))
            for text, expected in _network_homework(net, solution, param, rng):
                named, counted, false, missed = _homework_share(verify_homework(text, solution), expected)
                totals = [totals[0] + named, totals[1] + counted, totals[2] + false]
                misses += missed
    named, counted, false = totals
    print(f"\nnetwork homework (seed {seed}): {named}/{counted} named as planted "
          f"({named / counted:.1%}), {false} right or rounded lines named")
    assert counted > 400 and named >= 0.95 * counted and false == 0, (named, counted, false, misses[:20])


@pytest.mark.parametrize("seed", range(2))
def test_planted_homework_formulas_in_graphs_are_named(seed):
    """40 random graphs per seed: a homework of planted formula lines for dL/dw (each mistake of the
    oracle, in node symbols) and of planted numbers, after the right formula and its rounded value."""
    from symback.checking.homework import verify_homework

    totals = [0, 0, 0]
    misses = []
    with mpmath.workdps(DPS):
        for rng, graph, solution in _graphs(6000 + seed, 40):
            param = rng.choice([f"w{k}" for k in range(1, 7)])
            right = graph.gradient(param)
            plants = [(code, graph.gradient(param, hooks)) for code, hooks in graph_mistakes(graph, param)]
            numbers = [(code, f, graph.number(f)) for code, f in plants]
            every = [(code, v) for code, _, v in numbers]
            usable = [(code, f, v) for code, f, v in numbers if _apart(v, graph.number(right))
                      and all(_apart(v, other) or c == code for c, other in every)]
            lines = [f"dL/d{param} = {_formula_text(right)} = {_written(graph.number(right), 4)}"]
            expected = {1: None}
            for code, formula, value in usable:
                lines.append(f"dL/d{param} = {_formula_text(formula)}")
                expected[len(lines)] = code
                lines.append(f"dL/d{param} = {_written(value, 7)}")
                expected[len(lines)] = code
            named, counted, false, missed = _homework_share(verify_homework("\n".join(lines), solution), expected)
            totals = [totals[0] + named, totals[1] + counted, totals[2] + false]
            misses += missed
    named, counted, false = totals
    print(f"\ngraph homework (seed {seed}): {named}/{counted} named as planted "
          f"({named / counted:.1%}), {false} right lines named")
    assert counted > 200 and named >= 0.95 * counted and false == 0, (named, counted, false, misses[:20])
