"""The compiled layer-level program of each kind of network, registered in one place.

:data:`NETWORK_PROGRAMS` maps a network spec's type to what builds its program: a network of layer sizes
:func:`~symback.engine.compile.compile_network` (``program(X, T, weights, biases)``), a layers list
:func:`~symback.engine.layer_program.compile_layers` (``program(X, T, values)``); a convolutional network's
is :func:`symback.engine.conv_compile.conv_forward_backward`, so it is refused naming that.
(:mod:`symback.engine.network_views` registers the matrix view the same way.)
"""
from __future__ import annotations

from typing import Callable

from symback.engine.compile import NetworkProgram, compile_network
from symback.engine.conv_spec import ConvNetworkSpec
from symback.engine.graph import Graph
from symback.engine.layer_program import LayersProgram, compile_layers
from symback.engine.layers import LayersSpec
from symback.engine.spec import NetworkSpec


def _conv_program(net: ConvNetworkSpec, graph: Graph) -> NetworkProgram:
    raise ValueError("compiled_network() needs a dense network spec of layer sizes or a layers list "
                     "(a convolutional one: symback.conv_forward_backward); use compiled()")


#: network spec type -> ``build(net, graph)`` of its compiled program (the only place that names them)
NETWORK_PROGRAMS: dict[type, Callable[..., NetworkProgram | LayersProgram]] = {
    NetworkSpec: lambda net, graph: compile_network(net, graph.conventions),
    LayersSpec: lambda net, graph: compile_layers(net, graph.conventions),
    ConvNetworkSpec: _conv_program,
}


def network_program(net, graph: Graph) -> NetworkProgram | LayersProgram:
    """The compiled program of network spec ``net`` whose graph is ``graph`` (``ValueError`` for none)."""
    if net is None:
        raise ValueError("compiled_network() needs a dense network spec; use compiled()")
    return NETWORK_PROGRAMS[type(net)](net, graph)
