"""A PyTorch ``nn.Sequential``, its inputs, targets and loss module as a spec (``symback.from_torch``).

torch is the optional extra ``symback[torch]``, imported by this module only (and this module only when
``from_torch`` or ``torch_to_toml`` is called). The Sequential is walked module by module rather than traced
with ``torch.fx``: a Sequential's forward is by definition its modules in order, so the walk sees exactly the
``call_module`` nodes a trace would, names each by its index (``model[2]``) and needs no tracing machinery.

- **Dense stacks** (a 2-D ``x``: samples x features) become the ``layers`` list in ``nn.Sequential`` order,
  one entry per module, so layer l is ``model[l-1]`` and ``w<l>_<j>_<k>`` is ``model[l-1].weight[j-1, k-1]``.
  A no-op module (``Identity``, ``Dropout`` in eval mode or with p = 0, ``Flatten`` of a vector) is the
  ``"identity"`` entry, which keeps that numbering. ``Dropout`` in training mode needs its masks
  (``masks={index: 0/1 tensor of samples x features}``), as its draw is random.
- **Conv stacks** (a 3-D or 4-D ``x``) become the convolutional form (README "Convolutional layers"), whose
  layers carry their activation: an activation joins the Conv or Linear before it, so the spec's layer
  numbers skip the activations; the TOML's comments say which module each layer came from.

Values are written as ``repr(float)`` (float32 parameters widen exactly to float64 first), which the spec
reader takes exactly. Anything else is a one-line :class:`SpecError` naming the module's path and type.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Any, Mapping

import torch  # the optional extra: pip install "symback[torch]"
from torch import nn

from symback.engine.errors import SpecError
from symback.engine.toml_text import toml_text

SUPPORTED_MODULES = ("Linear, ReLU, Sigmoid, Tanh, LeakyReLU(0.01), Softplus(beta=1), Identity, Flatten, BatchNorm1d "
             "(training mode), LayerNorm, Dropout, Conv1d, Conv2d, MaxPool1d/2d, AvgPool1d/2d")
TORCH_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.LeakyReLU: "leaky_relu",
               nn.Softplus: "softplus"}
TORCH_LOSSES = {nn.MSELoss: "mse", nn.BCELoss: "bce", nn.CrossEntropyLoss: "softmax_cross_entropy"}
CONV = {nn.Conv1d: 1, nn.Conv2d: 2}
POOLS = {nn.MaxPool1d: ("maxpool", 1), nn.MaxPool2d: ("maxpool", 2), nn.AvgPool1d: ("avgpool", 1),
         nn.AvgPool2d: ("avgpool", 2)}


def torch_spec(model: nn.Module, x: torch.Tensor, t: torch.Tensor, loss: nn.Module,
               masks: Mapping[int, torch.Tensor] | None = None) -> dict[str, Any]:
    """The spec dictionary of ``model`` at inputs ``x`` (samples first) and targets ``t`` under ``loss``."""
    return _Walk(model, x, masks or {}).spec(t, loss)


def torch_spec_text(model: nn.Module, x: torch.Tensor, t: torch.Tensor, loss: nn.Module,
                  masks: Mapping[int, torch.Tensor] | None = None) -> str:
    """The TOML text of :func:`torch_spec`, with a comment naming the module of each layer."""
    walk = _Walk(model, x, masks or {})
    spec = walk.spec(t, loss)
    notes = [f"layer {l}: {text}" for l, text in enumerate(walk.sources, 1)]
    return toml_text(spec, ["From a PyTorch nn.Sequential (symback.torch_to_toml).", *notes])


def _fail(where: str, module: Any, message: str, fix: str) -> SpecError:
    return SpecError(f"{where} ({type(module).__name__})", message, fix)


def _numbers(tensor: torch.Tensor, where: str) -> list:
    """Nested Python floats of a tensor (float32 widens exactly); non-finite values are refused."""
    if not torch.is_tensor(tensor) or not tensor.is_floating_point():
        raise SpecError(where, f"expected a floating-point tensor, got {type(tensor).__name__}",
                        "pass e.g. torch.tensor([[0.5, 1.0]])")
    if not torch.isfinite(tensor).all():
        raise SpecError(where, "holds inf or nan", "give finite values")
    return tensor.detach().to(torch.float64).tolist()


def _dims(value: Any, n: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


@dataclass
class _Walk:
    """One pass over the Sequential: the ``layers`` entries, their values and where each came from."""

    model: nn.Module
    x: torch.Tensor
    masks: Mapping[int, torch.Tensor]
    entries: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    dense_activations: list[str] = field(default_factory=list)
    biases: set = field(default_factory=set)

    def __post_init__(self) -> None:
        if not isinstance(self.model, nn.Sequential) or type(self.model).forward is not nn.Sequential.forward:
            raise SpecError("model", f"a {type(self.model).__name__}, not an nn.Sequential",
                            "wrap the layers in nn.Sequential(...) (symback reads its modules in order)")
        if not len(self.model):
            raise SpecError("model", "an empty nn.Sequential", "give it at least one layer, e.g. nn.Linear(2, 1)")
        if not torch.is_tensor(self.x) or self.x.dim() not in (2, 3, 4):
            raise SpecError("x", f"expected samples x features (or samples x channels x ...), got "
                            f"{'shape ' + 'x'.join(map(str, self.x.shape)) if torch.is_tensor(self.x) else type(self.x).__name__}",
                            "give a batch: x.unsqueeze(0) for one sample")
        self.samples = self.x.shape[0]
        self.shape = tuple(self.x.shape[1:])
        self.conv = self.x.dim() > 2
        for index in self.masks:
            if not (isinstance(index, int) and 0 <= index < len(self.model)
                    and isinstance(self.model[index], nn.Dropout)):
                raise SpecError(f"masks[{index!r}]", "is not the index of an nn.Dropout of the model",
                                "key each mask by its Dropout's index in the Sequential, e.g. masks={2: mask}")
        for i, module in enumerate(self.model):
            self._module(f"model[{i}]", i, module)
        if len(self.shape) != 1:
            raise SpecError("model", f"its output has shape {'x'.join(map(str, self.shape))}, not a vector",
                            "end with nn.Flatten() (and Linear layers, if any)")

    def spec(self, t: torch.Tensor, loss: nn.Module) -> dict[str, Any]:
        name, targets = _loss(loss, t, self.samples, self.shape[0])
        network: dict[str, Any] = {"layers": [list(self.x.shape[1:]) if self.conv else self.shape_in, *self.entries],
                                   "loss": name}
        if self.conv:
            if self.dense_activations:
                network["activation"] = self.dense_activations
                if name == "softmax_cross_entropy" and self.dense_activations[-1] != "identity":
                    raise SpecError("loss", f"CrossEntropyLoss after a {self.dense_activations[-1]} output",
                                    "end the model with its Linear layer: CrossEntropyLoss takes the logits")
            if len(self.biases) > 1:
                raise SpecError("model", "Linear layers with and without bias in a conv stack",
                                "give every Linear layer after the Flatten a bias, or none (the conv form's network.bias)")
            network["bias"] = "none" if self.biases == {False} else "neuron"
        x = _numbers(self.x, "x")
        network["values"] = {"x": x[0] if self.samples == 1 else x, "t": targets[0] if self.samples == 1 else targets,
                             **self.values}
        return {"title": "A PyTorch nn.Sequential", "network": network}

    @property
    def shape_in(self) -> int:
        return self.x.shape[1]

    def _add(self, entry: Any, text: str, values: Mapping[str, Any] = {}) -> None:
        l = len(self.entries) + 1
        self.entries.append(entry)
        self.sources.append(text)
        self.values.update({f"{key}{l}": value for key, value in values.items()})

    def _module(self, where: str, index: int, module: nn.Module) -> None:
        kind = type(module)
        text = f"{where} {module!r}"
        if kind in TORCH_ACTIVATIONS or kind is nn.Identity:
            return self._activation(where, module, text)
        if kind is nn.Linear:
            return self._linear(where, module, text)
        if kind is nn.Flatten:
            if (module.start_dim, module.end_dim) != (1, -1):
                raise _fail(where, module, f"start_dim={module.start_dim}, end_dim={module.end_dim}",
                            "use nn.Flatten() (start_dim=1, end_dim=-1)")
            if not self.conv:
                return self._add("identity", text)
            self.shape = (prod(self.shape),)
            return self._add("flatten", text)
        if kind is nn.Dropout:
            return self._dropout(where, index, module, text)
        if kind in (nn.BatchNorm1d, nn.LayerNorm):
            return self._norm(where, module, text)
        if kind in CONV:
            return self._conv(where, module, text)
        if kind in POOLS:
            return self._pool(where, module, text)
        raise _fail(where, module, "not a layer symback has", f"use {SUPPORTED_MODULES}")

    def _activation(self, where: str, module: nn.Module, text: str) -> None:
        name = TORCH_ACTIVATIONS.get(type(module), "identity")
        if isinstance(module, nn.LeakyReLU) and module.negative_slope != 0.01:
            raise _fail(where, module, f"negative_slope={module.negative_slope}",
                        "symback's leaky_relu has PyTorch's default slope: use nn.LeakyReLU() (0.01)")
        if isinstance(module, nn.Softplus) and (module.beta, module.threshold) != (1.0, 20.0):
            raise _fail(where, module, f"beta={module.beta}, threshold={module.threshold}",
                        "symback's softplus is log(1 + e^x): use nn.Softplus() (beta=1, threshold=20)")
        if not self.conv:
            return self._add(name, text)
        if name == "identity":
            return None
        last = self.entries[-1] if self.entries else None
        if isinstance(last, dict) and ("conv1d" in last or "conv2d" in last):
            options = next(iter(last.values()))
            if options["activation"] == "identity":
                options["activation"] = name
                self.sources[-1] += f" + {text}"
                return None
        if isinstance(last, int) and self.dense_activations[-1] == "identity":
            self.dense_activations[-1] = name
            self.sources[-1] += f" + {text}"
            return None
        raise _fail(where, module, "an activation that does not follow a Conv or Linear layer directly",
                    "in a conv stack each activation follows its Conv or Linear layer (the conv form's layers carry it)")

    def _vector(self, where: str, module: nn.Module, what: str) -> int:
        if len(self.shape) != 1:
            raise _fail(where, module, f"{what} after an output of shape {'x'.join(map(str, self.shape))}",
                        "put nn.Flatten() before it")
        return self.shape[0]

    def _linear(self, where: str, module: nn.Linear, text: str) -> None:
        n = self._vector(where, module, "a Linear layer")
        if module.in_features != n:
            raise _fail(where, module, f"in_features={module.in_features} but its input has {n} features",
                        f"use nn.Linear({n}, {module.out_features})")
        values = {"W": _numbers(module.weight, f"{where}.weight")}
        if module.bias is not None:
            values["b"] = _numbers(module.bias, f"{where}.bias")
        self.shape = (module.out_features,)
        if self.conv:
            self.dense_activations.append("identity")
            self.biases.add(module.bias is not None)
            return self._add(module.out_features, text, values)
        entry = module.out_features if module.bias is not None else {"out": module.out_features, "bias": False}
        return self._add({"dense": entry}, text, values)

    def _dropout(self, where: str, index: int, module: nn.Dropout, text: str) -> None:
        if not module.training or module.p == 0:
            if index in self.masks:
                raise SpecError(f"masks[{index}]", "a mask for a Dropout that drops nothing (eval mode or p = 0)",
                                "leave it out, or call model.train() for a Dropout with p > 0")
            return None if self.conv else self._add("identity", text)
        if self.conv:
            raise _fail(where, module, "dropout in training mode in a conv stack", "call model.eval(), or drop it")
        n = self._vector(where, module, "dropout")
        if module.p >= 1:
            raise _fail(where, module, f"p={module.p} drops every unit", "use 0 <= p < 1")
        if index not in self.masks:
            raise _fail(where, module, "dropout in training mode draws a random mask",
                        f"give it: from_torch(..., masks={{{index}: mask}}) with a 0/1 tensor of {self.samples} x {n}")
        mask = self.masks[index]
        if not torch.is_tensor(mask) or tuple(mask.shape) != (self.samples, n) or not ((mask == 0) | (mask == 1)).all():
            raise SpecError(f"masks[{index}]", f"expected a tensor of 0s and 1s of shape {self.samples}x{n}",
                            "give one row of 0 (dropped) and 1 (kept) per sample")
        rows = [[int(v) for v in row] for row in mask.tolist()]
        self._add({"dropout": {"p": float(module.p), "mask": rows[0] if self.samples == 1 else rows}}, text)

    def _norm(self, where: str, module: nn.Module, text: str) -> None:
        if self.conv:
            raise _fail(where, module, "normalisation in a conv stack", "symback's conv form has none: drop it")
        n = self._vector(where, module, "normalisation")
        batch = isinstance(module, nn.BatchNorm1d)
        if batch and not module.training:
            raise _fail(where, module, "eval mode (running statistics)",
                        "call model.train(): symback's batchnorm is training mode (the batch's statistics)")
        if batch and self.samples < 2:
            raise _fail(where, module, "batch normalisation of a single sample", "give at least 2 samples")
        size = module.num_features if batch else module.normalized_shape
        if size != (n if batch else (n,)):
            raise _fail(where, module, f"{'num_features' if batch else 'normalized_shape'}={size} but its input has "
                        f"{n} features", f"normalise {n} features")
        values = {}
        if module.weight is not None:
            values["gamma"] = _numbers(module.weight, f"{where}.weight")
        if module.bias is not None:
            values["beta"] = _numbers(module.bias, f"{where}.bias")
        self._add({"batchnorm" if batch else "layernorm": {"eps": float(module.eps)}}, text, values)

    def _slide(self, where: str, module: nn.Module, window: tuple, stride: tuple, padding: tuple) -> tuple:
        spatial = self.shape[1:]
        padded = [n + 2 * p for n, p in zip(spatial, padding)]
        if any(k > n for k, n in zip(window, padded)) or any((n - k) % s for n, k, s in zip(padded, window, stride)):
            raise _fail(where, module, f"a window {window} with stride {stride} does not tile its input "
                        f"{'x'.join(map(str, self.shape))} exactly", "choose sizes with (input + 2·padding − kernel) "
                        "divisible by the stride (symback's conv form takes no leftover positions)")
        return tuple((n - k) // s + 1 for n, k, s in zip(padded, window, stride))

    def _conv(self, where: str, module: nn.Module, text: str) -> None:
        dims = CONV[type(module)]
        if len(self.shape) != dims + 1:
            raise _fail(where, module, f"a {dims}-D convolution of an input of shape {'x'.join(map(str, self.shape))}",
                        f"give x as samples x channels x {'length' if dims == 1 else 'height x width'}")
        if module.in_channels != self.shape[0]:
            raise _fail(where, module, f"in_channels={module.in_channels} but its input has {self.shape[0]} channels",
                        f"use in_channels={self.shape[0]}")
        padding = (0,) * dims if module.padding == "valid" else module.padding
        if (isinstance(padding, str) or module.groups != 1 or any(d != 1 for d in module.dilation)
                or module.padding_mode != "zeros"):
            raise _fail(where, module, f"padding={module.padding!r}, dilation={module.dilation}, groups="
                        f"{module.groups}, padding_mode={module.padding_mode!r}",
                        "symback's convolutions take numeric zero padding, dilation 1 and groups 1")
        spatial = self._slide(where, module, module.kernel_size, module.stride, padding)
        self.shape = (module.out_channels,) + spatial
        options = {"in": module.in_channels, "out": module.out_channels, "kernel": list(module.kernel_size),
                   "stride": list(module.stride), "padding": list(padding), "bias": module.bias is not None,
                   "activation": "identity"}
        values = {"K": _numbers(module.weight, f"{where}.weight")}
        if module.bias is not None:
            values["b"] = _numbers(module.bias, f"{where}.bias")
        self._add({f"conv{dims}d": options}, text, values)

    def _pool(self, where: str, module: nn.Module, text: str) -> None:
        kind, dims = POOLS[type(module)]
        if len(self.shape) != dims + 1:
            raise _fail(where, module, f"{dims}-D pooling of an input of shape {'x'.join(map(str, self.shape))}",
                        f"use the {len(self.shape) - 1}-D pool")
        extra = [getattr(module, "dilation", 1) not in (1, (1,) * dims), module.ceil_mode,
                 getattr(module, "return_indices", False), getattr(module, "divisor_override", None) is not None,
                 any(_dims(module.padding, dims))]
        if any(extra):
            raise _fail(where, module, "padding, dilation, ceil_mode, return_indices or divisor_override set",
                        "symback's pooling takes kernel_size and stride only")
        size = _dims(module.kernel_size, dims)
        stride = _dims(module.stride or module.kernel_size, dims)
        self.shape = (self.shape[0],) + self._slide(where, module, size, stride, (0,) * dims)
        self._add({kind: {"size": list(size), "stride": list(stride)}}, text)


def _loss(loss: nn.Module, t: torch.Tensor, samples: int, outputs: int) -> tuple[str, list]:
    """The spec's loss name and target rows for a torch loss module (reduction ``mean`` only)."""
    name = TORCH_LOSSES.get(type(loss))
    if name is None:
        raise SpecError(f"loss ({type(loss).__name__})", "not a loss symback has", "use nn.MSELoss, nn.BCELoss or nn.CrossEntropyLoss")
    if loss.reduction != "mean":
        raise SpecError(f"loss ({type(loss).__name__})", f"reduction={loss.reduction!r}",
                        "use reduction='mean' (symback's loss is the mean over the samples of each sample's loss)")
    if getattr(loss, "weight", None) is not None or getattr(loss, "label_smoothing", 0.0) != 0.0:
        raise SpecError(f"loss ({type(loss).__name__})", "class weights or label smoothing", "leave weight and label_smoothing out")
    if not torch.is_tensor(t):
        raise SpecError("t", f"expected a tensor, got {type(t).__name__}", "pass the targets as a tensor")
    if name == "softmax_cross_entropy" and not t.is_floating_point():
        if tuple(t.shape) != (samples,) or t.min() < 0 or t.max() >= outputs:
            raise SpecError("t", f"class indices of shape {'x'.join(map(str, t.shape))} for {samples} samples "
                            f"of {outputs} classes", f"give {samples} indices from 0 to {outputs - 1}")
        return name, [[int(k == c) for k in range(outputs)] for c in t.tolist()]
    if tuple(t.shape) != (samples, outputs):
        raise SpecError("t", f"shape {'x'.join(map(str, t.shape))} for an output of {samples}x{outputs}",
                        "give one row of targets per sample" + (" (or class indices)" if name == "softmax_cross_entropy" else ""))
    return name, _numbers(t, "t")
