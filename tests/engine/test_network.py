"""Dense networks as neuron-level graphs: the neurons the builder records beside their nodes."""
from __future__ import annotations

import symback
from symback.engine.node import Neuron


def test_every_pre_activation_is_recorded_as_its_neuron():
    graph = symback.build_graph(symback.load_example("xor_sigmoid"))  # 2-2-1, four samples
    expected = {f"z{l}_{j}_s{s}": Neuron(l, j, s) for s in range(1, 5) for l, size in ((1, 2), (2, 1))
                for j in range(1, size + 1)}
    assert dict(graph.neurons) == expected
    assert all(graph.node(name).expr is not None for name in graph.neurons)
    single = symback.build_graph(symback.load_example("affine_233"))
    assert dict(single.neurons) == {f"z{l}_{j}": Neuron(l, j) for l in (1, 2) for j in (1, 2, 3)}


def test_graphs_and_convolutions_record_no_neurons():
    assert not symback.build_graph(symback.load_example("neuron")).neurons
    assert not symback.build_graph(symback.load_example("conv2d_pool")).neurons
