"""The matrix view of a network in layers-list form as a document: each layer's forward and backward identity.

:func:`build_layers_matrix_document` turns a :class:`symback.engine.layer_level.LayersForm` into rows that
``templates/layers_matrix.*.j2`` place: per layer its forward formula, then (from the output back) its
gradients by the layer kind's textbook identity, every matrix substituted as a ``bmatrix`` with its shape
under its symbol; the update; and the entry-by-entry check against the neuron-level solution. The words
of each kind's rows are :data:`FORWARD` and :data:`BACKWARD` (a new kind adds its entry to each).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.elementwise import elementwise_latex
from symback.documents.matrix_document import ODOT, SOFTMAX, THIN, LayerSection
from symback.documents.notation import (ETA, ONES, Activation, Bracketed, Call, Entries, Fraction, Layered, Partial,
                                        Power, Shaped, Summed, Transposed, Updated)
from symback.documents.printing import latex
from symback.documents.prose import Prose, prose
from symback.documents.solution_document import Row
from symback.documents.tex import Tex, format_number
from symback.engine.layer_level import LayersForm, LevelStep
from symback.engine.numerals import ERROR_DIGITS, number_text
from symback.engine.rule import Conventions

if TYPE_CHECKING:
    from symback.engine.solution import Solution

XHAT, VAR = Tex(r"\hat{X}"), Tex(r"\mathrm{var}")
#: the normalisations' compact identity in matrix form over groups of N (the sums run within a group), and g
NORM_IDENTITY = Tex(r"\frac{1}{N \sigma} \odot \left(N g - \sum g - \hat{X} \odot \sum g \odot \hat{X}\right)")
SUMS = {"row": Tex(r"\operatorname{rowsum}"), "column": Tex(r"\operatorname{colsum}")}


@dataclass(frozen=True)
class LayersMatrixDocument:
    """Everything the layer-level view of a layers-list network shows, in one language, rounded for display."""

    TEMPLATE: ClassVar[str] = "layers_matrix"
    title: str
    lang: str
    t: Mapping[str, str]
    convention: str
    samples: int
    forward: tuple[LayerSection, ...]
    loss: Row
    backward: tuple[LayerSection, ...]
    updates: tuple[Row, ...]
    learning_rate: str | None
    consistency: tuple[tuple[str, Tex, int, str], ...]   #: (layer, quantity, entries, largest error)
    consistent: bool
    prose: Mapping[str, Prose]


@dataclass(frozen=True)
class _Page:
    """What each kind's rows are written with: the step, its symbols, the convention's order and the numbers."""

    step: LevelStep
    depth: int
    row: bool
    digits: int
    decay: sp.Rational | None
    conventions: Conventions

    @property
    def l(self) -> int:
        return self.step.index

    def a(self, l: int) -> Activation:  # X, A^{(l)} or Y
        return Activation(l, self.depth)

    def ordered(self, *factors: str) -> str:  # a product's factors in the convention's order: A W, or W A
        return " ".join(factors if self.row else factors[::-1])

    def num(self, M: sp.Matrix) -> Tex:
        return latex(Entries.of(M, self.digits))

    def sym(self, of, M: sp.Matrix) -> Tex:
        return latex(Shaped(of, *M.shape))

    def value(self, key: str) -> sp.Matrix:
        return dict(self.step.saved + self.step.params + self.step.grads + self.step.updated)[key]

    def line(self, of, formula: str, M: sp.Matrix, note: str = "") -> Row:
        return Row(self.sym(of, M), Tex(formula), Tex(""), self.num(M), note)

    @property
    def ones(self) -> str:  # the vector of ones that adds a bias to every sample
        return ONES if self.row else latex(Transposed(ONES))

    @property
    def upstream(self) -> str:
        return latex(Partial("L", self.a(self.l)))


def _param(key: str):
    """The symbol of a value key: ``W2`` -> W^{(2)}, ``gamma3`` -> γ^{(3)}, a mask ``r4`` -> R^{(4)}."""
    stem = key.rstrip("0123456789")
    return Layered({"r": "R"}.get(stem, stem), int(key[len(stem):]))


def _dense_forward(p: _Page) -> list[Row]:
    affine = p.ordered(latex(p.a(p.l - 1)), latex(_param(f"W{p.l}")))
    if p.step.layer.bias:
        affine = " + ".join((affine, p.ordered(p.ones, latex(_param(f"b{p.l}")))))
    return [p.line(p.a(p.l), affine, p.step.Y)]


def _activation_forward(p: _Page) -> list[Row]:
    if p.step.label == "softmax":
        return [p.line(p.a(p.l), latex(Call(SOFTMAX, (p.a(p.l - 1),))), p.step.Y)]
    return [p.line(p.a(p.l), elementwise_latex(p.step.layer.formula, {"Z": latex(p.a(p.l - 1))}), p.step.Y)]


def _norm_forward(p: _Page) -> list[Row]:
    over = "x" if p.step.layer.kind == "batchnorm" else "j"
    mean = " ".join((latex(Fraction(1, "N")), latex(Summed((over,), (p.a(p.l - 1),)))))
    centred = " - ".join((latex(p.a(p.l - 1)), latex(Layered("mu", p.l))))
    variance = " ".join((latex(Fraction(1, "N")), latex(Summed((over,), (Tex(latex(Power(Bracketed(Tex(centred)), 2))),)))))
    return [p.line(Layered("mu", p.l), mean, p.value("mu")),
            p.line(Layered(VAR, p.l), variance, p.value("var")),
            p.line(Layered("sigma", p.l), " ".join((r"\sqrt{", latex(Layered(VAR, p.l)), "+",
                                                     format_number(p.step.layer.eps, p.digits), "}")), p.value("sigma")),
            p.line(Layered(XHAT, p.l), latex(Fraction(Tex(centred), Layered("sigma", p.l))), p.value("xh")),
            p.line(p.a(p.l), " + ".join((ODOT.join((latex(_param(f"gamma{p.l}")), latex(Layered(XHAT, p.l)))),
                                         latex(_param(f"beta{p.l}")))), p.step.Y)]


def _keep(p: _Page) -> str:
    return latex(Fraction(1, Tex(" - ".join(("1", format_number(p.step.layer.p, p.digits))))))


def _dropout_forward(p: _Page) -> list[Row]:
    return [p.line(p.a(p.l), " ".join((_keep(p), ODOT.join((latex(_param(f"r{p.l}")), latex(p.a(p.l - 1)))))),
                   p.step.Y)]


def _decayed(p: _Page, key: str, formula: str) -> str:
    """The weight decay's λ W added to a weight's gradient."""
    return " + ".join((formula, THIN.join((format_number(p.decay, p.digits), latex(_param(key)))))) if p.decay else formula


def _dense_backward(p: _Page) -> list[Row]:
    W, G = f"W{p.l}", p.upstream
    rows = [p.line(Partial("L", _param(W)), _decayed(p, W, p.ordered(latex(Transposed(p.a(p.l - 1))), G)), p.value(f"d{W}"))]
    if p.step.layer.bias:
        total = " ".join((latex(Transposed(ONES)), G)) if p.row else " ".join((G, ONES))  # summed over the samples
        rows.append(p.line(Partial("L", _param(f"b{p.l}")), total, p.value(f"db{p.l}")))
    return rows + [p.line(Partial("L", p.a(p.l - 1)), p.ordered(G, latex(Transposed(_param(W)))), p.step.dX)]


def _activation_backward(p: _Page) -> list[Row]:
    G, A = p.upstream, latex(p.a(p.l))
    if p.step.label == "softmax":
        total = latex(Call(SUMS["row" if p.row else "column"], (Tex(ODOT.join((G, A))),)))
        return [p.line(Partial("L", p.a(p.l - 1)), ODOT.join((A, latex(Bracketed(Tex(" - ".join((G, total))))))), p.step.dX)]
    local = elementwise_latex(p.step.layer.local(p.conventions), {"Z": latex(p.a(p.l - 1)), "Y": A})
    return [p.line(Partial("L", p.a(p.l - 1)), ODOT.join((G, latex(Bracketed(local)))), p.step.dX)]


def _norm_backward(p: _Page) -> list[Row]:
    over, G, xh = "x", p.upstream, latex(Layered(XHAT, p.l))  # γ and β are per feature: summed over the samples
    return [p.line(Partial("L", _param(f"gamma{p.l}")), latex(Summed((over,), (Tex(ODOT.join((G, xh))),))), p.value(f"dgamma{p.l}")),
            p.line(Partial("L", _param(f"beta{p.l}")), latex(Summed((over,), (Tex(G),))), p.value(f"dbeta{p.l}")),
            p.line(Partial("L", p.a(p.l - 1)), r", \quad ".join((NORM_IDENTITY, " = ".join(("g", ODOT.join((
                latex(_param(f"gamma{p.l}")), G)))))), p.step.dX)]


def _dropout_backward(p: _Page) -> list[Row]:
    return [p.line(Partial("L", p.a(p.l - 1)), " ".join((_keep(p), ODOT.join((latex(_param(f"r{p.l}")), p.upstream)))),
                   p.step.dX)]


FORWARD: dict[str, Callable[[_Page], list[Row]]] = {
    "dense": _dense_forward, "activation": _activation_forward, "batchnorm": _norm_forward,
    "layernorm": _norm_forward, "dropout": _dropout_forward}
BACKWARD: dict[str, Callable[[_Page], list[Row]]] = {
    "dense": _dense_backward, "activation": _activation_backward, "batchnorm": _norm_backward,
    "layernorm": _norm_backward, "dropout": _dropout_backward}


def build_layers_matrix_document(solution: "Solution", form: LayersForm, lang: str = "en",
                                 digits: int = 4) -> LayersMatrixDocument:
    """The matrix-view document of a solved layers-list network, from its :class:`LayersForm`."""
    t = messages(lang)
    depth = len(form.steps)
    pages = [_Page(step, depth, form.convention == "row", digits, form.weight_decay, solution.graph.conventions)
             for step in form.steps]

    def heading(step: LevelStep) -> str:
        return " ".join((t["matrix.layer"], str(step.index), "".join(("(", step.label, ")"))))
    forward = tuple(LayerSection(heading(p.step), tuple(FORWARD[p.step.layer.kind](p))) for p in pages)
    backward = tuple(LayerSection(heading(p.step), tuple(BACKWARD[p.step.layer.kind](p))) for p in reversed(pages))
    updates = []
    for p in pages:
        for key, M in p.step.updated:
            updates.append(Row(p.sym(Updated(_param(key)), M),
                               Tex(" - ".join((latex(_param(key)), THIN.join((ETA, latex(Partial("L", _param(key)))))))),
                               Tex(""), p.num(M)))
    loss = Row(Tex("L"), Tex(""), Tex(""), Tex(format_number(form.loss_value, digits)))
    return LayersMatrixDocument(
        title=solution.title, lang=lang, t=MappingProxyType(t), convention=form.convention, samples=form.samples,
        forward=forward, loss=loss, backward=backward, updates=tuple(updates),
        learning_rate=None if form.learning_rate is None else format_number(form.learning_rate, digits),
        consistency=tuple((str(c.layer), latex(_quantity(c.quantity, c.layer, depth)), c.entries,
                           number_text(c.max_error, ERROR_DIGITS)) for c in form.checks),
        consistent=form.consistent,
        prose=MappingProxyType({key: prose(text) for key, text in t.items() if key.startswith("layers_matrix.")}))


def _quantity(quantity: str, l: int, depth: int):
    """The symbol of a checked quantity: a layer's output, ∂L/∂ of it or of its input, a parameter's gradient or update."""
    if quantity == "L":
        return Tex("L")
    if quantity in ("Y", "dY", "dX"):
        of = Activation(l - (quantity == "dX"), depth)
        return of if quantity == "Y" else Partial("L", of)
    if quantity.endswith("'"):
        return Updated(_param(quantity[:-1]))
    return Partial("L", _param(quantity[1:]))
