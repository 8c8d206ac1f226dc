"""conv_spec: a convolutional network's layers, value shapes, parameter names and size, counted here by hand."""
from symback.engine.conv_spec import (ConvLayer, DenseLayer, FlattenLayer, PoolLayer, describe, is_conv_layers,
                                      shape_of, shape_text, value_shapes)
from symback.engine.examples import load_example
from symback.engine.spec_reader import spec_from_dict


def test_the_conv2d_pool_example_layer_by_layer():
    """4x4 input, 2x2 kernel (stride 1): 3x3; 2x2 max-pool, stride 1: 2x2; flatten: 4; one dense neuron."""
    net = load_example("conv2d_pool").network
    conv, pool, flatten, dense = net.layers
    assert isinstance(conv, ConvLayer) and (conv.shape_in, conv.shape_out) == ((1, 4, 4), (1, 3, 3))
    assert isinstance(pool, PoolLayer) and pool.mode == "max" and pool.shape_out == (1, 2, 2)
    assert isinstance(flatten, FlattenLayer) and flatten.shape_out == (4,)
    assert isinstance(dense, DenseLayer) and dense.size == 1 and net.outputs == 1
    assert value_shapes(net.layers) == {"K1": (1, 1, 2, 2), "b1": (1,), "W4": (1, 4), "b4": (1,)}


def test_parameter_names_follow_the_documented_scheme():
    net = load_example("conv2d_pool").network
    kernel = [f"k1_1_1_{p}_{q}" for p in (1, 2) for q in (1, 2)]  # k<l>_<o>_<c>_<p>_<q>
    dense = [f"w4_1_{k}" for k in range(1, 5)] + ["b4_1"]         # layer 4: one neuron, its own bias
    assert net.parameter_names == tuple(kernel + ["b1_1"] + dense)


def test_size_counts_the_names_of_the_neuron_level_graph():
    """One sample of conv1d (a 3-tap kernel on 5 samples, identity): 5 inputs + 3 conv outputs, 3 targets and
    the loss; then 3 kernel weights and one bias, and the loss name once more (the count's +1)."""
    net = load_example("conv1d").network
    assert len(net.x) == 1 and net.layers[0].shape_out == (1, 3) and net.layers[0].activation == "identity"
    assert net.size == 1 * ((5 + 3) + 3 + 1) + 4 + 1
    sigmoid = spec_from_dict({"network": {"layers": [[1, 5], {"conv1d": {"out": 1, "kernel": 3, "activation": "sigmoid"}},
                                                     "flatten"], "loss": "half_sse",
                                          "values": {"x": [1, 2, 3, 4, 5], "t": [0, 0, 0], "K1": [[[1, 0, 0]]],
                                                     "b1": [0]}}}).network
    assert sigmoid.size == net.size + 3  # an activation node per conv output


def test_shapes_of_nested_lists():
    assert shape_of([[1, 2, 3], [4, 5, 6]]) == (2, 3) and shape_of(7) == () and shape_of([]) == (0,)
    assert shape_of([[1, 2], [3]]) is None and shape_text((2, 3, 4)) == "2x3x4"
    assert describe([[1, 2], [3, 4]]) == "shape 2x2" and describe([[1], [2, 3]]) == "ragged lists"
    assert describe(5) == "a number"
    assert is_conv_layers([[1, 4, 4], "flatten", 1]) and not is_conv_layers([2, 2, 1])
