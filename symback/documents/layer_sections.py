r"""A dense network's worked solution layer by layer: its problem as matrices, and the standard detail.

The standard detail is what a lecture writes on the board, nothing repeated: per layer the forward
pass as one aligned block (each :math:`z_j` and its activation, formula = numbers = value), the δ of
each neuron on one line (BP1 at the output, BP2 :math:`f'(z_j) \sum_k w_{kj} \delta_k` below it, with
numbers) and the gradient of each of the layer's parameters on one short line
(:math:`\partial L/\partial w_{j,k} = a_k \delta_j` with numbers). The lines are the full detail's own
(:class:`~symback.documents.backward.Backward`), grouped by layer instead of by node.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from symback.documents.backward import Backward
from symback.documents.breaking import Equation, aligned_lines
from symback.documents.notation import Bias, Entries, Layered
from symback.documents.printing import latex, name_latex
from symback.documents.tex import Tex, format_number
from symback.engine.graph import Graph
from symback.engine.names import dense_layer_parameters, weight_name
from symback.engine.spec import NetworkSpec


MATRIX_SIDE = 8  #: the most rows or columns of a matrix the problem writes out (more: a table of values)


@dataclass(frozen=True)
class StandardLayer:
    """Layer ``layer`` of a network: its forward block, its neurons' δ lines and its parameters' gradients."""

    layer: int
    title: str                  #: "Layer l", in the document's language
    forward: tuple[Tex, ...]    #: aligned lines: z_j = formula = numbers = value, then its activation's line
    deltas: tuple[Tex, ...]     #: aligned lines: δ_j = form = numbers = value, one per neuron
    gradients: tuple[Tex, ...]  #: aligned lines: ∂L/∂p = a_k δ_j = numbers = value, one per parameter


def node_layers(graph: Graph) -> dict[str, int]:
    """``{node: layer}`` for the neurons' pre-activations and the activations computed from them (not the loss)."""
    layers = {name: neuron.layer for name, neuron in graph.neurons.items()}
    for node in graph.nodes:
        if node.name not in layers and not node.is_leaf and node.name != graph.loss:
            from_neurons = {graph.neurons[p].layer for p in node.parents if p in graph.neurons}
            if len(from_neurons) == 1:
                layers[node.name] = from_neurons.pop()
    return layers


def as_written(graph: Graph, name: str) -> sp.Expr | None:
    r"""Neuron ``name``'s pre-activation as the lecture writes it, :math:`\sum_k w_{j,k} a_k + b_j`: an
    unevaluated sum of unevaluated products, weight first, in k's order, the bias last (printed with
    SymPy's ``order="none"``); None for any other node, or a pre-activation that is not such a sum.

    SymPy keeps a sum's terms in its own order (``b_1 + w x`` in layer 1, ``a w + b`` in layer 2): the
    network's every formula is written here in the one order of its spec instead.
    """
    neuron, expr = graph.neurons.get(name), graph.node(name).expr
    if neuron is None or graph.network is None or not isinstance(expr, sp.Add):
        return None
    weights = [graph.symbols[weight_name(neuron.layer, neuron.index, k)]
               for k in range(1, graph.network.layers[neuron.layer - 1] + 1)]
    rest = list(expr.args)
    products = []
    for w in weights:
        term = next((t for t in rest if isinstance(t, sp.Mul) and w in t.args and len(t.args) == 2), None)
        if term is None:
            return None
        rest.remove(term)
        products.append(sp.Mul(w, *(f for f in term.args if f != w), evaluate=False))
    return sp.Add(*products, *rest, evaluate=False)


def paired_definitions(graph: Graph, formulas: Mapping[str, Equation]) -> tuple[Equation, ...]:
    r"""A network's definitions two to a line, each neuron's ``z_j = \sum_k w_{j,k} a_k + b_j, \quad a_j = f(z_j)``
    (an answer key states the network in half the lines); ``formulas``: every node's, in topological order."""
    layers = node_layers(graph)
    activation_of: dict[tuple, list[str]] = {}
    for name in formulas:  # the activation that follows neuron j is the j-th of its layer's (and sample's)
        if name in layers and name not in graph.neurons:
            sample = next(graph.neurons[p].sample for p in graph.node(name).parents if p in graph.neurons)
            activation_of.setdefault((layers[name], sample), []).append(name)
    pairs, paired = [], set()
    for name, equation in formulas.items():
        if name in paired:
            continue
        neuron = graph.neurons.get(name)
        after = activation_of.get((neuron.layer, neuron.sample), []) if neuron is not None else []
        partner = after[neuron.index - 1] if neuron is not None and len(after) >= neuron.index else None
        if partner is None:
            pairs.append(equation)
            continue
        paired.add(partner)
        second = formulas[partner]
        pairs.append(Equation(equation.lhs, (Tex(r", \quad ".join((equation.parts[0],
                                                                    " = ".join((second.lhs, second.parts[0]))))),)))
    return tuple(pairs)


def build_layer_sections(graph: Graph, forward: Mapping[str, Equation], back: Backward,
                         t: Mapping[str, str]) -> tuple[StandardLayer, ...]:
    """The sections of a dense network's standard detail, first layer first.

    ``forward``: the forward pass's line of every node by name, in topological order; ``t``: the messages.
    """
    layers = node_layers(graph)
    sections = []
    for l in range(1, len(graph.network.layers)):
        neurons = [n for n in back.deltas if layers.get(n) == l]  # (the engine's steps are in reverse order)
        neurons.sort(key=lambda n: (graph.neurons[n].sample or 0, graph.neurons[n].index))
        sections.append(StandardLayer(
            l, t["layer_title"].format(layer=l), aligned_lines(line for name, line in forward.items() if layers.get(name) == l),
            aligned_lines(Equation(back.lhs(n), back.parts(n, *back.form(n))) for n in neurons),
            back.gradient_lines([p for p in dense_layer_parameters(graph.network, l) if p in graph.point], slash="/")))
    return tuple(sections)


def problem_lines(net: NetworkSpec, digits: int) -> tuple[Tex, ...]:
    r"""The problem as a lecture states it: ``W^{(l)}`` and ``b`` per layer, the inputs and targets as vectors.

    One sample: ``x`` and ``t`` are column vectors; several: ``X`` and ``T`` hold one sample per row.
    None where a matrix would have more than :data:`MATRIX_SIDE` rows or columns (the document lists the values).
    """
    if max(*net.layers, len(net.x)) > MATRIX_SIDE:
        return ()
    many = len(net.x) > 1
    data = ((name_latex("X"), Entries.of(sp.Matrix(net.x), digits)), (name_latex("T"), Entries.of(sp.Matrix(net.t), digits))) \
        if many else ((name_latex("x"), Entries.column(net.x[0], digits)), (name_latex("t"), Entries.column(net.t[0], digits)))
    lines = [_side_by_side([(lhs, latex(value)) for lhs, value in data])]
    for l, (weights, biases) in enumerate(zip(net.weights, net.biases), 1):
        row = [(latex(Layered("W", l)), latex(Entries.of(sp.Matrix(weights), digits)))]
        if biases:
            shared = net.bias == "shared"
            row.append((latex(Bias(l, shared)),
                        Tex(format_number(biases[0], digits)) if shared else latex(Entries.column(biases, digits))))
        lines.append(_side_by_side(row))
    return tuple(lines)


def _side_by_side(definitions: list[tuple[Tex, Tex]]) -> Tex:
    r"""``lhs &= value, \quad lhs = value``: definitions on one aligned line, aligned at the first ``=``."""
    first, *rest = definitions
    return Tex(r", \quad ".join([" &= ".join(first), *(" = ".join(pair) for pair in rest)]))
