"""The kinds of network a spec may hold, registered in one place: the core asks the kind, never the type.

A ``[network]`` is read into one of three specs: :class:`~symback.engine.spec.NetworkSpec` (layer sizes and
an activation per layer), :class:`~symback.engine.conv_spec.ConvNetworkSpec` (convolution and pooling) or
:class:`~symback.engine.layers.LayersSpec` (a layers list in ``nn.Sequential`` order). :data:`NETWORK_KINDS`
maps each to its :class:`NetworkKind`, which answers what the graph builder, the spec reader and exercise
variation ask: build the neuron-level graph (with the checks of its size), name the parameters, say where
the value of each stable name sits (a slot) and rebuild the spec with values replaced.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product
from typing import Any, Callable, Mapping

from symback.engine import limits
from symback.engine.conv_names import channel_input_name, layer_parameter_names
from symback.engine.conv_spec import ConvNetworkSpec, value_shapes
from symback.engine.errors import SpecError
from symback.engine.layers import LayersSpec, layers_graph
from symback.engine.layers.sequence import step_names
from symback.engine.names import bias_name, input_name, parameter_names, sample_suffix, target_name, weight_name
from symback.engine.network import network_graph
from symback.engine.rule import Conventions
from symback.engine.spec import NetworkSpec

MAX_WEIGHTS = 20_000  #: per sample; a neuron-level derivation of more is a wait, not a worked solution
Slot = tuple  #: (field, indices...): ("x", sample, k), ("weights", l - 1, j, k), ("value", key, flat index)


@dataclass(frozen=True)
class NetworkKind:
    """What one kind of network answers: its graph, its parameters' names, its values' slots and tables."""

    build: Callable[[Any, Conventions, str], tuple]      #: (net, conventions, source) -> nodes, point, loss, groups, neurons
    parameter_names: Callable[[Any], list[str]]
    slots: Callable[[Any], dict[str, Slot]]               #: stable name -> where its value sits
    tables: Callable[[Any], dict[str, Any]]               #: the net's values as nested lists, by slot field
    rebuilt: Callable[[Any, Mapping[str, Any]], Any]      #: the net with the tables' values
    holds_network: bool = False                           #: the graph keeps the spec (dense layer sections)


def network_kind(net) -> NetworkKind:
    """The registered kind of a network spec."""
    return NETWORK_KINDS[type(net)]


def _rows(rows) -> tuple:
    return tuple(tuple(r) for r in rows)


def _sample_slots(net) -> dict[str, Slot]:
    """``x<k>`` and ``t<j>`` of every sample (with its suffix) of a network whose input is a vector."""
    slots: dict[str, Slot] = {}
    m = len(net.x)
    for s in range(m):
        suffix = sample_suffix(m, s)
        slots.update({input_name(k + 1, suffix): ("x", s, k) for k in range(len(net.x[s]))})
        slots.update({target_name(j + 1, suffix): ("t", s, j) for j in range(len(net.t[s]))})
    return slots


def _dense_build(net: NetworkSpec, conventions: Conventions, source: str) -> tuple:
    weights = sum(a * b for a, b in zip(net.layers, net.layers[1:]))
    if weights > MAX_WEIGHTS:
        raise SpecError(f"{source}: network.layers",
                        f"{weights} weights is more than a neuron-level derivation handles ({MAX_WEIGHTS})",
                        "use fewer neurons, or symback.compile_network(load_spec(path).network) for numeric gradients")
    parts = network_graph(net, conventions)
    limits.check("nodes", f"{source}: network", len(parts[0]), "nodes (neurons, weights and per-sample values)")
    return parts


def _dense_slots(net: NetworkSpec) -> dict[str, Slot]:
    slots = _sample_slots(net)
    for l in range(1, len(net.layers)):
        for j in range(net.layers[l]):
            slots.update({weight_name(l, j + 1, k + 1): ("weights", l - 1, j, k) for k in range(net.layers[l - 1])})
        for j, _ in enumerate(net.biases[l - 1]):
            slots.setdefault(bias_name(net, l, j + 1), ("biases", l - 1, j))
    return slots


def _dense_tables(net: NetworkSpec) -> dict[str, Any]:
    return {"x": [list(r) for r in net.x], "t": [list(r) for r in net.t],
            "weights": [[list(r) for r in W] for W in net.weights], "biases": [list(b) for b in net.biases]}


def _dense_rebuilt(net: NetworkSpec, tables: Mapping[str, Any]) -> NetworkSpec:
    return replace(net, x=_rows(tables["x"]), t=_rows(tables["t"]), weights=tuple(_rows(W) for W in tables["weights"]),
                   biases=_rows(tables["biases"]))


def _conv_build(net: ConvNetworkSpec, conventions: Conventions, source: str) -> tuple:
    limits.check("nodes", f"{source}: network", net.size, "nodes (positions, weights and per-sample values)")
    from symback.engine.conv import conv_graph  # lazy: start-up time (NumPy object arrays, conv specs only)

    return conv_graph(net, conventions)


def _conv_slots(net: ConvNetworkSpec) -> dict[str, Slot]:
    """x and t per sample, then ``("value", key, flat index)`` of every kernel weight and bias (K<l>, b<l>) and
    dense weight and bias (W<l>, b<l>), by their stable names."""
    slots: dict[str, Slot] = {}
    m = len(net.x)
    for s in range(m):
        suffix = sample_suffix(m, s)
        slots.update({channel_input_name(c, tuple(idx), suffix): ("x", s, flat)
                      for flat, (c, *idx) in enumerate(product(*map(range, net.input_shape)))})
        slots.update({target_name(j + 1, suffix): ("t", s, j) for j in range(len(net.t[s]))})
    shapes = value_shapes(net.layers)
    for l, layer in enumerate(net.layers, 1):
        names = iter(layer_parameter_names(l, layer))
        for key in (f"K{l}", f"W{l}", f"b{l}"):
            if key in shapes:  # the names come in the same order: kernel or weights, then biases
                slots.update({next(names): ("value", key, i) for i in range(len(net.value[key]))})
    return slots


def _layers_build(net: LayersSpec, conventions: Conventions, source: str) -> tuple:
    limits.check("nodes", f"{source}: network", net.size, "nodes (units, parameters and per-sample values)")
    return layers_graph(net, conventions)


def _layers_slots(net: LayersSpec) -> dict[str, Slot]:
    """x and t per sample (``x<k>_t<t>`` of a sequence), then ``("value", key, flat index)`` of every parameter."""
    slots: dict[str, Slot] = {}
    for s, suffix in enumerate(sample_suffix(len(net.x), s) for s in range(len(net.x))):
        slots.update({input_name(k, named): ("x", s, i)
                      for i, (k, named, _) in enumerate(step_names(net.input_shape, suffix, net.x[s]))})
        slots.update({target_name(j, named): ("t", s, i)
                      for i, (j, named, _) in enumerate(step_names(net.layers[-1].shape_out, suffix, net.t[s]))})
    return slots | {name: ("value", key, i) for name, (key, i) in net.parameter_slots().items()}


def _value_tables(net) -> dict[str, Any]:
    """The tables of a network whose parameters are named value arrays (conv and layers list)."""
    return {"x": [list(r) for r in net.x], "t": [list(r) for r in net.t], "value": {k: list(v) for k, v in net.values}}


def _value_rebuilt(net, tables: Mapping[str, Any]):
    return replace(net, x=_rows(tables["x"]), t=_rows(tables["t"]),
                   values=tuple((key, tuple(v)) for key, v in tables["value"].items()))


#: network spec type -> its kind (the only place that names them)
NETWORK_KINDS: dict[type, NetworkKind] = {
    NetworkSpec: NetworkKind(_dense_build, parameter_names, _dense_slots, _dense_tables, _dense_rebuilt, holds_network=True),
    ConvNetworkSpec: NetworkKind(_conv_build, lambda net: list(net.parameter_names), _conv_slots, _value_tables, _value_rebuilt),
    LayersSpec: NetworkKind(_layers_build, lambda net: list(net.parameter_names), _layers_slots, _value_tables, _value_rebuilt),
}
