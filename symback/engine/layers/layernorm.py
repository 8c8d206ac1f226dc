"""``{ layernorm = { eps = 1e-5 } }``: layer normalisation, as ``torch.nn.LayerNorm`` over the features.

Per sample, over the n features of the layer::

    mu<l>    = (1/n) Σ_j x_j                       the sample's mean (``mu<l>_s<i>`` with several samples)
    var<l>   = (1/n) Σ_j (x_j − mu<l>)²            its biased variance
    xh<l>_<j> = (x_j − mu<l>) / √(var<l> + ε)       the normalised value
    n<l>_<j>  = gamma<l>_<j> · xh<l>_<j> + beta<l>_<j>  scale and shift (``y<j>`` in the output layer)

Values ``gamma<l>`` and ``beta<l>`` as for batch normalisation (:mod:`symback.engine.layers.batchnorm`,
which builds both: they differ only in the axis the statistics run over).
"""
from __future__ import annotations

from typing import Any

from symback.engine.layers.base import LayerReader, Shape, register
from symback.engine.layers.batchnorm import Normalisation, read_normalisation


@register("layernorm", "{ layernorm = { eps = 1e-5 } } (over the features of each sample)")
def read_layernorm(reader: LayerReader, key: str, options: Any, shape: Shape) -> Normalisation:
    return read_normalisation(reader, key, options, shape, "layernorm")
