"""The layer-level identities of the sequence layers, entry by entry beside the neuron level's gradients.

- :func:`bptt_sums`: backpropagation through time. A recurrent layer's weights serve every step, so
  ∂L/∂Wh = Σ_t δ_t h_{t−1}ᵀ, ∂L/∂Wx = Σ_t δ_t x_tᵀ and ∂L/∂b = Σ_t δ_t (summed over the samples too), with
  δ_t = ∂L/∂z_t the pre-activation's gradient at step t (an LSTM's four gate rows each their own z);
- :func:`gate_derivatives`: the LSTM's backward step, the cell path and the four gates;
- :func:`softmax_jacobian`: attention's softmax, ∂a_u/∂s_v = a_u (δ_uv − a_v), and the scores' gradient
  δs_v = Σ_u (∂a_u/∂s_v) δa_u = a_v (δa_v − Σ_u a_u δa_u), row by row.

Each takes the layer, its index l, the samples' suffixes and the solution's values and gradients (names ->
numbers) and returns rows whose ``value`` is the identity's and ``neuron`` the reverse walk's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp

from symback.engine.layers.attention import Attention
from symback.engine.layers.lstm import GATES
from symback.engine.layers.rnn import Recurrent
from symback.engine.layers.sequence import step_suffix


@dataclass(frozen=True)
class StepSum:
    """A shared parameter's gradient as its sum over the steps (and samples): Σ_t δ_t · input_t."""

    name: str                          #: the parameter (``wh1_1_2``)
    deltas: tuple[str, ...]            #: the pre-activation node of each term (``z1_1_t2``), its δ the gradient
    inputs: tuple[str | None, ...]     #: what each δ multiplies (``h1_2_t1``, ``x2_t2``); None for a bias
    terms: tuple[sp.Expr, ...]         #: each term's number, δ_t · input_t
    value: sp.Expr                     #: their sum, the identity's gradient
    neuron: sp.Expr                    #: the neuron level's ∂L/∂name


@dataclass(frozen=True)
class IdentityRow:
    """One entry of a backward identity: the node, the pieces the identity multiplies and adds, its value."""

    name: str                          #: the node whose gradient the identity gives (``zf1_2_t3``, ``s1_2_t1``)
    parts: tuple[sp.Expr, ...]         #: the numbers it combines, in the order the function's docstring says
    value: sp.Expr
    neuron: sp.Expr


def _z(layer: Recurrent, l: int, row: int, suffix: str) -> str:
    """The pre-activation node of weight row ``row`` (0-based): ``z<l>_<j>`` or an LSTM gate's ``zi<l>_<j>``."""
    if layer.gates == 1:
        return f"z{l}_{row + 1}{suffix}"
    gate, unit = divmod(row, layer.hidden)
    return f"z{GATES[gate][0]}{l}_{unit + 1}{suffix}"


def bptt_sums(layer: Recurrent, l: int, suffixes: Sequence[str], values: Mapping[str, sp.Expr],
              gradients: Mapping[str, sp.Expr]) -> tuple[StepSum, ...]:
    """Every weight and bias of a recurrent layer as Σ over samples and steps of δ_t times its input at t.

    ``wx<l>_<j>_<k>``: δ of row j at step t times x_k,t; ``wh<l>_<j>_<k>``: times h_k,t−1 (step 0 the initial
    state); ``b<l>_<j>``: δ alone.
    """
    steps, width = layer.shape_in
    rows = range(layer.gates * layer.hidden)
    wanted = [(f"wx{l}_{j + 1}_{k + 1}", j, lambda t, s, k=k: f"x{k + 1}{step_suffix(t, s)}") for j in rows for k in range(width)]
    wanted += [(f"wh{l}_{j + 1}_{k + 1}", j, lambda t, s, k=k: f"h{l}_{k + 1}{step_suffix(t - 1, s if t > 1 else '')}")
               for j in rows for k in range(layer.hidden)]
    wanted += [(f"b{l}_{j + 1}", j, None) for j in rows]
    sums = []
    for name, j, source in wanted:
        deltas, inputs, terms = [], [], []
        for suffix in suffixes:
            for t in range(1, steps + 1):
                z = _z(layer, l, j, step_suffix(t, suffix))
                given = source(t, suffix) if source else None
                deltas.append(z)
                inputs.append(given)
                terms.append(gradients[z] * (values[given] if given else 1))
        sums.append(StepSum(name, tuple(deltas), tuple(inputs), tuple(terms), sp.Add(*terms), gradients[name]))
    return tuple(sums)


def gate_derivatives(layer: Recurrent, l: int, suffixes: Sequence[str], values: Mapping[str, sp.Expr],
                     gradients: Mapping[str, sp.Expr], output: Mapping[str, str] | None = None) -> tuple[IdentityRow, ...]:
    """The LSTM's backward step per unit and step, newest step first (the order the walk takes).

    ``c``: parts (δh_t, o_t, tanh c_t, δc_{t+1}, f_{t+1}), value δh o (1 − tanh² c) + δc_{t+1} f_{t+1};
    ``zo``: (δh, tanh c, o), δh tanh c · o (1 − o); ``zi``: (δc, g, i), δc g · i (1 − i);
    ``zf``: (δc, c_{t−1}, f), δc c_{t−1} · f (1 − f); ``zg``: (δc, i, g), δc i · (1 − g²).
    ``output`` renames h nodes that are the network's outputs (``h1_1_t2`` -> ``y1_t2``).
    """
    rename = output or {}
    steps, rows = layer.shape_in.steps, []
    for suffix in suffixes:
        for t in range(steps, 0, -1):
            for j in range(1, layer.hidden + 1):
                at = f"{l}_{j}{step_suffix(t, suffix)}"
                before = f"c{l}_{j}{step_suffix(t - 1, suffix if t > 1 else '')}"
                after = f"{l}_{j}{step_suffix(t + 1, suffix)}"
                h = rename.get(f"h{at}", f"h{at}")
                dh, o, i, f, g = (gradients[h], values[f"o{at}"], values[f"i{at}"], values[f"f{at}"], values[f"g{at}"])
                tanh_c = sp.tanh(values[f"c{at}"])
                carried = (gradients[f"c{after}"], values[f"f{after}"]) if t < steps else (sp.S.Zero, sp.S.Zero)
                dc = dh * o * (1 - tanh_c ** 2) + carried[0] * carried[1]
                rows += [IdentityRow(f"c{at}", (dh, o, tanh_c) + carried, dc, gradients[f"c{at}"]),
                         IdentityRow(f"zo{at}", (dh, tanh_c, o), dh * tanh_c * o * (1 - o), gradients[f"zo{at}"]),
                         IdentityRow(f"zi{at}", (dc, g, i), dc * g * i * (1 - i), gradients[f"zi{at}"]),
                         IdentityRow(f"zf{at}", (dc, values[before], f), dc * values[before] * f * (1 - f),
                                     gradients[f"zf{at}"]),
                         IdentityRow(f"zg{at}", (dc, i, g), dc * i * (1 - g ** 2), gradients[f"zg{at}"])]
    return tuple(rows)


def softmax_jacobian(layer: Attention, l: int, suffixes: Sequence[str], values: Mapping[str, sp.Expr],
                     gradients: Mapping[str, sp.Expr]) -> tuple[tuple[IdentityRow, ...], ...]:
    """Per sample and query step t, the rows v = 1..T of the scores' gradient through the softmax.

    Row v: parts (∂a_1/∂s_v, ..., ∂a_T/∂s_v) with ∂a_u/∂s_v = a_u (δ_uv − a_v), and value Σ_u (∂a_u/∂s_v) δa_u.
    """
    steps, blocks = layer.shape_in.steps, []
    for suffix in suffixes:
        for t in range(1, steps + 1):
            here = step_suffix(t, suffix)
            a = [values[f"a{l}_{u}{here}"] for u in range(1, steps + 1)]
            da = [gradients[f"a{l}_{u}{here}"] for u in range(1, steps + 1)]
            block = []
            for v in range(steps):
                column = tuple(a[u] * ((1 if u == v else 0) - a[v]) for u in range(steps))
                block.append(IdentityRow(f"s{l}_{v + 1}{here}", column, sp.Add(*(c * d for c, d in zip(column, da))),
                                         gradients[f"s{l}_{v + 1}{here}"]))
            blocks.append(tuple(block))
    return tuple(blocks)
