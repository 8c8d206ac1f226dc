"""Reading spec files (TOML) and dictionaries into frozen dataclasses.

Every problem is reported as a :class:`SpecError` naming the file, the key path and the fix.
Numbers become exact rationals (``0.05`` -> ``1/20``) via ``Rational(repr(x))``.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from .errors import SpecError, did_you_mean, read_user_file
from .expr import FUNCTIONS, NAME_PATTERN
from .losses import LOSSES

if TYPE_CHECKING:
    from .regression_spec import RegressionSpec

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity", "step", "softmax")
BIAS_MODES = ("none", "neuron", "shared")
TOP_KEYS = ("title", "loss", "learning_rate", "steps", "frozen", "relu_at_zero", "claims",
            "inputs", "params", "nodes", "network", "regression")
NETWORK_KEYS = ("layers", "activation", "bias", "loss", "values")
MAX_STEPS = 10_000_000
RESERVED = set(FUNCTIONS) | set(LOSSES) | {"softmax", "e", "pi", "diff"}

Matrix = tuple[tuple[sp.Rational, ...], ...]


@dataclass(frozen=True)
class NetworkSpec:
    """A layered network: sizes, one activation per non-input layer, bias mode, loss, values."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    bias: str
    loss: str
    x: Matrix                                  #: samples x inputs
    t: Matrix                                  #: samples x outputs
    weights: tuple[Matrix, ...]                #: W1 .. WL, W[l][j][k]: neuron k of l-1 -> j of l
    biases: tuple[tuple[sp.Rational, ...], ...]  #: b1 .. bL: () for none, 1 value shared, n_l values


@dataclass(frozen=True)
class Spec:
    """A validated problem: a computational graph (``nodes``) or a ``network``."""

    source: str = "<spec>"
    title: str | None = None
    loss: str | None = None
    learning_rate: sp.Rational | None = None
    steps: int = 1
    frozen: tuple[str, ...] = ()
    relu_at_zero: sp.Rational = sp.S.Zero
    inputs: tuple[tuple[str, sp.Rational], ...] = ()
    params: tuple[tuple[str, sp.Rational], ...] = ()
    nodes: tuple[tuple[str, str], ...] = ()
    network: NetworkSpec | None = None
    claims: tuple[tuple[str, str], ...] = ()  #: [claims]: left side -> claimed text (numbers as written)
    regression: RegressionSpec | None = None  #: [regression]: see symback.regression


def load_spec(path: str | Path, name: str | None = None) -> Spec:
    """Read and validate a TOML spec file; ``name`` is how errors and outputs refer to it.

    >>> load_spec("no/such.toml")
    Traceback (most recent call last):
    symback.errors.SpecError: no/such.toml: no such file; check the path, or run 'symback examples'
    """
    path = Path(path)
    name = name or str(path)
    text = read_user_file(path, name, SpecError, "check the path, or run 'symback examples'")
    if not text.strip():
        raise SpecError(name, "the file is empty", "write a spec: see README 'Spec format'")
    try:
        data = tomllib.loads(text, parse_float=WrittenFloat)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(name, f"malformed TOML: {exc}", "fix the TOML syntax at that line") from None
    return spec_from_dict(data, source=name)


class WrittenFloat(float):
    """A TOML float that remembers how it was written: a claim ``o = 0.8180`` keeps its four digits.

    >>> WrittenFloat("0.8180").text, float(WrittenFloat("0.8180"))
    ('0.8180', 0.818)
    """

    text: str

    def __new__(cls, text: str) -> "WrittenFloat":
        value = super().__new__(cls, text.replace("_", ""))
        value.text = text.replace("_", "")
        return value


def spec_from_dict(data: Mapping[str, Any], source: str = "<spec>") -> Spec:
    """Validate a spec given as a dictionary (the parsed TOML, or built in Python).

    >>> spec_from_dict({"loss": "f", "params": {"w": 2}, "inputs": {"x": 3}, "nodes": {"f": "w*x"}}).loss
    'f'
    """
    return _Reader(source).spec(data)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str, fix: str) -> SpecError:
        return SpecError(f"{self.source}: {key}" if key else self.source, message, fix)

    def keys(self, data: Mapping, allowed, where: str) -> None:
        for key in data:
            if key not in allowed:
                place = f"{where}.{key}" if where else key
                raise self.fail(place, "unknown key", did_you_mean(key, allowed) or "remove it")

    def table(self, data: Mapping, key: str) -> Mapping:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a table, got {_kind(value)}", f"write it as [{key}] with name = value lines")
        return value

    def number(self, value: Any, key: str) -> sp.Rational:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number, got {_kind(value)}", "write a number without quotes, e.g. 0.5")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"the value {value} is not finite", "use a finite number")
        return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))

    def name(self, name: str, key: str) -> str:
        if not NAME_PATTERN.match(name):
            raise self.fail(key, f"'{name}' is not a valid name",
                            "use letters, digits and _, starting with a letter (e.g. w1, z_2)")
        if name in RESERVED:
            raise self.fail(key, f"'{name}' is the name of a built-in function or constant", "rename it, e.g. " + name + "_1")
        return name

    def spec(self, data: Mapping[str, Any]) -> Spec:
        if not isinstance(data, Mapping):
            raise self.fail("", f"expected a table of keys, got {_kind(data)}", "see README 'Spec format'")
        self.keys(data, TOP_KEYS, "")
        title = data.get("title")
        if title is not None and not isinstance(title, str):
            raise self.fail("title", f"expected text, got {_kind(title)}", 'write it in quotes, e.g. title = "My graph"')
        if "regression" in data:
            from .regression_spec import read_regression
            return Spec(source=self.source, title=title, regression=read_regression(self, data))
        common = dict(
            source=self.source, title=title,
            learning_rate=self.learning_rate(data),
            steps=self.steps(data),
            relu_at_zero=self.relu_at_zero(data),
            claims=self.claims(data),
        )
        if "network" in data:
            for key in ("inputs", "params", "nodes", "loss"):
                if key in data:
                    raise self.fail(key, "a spec has either a [network] or a graph (inputs/params/nodes/loss)",
                                    f"remove '{key}' or the [network] table; a network's loss is network.loss")
            network = self.network(self.table(data, "network"))
            frozen = self.frozen(data, _network_params(network))
            return Spec(network=network, frozen=frozen, **common)
        return self.graph(data, common)

    def graph(self, data: Mapping[str, Any], common: dict) -> Spec:
        seen: dict[str, str] = {}
        sections = {}
        for section in ("inputs", "params", "nodes"):
            entries = []
            for name, value in self.table(data, section).items():
                key = f"{section}.{name}"
                self.name(name, key)
                if name in seen:
                    raise self.fail(key, f"'{name}' is already defined in [{seen[name]}]", "give each name one definition")
                seen[name] = section
                if section == "nodes":
                    if not isinstance(value, str):
                        raise self.fail(key, f"expected a formula in quotes, got {_kind(value)}", 'write e.g. o = "sigmoid(l1)"')
                    entries.append((name, value))
                else:
                    entries.append((name, self.number(value, key)))
            sections[section] = tuple(entries)
        if not sections["nodes"]:
            raise self.fail("nodes", "the graph has no nodes", 'add a [nodes] table, e.g. f = "w*x + b"')
        loss = data.get("loss")
        if loss is None:
            raise self.fail("loss", "missing", "name the node whose gradient is taken, e.g. loss = \"L\"")
        if not isinstance(loss, str):
            raise self.fail("loss", f"expected a node name, got {_kind(loss)}", 'write e.g. loss = "L"')
        node_names = [n for n, _ in sections["nodes"]]
        if loss not in node_names:
            raise self.fail("loss", f"'{loss}' is not a node", did_you_mean(loss, node_names))
        frozen = self.frozen(data, [n for n, _ in sections["params"]])
        return Spec(loss=loss, inputs=sections["inputs"], params=sections["params"],
                    nodes=sections["nodes"], frozen=frozen, **common)

    def learning_rate(self, data) -> sp.Rational | None:
        if "learning_rate" not in data:
            return None
        rate = self.number(data["learning_rate"], "learning_rate")
        if rate <= 0:
            raise self.fail("learning_rate", f"must be positive, got {rate}", "use e.g. learning_rate = 0.5")
        return rate

    def steps(self, data) -> int:
        steps = data.get("steps", 1)
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise self.fail("steps", f"expected a whole number, got {_kind(steps)}", "write e.g. steps = 100")
        if not 1 <= steps <= MAX_STEPS:
            raise self.fail("steps", f"must be from 1 to {MAX_STEPS}, got {steps}", "use steps = 1 for one update")
        if steps > 1 and "learning_rate" not in data:
            raise self.fail("steps", "training for several steps needs a learning rate", "add learning_rate = 0.1")
        return steps

    def relu_at_zero(self, data) -> sp.Rational:
        if "relu_at_zero" not in data:
            return sp.S.Zero
        value = self.number(data["relu_at_zero"], "relu_at_zero")
        if not 0 <= value <= 1:
            raise self.fail("relu_at_zero", f"must be from 0 to 1, got {value}", "use 0 (PyTorch), 0.5 or 1")
        return value

    def claims(self, data) -> tuple[tuple[str, str], ...]:
        """[claims]: names to numbers or formula strings; checked by ``symback verify``."""
        claims = []
        for name, value in self.table(data, "claims").items():
            for item in value if isinstance(value, list) and value else [value]:  # a list: several claims
                if isinstance(item, bool) or not isinstance(item, (int, float, str)):
                    raise self.fail(f"claims.{name}", f"expected a number or a formula, got {_kind(item)}",
                                    'write e.g. o = "0.8180", "dL/dw1" = "2*(o - t)*o*(1 - o)*i1" or a list of them')
                written = item if isinstance(item, str) else getattr(item, "text", repr(item))
                claims.append((name.strip(), written))
        return tuple(claims)

    def frozen(self, data, params) -> tuple[str, ...]:
        frozen = data.get("frozen", [])
        if not isinstance(frozen, list) or not all(isinstance(p, str) for p in frozen):
            raise self.fail("frozen", "expected a list of parameter names", 'write e.g. frozen = ["b1"]')
        for p in frozen:
            if p not in params:
                raise self.fail("frozen", f"'{p}' is not a parameter", did_you_mean(p, params))
        return tuple(frozen)

    def network(self, net: Mapping) -> NetworkSpec:
        self.keys(net, NETWORK_KEYS, "network")
        for key in ("layers", "loss", "values"):
            if key not in net:
                raise self.fail(f"network.{key}", "missing", _NETWORK_HINTS[key])
        layers = net["layers"]
        if (not isinstance(layers, list) or len(layers) < 2
                or not all(type(n) is int and 1 <= n <= 4096 for n in layers)):
            raise self.fail("network.layers", "expected a list of at least 2 layer sizes (1 to 4096)",
                            "write e.g. layers = [2, 2, 2] (input layer first)")
        layers = tuple(layers)
        activations = self.activations(net.get("activation", "sigmoid"), len(layers) - 1)
        bias = net.get("bias", "neuron")
        if bias not in BIAS_MODES:
            raise self.fail("network.bias", f"unknown bias mode {bias!r}", did_you_mean(str(bias), BIAS_MODES))
        loss = net["loss"]
        if loss not in LOSSES:
            raise self.fail("network.loss", f"unknown loss {loss!r}", did_you_mean(str(loss), LOSSES))
        if loss == "softmax_cross_entropy":
            if isinstance(net.get("activation"), list) and activations[-1] not in ("softmax", "identity"):
                raise self.fail("network.activation", f"softmax_cross_entropy applies softmax itself, but the output activation is {activations[-1]!r}",
                                "make the last activation 'softmax', or use loss = \"cross_entropy\"")
            activations = activations[:-1] + ("softmax",)
        values = net["values"]
        if not isinstance(values, Mapping):
            raise self.fail("network.values", f"expected a table, got {_kind(values)}", "write [network.values] with x, t, W1, ...")
        return self.network_values(values, layers, activations, bias, loss)

    def activations(self, value, count: int) -> tuple[str, ...]:
        names = [value] * count if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(a, str) for a in names):
            raise self.fail("network.activation", "expected an activation name or a list of them",
                            'write e.g. activation = "sigmoid" or ["relu", "identity"]')
        if len(names) != count:
            raise self.fail("network.activation", f"{len(names)} activations for {count} non-input layers",
                            f"give one activation per layer after the input ({count})")
        for a in names:
            if a not in ACTIVATIONS:
                raise self.fail("network.activation", f"unknown activation {a!r}", did_you_mean(a, ACTIVATIONS))
        return tuple(names)

    def network_values(self, values, layers, activations, bias, loss) -> NetworkSpec:
        depth = len(layers) - 1
        allowed = ["x", "t"] + [f"W{l}" for l in range(1, depth + 1)] + \
                  ([f"b{l}" for l in range(1, depth + 1)] if bias != "none" else [])
        for key in values:
            if key not in allowed:
                fix = "remove it (bias = \"none\")" if key.startswith("b") and bias == "none" else \
                    (did_you_mean(key, allowed) or "remove it")
                raise self.fail(f"network.values.{key}", "unknown key", fix)
        for key in allowed:
            if key not in values:
                raise self.fail(f"network.values.{key}", "missing", _value_hint(key, layers))
        x = self.samples(values["x"], layers[0], "network.values.x")
        t = self.samples(values["t"], layers[-1], "network.values.t")
        if len(t) != len(x):
            raise self.fail("network.values.t", f"{len(t)} target rows for {len(x)} samples", "give one target per sample")
        weights = tuple(self.matrix(values[f"W{l}"], layers[l], layers[l - 1], f"network.values.W{l}")
                        for l in range(1, depth + 1))
        biases = tuple(self.bias(values.get(f"b{l}"), bias, layers[l], f"network.values.b{l}")
                       for l in range(1, depth + 1))
        return NetworkSpec(layers, activations, bias, loss, x, t, weights, biases)

    def samples(self, value, size: int, key: str) -> Matrix:
        if not isinstance(value, list):
            value = [value]
        rows = value if value and all(isinstance(r, list) for r in value) else [value]
        result = []
        for i, row in enumerate(rows):
            if len(row) != size:
                raise self.fail(key, f"sample {i + 1} has {len(row)} values, the layer has {size}",
                                f"give {size} values per sample (a list of lists for a minibatch)")
            result.append(tuple(self.number(v, f"{key}[{i}]") for v in row))
        return tuple(result)

    def matrix(self, value, rows: int, cols: int, key: str) -> Matrix:
        shape_ok = (isinstance(value, list) and len(value) == rows
                    and all(isinstance(r, list) and len(r) == cols for r in value))
        if not shape_ok:
            raise self.fail(key, f"expected a {rows}x{cols} matrix, got {_shape(value)}",
                            f"give {rows} rows of {cols} numbers (row j holds the weights into neuron j)")
        return tuple(tuple(self.number(v, f"{key}[{j}][{k}]") for k, v in enumerate(r)) for j, r in enumerate(value))

    def bias(self, value, mode: str, size: int, key: str) -> tuple[sp.Rational, ...]:
        if mode == "none":
            return ()
        if mode == "shared":
            if isinstance(value, list):
                raise self.fail(key, "bias = \"shared\" takes one number per layer", "write e.g. b1 = 0.35, or use bias = \"neuron\"")
            return (self.number(value, key),)
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(key, f"expected {size} biases, got {_shape(value)}",
                            f"give a list of {size} numbers, or use bias = \"shared\" for one per layer")
        return tuple(self.number(v, f"{key}[{j}]") for j, v in enumerate(value))


_NETWORK_HINTS = {
    "layers": "write e.g. layers = [2, 2, 2] (input layer first)",
    "loss": 'write e.g. loss = "half_sse"',
    "values": "add a [network.values] table with x, t, W1, ...",
}


def _value_hint(key: str, layers) -> str:
    if key == "x":
        return f"give the input, a list of {layers[0]} numbers"
    if key == "t":
        return f"give the target, a list of {layers[-1]} numbers"
    l = int(key[1:])
    if key.startswith("W"):
        return f"give a {layers[l]}x{layers[l - 1]} matrix (row j: weights into neuron j of layer {l})"
    return f"give the bias of layer {l}"


def _network_params(net: NetworkSpec) -> list[str]:
    from .network import parameter_names
    return parameter_names(net)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) < 30 else "text"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _shape(value: Any) -> str:
    if not isinstance(value, list):
        return _kind(value)
    if value and all(isinstance(r, list) for r in value):
        widths = sorted({len(r) for r in value})
        return f"{len(value)} rows of {'/'.join(map(str, widths))}"
    return f"a list of {len(value)}"
