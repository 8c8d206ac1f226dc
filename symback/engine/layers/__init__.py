"""Layer kinds, one module each, and networks in ``nn.Sequential`` order built from them.

Importing the package registers every kind (:data:`symback.engine.layers.base.LAYER_KINDS`): ``dense``,
``batchnorm``, ``layernorm`` and ``dropout`` as tables, activations by name. Adding a kind is one module
here that defines its layer and registers its reader (README "Adding a layer").
"""
from symback.engine.layers import (attention, batchnorm, dense, dropout, layernorm, lstm,  # noqa: F401  (each registers its kind)
                                   rnn, sequence)
from symback.engine.layers.graph import layers_graph
from symback.engine.layers.reader import is_layers_list, read_layers
from symback.engine.layers.spec import LayersSpec

__all__ = ["LayersSpec", "is_layers_list", "layers_graph", "read_layers"]
