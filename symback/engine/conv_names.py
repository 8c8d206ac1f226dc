"""The stable names of a convolutional network (README "Network names").

Positions count from 1; ``<pos>`` is ``<i>`` in 1-D and ``<i>_<j>`` (row, column) in 2-D; with m > 1
samples every per-sample name gets ``_s<i>`` as in dense networks.

=========================  ======================================================
``x_<c>_<pos>``            input channel c at a position
``k<l>_<o>_<c>_<off>``     kernel weight of conv layer l: output channel o, input channel c, offset
``b<l>_<o>``               bias of output channel o of conv layer l
``z<l>_<o>_<pos>``         conv output (pre-activation) of channel o at a position
``a<l>_<o>_<pos>``         the same after the layer's activation (only when it is not identity)
``p<l>_<c>_<pos>``         pooled value of channel c
``w<l>_<j>_<k>``, ``b<l>_<j>``, ``z<l>_<j>``, ``a<l>_<j>``, ``y<j>``   dense layers, as in dense networks
                           (k counts the flattened input: channel first, then row, then column)
=========================  ======================================================
"""
from __future__ import annotations

from itertools import product


def position(index: tuple[int, ...]) -> str:
    """``_2_3`` for 0-based (1, 2)."""
    return "".join(f"_{i + 1}" for i in index)


def channel_input_name(c: int, index: tuple[int, ...], suffix: str = "") -> str:
    """``x_<c>_<pos>``: input channel c (0-based) at a position (a dense input is :func:`~symback.engine.names.input_name`)."""
    return f"x_{c + 1}{position(index)}{suffix}"


def kernel_name(l: int, o: int, c: int, offset: tuple[int, ...]) -> str:
    return f"k{l}_{o + 1}_{c + 1}{position(offset)}"


def channel_bias_name(l: int, o: int) -> str:
    return f"b{l}_{o + 1}"


def map_name(stem: str, l: int, c: int, index: tuple[int, ...], suffix: str = "") -> str:
    """A feature-map entry: ``z``/``a`` (conv) or ``p`` (pooling) of layer l, channel c."""
    return f"{stem}{l}_{c + 1}{position(index)}{suffix}"


def layer_parameter_names(l: int, layer) -> list[str]:
    """The parameters of layer l (kernel weights then biases; dense weights then biases)."""
    if layer.kind == "conv":
        names = [kernel_name(l, o, c, off) for o in range(layer.out_channels) for c in range(layer.in_channels)
                 for off in product(*(range(k) for k in layer.kernel))]
        return names + ([channel_bias_name(l, o) for o in range(layer.out_channels)] if layer.bias else [])
    if layer.kind == "dense":
        names = [f"w{l}_{j}_{k}" for j in range(1, layer.size + 1) for k in range(1, layer.shape_in[0] + 1)]
        if layer.bias == "shared":
            names.append(f"b{l}")
        elif layer.bias == "neuron":
            names += [f"b{l}_{j}" for j in range(1, layer.size + 1)]
        return names
    return []
