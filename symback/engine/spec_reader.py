"""Reading specs: TOML files or dictionaries into validated :class:`~symback.engine.spec.Spec` objects.

Every problem is a one-line :class:`~symback.engine.errors.SpecError` naming the key path and the fix.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping

import sympy as sp

from symback.engine import limits
from symback.engine.errors import SpecError, did_you_mean, read_user_file
from symback.engine.expr import NAME_PATTERN
from symback.engine.kinds import network_kind
from symback.engine.literals import LiteralProblem, read_decimal
from symback.engine.network_reader import NetworkTables, kind_of
from symback.engine.optimizers import read_optimizer
from symback.engine.regression_spec import read_regression
from symback.engine.spec import MAX_STEPS, RESERVED, TOP_KEYS, Spec
from symback.engine.vary_spec import read_ask, read_vary


def load_spec(path: str | Path, name: str | None = None) -> Spec:
    """Read and validate a TOML spec file; ``name`` is how errors and outputs refer to it.

    >>> load_spec("no/such.toml")
    Traceback (most recent call last):
    symback.engine.errors.SpecError: no/such.toml: no such file; check the path, or run 'symback examples'
    """
    path = Path(path)
    name = name or str(path)
    text = read_user_file(path, name, SpecError, "check the path, or run 'symback examples'", limits.current().file)
    if not text.strip():
        raise SpecError(name, "the file is empty", "write a spec: see README 'Spec format'")
    try:
        data = tomllib.loads(text, parse_float=WrittenFloat)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(name, f"malformed TOML: {exc}", "fix the TOML syntax at that line") from None
    except RecursionError:
        raise SpecError(name, "the TOML is nested too deeply", "use fewer nested arrays or tables") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        if "integer string conversion" not in str(exc):
            raise
        raise limits.LimitError(name, f"an integer has more than the limit of {limits.current().digits} digits",
                                limits.OPTIONS["digits"][2]) from None
    return spec_from_dict(data, source=name)


class WrittenFloat(float):
    """A TOML float that remembers how it was written: a claim ``o = 0.8180`` keeps its four digits,
    and a value is read from its text (``1e-400`` is exactly 10^-400, not the float 0.0).

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


class _Reader(NetworkTables):
    """Reads one spec; every method validates one key and fails with its path and a fix."""

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
            raise self.fail(key, f"expected a table, got {kind_of(value)}", f"write it as [{key}] with name = value lines")
        return value

    def number(self, value: Any, key: str) -> sp.Rational:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number, got {kind_of(value)}", "write a number without quotes, e.g. 0.5")
        if isinstance(value, int):
            return sp.Integer(value)
        try:  # a TOML float from its text (1e-400 is not 0); a Python float through its shortest repr
            return read_decimal(getattr(value, "text", None) or repr(value))
        except LiteralProblem as problem:
            raise self.fail(key, problem.message, problem.fix) from None

    def name(self, name: str, key: str) -> str:
        if not NAME_PATTERN.match(name):
            raise self.fail(key, f"'{name}' is not a valid name",
                            "use letters, digits and _, starting with a letter (e.g. w1, z_2)")
        if name in RESERVED:
            raise self.fail(key, f"'{name}' is the name of a built-in function or constant", "rename it, e.g. " + name + "_1")
        return name

    def spec(self, data: Mapping[str, Any]) -> Spec:
        if not isinstance(data, Mapping):
            raise self.fail("", f"expected a table of keys, got {kind_of(data)}", "see README 'Spec format'")
        self.keys(data, TOP_KEYS, "")
        title = data.get("title")
        if title is not None and not isinstance(title, str):
            raise self.fail("title", f"expected text, got {kind_of(title)}", 'write it in quotes, e.g. title = "My graph"')
        exercise = dict(vary=read_vary(self, data), ask=read_ask(self, data))  # [vary], [ask]: symback exercise
        if "regression" in data:
            return Spec(source=self.source, title=title, regression=read_regression(self, data), **exercise)
        common = dict(
            source=self.source, title=title, **exercise,
            learning_rate=self.learning_rate(data),
            steps=self.steps(data),
            relu_at_zero=self.relu_at_zero(data),
            claims=self.claims(data),
            optimizer=read_optimizer(self, data),
        )
        if "network" in data:
            for key in ("inputs", "params", "nodes", "loss"):
                if key in data:
                    raise self.fail(key, "a spec has either a [network] or a graph (inputs/params/nodes/loss)",
                                    f"remove '{key}' or the [network] table; a network's loss is network.loss")
            network = self.network(self.table(data, "network"), self.weight_decay(data))
            frozen = self.frozen(data, network_kind(network).parameter_names(network))
            return Spec(network=network, frozen=frozen, **common)
        if "weight_decay" in data:
            raise self.fail("weight_decay", "needs a [network] in layers-list form (it sums over the weights)",
                            "remove it, or write the problem as a [network]")
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
                        raise self.fail(key, f"expected a formula in quotes, got {kind_of(value)}", 'write e.g. o = "sigmoid(l1)"')
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
            raise self.fail("loss", f"expected a node name, got {kind_of(loss)}", 'write e.g. loss = "L"')
        node_names = [n for n, _ in sections["nodes"]]
        if loss not in node_names:
            raise self.fail("loss", f"'{loss}' is not a node", did_you_mean(loss, node_names))
        frozen = self.frozen(data, [n for n, _ in sections["params"]])
        return Spec(loss=loss, inputs=sections["inputs"], params=sections["params"],
                    nodes=sections["nodes"], frozen=frozen, **common)

    def weight_decay(self, data) -> sp.Rational | None:
        """``weight_decay = λ``: the loss term (λ/2) Σ w² over every weight of a network (None when absent)."""
        if "weight_decay" not in data:
            return None
        decay = self.number(data["weight_decay"], "weight_decay")
        if decay <= 0:
            raise self.fail("weight_decay", f"must be positive, got {decay}", "use e.g. weight_decay = 0.01, or leave it out")
        return decay

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
            raise self.fail("steps", f"expected a whole number, got {kind_of(steps)}", "write e.g. steps = 100")
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
                    raise self.fail(f"claims.{name}", f"expected a number or a formula, got {kind_of(item)}",
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
