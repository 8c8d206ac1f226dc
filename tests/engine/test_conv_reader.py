"""conv_reader: a convolutional layers list read, and its shapes checked in one-line errors naming both shapes."""
import pytest

from symback.engine.errors import SpecError
from symback.engine.spec_reader import spec_from_dict


def _spec(layers, values, loss="half_sse", **net):
    return spec_from_dict({"network": {"layers": layers, "loss": loss, "values": values, **net}})


@pytest.mark.parametrize("layers, fragment", [
    ([[1, 3, 3], {"conv2d": {"out": 1, "kernel": 4}}, "flatten"], "the kernel 4x4 is larger than its input 3x3"),
    ([[1, 5], {"conv1d": {"out": 1, "kernel": 2, "stride": 2}}, "flatten"], "stride 2 does not divide the input 5 minus the kernel 2"),
    ([[1, 4, 4], {"conv2d": {"out": 1, "kernel": 3}}, {"maxpool": {"size": 3}}, "flatten"], "the window 3x3 is larger than its input 2x2"),
    ([[1, 4, 4], {"conv2d": {"in": 2, "out": 1, "kernel": 2}}, "flatten"], "in = 2 but the layer's input 1x4x4 has 1 channels"),
    ([[1, 4, 4], {"conv2d": {"out": 1, "kernel": 2}}, 1], 'put "flatten" before it'),
    ([[1, 4, 4], {"conv1d": {"out": 1, "kernel": 2}}, "flatten"], "conv1d needs a 1-D input, got shape 1x4x4"),
    ([[1, 2, 2], {"conv2d": {"out": 1, "kernel": 3, "padding": 1}}, "flatten"], None),
])
def test_shape_errors_are_one_line_and_name_both_shapes(layers, fragment):
    values = {"x": [[0.0] * 2] * 2, "t": [0.0] * 4, "K1": [[[[0.0] * 3] * 3]], "b1": [0.0]}
    if fragment is None:  # kernel 3 fits the 2x2 input padded to 4x4: no error
        assert _spec(layers, values).network.layers[0].shape_out == (1, 2, 2)
        return
    with pytest.raises(SpecError) as info:
        _spec(layers, values)
    line = info.value.line() if callable(getattr(info.value, "line", None)) else str(info.value)
    assert fragment in str(info.value) and "\n" not in line
