"""``{ rnn = { hidden = H, activation = "tanh" } }``: a recurrent layer, as ``torch.nn.RNN`` with one bias.

At each step t = 1..T of a sequence of D features::

    z<l>_<j>_t<t> = Σ_k wx<l>_<j>_<k> x_k,t + Σ_k wh<l>_<j>_<k> h<l>_<k>_t<t−1> + b<l>_<j>
    h<l>_<j>_t<t> = f(z<l>_<j>_t<t>)                 (y<j>_t<t> in the output layer)

Values ``Wx<l>`` (H x D), ``Wh<l>`` (H x H), ``b<l>`` (H) and the initial state ``h0<l>`` (H; zeros when left
out), whose scalars are step 0: ``h<l>_<j>_t0``. The same weights serve every step, so each weight's gradient
is a sum over the steps (backpropagation through time, :mod:`symback.engine.layers.sequence_identities`).
:class:`Recurrent` is also the LSTM's base (:mod:`symback.engine.layers.lstm`): four gates share one
pre-activation, so its ``Wx<l>``, ``Wh<l>`` and ``b<l>`` have 4H rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from symback.engine.activations import ACTIVATIONS
from symback.engine.errors import did_you_mean
from symback.engine.layers.base import Batch, Flat, LayerReader, Place, Plain, Shape, options_table
from symback.engine.layers.sequence import Steps, check_nodes, register_sequence, sequence_input, step_suffix, unrolled
from symback.engine.sums import times

MAX_HIDDEN = 1024


@dataclass(frozen=True)
class Recurrent(Plain):
    """A recurrent layer of ``hidden`` units over a sequence (the plain RNN; the LSTM adds gates)."""

    hidden: int
    activation: str
    shape_in: Steps
    kind: str = "rnn"
    gates: int = 1              #: rows of the pre-activation per unit (4 for the LSTM)
    states: tuple[str, ...] = ("h",)  #: the carried states, each with an initial value ``<state>0<l>``

    @property
    def shape_out(self) -> Shape:
        return Steps((self.shape_in.steps, self.hidden))

    def value_shapes(self, l: int) -> dict[str, Shape]:
        rows, width = self.gates * self.hidden, self.shape_in.width
        shapes = {f"Wx{l}": (rows, width), f"Wh{l}": (rows, self.hidden), f"b{l}": (rows,)}
        return {**shapes, **{f"{state}0{l}": (self.hidden,) for state in self.states}}

    def optional_values(self, l: int) -> dict[str, Flat]:
        return {f"{state}0{l}": (sp.S.Zero,) * self.hidden for state in self.states}

    def parameter_names(self, l: int) -> list[str]:
        units = range(1, self.hidden + 1)
        return (self.decayed(l) + [f"b{l}_{j}" for j in range(1, self.gates * self.hidden + 1)]
                + [f"{state}{l}_{j}{step_suffix(0)}" for state in self.states for j in units])

    def decayed(self, l: int) -> list[str]:
        rows = range(1, self.gates * self.hidden + 1)
        return ([f"wx{l}_{j}_{k}" for j in rows for k in range(1, self.shape_in.width + 1)]
                + [f"wh{l}_{j}_{k}" for j in rows for k in range(1, self.hidden + 1)])

    def pre_activations(self, place: Place, r: int, stem: str, rows: range, x: Sequence[sp.Expr],
                        h: Sequence[sp.Expr], params: Mapping[str, Sequence[sp.Symbol]]) -> list[sp.Symbol]:
        """The nodes ``<stem><l>_<j><suffix r>`` of Wx·x + Wh·h + b for the given rows of the weights."""
        l, width, hidden = place.l, self.shape_in.width, self.hidden
        wx, wh, b = params[f"Wx{l}"], params[f"Wh{l}"], params[f"b{l}"]
        return [place.node(f"{stem}{l}_{j + 1 - rows.start}{place.suffixes[r]}",
                           sp.Add(*(times(wx[j * width + k], v) for k, v in enumerate(x)),
                                  *(times(wh[j * hidden + k], v) for k, v in enumerate(h)), b[j]))
                for j in rows]

    def forward(self, place: Place, batch: Batch, params: Mapping[str, Sequence[sp.Symbol]]) -> Batch:
        steps, width = self.shape_in
        at = unrolled(place, steps)
        function = ACTIVATIONS[self.activation]
        out = []
        for s, row in enumerate(batch):
            h = list(params[f"h0{place.l}"])
            states = []
            for t in range(steps):
                r = s * steps + t
                z = self.pre_activations(at, r, "z", range(self.hidden), row[t * width:(t + 1) * width], h, params)
                h = [at.node(at.output("h", j, r), function.activate(v)) for j, v in enumerate(z, 1)]
                states.extend(h)
            out.append(states)
        return out

    def nodes(self, samples: int) -> int:
        return samples * self.shape_in.steps * 2 * self.hidden


def read_hidden(reader: LayerReader, key: str, options: Any, shape: Shape, kind: str, allowed: tuple[str, ...],
                per_unit: int) -> tuple[int, Steps]:
    """The ``hidden`` size of a recurrent entry and its input shape; T x H x ``per_unit`` against the node cap."""
    options_table(reader, key, options, allowed, f"{{ {kind} = {{ hidden = 2 }} }}")
    steps = sequence_input(reader, key, f"a {kind} layer", shape)
    if "hidden" not in options:
        raise reader.fail(f"{key}.hidden", "missing", "add hidden = H, the number of hidden units")
    hidden = options["hidden"]
    if type(hidden) is not int or not 1 <= hidden <= MAX_HIDDEN:
        raise reader.fail(f"{key}.hidden", f"expected a number of hidden units from 1 to {MAX_HIDDEN}, got {hidden!r}",
                          f"write e.g. {{ {kind} = {{ hidden = 2 }} }}")
    check_nodes(reader, f"{key}.hidden", steps.steps * hidden * per_unit,
                f"nodes per sample ({steps.steps} steps x {hidden} hidden units x {per_unit})")
    return hidden, steps


@register_sequence("rnn", '{ rnn = { hidden = H, activation = "tanh" } } (on a sequence)')
def read_rnn(reader: LayerReader, key: str, options: Any, shape: Shape) -> Recurrent:
    hidden, steps = read_hidden(reader, key, options, shape, "rnn", ("hidden", "activation"), 2)
    activation = options.get("activation", "tanh")
    if not isinstance(activation, str) or activation not in ACTIVATIONS or ACTIVATIONS[activation].layerwise:
        names = [n for n, f in ACTIVATIONS.items() if not f.layerwise]
        raise reader.fail(f"{key}.activation", f"unknown activation {activation!r} for a recurrent layer",
                          did_you_mean(str(activation), names) or "use tanh (PyTorch's default) or relu")
    return Recurrent(hidden, activation, steps)
