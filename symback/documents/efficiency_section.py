"""The network sections of a worked solution after the backward pass: "why backpropagation", the
truth table of a batch of binary inputs (the gates and XOR of seed 002), and a convolutional
network's layer-level identities (:mod:`symback.documents.conv_document`).

:func:`build_efficiency_section` is on for every network spec (None for graph specs and
regression); templates/efficiency.{md,tex}.j2 arrange it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from symback.documents.conv_document import ConvSection, build_conv_section
from symback.documents.normalisation_document import NormSection, build_norm_section
from symback.documents.notation import Partial
from symback.documents.sequence_document import SequenceSection, build_sequence_section
from symback.documents.printing import latex, name_latex
from symback.documents.tex import Tex, format_number
from symback.engine.efficiency import Efficiency
from symback.engine.shared import shared_efficiency

if TYPE_CHECKING:
    from symback.engine.solution import Solution

SHARED_ROWS = 12  #: shared factors listed; the rest are counted


@dataclass(frozen=True)
class TruthTable:
    """One row per sample: the inputs, the outputs, the targets (all shown as numbers)."""

    inputs: tuple[Tex, ...]
    outputs: tuple[Tex, ...]
    targets: tuple[Tex, ...]
    rows: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...]
    all_match: bool


@dataclass(frozen=True)
class EfficiencySection:
    """The counts (rows of method, multiplications, additions, functions, ratio), shared factors, extras.

    A network of step units gets no counts (every gradient is 0), only its truth table.
    """

    counts: tuple[tuple[str, str, str, str, str], ...]
    summary: str
    shared: tuple[tuple[Tex, Tex], ...]     #: (δ of the node, the names reusing it)
    more: str                               #: "and N more", or ""
    truth_table: TruthTable | None
    conv: ConvSection | None
    training: str = ""          #: a gate problem (0/1 inputs) trained by gradient steps: why not with steps
    norm: NormSection | None = None  #: batch and layer normalisation at layer level (layers-list networks)
    sequence: SequenceSection | None = None  #: recurrent and attention layers at layer level (sequence networks)


def build_efficiency_section(solution: "Solution", t: Mapping[str, str], digits: int) -> EfficiencySection | None:
    """The section of a solved network (dense or convolutional); None for a graph spec."""
    if solution.spec.network is None:
        return None
    if set(getattr(solution.spec.network, "activations", ())) == {"step"}:  # every gradient is 0: nothing to count
        return EfficiencySection((), "", (), "", _truth_table(solution), None)
    counted = shared_efficiency(solution.derivation)
    return EfficiencySection(_counts(counted, t), t["efficiency.summary"].format(parameters=len(counted.parameters),
                                                                                  ratio=f"{counted.ratio:.2f}"),
                             _shared(counted, solution), _more(counted, t), _truth_table(solution),
                             build_conv_section(solution, t, digits), _training(solution, t, digits),
                             build_norm_section(solution, t, digits), build_sequence_section(solution, t, digits))


def _counts(e: Efficiency, t: Mapping[str, str]) -> tuple[tuple[str, str, str, str, str], ...]:
    rows = [(t["efficiency.backprop"], e.backprop, "1"), (t["efficiency.separate"], e.separate, f"{e.ratio:.2f}")]
    if e.composed is not None:
        rows.append((t["efficiency.composed"], e.composed, f"{e.composed_ratio:.2f}"))
    result = tuple((name, str(c.multiplications), str(c.additions), str(c.functions), ratio) for name, c, ratio in rows)
    if e.composed is None:
        result += ((t["efficiency.composed"] + " " + t["efficiency.composed_skipped"], "", "", "", ""),)
    return result


def _shared(e: Efficiency, solution: "Solution") -> tuple[tuple[Tex, Tex], ...]:
    rows = []
    for factor in e.shared[:SHARED_ROWS]:
        users = ", ".join(name_latex(u) for u in factor.users)
        rows.append((latex(Partial(solution.graph.loss, factor.node, slash=" / ")), Tex(users)))
    return tuple(rows)


def _more(e: Efficiency, t: Mapping[str, str]) -> str:
    extra = len(e.shared) - SHARED_ROWS
    return t["efficiency.more"].format(count=extra) if extra > 0 else ""


def _truth_table(solution: "Solution") -> TruthTable | None:
    """A network of step perceptrons (gates) on a batch of 0/1 inputs (2 to 16 samples) as a truth table."""
    net = solution.spec.network
    if not hasattr(net, "activations") or set(net.activations) != {"step"} or not 2 <= len(net.x) <= 16 \
            or not all(v in (0, 1) for row in net.x for v in row):
        return None
    m, n_in, n_out = len(net.x), len(net.x[0]), len(net.t[0])
    values = solution.values
    rows = []
    for s in range(1, m + 1):
        rows.append((tuple(format_number(values[f"x{k}_s{s}"], 4) for k in range(1, n_in + 1)),
                     tuple(format_number(values[f"y{j}_s{s}"], 4) for j in range(1, n_out + 1)),
                     tuple(format_number(values[f"t{j}_s{s}"], 4) for j in range(1, n_out + 1))))
    match = all(values[f"y{j}_s{s}"] == values[f"t{j}_s{s}"] for s in range(1, m + 1) for j in range(1, n_out + 1))
    return TruthTable(tuple(name_latex(f"x{k}") for k in range(1, n_in + 1)), tuple(name_latex(f"y{j}") for j in range(1, n_out + 1)),
                      tuple(name_latex(f"t{j}") for j in range(1, n_out + 1)), tuple(rows), match)


def _training(solution: "Solution", t: Mapping[str, str], digits: int) -> str:
    """For a network trained on a batch of 0/1 inputs (XOR with sigmoid units): the loss fell, a step network could not."""
    net, history = solution.spec.network, solution.history
    if not hasattr(net, "activations") or "step" in net.activations or len(history) < 2 \
            or not all(v in (0, 1) for row in net.x for v in row):
        return ""
    return t["truth_table.trained"].format(steps=len(history) - 1, first=format_number(history[0], digits),
                                           last=format_number(history[-1], digits))
