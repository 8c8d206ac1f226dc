"""Dense networks (layers, activations, bias, loss) as neuron-level computational graphs.

Names are stable and documented (README "Network names"). With m samples, every per-sample name
gets the suffix ``_s<i>`` and the loss is the average ``L = (1/m) (L_s1 + ... + L_sm)``.

====================  =========================================================
``x<k>``, ``t<j>``    input k and target j (inputs of the graph)
``w<l>_<j>_<k>``      weight from neuron k of layer l-1 to neuron j of layer l
``b<l>`` / ``b<l>_<j>``  bias of layer l (shared) or of its neuron j
``z<l>_<j>``          pre-activation of neuron j in layer l
``a<l>_<j>``          activation of hidden neuron j in layer l
``y<j>``              activation of output neuron j
``L``                 the loss
====================  =========================================================
"""
from __future__ import annotations

import sympy as sp

from symback.engine.expr import symbol
from symback.engine.activations import ACTIVATIONS
from symback.engine.losses import LOSSES
from symback.engine.rules import Conventions
from symback.engine.names import (activation_name, bias_name, input_name, pre_activation_name, sample_suffix,
                                  target_name, weight_name)
from symback.engine.node import INPUT, PARAM, GraphBuilder, Neuron
from symback.engine.spec import NetworkSpec
from symback.engine.sums import times

def activation_expr(name: str, z: sp.Expr, zs: list[sp.Expr] | None = None, j: int = 1) -> sp.Expr:
    """The activation ``name`` (of :data:`~symback.engine.activations.ACTIVATIONS`) applied to ``z``, the
    pre-activation of neuron j (softmax needs the layer's ``zs`` and index j)."""
    return ACTIVATIONS[name].activate(z, zs, j)


def network_graph(net: NetworkSpec, conventions: Conventions):
    """Nodes (topological), leaf values, loss name, target groups and neurons (pre-activation nodes) of a network spec."""
    depth = len(net.layers) - 1
    m = len(net.x)
    graph = GraphBuilder()
    leaf, node, point = graph.leaf, graph.node, graph.point
    suffixes = [sample_suffix(m, s) for s in range(m)]
    inputs, targets = [], []
    for s, suf in enumerate(suffixes):
        inputs.append([leaf(input_name(k, suf), INPUT, v) for k, v in enumerate(net.x[s], 1)])
        targets.append([leaf(target_name(j, suf), INPUT, v) for j, v in enumerate(net.t[s], 1)])
    weights, biases = [], []
    for l in range(1, depth + 1):
        weights.append([[leaf(weight_name(l, j, k), PARAM, net.weights[l - 1][j - 1][k - 1])
                         for k in range(1, net.layers[l - 1] + 1)] for j in range(1, net.layers[l] + 1)])
        layer_b = []
        for j in range(1, net.layers[l] + 1):
            name = bias_name(net, l, j)
            if name is None:
                layer_b.append(sp.S.Zero)
            elif name in point:
                layer_b.append(symbol(name))
            else:
                layer_b.append(leaf(name, PARAM, net.biases[l - 1][0 if net.bias == "shared" else j - 1]))
        biases.append(layer_b)
    loss_terms = []
    for s, suf in enumerate(suffixes):
        activations = inputs[s]
        for l in range(1, depth + 1):
            zs = [node(pre_activation_name(l, j, suf),
                       sp.Add(*(times(w, a) for w, a in zip(weights[l - 1][j - 1], activations)), biases[l - 1][j - 1]),
                       Neuron(l, j, s + 1 if m > 1 else None))
                  for j in range(1, net.layers[l] + 1)]
            activations = [node(activation_name(l, j, depth, suf), activation_expr(net.activations[l - 1], z, zs, j))
                           for j, z in enumerate(zs, 1)]
        loss = LOSSES["cross_entropy" if net.loss == "softmax_cross_entropy" else net.loss]
        loss_terms.append(node(f"L{suf}" if m > 1 else "L", loss.build(activations, targets[s])))
    if m > 1:
        node("L", sp.Rational(1, m) * sp.Add(*loss_terms))
    groups = ()
    if LOSSES[net.loss].targets_sum_to_one and net.layers[-1] > 1:
        groups = tuple(tuple(t.name for t in row) for row in targets)
    # leaves in the graph's convention: inputs first, then parameters
    ordered_leaves = [n for n in graph.leaves if n.kind == INPUT] + [n for n in graph.leaves if n.kind == PARAM]
    return tuple(ordered_leaves) + tuple(graph.nodes), point, "L", groups, graph.neurons
