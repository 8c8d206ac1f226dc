"""symback.from_torch / torch_to_toml (symback.engine.torch_spec): random nn.Sequential models against torch autograd.

The expected gradients are torch's own (float64 autograd through the very model, a Dropout's mask applied by
hand), and the names they are expected under are worked out here from the README's rule (layer l is model[l-1];
in a conv stack an activation joins the layer before it), not from symback's spec.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symback
from symback.cli import main

torch = pytest.importorskip("torch")
nn = torch.nn

ACTIVATIONS = (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.Softplus, nn.Identity)
FOLDED = (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.Softplus)   # a conv stack's layers carry these
EXAMPLES = settings(max_examples=130, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _masks(model, m, generator):
    """A random 0/1 mask for every Dropout in training mode, keyed by its index."""
    masks, width = {}, None
    for i, module in enumerate(model):
        if isinstance(module, nn.Linear):
            width = module.out_features
        if isinstance(module, nn.Dropout) and module.training and module.p > 0:
            masks[i] = (torch.rand(m, width, generator=generator) > 0.5).to(torch.float64)
    return masks


def torch_gradients(model, x, t, loss, masks):
    """(loss, {symback name: dL/dname}) by autograd, the names from model indices (README "PyTorch models")."""
    model.zero_grad()
    h = x
    for i, module in enumerate(model):
        h = h * masks[i] / (1 - module.p) if i in masks else module(h)
    value = loss(h, t)
    value.backward()
    names, l, conv = {}, 0, x.dim() > 2
    for i, module in enumerate(model):
        if not conv:
            l = i + 1
        elif isinstance(module, (FOLDED, nn.Identity, nn.Dropout)):
            continue
        else:
            l += 1
        stem = {nn.Linear: "w", nn.Conv1d: "k", nn.Conv2d: "k", nn.BatchNorm1d: "gamma", nn.LayerNorm: "gamma"}
        if type(module) in stem:
            for index in torch.cartesian_prod(*(torch.arange(n) for n in module.weight.shape)).reshape(-1, module.weight.dim()):
                key = f"{stem[type(module)]}{l}_" + "_".join(str(int(k) + 1) for k in index)
                names[key] = module.weight.grad[tuple(index)].item()
            if module.bias is not None:
                bias = "beta" if stem[type(module)] == "gamma" else "b"
                names.update({f"{bias}{l}_{j + 1}": g.item() for j, g in enumerate(module.bias.grad)})
    return value.item(), names


def assert_matches(model, x, t, loss, masks=None):
    masks = masks or {}
    expected_loss, expected = torch_gradients(model, x, t, loss, masks)
    solution = symback.from_torch(model, x, t, loss, masks=masks, check=False)
    assert math.isclose(float(solution.loss), expected_loss, rel_tol=1e-12)
    scale = max(abs(g) for g in expected.values())
    for name, g in expected.items():
        got = float(solution.gradients[name])
        assert math.isclose(got, g, rel_tol=1e-12, abs_tol=1e-13 * scale), (name, got, g)
    assert set(expected) == set(solution.spec.network.parameter_names)


@st.composite
def dense_models(draw):
    """A small dense nn.Sequential (every activation, batch and layer norm, dropout), its batch and its loss."""
    torch.manual_seed(draw(st.integers(0, 2 ** 31)))
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    modules, width = [], n
    for _ in range(draw(st.integers(1, 2))):
        out = draw(st.integers(1, 3))
        modules.append(nn.Linear(width, out, bias=draw(st.booleans())))
        width = out
        extras = draw(st.lists(st.sampled_from(["act", "norm", "dropout"]), max_size=2, unique=True))
        for extra in extras:
            if extra == "act":
                modules.append(draw(st.sampled_from(ACTIVATIONS))())
            elif extra == "norm" and width > 1:
                norm = draw(st.sampled_from([nn.LayerNorm] + ([nn.BatchNorm1d] if m > 1 else [])))
                modules.append(norm(width, eps=draw(st.sampled_from([1e-5, 1e-3])), elementwise_affine=True)
                               if norm is nn.LayerNorm else norm(width))
                with torch.no_grad():  # not PyTorch's ones and zeros, so that gamma and beta matter
                    modules[-1].weight.uniform_(0.5, 1.5)
                    modules[-1].bias.uniform_(-0.5, 0.5)
            elif extra == "dropout":
                modules.append(nn.Dropout(draw(st.sampled_from([0.0, 0.25, 0.5]))))
                modules[-1].train(draw(st.booleans()))
    kind = draw(st.sampled_from(["mse", "bce", "ce_index", "ce_prob"]))
    if kind == "bce":
        modules.append(nn.Sigmoid())
    model = nn.Sequential(*modules).double()
    for i, module in enumerate(model):  # model.double() keeps each module's train/eval flag
        module.train(modules[i].training)
    x = torch.randn(m, n, dtype=torch.float64)
    return model, x, *_targets(kind, m, width)


def _targets(kind, m, width):
    if kind == "mse":
        return torch.randn(m, width, dtype=torch.float64), nn.MSELoss()
    if kind == "bce":
        return torch.rand(m, width, dtype=torch.float64), nn.BCELoss()
    if kind == "ce_index":
        return torch.randint(0, width, (m,)), nn.CrossEntropyLoss()
    return torch.softmax(torch.randn(m, width, dtype=torch.float64), 1), nn.CrossEntropyLoss()


@st.composite
def conv_models(draw):
    """A small conv stack: Conv1d/Conv2d (+ activation), maybe a pool, Flatten, Linear layers; batch and loss."""
    torch.manual_seed(draw(st.integers(0, 2 ** 31)))
    dims, m, channels = draw(st.sampled_from([1, 2])), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    size = draw(st.integers(3, 5)) if dims == 1 else 3
    padding = draw(st.integers(0, 1 if dims == 1 else 0))  # padded 2-D maps build slowly (many nodes)
    kernel = draw(st.integers(1, min(3, size))) if dims == 1 else 2
    stride = draw(st.sampled_from([s for s in (1, 2) if (size + 2 * padding - kernel) % s == 0]))
    out = draw(st.integers(1, 2))
    conv = (nn.Conv1d if dims == 1 else nn.Conv2d)(channels, out, kernel, stride=stride, padding=padding,
                                                   bias=draw(st.booleans()))
    modules = [conv]
    if draw(st.booleans()):
        modules.append(draw(st.sampled_from(FOLDED))())
    side = (size + 2 * padding - kernel) // stride + 1
    pool = draw(st.sampled_from([None, nn.MaxPool1d, nn.AvgPool1d] if dims == 1 else [None, nn.MaxPool2d, nn.AvgPool2d]))
    if side > 1 and pool is not None:
        window = draw(st.integers(2, min(side, 3 if dims == 1 else 2)))  # SymPy's Max of many arguments is slow
        pool_stride = draw(st.sampled_from([s for s in (1, window) if (side - window) % s == 0]))
        modules.append(pool(window, stride=pool_stride))
        side = (side - window) // pool_stride + 1
    modules.append(nn.Flatten())
    width = out * side ** dims
    kind = draw(st.sampled_from(["mse", "bce", "ce_index", "ce_prob"]))
    bias = draw(st.booleans())
    for _ in range(draw(st.integers(0 if kind == "mse" else 1, 1 if kind.startswith("ce") else 2))):
        units = draw(st.integers(1, 3))
        modules.append(nn.Linear(width, units, bias=bias))
        width = units
        if draw(st.booleans()) and kind != "ce_index" and kind != "ce_prob":
            modules.append(draw(st.sampled_from(FOLDED))())
    if kind == "bce":
        if isinstance(modules[-1], FOLDED):
            modules.pop()
        modules.append(nn.Sigmoid())
    model = nn.Sequential(*modules).double()
    x = torch.randn(m, channels, *([size] * dims), dtype=torch.float64)
    return model, x, *_targets(kind, m, width)


@given(dense_models(), st.integers(0, 2 ** 31))
@EXAMPLES
def test_dense_models_match_autograd(case, seed):
    model, x, t, loss = case
    assert_matches(model, x, t, loss, _masks(model, x.shape[0], torch.Generator().manual_seed(seed)))


@given(conv_models())
@settings(EXAMPLES, max_examples=80)
def test_conv_models_match_autograd(case):
    assert_matches(*case)


def issue_model():
    """The issue's model: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)) with CrossEntropyLoss."""
    torch.manual_seed(24)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    return model, x, torch.tensor([1, 0]), nn.CrossEntropyLoss()


def test_the_issue_model_in_float32_matches_autograd():
    model, x, t, loss = issue_model()
    solution = symback.from_torch(model, x, t, loss)   # float32 values widen exactly to the float64 model's
    value, expected = torch_gradients(model.double(), x.double(), t, loss, {})
    assert solution.spec.network.layers[1].name == "tanh"
    assert float(solution.loss) == pytest.approx(value, rel=1e-12)
    assert float(solution.gradients["w1_2_3"]) == pytest.approx(model[0].weight.grad[1, 2].item(), rel=1e-12)
    assert float(solution.gradients["b3_2"]) == pytest.approx(expected["b3_2"], rel=1e-12)


def test_every_activation_and_dropout_mask_in_one_model():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Sigmoid(), nn.Dropout(0.5), nn.Linear(3, 3),
                          nn.Tanh(), nn.LayerNorm(3), nn.Linear(3, 3), nn.LeakyReLU(), nn.BatchNorm1d(3), nn.Softplus(),
                          nn.Identity(), nn.Linear(3, 2)).double()
    x = torch.randn(3, 2, dtype=torch.float64)
    mask = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]], dtype=torch.float64)
    assert_matches(model, x, torch.randn(3, 2, dtype=torch.float64), nn.MSELoss(), {4: mask})
    text = symback.torch_to_toml(model, x, torch.randn(3, 2, dtype=torch.float64), nn.MSELoss(), masks={4: mask})
    assert 'layers = [2, { dense = 3 }, "relu", { dense = 3 }, "sigmoid", { dropout = { p = 0.5, mask = [[1, 0, 1], ' in text
    assert '{ layernorm = { eps = 1e-05 } }, { dense = 3 }, "leaky_relu", { batchnorm = { eps = 1e-05 } }, "softplus", ' \
           '"identity", { dense = 2 }]' in text


def test_the_spec_text_solves_to_the_same_numbers_on_the_command_line(tmp_path, capsys):
    torch.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.MaxPool2d(2, stride=1), nn.Flatten(), nn.Linear(8, 3))
    x, t = torch.randn(2, 1, 4, 4), torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    text = symback.torch_to_toml(model, x, t, nn.CrossEntropyLoss())
    assert "# layer 1: model[0] Conv2d(1, 2, kernel_size=(2, 2), stride=(1, 1)) + model[1] ReLU()" in text
    assert "# layer 4: model[4] Linear(in_features=8, out_features=3, bias=True)" in text
    (tmp_path / "net.toml").write_text(text)
    assert main(["derive", str(tmp_path / "net.toml"), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    data = json.loads((tmp_path / "net.json").read_text())
    model.double()
    value, expected = torch_gradients(model, x.double(), t.double(), nn.CrossEntropyLoss(), {})
    assert data["loss"]["value"] == pytest.approx(value, rel=1e-12)
    assert {k: data["gradients"][k] for k in expected} == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert set(k for k in data["gradients"] if k[0] in "kwb") == set(expected)


def test_values_are_written_as_the_shortest_text_of_each_float():
    model, x, t, loss = issue_model()
    text = symback.torch_to_toml(model, x, t, loss)
    assert f"W1 = [[{model[0].weight[0, 0].item()!r}, " in text
    assert "x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]\nt = [[0, 1], [1, 0]]" in text


def _one_line(call):
    with pytest.raises(symback.SymbackError) as caught:
        call()
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("modules, x, expected", [
    ([nn.Linear(2, 2), nn.GELU()], (1, 2), "model[1] (GELU): not a layer symback has; use Linear, ReLU"),
    ([nn.Linear(2, 2), nn.LeakyReLU(0.2)], (1, 2), "model[1] (LeakyReLU): negative_slope=0.2; symback's leaky_relu"),
    ([nn.Linear(2, 2), nn.Softplus(beta=2)], (1, 2), "model[1] (Softplus): beta=2"),
    ([nn.Linear(3, 2)], (1, 2), "model[0] (Linear): in_features=3 but its input has 2 features; use nn.Linear(2, 2)"),
    ([nn.Linear(2, 2), nn.BatchNorm1d(2).eval()], (2, 2), "model[1] (BatchNorm1d): eval mode (running statistics)"),
    ([nn.Linear(2, 2), nn.BatchNorm1d(2)], (1, 2), "model[1] (BatchNorm1d): batch normalisation of a single sample"),
    ([nn.Linear(2, 2), nn.Dropout(0.5)], (1, 2), "model[1] (Dropout): dropout in training mode draws a random mask; "
                                                   "give it: from_torch(..., masks={1: mask})"),
    ([nn.Conv2d(1, 1, 2, dilation=2)], (1, 1, 5, 5), "model[0] (Conv2d): padding=(0, 0), dilation=(2, 2)"),
    ([nn.Conv1d(1, 1, 2, stride=2)], (1, 1, 5), "model[0] (Conv1d): a window (2,) with stride (2,) does not tile"),
    ([nn.Conv1d(1, 1, 2), nn.MaxPool1d(2, ceil_mode=True)], (1, 1, 5), "model[1] (MaxPool1d): padding, dilation"),
    ([nn.Conv1d(1, 1, 2)], (1, 1, 5), "model: its output has shape 1x4, not a vector; end with nn.Flatten()"),
    ([nn.Conv1d(1, 1, 2), nn.Flatten(), nn.ReLU()], (1, 1, 5), "model[2] (ReLU): an activation that does not follow"),
    ([nn.Conv1d(1, 1, 2), nn.Flatten(), nn.LayerNorm(4)], (1, 1, 5), "model[2] (LayerNorm): normalisation in a conv"),
    ([nn.Linear(2, 2), nn.Sequential(nn.ReLU())], (1, 2), "model[1] (Sequential): not a layer symback has"),
    ([nn.Linear(2, 2)], (2,), "x: expected samples x features"),
])
def test_unsupported_modules_and_shapes_are_one_line_errors(modules, x, expected):
    t = torch.zeros(x[0] if len(x) > 1 else 1, 2)
    assert expected in _one_line(lambda: symback.from_torch(nn.Sequential(*modules), torch.randn(*x), t, nn.MSELoss()))


@pytest.mark.parametrize("loss, t, expected", [
    (nn.L1Loss(), torch.zeros(2, 2), "loss (L1Loss): not a loss symback has; use nn.MSELoss, nn.BCELoss"),
    (nn.MSELoss(reduction="sum"), torch.zeros(2, 2), "loss (MSELoss): reduction='sum'; use reduction='mean'"),
    (nn.CrossEntropyLoss(label_smoothing=0.1), torch.tensor([0, 1]), "class weights or label smoothing"),
    (nn.CrossEntropyLoss(), torch.tensor([0, 2]), "t: class indices of shape 2 for 2 samples of 2 classes; give 2 "
                                                  "indices from 0 to 1"),
    (nn.MSELoss(), torch.zeros(2, 3), "t: shape 2x3 for an output of 2x2"),
])
def test_unsupported_losses_and_targets_are_one_line_errors(loss, t, expected):
    model = nn.Sequential(nn.Linear(2, 2))
    assert expected in _one_line(lambda: symback.torch_to_toml(model, torch.randn(2, 2), t, loss))


class OwnForward(nn.Sequential):
    def forward(self, x):
        return super().forward(x) * 2


@pytest.mark.parametrize("model, expected", [
    (nn.Linear(2, 2), "model: a Linear, not an nn.Sequential; wrap the layers in nn.Sequential(...)"),
    (OwnForward(nn.Linear(2, 2)), "model: a OwnForward, not an nn.Sequential"),
    (nn.Sequential(), "model: an empty nn.Sequential"),
])
def test_only_a_plain_sequential_is_read(model, expected):
    assert expected in _one_line(lambda: symback.torch_to_toml(model, torch.zeros(1, 2), torch.zeros(1, 2), nn.MSELoss()))


def test_masks_name_a_dropout_of_the_model():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert "masks[0]: is not the index of an nn.Dropout" in _one_line(
        lambda: symback.from_torch(model, torch.randn(1, 2), torch.zeros(1, 2), nn.MSELoss(), masks={0: torch.ones(1, 2)}))
    assert "masks[1]: expected a tensor of 0s and 1s of shape 1x2" in _one_line(
        lambda: symback.from_torch(model, torch.randn(1, 2), torch.zeros(1, 2), nn.MSELoss(), masks={1: torch.ones(2, 2)}))


def test_import_symback_does_not_import_torch():
    code = "import sys, symback; symback.solve; assert 'torch' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_torch_the_error_says_how_to_install_it():
    code = ("import sys; sys.modules['torch'] = None; import symback\n"
            "try:\n    symback.torch_to_toml(None, None, None, None)\n"
            "except symback.SymbackError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == 'from_torch: torch is not installed; pip install "symback[torch]"'
