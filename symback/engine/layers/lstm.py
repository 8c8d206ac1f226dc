"""``{ lstm = { hidden = H } }``: a long short-term memory layer, as ``torch.nn.LSTM`` with one bias.

One pre-activation of 4H rows, z = Wx·x_t + Wh·h_{t−1} + b, split into the gates in PyTorch's order::

    zi, zf, zg, zo<l>_<j>_t<t>    rows j, H + j, 2H + j, 3H + j of z
    i<l>_<j>_t<t> = σ(zi)   f<l>_<j>_t<t> = σ(zf)   g<l>_<j>_t<t> = tanh(zg)   o<l>_<j>_t<t> = σ(zo)
    c<l>_<j>_t<t> = f · c<l>_<j>_t<t−1> + i · g      the cell
    h<l>_<j>_t<t> = o · tanh(c<l>_<j>_t<t>)          the output (y<j>_t<t> in the output layer)

Values ``Wx<l>`` (4H x D), ``Wh<l>`` (4H x H), ``b<l>`` (4H), ``h0<l>`` and ``c0<l>`` (H; zeros when left out):
scalars ``wx<l>_<j>_<k>`` with j from 1 to 4H (gate rows in the order i, f, g, o), and step 0 of the states,
``h<l>_<j>_t0`` and ``c<l>_<j>_t0``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from symback.engine.functions import sigmoid
from symback.engine.layers.base import Batch, LayerReader, Place, Shape
from symback.engine.layers.rnn import Recurrent, read_hidden
from symback.engine.layers.sequence import register_sequence, unrolled

GATES = (("i", sigmoid), ("f", sigmoid), ("g", sp.tanh), ("o", sigmoid))   #: PyTorch's order and functions


@dataclass(frozen=True)
class LSTM(Recurrent):
    """An LSTM layer of ``hidden`` units: gates i, f, g, o, a cell c and an output h per unit and step."""

    kind: str = "lstm"
    gates: int = 4
    states: tuple[str, ...] = ("h", "c")

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        steps, width = self.shape_in
        H, at, l = self.hidden, unrolled(place, steps), place.l
        out = []
        for s, row in enumerate(batch):
            h, c = list(params[f"h0{l}"]), list(params[f"c0{l}"])
            states = []
            for t in range(steps):
                r, x = s * steps + t, row[t * width:(t + 1) * width]
                gate = {}
                for g, (name, function) in enumerate(GATES):
                    z = self.pre_activations(at, r, f"z{name}", range(g * H, (g + 1) * H), x, h, params)
                    gate[name] = [at.node(f"{name}{l}_{j}{at.suffixes[r]}", function(v)) for j, v in enumerate(z, 1)]
                c = [at.node(f"c{l}_{j + 1}{at.suffixes[r]}", gate["f"][j] * c[j] + gate["i"][j] * gate["g"][j])
                     for j in range(H)]
                h = [at.node(at.output("h", j + 1, r), gate["o"][j] * sp.tanh(c[j])) for j in range(H)]
                states.extend(h)
            out.append(states)
        return out

    def nodes(self, samples: int) -> int:
        return samples * self.shape_in.steps * 10 * self.hidden


@register_sequence("lstm", "{ lstm = { hidden = H } } (on a sequence; gates i, f, g, o as PyTorch)")
def read_lstm(reader: LayerReader, key: str, options: Any, shape: Shape) -> LSTM:
    hidden, steps = read_hidden(reader, key, options, shape, "lstm", ("hidden",), 10)
    return LSTM(hidden, "tanh", steps)
