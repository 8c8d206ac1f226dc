"""A solved graph or network problem: the derivation with its numbers, and training.

:func:`solve_spec` runs the pipeline ``build_graph -> backprop -> substitute`` on a read spec (the backward
pass shared by graphs of one shape: :mod:`symback.engine.shared`).
The public :func:`symback.solve` adds the documents to what it returns (:mod:`symback.api`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from symback.engine.compile import GraphProgram, NetworkProgram, compile_graph
from symback.engine.derivation import PRECISION, Derivation, Numbers, chain_text
from symback.engine.errors import SymbackError
from symback.engine.graph import Graph, build_graph, expand_nodes
from symback.engine.layer_program import LayersProgram
from symback.engine.network_programs import network_program
from symback.engine.regression import RegressionSolution, regress
from symback.engine.shared import shared_backprop
from symback.engine.spec import Spec
from symback.engine.substitute import substitute

if TYPE_CHECKING:
    from symback.engine.train import Training


@dataclass(frozen=True)
class Solution:
    """A solved problem: the derivation (symbolic steps and their numbers) and training results."""

    spec: Spec
    derivation: Derivation

    @property
    def title(self) -> str:
        return self.spec.title or Path(self.spec.source).stem

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
        if self.graph.learning_rate is None:
            return None
        from symback.engine.train import train  # lazy: start-up time (NumPy, only where training runs)

        return train(self.derivation)

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

        Euler's number is SymPy's ``E``, which SymPy prints as ``E`` like a user's name ``E``:
        ``symback.latex`` prints it upright (``\\mathrm{e}``) and the JSON text as ``exp(1)``.
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

    def compiled_network(self) -> NetworkProgram | LayersProgram:
        """The layer-level NumPy program of a network spec: dense ``program(X, T, weights, biases)``, layers-list
        ``program(X, T, values)`` (``ValueError`` for a graph spec; a convolutional spec's is
        :func:`symback.engine.conv_compile.conv_forward_backward`)."""
        return network_program(self.spec.network, self.graph)


def solve_spec(spec: Spec, precision: int = PRECISION, check: bool = True) -> Solution | RegressionSolution:
    """Build, differentiate and evaluate a read spec (a ``[regression]`` spec is regressed instead)."""
    if spec.regression is not None:
        return regress(spec)
    graph = build_graph(spec)
    try:
        derivation = substitute(shared_backprop(graph), precision=precision, check=check)
    except SymbackError as exc:
        raise exc.located(spec.source) if not exc.where.startswith(spec.source) else exc
    return Solution(spec, derivation)
