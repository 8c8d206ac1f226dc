"""Convolutional networks as neuron-level graphs: every output position a node, every kernel weight a leaf.

:func:`conv_graph` builds the nodes of a :class:`~symback.engine.conv_spec.ConvNetworkSpec` like
:func:`symback.engine.network.network_graph` does for dense networks (names in
:mod:`symback.engine.conv_names`), so backprop, substitute, the gradient check and the documents
treat a convolution as an ordinary graph: an output position is its sum of products
``z = Σ k·x + b``, a kernel weight's gradient sums over every position it touched (fan-out).

* convolution: PyTorch's cross-correlation, ``z[o, i] = b[o] + Σ_c Σ_p k[o, c, p] x_pad[c, s·i + p]``;
  padded positions are the number 0, so they drop out of the sums;
* max pooling: ``p = max(window)``; its derivative is the engine's max rule (each entry gets
  1 to the arg-max; the k entries tied for the maximum get 1/k each). PyTorch routes all of the gradient to the first
  arg-max instead; the two agree wherever the window's maximum is unique;
* average pooling: ``p = (1/n) Σ window``, the gradient split evenly;
* flatten: no nodes, row-major order (channel, row, column), as ``torch.flatten``.

:func:`conv_forward_backward` is the compiled NumPy path (whole arrays, batches) for the same networks.
"""
from __future__ import annotations

from itertools import product
from typing import Mapping

import numpy
import sympy as sp

from symback.engine.conv_names import channel_bias_name, channel_input_name, kernel_name, map_name
from symback.engine.conv_spec import ConvLayer, ConvNetworkSpec, DenseLayer, PoolLayer
from symback.engine.losses import LOSSES
from symback.engine.names import sample_suffix, target_name
from symback.engine.network import activation_expr
from symback.engine.node import INPUT, PARAM, GraphBuilder
from symback.engine.rules import Conventions


def conv_graph(net: ConvNetworkSpec, conventions: Conventions):
    """Nodes (topological), leaf values, loss name, target groups and neurons of a convolutional network.

    Its positions are written with adjoints in the documents, not as δs: no node is recorded as a neuron.
    """
    m = len(net.x)
    values = net.value
    graph = GraphBuilder()
    leaf, node, point = graph.leaf, graph.node, graph.point

    suffixes = [sample_suffix(m, s) for s in range(m)]
    inputs = [numpy.array([leaf(channel_input_name(c, idx, suf), INPUT, net.x[s][flat])
                           for flat, (c, *idx) in enumerate(product(*map(range, net.input_shape)))],
                          dtype=object).reshape(net.input_shape) for s, suf in enumerate(suffixes)]
    targets = [[leaf(target_name(j, suf), INPUT, v) for j, v in enumerate(net.t[s], 1)] for s, suf in enumerate(suffixes)]
    params = [_layer_params(l, layer, values, leaf) for l, layer in enumerate(net.layers, 1)]
    loss_terms = []
    depth = len(net.layers)
    for s, suf in enumerate(suffixes):
        data = inputs[s]
        for l, layer in enumerate(net.layers, 1):
            data = _forward(l, layer, data, params[l - 1], node, suf, l == depth, _activation(net, layer))
        loss = LOSSES[_loss_name(net)]
        loss_terms.append(node(f"L{suf}" if m > 1 else "L", loss.build(list(data.reshape(-1)), targets[s])))
    if m > 1:
        node("L", sp.Rational(1, m) * sp.Add(*loss_terms))
    groups = ()
    if LOSSES[net.loss].targets_sum_to_one and net.outputs > 1:
        groups = tuple(tuple(t.name for t in row) for row in targets)
    ordered = [n for n in graph.leaves if n.kind == INPUT] + [n for n in graph.leaves if n.kind == PARAM]
    return tuple(ordered) + tuple(graph.nodes), point, "L", groups, graph.neurons


def _loss_name(net: ConvNetworkSpec) -> str:
    """A softmax output layer takes the softmax, so its loss is the cross-entropy (as in dense networks)."""
    softmax_layer = isinstance(net.layers[-1], DenseLayer)
    return "cross_entropy" if net.loss == "softmax_cross_entropy" and softmax_layer else net.loss


def _activation(net: ConvNetworkSpec, layer) -> str:
    """A layer's activation; the output layer of a softmax cross-entropy network is softmax."""
    if layer is net.layers[-1] and isinstance(layer, DenseLayer) and net.loss == "softmax_cross_entropy":
        return "softmax"
    return getattr(layer, "activation", "identity")


def _layer_params(l: int, layer, values: Mapping, leaf):
    """The kernel (an object array of symbols) and biases of a conv layer; W and b of a dense one."""
    if isinstance(layer, ConvLayer):
        shape = (layer.out_channels, layer.in_channels) + layer.kernel
        kernel = numpy.array([leaf(kernel_name(l, o, c, tuple(off)), PARAM, values[f"K{l}"][flat])
                              for flat, (o, c, *off) in enumerate(product(*map(range, shape)))], dtype=object).reshape(shape)
        bias = [leaf(channel_bias_name(l, o), PARAM, values[f"b{l}"][o]) if layer.bias else sp.S.Zero
                for o in range(layer.out_channels)]
        return kernel, bias
    if isinstance(layer, DenseLayer):
        n_in = layer.shape_in[0]
        weights = [[leaf(f"w{l}_{j}_{k}", PARAM, values[f"W{l}"][(j - 1) * n_in + k - 1]) for k in range(1, n_in + 1)]
                   for j in range(1, layer.size + 1)]
        if layer.bias == "none":
            bias = [sp.S.Zero] * layer.size
        elif layer.bias == "shared":
            bias = [leaf(f"b{l}", PARAM, values[f"b{l}"][0])] * layer.size
        else:
            bias = [leaf(f"b{l}_{j}", PARAM, values[f"b{l}"][j - 1]) for j in range(1, layer.size + 1)]
        return weights, bias
    return None


def _forward(l: int, layer, data: numpy.ndarray, params, node, suf: str, last: bool, act: str) -> numpy.ndarray:
    """The nodes of layer l on ``data`` (an object array of symbols); returns the layer's output array."""
    if layer.kind == "flatten":
        return data.reshape(-1)
    out = numpy.empty(layer.shape_out, dtype=object)
    if isinstance(layer, ConvLayer):
        kernel, bias = params
        padded = numpy.pad(data, [(0, 0)] + [(p, p) for p in layer.padding], constant_values=sp.S.Zero)
        offsets = list(product(*map(range, layer.kernel)))
        for o, *idx in product(*map(range, layer.shape_out)):
            start = [i * s for i, s in zip(idx, layer.stride)]
            terms = [kernel[(o, c) + off] * padded[(c,) + tuple(a + b for a, b in zip(start, off))]
                     for c in range(layer.in_channels) for off in offsets]
            z = node(map_name("z", l, o, tuple(idx), suf), sp.Add(*terms) + bias[o])
            if act != "identity":
                z = node(map_name("a", l, o, tuple(idx), suf), activation_expr(act, z))
            out[(o, *idx)] = z
        return out
    if isinstance(layer, PoolLayer):
        for c, *idx in product(*map(range, layer.shape_out)):
            window = [data[(c,) + tuple(i * s + w for i, s, w in zip(idx, layer.stride, off))]
                      for off in product(*map(range, layer.size))]
            expr = sp.Max(*window) if layer.mode == "max" else sp.Add(*window) / len(window)
            out[(c, *idx)] = node(map_name("p", l, c, tuple(idx), suf), expr)
        return out
    weights, bias = params
    zs = [node(f"z{l}_{j}{suf}", sp.Add(*(w * a for w, a in zip(weights[j - 1], data))) + bias[j - 1])
          for j in range(1, layer.size + 1)]
    stem = "y" if last else f"a{l}_"
    return numpy.array([node(f"{stem}{j}{suf}", activation_expr(act, z, zs, j)) for j, z in enumerate(zs, 1)],
                       dtype=object)
