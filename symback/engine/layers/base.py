"""The layer abstraction: what every layer kind owns, and the one registry that maps a spec entry to it.

A network in ``nn.Sequential`` order (:mod:`symback.engine.layers.spec`) is an input shape and a list of
layers. Each layer kind is one module of this package that defines a frozen dataclass satisfying
:class:`Layer` and registers its reader with :func:`register`:

- ``read(reader, key, options, shape)`` reads the entry's table (one-line errors naming ``key``, e.g.
  ``network.layers[2].batchnorm.eps``) and returns the layer for an input of ``shape``;
- the layer knows its shapes, the ``[network.values]`` keys it takes (:meth:`Layer.value_shapes`), its
  parameters' stable names, and builds its neuron-level nodes (:meth:`Layer.forward`) over the whole batch,
  so a layer that couples the samples (batch normalisation) is one layer like any other.

The walk that builds the graph (:mod:`symback.engine.layers.graph`) knows no layer by name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from symback.engine.errors import SymbackError
from symback.engine.rule import Conventions

Shape = tuple[int, ...]
Flat = tuple[sp.Rational, ...]          #: a value array, row-major
Batch = list[list[sp.Expr]]             #: one flat row-major list of symbols per sample
Saved = dict[str, sp.Matrix]            #: a layer-level step's named matrices (``"Y"``, ``"dX"``, ``"dW1"``, ...)


@dataclass(frozen=True)
class Place:
    """Where a layer builds: its index l (1-based), the samples' name suffixes, the graph's ``node`` and ``leaf``."""

    l: int
    suffixes: tuple[str, ...]
    node: Callable[[str, sp.Expr], sp.Symbol]
    last: bool                          #: the network's output layer: its outputs are ``y<j>``

    def output(self, stem: str, j: int, s: int) -> str:
        """The name of output j (1-based) for sample s (0-based): ``<stem><l>_<j>``, or ``y<j>`` in the last layer."""
        return f"y{j}{self.suffixes[s]}" if self.last else f"{stem}{self.l}_{j}{self.suffixes[s]}"


class Layer(Protocol):
    """One layer of a network: its shapes, its values and parameters, and its nodes."""

    kind: str
    shape_in: Shape
    shape_out: Shape

    def value_shapes(self, l: int) -> dict[str, Shape]:
        """The ``[network.values]`` keys of layer l and their shapes (``W<l>``: out x in)."""

    def optional_values(self, l: int) -> dict[str, Flat]:
        """Keys of :meth:`value_shapes` a spec may leave out, with their defaults (γ = 1, β = 0)."""

    def parameter_names(self, l: int) -> list[str]:
        """The scalar names of the layer's parameters, in the row-major order of its value keys."""

    def decayed(self, l: int) -> list[str]:
        """The parameters ``weight_decay`` applies to (weights; not biases, γ or β)."""

    def input_leaves(self, l: int, suffixes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Inputs of the graph the layer brings (a dropout mask): key -> (name, value) per unit, samples in order."""

    def check_samples(self, reader: "LayerReader", key: str, samples: int) -> None:
        """Refuse (``reader.fail`` at ``key``) a batch of ``samples`` the layer cannot take."""

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        """The layer's nodes for every sample of ``batch``; ``params`` maps its value keys to their leaf symbols."""

    def nodes(self, samples: int) -> int:
        """How many nodes the layer adds for ``samples`` samples (checked before the graph is built)."""

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: "LevelContext") -> Saved:
        """Layer level: the output matrix ``"Y"`` (features x samples) and what the backward pass reuses."""

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: "LevelContext") -> Saved:
        """Layer level, by the layer's textbook identity: ``"dX"`` = ∂L/∂X from G = ∂L/∂Y, and ∂L/∂(value key)."""

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        """Compiled forward statements (samples are rows): ``A<l>`` from ``A<l-1>`` and the value keys."""

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        """Compiled backward statements: ``G<l-1>`` = ∂L/∂A<l-1> and ``d<key>`` from ``G<l>`` = ∂L/∂A<l>."""


class Plain:
    """The defaults of a layer without values, parameters or inputs of its own (a layer kind's base)."""

    def value_shapes(self, l: int) -> dict[str, Shape]:
        return {}

    def optional_values(self, l: int) -> dict[str, Flat]:
        return {}

    def parameter_names(self, l: int) -> list[str]:
        return []

    def decayed(self, l: int) -> list[str]:
        return []

    def input_leaves(self, l: int, suffixes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        return {}

    def check_samples(self, reader: "LayerReader", key: str, samples: int) -> None:
        """Refuse a batch the layer cannot take (batch normalisation of one sample); nothing by default."""

    def level_forward(self, l: int, X: sp.Matrix, params: Mapping[str, sp.Matrix], context: "LevelContext") -> Saved:
        raise _no_level(self, l)

    def level_backward(self, l: int, G: sp.Matrix, X: sp.Matrix, saved: Saved, params: Mapping[str, sp.Matrix],
                       context: "LevelContext") -> Saved:
        raise _no_level(self, l)

    def numpy_forward(self, l: int) -> tuple[str, ...]:
        raise _no_level(self, l)

    def numpy_backward(self, l: int, conventions: Conventions) -> tuple[str, ...]:
        raise _no_level(self, l)


def _no_level(layer, l: int) -> SymbackError:
    """The refusal of a layer kind that has no layer-level (matrix) form yet."""
    return SymbackError(f"network.layers[{l}].{layer.kind}", "has no layer-level (matrix) form",
                        "use --view neuron (the neuron-level solution covers every layer kind)")


class LevelContext(Protocol):
    """What a layer-level computation evaluates with (:class:`symback.engine.layer_level.Context`)."""

    conventions: Conventions

    def entrywise(self, expr: sp.Expr, symbols: Sequence[sp.Symbol], matrices: Sequence[sp.Matrix], where: str) -> sp.Matrix:
        """``expr`` at each entry of ``matrices`` (one per symbol, all of one shape): exact, or at the precision."""


def numpy_printer() -> NumPyPrinter:
    """The printer of every compiled statement (layers' and :mod:`symback.engine.compile`'s): NumPy calls,
    fully qualified, no unknown functions."""
    return NumPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})


class LayerReader(Protocol):
    """What a layer kind reads with: the spec reader's ``fail``, ``keys`` and ``number``."""

    def fail(self, key: str, message: str, fix: str) -> Exception: ...
    def keys(self, table: Mapping, allowed: Sequence[str], where: str) -> None: ...
    def number(self, value: Any, key: str) -> sp.Rational: ...


@dataclass(frozen=True)
class LayerKind:
    """A registered layer kind: its spec key and its reader ``read(reader, key, options, shape) -> Layer``."""

    name: str
    read: Callable[[LayerReader, str, Any, Shape], Layer]
    summary: str                        #: one line for the errors that list the kinds


LAYER_KINDS: dict[str, LayerKind] = {}         #: spec key (``dense``, ``batchnorm``, ...) -> its kind


def register(name: str, summary: str):
    """Register the decorated ``read`` function as layer kind ``name`` (one line in each layer module)."""
    def add(read):
        LAYER_KINDS[name] = LayerKind(name, read, summary)
        return read
    return add


def options_table(reader: LayerReader, key: str, options: Any, allowed: Sequence[str], example: str) -> Mapping:
    """A layer entry's table of options, its keys checked (``{}`` for none)."""
    if not isinstance(options, Mapping):
        raise reader.fail(key, "expected a table of options", f"write e.g. {example}")
    reader.keys(options, allowed, key)
    return options


def vector_input(reader: LayerReader, key: str, kind: str, shape: Shape) -> int:
    """The width of a layer's vector input; a feature map is an error naming ``"flatten"``."""
    if len(shape) != 1:
        raise reader.fail(key, f"{kind} after an output of shape {'x'.join(map(str, shape))}", 'put "flatten" before it')
    return shape[0]


def positive_eps(reader: LayerReader, key: str, value: Any) -> sp.Rational:
    """A normalisation's ε: a positive number (PyTorch's default is 1e-5)."""
    eps = reader.number(value, key)
    if eps <= 0:
        raise reader.fail(key, f"must be positive, got {value!r}", "write e.g. eps = 1e-5 (PyTorch's default)")
    return eps
