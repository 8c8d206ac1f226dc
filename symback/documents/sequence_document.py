"""Sequence layers at layer level: backpropagation through time as a lecture writes it.

For each recurrent or attention layer of a layers-list network the section writes

- the gradients of the layer's states per unit and step, a table with the steps in columns (∂L/∂h and δ = ∂L/∂z
  of an RNN, ∂L/∂h and ∂L/∂c of an LSTM, ∂L/∂h of attention);
- |∂L/∂h_t| per step (a table, and a plot in LaTeX) with one sentence on how it changes going back in time;
- each shared weight's gradient as its sum over the steps, ∂L/∂w = Σ_t δ_t · input_t, with numbers;
- an LSTM's gate derivatives and cell path per unit and step, newest step first;
- attention's softmax Jacobian row by row, ∂L/∂s_v = Σ_u a_u (δ_uv − a_v) ∂L/∂a_u;

and says whether every entry equals the neuron-level gradient of the backward pass above
(:mod:`symback.engine.layers.sequence_identities` computes both).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symback.documents.breaking import Equation, aligned_lines
from symback.documents.normalisation_document import AGREE
from symback.documents.notation import Partial
from symback.documents.printing import latex
from symback.documents.tex import Tex, format_number, plot_coordinate
from symback.engine.expr import symbol
from symback.engine.layers import LayersSpec
from symback.engine.layers.attention import Attention
from symback.engine.layers.rnn import Recurrent
from symback.engine.layers.sequence import step_suffix
from symback.engine.layers.sequence_identities import bptt_sums, gate_derivatives, softmax_jacobian
from symback.engine.names import sample_suffix

if TYPE_CHECKING:
    from symback.engine.solution import Solution

MAX_SUMS = 24              #: the most parameters whose sums over the steps are written out (the rest are counted)
MAX_ROWS = 48              #: the most gate or Jacobian lines written out


@dataclass(frozen=True)
class SequenceLayerSection:
    """One sequence layer: its state gradients per step, |∂L/∂h_t|, its sums over the steps and its identities."""

    heading: str
    steps: tuple[int, ...]                               #: the table's columns
    header: tuple[str, ...]                              #: "Gradient", "Step 1", ...
    table: tuple[tuple[Tex, tuple[str, ...]], ...]       #: (∂L/∂ of a unit's state, one number per step)
    magnitudes: tuple[tuple[int, str, str], ...]         #: (step, |∂L/∂h_t| shown, plot coordinate), newest first
    trend: str                                           #: one sentence on the magnitudes through time
    sums: tuple[Tex, ...]                                #: aligned lines, ∂L/∂w = Σ_t δ_t input_t = numbers = value
    more: str                                            #: "and N more parameters", or ""
    identity_title: str                                  #: the heading of the LSTM's or attention's identity, or ""
    identity: tuple[Tex, ...]                            #: its aligned lines
    check: str
    agrees: bool


@dataclass(frozen=True)
class SequenceSection:
    """Every recurrent and attention layer of a network."""

    layers: tuple[SequenceLayerSection, ...]

    @property
    def plots(self) -> bool:
        """Some layer has a magnitude per step to plot (pgfplots)."""
        return any(len(layer.magnitudes) > 1 for layer in self.layers)


def build_sequence_section(solution: "Solution", t: Mapping[str, str], digits: int) -> SequenceSection | None:
    """The layer-level section of the sequence layers of a layers-list network (None without any)."""
    net = solution.spec.network
    if not isinstance(net, LayersSpec):
        return None
    suffixes = tuple(sample_suffix(len(net.x), s) for s in range(len(net.x)))
    values, gradients = solution.values, solution.gradients
    layers = []
    for l, layer in enumerate(net.layers, 1):
        if not isinstance(layer, (Recurrent, Attention)):
            continue
        last = l == len(net.layers)
        output = {f"h{l}_{j}{step_suffix(s, suffix)}": f"y{j}{step_suffix(s, suffix)}"
                  for j in range(1, layer.shape_out[1] + 1) for s in range(1, layer.shape_in[0] + 1)
                  for suffix in suffixes} if last else {}
        named = lambda n: output.get(n, n)  # noqa: E731  (an output layer's states are y)
        checks: list[tuple[sp.Expr, sp.Expr]] = []
        sums: tuple[Tex, ...] = ()
        more, title, identity = "", "", ()
        if isinstance(layer, Recurrent):
            found = bptt_sums(layer, l, suffixes, values, gradients)
            checks += [(e.value, e.neuron) for e in found]
            sums = aligned_lines(_sum_line(e, values, gradients, digits) for e in found[:MAX_SUMS])
            more = t["sequence.more"].format(count=len(found) - MAX_SUMS) if len(found) > MAX_SUMS else ""
            if layer.kind == "lstm":
                rows = gate_derivatives(layer, l, suffixes, values, gradients, output)
                checks += [(r.value, r.neuron) for r in rows]
                title = t["sequence.gates"]
                identity = aligned_lines(_gate_line(r, named, values, gradients, digits) for r in rows[:MAX_ROWS])
        else:
            blocks = softmax_jacobian(layer, l, suffixes, values, gradients)
            rows = [row for block in blocks for row in block]
            checks += [(r.value, r.neuron) for r in rows]
            title = t["sequence.jacobian"]
            identity = aligned_lines(_jacobian_line(r, l, layer.shape_in[0], gradients, digits) for r in rows[:MAX_ROWS])
        agrees = all(abs(value - neuron) <= AGREE * max(abs(neuron), 1) for value, neuron in checks)
        magnitudes = _magnitudes(layer, l, suffixes, gradients, named) if isinstance(layer, Recurrent) else []
        layers.append(SequenceLayerSection(
            t[f"sequence.{layer.kind}"].format(layer=l, steps=layer.shape_in[0], units=layer.shape_out[1]),
            tuple(range(1, layer.shape_in[0] + 1)),
            (t["sequence.state"], *(t["sequence.step"].format(step=s) for s in range(1, layer.shape_in[0] + 1))),
            _table(layer, l, suffixes, gradients, named, digits),
            tuple((s, format_number(v, digits), plot_coordinate(v)) for s, v in magnitudes), _trend(magnitudes, t, digits),
            sums, more, title, identity,
            t["sequence.agrees" if agrees else "sequence.differs"].format(count=len(checks)), agrees))
    return SequenceSection(tuple(layers)) if layers else None


def _table(layer, l: int, suffixes, gradients, named, digits: int) -> tuple[tuple[Tex, tuple[str, ...]], ...]:
    """One row per state (h, and z of an RNN or c of an LSTM), unit and sample: its gradient at each step."""
    stems = ("h",) if isinstance(layer, Attention) else ("h", "c") if layer.kind == "lstm" else ("h", "z")
    steps = range(1, layer.shape_in[0] + 1)
    return tuple((latex(Partial("L", f"{stem}{l}_{j}{suffix}")),
                  tuple(format_number(gradients[named(f"{stem}{l}_{j}{step_suffix(s, suffix)}")], digits) for s in steps))
                 for suffix in suffixes for stem in stems for j in range(1, layer.shape_out[1] + 1))


def _magnitudes(layer, l: int, suffixes, gradients, named) -> list[tuple[int, sp.Expr]]:
    """|∂L/∂h_t| over the units (and samples) at each step, the last step first: the gradient going back in time."""
    units = range(1, layer.shape_out[1] + 1)
    return [(s, sp.sqrt(sp.Add(*(gradients[named(f"h{l}_{j}{step_suffix(s, suffix)}")] ** 2
                                 for suffix in suffixes for j in units))))
            for s in range(layer.shape_in[0], 0, -1)]


def _trend(magnitudes, t: Mapping[str, str], digits: int) -> str:
    """One sentence: the gradient's magnitude from the last step back to the first, and seed 000's vanishing gradient."""
    if len(magnitudes) < 2:
        return ""
    (last, newest), (first, oldest) = magnitudes[0], magnitudes[-1]
    key = "sequence.shrinks" if oldest < newest else "sequence.grows"
    return t[key].format(last=last, first=first, newest=format_number(newest, digits), oldest=format_number(oldest, digits))


def _gradient(name: str) -> sp.Symbol:
    """A placeholder for ∂L/∂name in an expression printed with :func:`_shown`."""
    return sp.Symbol(f"d:{name}", real=True)


def _shown(expr: sp.Expr, values: Mapping[str, sp.Expr], gradients: Mapping[str, sp.Expr], digits: int) -> tuple[Tex, Tex]:
    """``expr`` in symbols (∂L/∂... for the placeholders) and with every symbol's number, as written."""
    names, numbers = {}, {}
    for s in expr.free_symbols:
        if s.name.startswith("d:"):
            names[s.name] = latex(Partial("L", s.name[2:]))
            numbers[s.name] = format_number(gradients[s.name[2:]], digits)
        else:
            numbers[s.name] = format_number(values[s.name], digits)
    return (latex(expr, names=names, order="none"),
            latex(expr, numbers=numbers, names=None, order="none", mul_symbol="dot"))


def _products(pairs) -> sp.Expr:
    return sp.Add(*(sp.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0] for factors in pairs),
                  evaluate=False)


def _sum_line(entry, values, gradients, digits: int) -> Equation:
    """∂L/∂w = Σ_t ∂L/∂z_t · input_t = the numbers = the value."""
    expr = _products([(_gradient(z),) + ((symbol(given),) if given else ()) for z, given in zip(entry.deltas, entry.inputs)])
    return Equation(latex(Partial("L", entry.name)), (*_shown(expr, values, gradients, digits),
                                                      Tex(format_number(entry.value, digits))))


def _gate_line(row, named, values, gradients, digits: int) -> Equation:
    """An LSTM identity's line: ∂L/∂(node) = the formula in the cell's names = with numbers = the value."""
    stem, rest = row.name.split("_t", 1)[0].rstrip("0123456789_"), row.name[row.name.index("_t") + 2:]
    unit = row.name[len(stem):row.name.index("_t")]
    step, _, sample = rest.partition("_")
    t, suffix = int(step), "_" + sample if sample else ""
    at = lambda s, when=t: symbol(f"{s}{unit}{step_suffix(when, suffix if when else '')}")  # noqa: E731
    dh, dc = _gradient(named(f"h{unit}{step_suffix(t, suffix)}")), _gradient(f"c{unit}{step_suffix(t, suffix)}")
    o, i, f, g, c = at("o"), at("i"), at("f"), at("g"), at("c")
    one = sp.S.One
    if stem == "c":
        expr = sp.Mul(dh, o, sp.Add(one, -sp.tanh(c) ** 2, evaluate=False), evaluate=False)
        if f"f{unit}{step_suffix(t + 1, suffix)}" in values:
            expr = sp.Add(expr, sp.Mul(_gradient(f"c{unit}{step_suffix(t + 1, suffix)}"), at("f", t + 1), evaluate=False),
                          evaluate=False)
    else:
        first = {"zo": (dh, sp.tanh(c)), "zi": (dc, g), "zf": (dc, at("c", t - 1)), "zg": (dc, i)}[stem]
        gate = {"zo": o, "zi": i, "zf": f, "zg": g}[stem]
        slope = sp.Add(one, -gate ** 2, evaluate=False) if stem == "zg" else \
            sp.Mul(gate, sp.Add(one, -gate, evaluate=False), evaluate=False)
        expr = sp.Mul(*first, slope, evaluate=False)
    return Equation(latex(Partial("L", named(row.name))), (*_shown(expr, values, gradients, digits),
                                                           Tex(format_number(row.value, digits))))


def _jacobian_line(row, l: int, steps: int, gradients, digits: int) -> Equation:
    """∂L/∂s_v = Σ_u (∂a_u/∂s_v) ∂L/∂a_u with the Jacobian's column of numbers = the value."""
    here = row.name[row.name.index("_t"):]
    weights = [f"a{l}_{u}{here}" for u in range(1, steps + 1)]
    expr = _products([(sp.Symbol(f"J{u}", real=True), _gradient(a)) for u, a in enumerate(weights)])
    numbers = {f"J{u}": format_number(c, digits) for u, c in enumerate(row.parts)}
    numbers.update({f"d:{a}": format_number(gradients[a], digits) for a in weights})
    return Equation(latex(Partial("L", row.name)), (latex(expr, numbers=numbers, order="none", mul_symbol="dot"),
                                                    Tex(format_number(row.value, digits))))

