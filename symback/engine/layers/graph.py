"""The neuron-level graph of a :class:`~symback.engine.layers.spec.LayersSpec`: each layer builds its own nodes.

The walk creates the leaves (inputs, targets, each layer's parameters and inputs), hands the batch to
each layer in turn and adds the loss: per sample ``L_s<i>`` and their mean, and with ``weight_decay``
the data loss ``E``, the term ``R = (λ/2) Σ w²`` and ``L = E + R``. It knows no layer by name.
"""
from __future__ import annotations

import sympy as sp

from symback.engine.expr import symbol
from symback.engine.layers.base import Place
from symback.engine.layers.sequence import step_names
from symback.engine.layers.spec import LayersSpec
from symback.engine.losses import LOSSES
from symback.engine.names import input_name, sample_suffix, target_name
from symback.engine.node import INPUT, PARAM, GraphBuilder
from symback.engine.rules import Conventions


def layers_graph(net: LayersSpec, conventions: Conventions):
    """Nodes (topological), leaf values, loss name, target groups and neurons (none) of a layers network."""
    m, values = len(net.x), net.value
    graph = GraphBuilder()
    leaf = graph.leaf
    suffixes = tuple(sample_suffix(m, s) for s in range(m))
    batch = [[leaf(input_name(k, sf), INPUT, v) for k, sf, v in step_names(net.input_shape, suf, net.x[s])]
             for s, suf in enumerate(suffixes)]
    targets = [[leaf(target_name(j, sf), INPUT, v) for j, sf, v in step_names(net.layers[-1].shape_out, suf, net.t[s])]
               for s, suf in enumerate(suffixes)]
    params = []
    for l, layer in enumerate(net.layers, 1):
        names = iter(layer.parameter_names(l))
        own = {key: [leaf(next(names), PARAM, v) for v in values[key]] for key in layer.value_shapes(l)}
        own.update({key: [leaf(name, INPUT, v) for name, v in pairs]
                    for key, pairs in layer.input_leaves(l, suffixes).items()})
        params.append(own)
    for l, layer in enumerate(net.layers, 1):
        batch = layer.forward(Place(l, suffixes, graph.node, l == len(net.layers)), batch, params[l - 1])
    decay = net.weight_decay
    data = "E" if decay else "L"
    loss = LOSSES[net.loss]
    width = net.layers[-1].shape_out[-1]  # the loss of a sequence is summed over its steps
    terms = [graph.node(f"L{suf}" if m > 1 else data,
                        sp.Add(*(loss.build(batch[s][k:k + width], targets[s][k:k + width])
                                 for k in range(0, len(batch[s]), width))))
             for s, suf in enumerate(suffixes)]
    total = graph.node(data, sp.Rational(1, m) * sp.Add(*terms)) if m > 1 else terms[0]
    if decay:
        regulariser = graph.node("R", decay / 2 * sp.Add(*(symbol(w) ** 2 for w in net.decayed)))
        graph.node("L", total + regulariser)
    groups = ()
    if loss.targets_sum_to_one and width > 1:
        groups = tuple(tuple(t.name for t in row[k:k + width]) for row in targets for k in range(0, len(row), width))
    ordered = [n for n in graph.leaves if n.kind == INPUT] + [n for n in graph.leaves if n.kind == PARAM]
    return tuple(ordered) + tuple(graph.nodes), graph.point, "L", groups, graph.neurons
