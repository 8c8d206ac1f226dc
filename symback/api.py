"""The public Python surface: solve a spec, read values, gradients, updates and formulas.

>>> import symback
>>> sol = symback.solve(symback.load_example("neuron"))
>>> round(float(sol.gradients["w1"]), 4)
0.4878
>>> sol.gradient("w1")
2*i1*o*(1 - o)*(o - t)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import sympy as sp

from .backprop import Derivation, backprop
from .compile import GraphProgram, NetworkProgram, compile_graph, compile_network
from .errors import SymbackError
from .expr import parse_formula, symbol
from .graph import Graph, build_graph
from .render import WorkedSolution
from .spec import Spec, load_spec, spec_from_dict
from .substitute import PRECISION, Numbers, evaluate, substitute
from .train import Training, train

if TYPE_CHECKING:
    from .matrix import MatrixForm
    from .regression import RegressionSolution

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class Solution(WorkedSolution):
    """A solved problem: the derivation (symbolic steps and their numbers) and training results."""

    spec: Spec
    derivation: Derivation

    @property
    def graph(self) -> Graph:
        return self.derivation.graph

    @property
    def numbers(self) -> Numbers:
        assert self.derivation.numbers is not None
        return self.derivation.numbers

    @property
    def loss(self) -> sp.Expr:
        """The loss value (exact or high precision)."""
        return self.numbers.values[self.graph.loss]

    @property
    def values(self) -> Mapping[str, sp.Expr]:
        """Every input, parameter and node value."""
        return self.numbers.values

    @property
    def gradients(self) -> Mapping[str, sp.Expr]:
        """dL/dname for every input, parameter and node."""
        return self.numbers.gradients

    @property
    def updated(self) -> Mapping[str, Any]:
        """Parameters after training: exact after one step, float64 after several; {} without a learning rate."""
        if self.graph.learning_rate is None:
            return {}
        if self.graph.steps == 1:
            return self.numbers.updated
        return self.training.params

    @cached_property
    def training(self) -> Training | None:
        """Loss history and final parameters of ``steps`` SGD steps (None without a learning rate)."""
        return train(self.derivation) if self.graph.learning_rate is not None else None

    @property
    def history(self) -> tuple[float, ...]:
        """Loss at the start and after each step (float64); () without a learning rate."""
        return self.training.history if self.training else ()

    def gradient(self, name: str, form: str = "nodes") -> sp.Expr:
        """dL/d(name) as a SymPy expression.

        Args:
            name: an input, parameter or node.
            form: ``"nodes"`` (textbook form in node symbols, e.g. ``2*(o - t)*o*(1 - o)*i1``) or
                ``"leaves"`` (every node replaced by its formula: inputs and parameters only).
        """
        expr = self.derivation.gradient(name)
        if form == "nodes":
            return expr
        if form == "leaves":
            return expand_nodes(self.graph, expr)
        raise ValueError("form must be 'nodes' or 'leaves'")

    def chain(self, name: str) -> str:
        """The chain of factors for dL/d(name), e.g. ``dL/do * do/dl1 * dl1/dw1`` (summed over paths)."""
        return chain_text(self.derivation, name)

    def compiled(self) -> GraphProgram:
        """A NumPy function ``program(values) -> (loss, gradients)``; values may be arrays (a batch)."""
        return compile_graph(self.derivation)

    def compiled_network(self) -> NetworkProgram:
        """The layer-level NumPy program of a network spec (``ValueError`` for a graph spec)."""
        if self.graph.network is None:
            raise ValueError("compiled_network() needs a network spec; use compiled()")
        return compile_network(self.graph.network, self.graph.conventions)

    def matrix(self, convention: str = "row") -> "MatrixForm":
        """The layer-level (matrix) view of a network spec, every entry checked against this solution.

        ``convention``: ``"row"`` (samples are rows, ``Z = A W + b``, seed 003) or ``"column"``
        (Nielsen, ``z = W a + b``). ``.gradients`` are SymPy matrices, ``.numpy()`` float arrays.
        """
        from .matrix import matrix_form

        return matrix_form(self, convention)

    def document(self, lang: str = "en", digits: int = 4):
        """The printable model of the worked solution (a ``symback.document.Document``)."""
        from .document import build_document

        return build_document(self, lang, digits)

    def _repr_latex_(self) -> str:  # for front ends that prefer LaTeX: the gradients, as math
        from .document import build_document

        rows = " \\\\\n".join(f"{row.lhs} &= {row.rhs}" for row in build_document(self).gradients)
        return f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$$"

    def to_json(self) -> dict:
        """The JSON document ``symback derive --format json`` writes."""
        from .render import solution_json

        return solution_json(self)


def solve(spec: Spec | Mapping | str | Path, precision: int = PRECISION,
          check: bool = True) -> "Solution | RegressionSolution":
    """Build, differentiate and evaluate a problem.

    Args:
        spec: a :class:`Spec`, a spec dictionary, or the path of a TOML spec file.
        precision: significant digits carried where arithmetic is not exact.
        check: compare every parameter gradient with mpmath central differences.

    A ``[regression]`` spec gives a :class:`symback.regression.RegressionSolution` instead.
    """
    if isinstance(spec, (str, Path)):
        spec = load_spec(spec)
    elif isinstance(spec, Mapping):
        spec = spec_from_dict(spec)
    elif not isinstance(spec, Spec):
        raise TypeError("solve() takes a Spec, a dict or a path")
    if spec.regression is not None:
        from .regression import regress
        return regress(spec)
    graph = build_graph(spec)
    try:
        derivation = substitute(backprop(graph), precision=precision, check=check)
    except SymbackError as exc:
        raise exc.located(spec.source) if not exc.where.startswith(spec.source) else exc
    return Solution(spec, derivation)


def expand_nodes(graph: Graph, expr: sp.Expr) -> sp.Expr:
    """``expr`` with every node symbol replaced by its formula (only inputs and parameters remain)."""
    for node in reversed(graph.nodes):
        if not node.is_leaf and node.symbol in expr.free_symbols:
            expr = expr.xreplace({node.symbol: node.expr})
    return expr


def chain_text(derivation: Derivation, name: str, limit: int = 8) -> str:
    """``dL/do * do/dl1 * dl1/dw1`` for each path from the loss to ``name``, joined by ``+``."""
    graph = derivation.graph
    paths: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        if len(paths) > limit:
            return
        if node == graph.loss:
            paths.append(path)
            return
        step = derivation.by_node.get(node)
        for term in step.terms if step else ():
            walk(term.child, [node] + path)

    walk(name, [])
    if not paths:
        return "0"
    if len(paths) > limit:
        return " + ".join(f"d{graph.loss}/d{t.child} * d{t.child}/d{name}" for t in derivation.by_node[name].terms)
    texts = []
    for path in paths:
        chain = [graph.loss] + path
        texts.append(" * ".join(f"d{a}/d{b}" for a, b in zip(chain, chain[1:])))
    return " + ".join(texts)


def grad(formula: str, wrt: Sequence[str], at: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Quick gradients of one formula: ``{name: {"symbolic": expr, "value": number or None}}``.

    >>> grad("w*x + b", ["w", "x"], {"w": -2, "x": 5, "b": 3})["w"]["value"]
    5
    """
    parsed = parse_formula(formula, None, where="formula")
    names = {s.name: s for s in parsed.expr.free_symbols}
    from .rules import differentiate

    point = {}
    for key, value in (at or {}).items():
        if key not in names:
            raise SymbackError("--at", f"'{key}' does not appear in the formula", "give values for its names only")
        point[names[key]] = value if isinstance(value, sp.Basic) else sp.Rational(repr(value)) if isinstance(value, float) else sp.Integer(value)
    result = {}
    for name in wrt:
        sym = names.get(name, symbol(name))
        derivative = differentiate(parsed.expr, sym)[0]
        value = None
        if at is not None:
            missing = sorted(s.name for s in derivative.free_symbols if s not in point)
            if missing:
                raise SymbackError("--at", f"no value for {', '.join(missing)}", "add them, e.g. --at " + ",".join(f"{m}=1" for m in missing))
            value = evaluate(derivative, point, f"d/d{name}")
        result[name] = {"symbolic": derivative, "value": value}
    return result


def example_names() -> list[str]:
    """The built-in examples (``symback examples`` lists them with their titles)."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))


def load_example(name: str) -> Spec:
    """The spec of a built-in example, named ``example:NAME`` in errors and outputs."""
    return load_spec(example_path(name), name=f"example:{name}")


def example_path(name: str) -> Path:
    """The spec file of a built-in example."""
    path = EXAMPLES_DIR / f"{name}.toml"
    if not path.is_file():
        from .errors import did_you_mean
        raise SymbackError(f"example '{name}'", "no such example", did_you_mean(name, example_names()))
    return path
