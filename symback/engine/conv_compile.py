"""The compiled NumPy path of a convolutional network: whole arrays, a batch at a time.

:func:`conv_forward_backward` computes the loss (the mean of the per-sample losses, as the graph)
and the gradient of every parameter array (``K<l>``, ``b<l>``, ``W<l>``) with one loop over kernel
offsets per layer (each offset is one strided slice and one ``einsum``). Activation derivatives come
from the rule table (:func:`symback.engine.rules.differentiate`), the loss gradient from the loss's
own SymPy expression, both through ``lambdify``; max pooling follows the engine's max rule (k entries
tied for the maximum get 1/k each), average pooling splits evenly. Checked against the exact graph and torch autograd.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import product
from typing import Mapping

import numpy
import sympy as sp

from symback.engine.conv import _activation, _loss_name
from symback.engine.conv_spec import ConvLayer, ConvNetworkSpec, DenseLayer, PoolLayer, value_shapes
from symback.engine.losses import LOSSES
from symback.engine.network import activation_expr
from symback.engine.rules import DEFAULT_CONVENTIONS, Conventions, differentiate


def conv_arrays(net: ConvNetworkSpec) -> tuple[numpy.ndarray, numpy.ndarray, dict[str, numpy.ndarray]]:
    """The spec's samples, targets and parameters as float64 arrays: ``X (m, C, ...)``, ``T (m, n)``, params."""
    x = numpy.array([[float(v) for v in s] for s in net.x]).reshape((len(net.x),) + net.input_shape)
    t = numpy.array([[float(v) for v in s] for s in net.t])
    shapes = value_shapes(net.layers)
    params = {k: numpy.array([float(v) for v in vals]).reshape(shapes[k]) for k, vals in net.values}
    return x, t, params


def conv_forward_backward(net: ConvNetworkSpec, X: numpy.ndarray, T: numpy.ndarray, params: Mapping[str, numpy.ndarray],
                          conventions: Conventions = DEFAULT_CONVENTIONS) -> tuple[float, dict[str, numpy.ndarray]]:
    """Loss and gradients (same keys as ``params``) of ``net``'s layers at ``X`` (m, C, ...) and ``T`` (m, n).

    Public as ``symback.conv_forward_backward`` (with ``symback.conv_arrays``).

    >>> import symback
    >>> net = symback.load_example("conv1d").network
    >>> X, T, params = symback.conv_arrays(net)
    >>> loss, grads = symback.conv_forward_backward(net, X, T, params)
    >>> sorted(grads)
    ['K1', 'b1']
    """
    m = X.shape[0]
    caches = []
    A = X
    for l, layer in enumerate(net.layers, 1):
        act = _activation(net, layer)
        if isinstance(layer, ConvLayer):
            padded = numpy.pad(A, [(0, 0), (0, 0)] + [(p, p) for p in layer.padding])
            K = params[f"K{l}"]
            Z = numpy.zeros((m,) + layer.shape_out)
            for off in product(*map(range, layer.kernel)):
                Z += numpy.einsum(_subscripts("mc{s},oc->mo{s}", layer), padded[_window(off, layer.stride, layer.shape_out)], K[(slice(None),) * 2 + off])
            if layer.bias:
                Z += params[f"b{l}"].reshape((1, -1) + (1,) * len(layer.kernel))
            caches.append((padded, Z))
            A = _apply(act, Z, conventions)[0]
        elif isinstance(layer, PoolLayer):
            windows = numpy.stack([A[_window(off, layer.stride, layer.shape_out)] for off in product(*map(range, layer.size))], -1)
            caches.append(windows)
            A = windows.max(-1) if layer.mode == "max" else windows.mean(-1)
        elif isinstance(layer, DenseLayer):
            Z = A @ params[f"W{l}"].T
            if layer.bias != "none":
                Z = Z + params[f"b{l}"]
            caches.append((A, Z))
            A = Z if layer is net.layers[-1] and act == "softmax" else _apply(act, Z, conventions)[0]
        else:
            caches.append(A.shape)
            A = A.reshape(m, -1)
    loss, dA = _loss(net, A, T)
    grads: dict[str, numpy.ndarray] = {}
    for l in range(len(net.layers), 0, -1):
        layer, cache = net.layers[l - 1], caches[l - 1]
        act = _activation(net, layer)
        if isinstance(layer, ConvLayer):
            padded, Z = cache
            dZ = dA * _apply(act, Z, conventions)[1]
            K = params[f"K{l}"]
            dK = numpy.zeros_like(K)
            dP = numpy.zeros_like(padded)
            for off in product(*map(range, layer.kernel)):
                where = _window(off, layer.stride, layer.shape_out)
                dK[(slice(None),) * 2 + off] = numpy.einsum(_subscripts("mo{s},mc{s}->oc", layer), dZ, padded[where])
                dP[where] += numpy.einsum(_subscripts("mo{s},oc->mc{s}", layer), dZ, K[(slice(None),) * 2 + off])
            grads[f"K{l}"] = dK
            if layer.bias:
                grads[f"b{l}"] = dZ.sum(axis=(0,) + tuple(range(2, dZ.ndim)))
            dA = dP[(slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(layer.padding, layer.shape_in[1:]))]
        elif isinstance(layer, PoolLayer):
            share = _max_share(cache) if layer.mode == "max" else numpy.full(cache.shape, 1 / cache.shape[-1])
            dW = share * dA[..., None]
            dA = numpy.zeros((m,) + layer.shape_in)
            for n, off in enumerate(product(*map(range, layer.size))):
                dA[_window(off, layer.stride, layer.shape_out)] += dW[..., n]
        elif isinstance(layer, DenseLayer):
            A_in, Z = cache
            dZ = dA if layer is net.layers[-1] and act == "softmax" else dA * _apply(act, Z, conventions)[1]
            grads[f"W{l}"] = dZ.T @ A_in
            if layer.bias == "shared":
                grads[f"b{l}"] = numpy.array(dZ.sum())
            elif layer.bias == "neuron":
                grads[f"b{l}"] = dZ.sum(0)
            dA = dZ @ params[f"W{l}"]
        else:
            dA = dA.reshape(cache)
    return float(loss), grads


def _subscripts(pattern: str, layer: ConvLayer) -> str:
    """An einsum pattern with one letter per spatial dimension of the layer."""
    return pattern.format(s="ij"[:len(layer.kernel)])


def _window(offset, stride, out_shape) -> tuple[slice, ...]:
    """The strided slice of every window's entry at ``offset``: (all samples, all channels, positions)."""
    return (slice(None), slice(None)) + tuple(slice(o, o + s * (n - 1) + 1, s) for o, s, n in zip(offset, stride, out_shape[1:]))


def _max_share(windows: numpy.ndarray) -> numpy.ndarray:
    """The engine's max rule on each window: the entries tied for the maximum share the gradient evenly."""
    top = windows.max(-1, keepdims=True)
    winners = (windows == top).astype(float)
    return winners / winners.sum(-1, keepdims=True)


@lru_cache(maxsize=64)
def _activation_functions(name: str, conventions: Conventions):
    z = sp.Symbol("z")
    expr = activation_expr(name, z)
    local = differentiate(expr, z, conventions)[0] if expr != z else sp.S.One
    return sp.lambdify(z, expr, "numpy"), sp.lambdify(z, local, "numpy")


def _apply(name: str, Z: numpy.ndarray, conventions: Conventions) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The activation and its derivative on a whole array."""
    value, derivative = _activation_functions(name, conventions)
    return numpy.broadcast_to(value(Z), Z.shape), numpy.broadcast_to(derivative(Z), Z.shape)


@lru_cache(maxsize=64)
def _loss_functions(name: str, n: int, softmax: bool):
    ys, ts = sp.symbols(f"y1:{n + 1}"), sp.symbols(f"t1:{n + 1}")
    outs = [activation_expr("softmax", y, list(ys), j) for j, y in enumerate(ys, 1)] if softmax else list(ys)
    expr = LOSSES[name].build(outs, ts)
    return sp.lambdify([ys, ts], expr, "numpy"), sp.lambdify([ys, ts], [sp.diff(expr, y) for y in ys], "numpy")


def _loss(net: ConvNetworkSpec, A: numpy.ndarray, T: numpy.ndarray) -> tuple[float, numpy.ndarray]:
    """The mean per-sample loss and its gradient with respect to the last layer's output (logits for softmax)."""
    softmax = isinstance(net.layers[-1], DenseLayer) and _activation(net, net.layers[-1]) == "softmax"
    value, grad = _loss_functions(_loss_name(net), A.shape[1], softmax)
    m = A.shape[0]
    losses = numpy.broadcast_to(value(list(A.T), list(T.T)), (m,))
    dA = numpy.stack([numpy.broadcast_to(g, (m,)) for g in grad(list(A.T), list(T.T))], 1)
    return losses.mean(), dA / m
