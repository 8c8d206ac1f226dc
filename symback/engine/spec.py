"""A validated problem as frozen dataclasses: :class:`Spec` (a graph or a network) and :class:`NetworkSpec`.

:mod:`symback.engine.spec_reader` reads TOML files and dictionaries into them; numbers are exact
rationals (``0.05`` -> ``1/20``).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symback.engine.expr import FUNCTIONS
from symback.engine.activations import ACTIVATIONS
from symback.engine.losses import LOSSES
from symback.engine.optimizers import Optimizer
from symback.engine.regression_spec import RegressionSpec
from symback.engine.vary_spec import Ask, Vary


BIAS_MODES = ("none", "neuron", "shared")
TOP_KEYS = ("title", "loss", "learning_rate", "steps", "frozen", "relu_at_zero", "claims",
            "inputs", "params", "nodes", "network", "regression", "vary", "ask", "weight_decay", "optimizer")
NETWORK_KEYS = ("layers", "activation", "bias", "loss", "values")
MAX_STEPS = 10_000_000
RESERVED = set(FUNCTIONS) | set(ACTIVATIONS) | set(LOSSES) | {"diff"}  #: e and pi may be user names (README)

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
    regression: RegressionSpec | None = None  #: [regression]: see symback.engine.regression
    vary: Vary | None = None  #: [vary]: how an exercise's variants draw values (symback.engine.vary)
    ask: Ask | None = None    #: [ask]: what an exercise asks (symback.engine.vary_spec)
    optimizer: Optimizer | None = None  #: the update rule of training (None: plain gradient descent)
