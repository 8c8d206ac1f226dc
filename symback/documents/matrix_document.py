"""The matrix view as a document: the pieces ``templates/matrix.*.j2`` arrange, computed here.

:func:`build_matrix_document` turns a :class:`symback.engine.matrix.MatrixForm` into ready-to-print rows:
every matrix a ``bmatrix`` of numbers rounded to ``digits``, every symbol with its shape written
under it, element-wise products as ``\\odot``, every sentence from the ``[matrix]`` table of the
message catalogue. Templates only place them.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.elementwise import elementwise_latex
from symback.documents.notation import (ETA, ONES, SIGMA_PRIME, Activation, Bias, Bracketed, Call, Delta, Entries,
                                        Fraction, Gradient, Layered, Partial, Shaped, Summed, Transposed, Updated,
                                        WeightEntry, dotted)
from symback.documents.printing import latex
from symback.documents.prose import Prose, prose
from symback.documents.solution_document import Row
from symback.documents.tex import Tex, escape_latex, format_number, wrap
from symback.engine.matrix import Z, MatrixForm, MatrixLayer
from symback.engine.network_views import matrix_form
from symback.engine.names import bias_name, weight_name
from symback.engine.network import activation_expr
from symback.engine.numerals import ERROR_DIGITS, number_text

RELU_LIKE = ("relu", "leaky_relu")  #: activations whose derivative at 0 is the relu_at_zero convention
THIN, ODOT = r" \, ", r" \odot "    #: between the factors of a matrix product and of an entry-by-entry one
PER_SAMPLE = Tex(r"\frac{1}{m}")     #: the average over the batch's m samples
SOFTMAX, ROWSUM = Tex(r"\operatorname{softmax}"), Tex(r"\operatorname{rowsum}")

if TYPE_CHECKING:
    from symback.engine.solution import Solution



@dataclass(frozen=True)
class LayerSection:
    """One layer of the backward pass: its heading and rows (sigma', delta, gradients, passed back)."""

    heading: str                #: "Layer 2 (softmax)"
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class MatrixDocument:
    """Everything the matrix view shows, in one language, rounded for display."""

    TEMPLATE: ClassVar[str] = "matrix"
    title: str
    lang: str
    t: Mapping[str, str]
    convention: str                     #: "row" or "column"
    samples: int
    shared_bias: bool
    mapping: Tex                        #: W(l) entries against the spec's w<l>_<j>_<k>
    shapes: tuple[tuple[Tex, str], ...]
    forward: tuple[Row, ...]
    loss: Row
    backward: tuple[LayerSection, ...]
    minibatch: tuple[Tex, ...]             #: aligned lines (with their &)
    updates: tuple[Row, ...]
    learning_rate: str | None
    bp: tuple[tuple[str, Tex, tuple[Tex, ...]], ...]   #: (BP1, general form, with this network's symbols)
    consistency: tuple[tuple[str, Tex, Tex, int, str], ...]  #: (layer, quantity, neuron names, entries, error)
    consistent: bool
    assumptions: tuple[tuple[str, Tex], ...]          #: (sentence, equation)
    conventions: tuple[str, ...]        #: the ReLU'(0) convention, only for a network that has a ReLU
    prose: Mapping[str, Prose]          #: every ``matrix.*`` sentence, its ``$...$`` math typeset


def build_matrix_document(solution: "Solution", lang: str = "en", digits: int = 4,
                          convention: str = "row", form: MatrixForm | None = None) -> MatrixDocument:
    """The matrix-view document of a solved network spec (``form``: a precomputed :func:`matrix_form`)."""
    t = messages(lang)

    def note(key: str) -> Tex:  # a sentence inside math (\text{...}): escaped as LaTeX
        return escape_latex(t[key])
    form = form or matrix_form(solution, convention)
    row, m, depth = form.convention == "row", form.samples, len(form.layers)
    net = solution.graph.network
    shared = net.bias == "shared"

    def num(M: sp.Matrix) -> Tex:
        return latex(Entries.of(M, digits))

    def scalar(value: sp.Expr) -> Tex:  # a shared bias; negative numbers in parentheses
        return Tex(wrap(format_number(value, digits)))

    def act(l: int) -> Activation:
        return Activation(l, depth)

    def sym(of, M: sp.Matrix) -> Tex:
        return latex(Shaped(of, *M.shape))

    def ordered(*factors: str) -> tuple[str, ...]:  # a product's factors in the convention's order: A W, or W A
        return factors if row else factors[::-1]

    per = (PER_SAMPLE,) if m > 1 else ()                       # the batch average, in symbols
    per_m = (latex(Fraction(1, m)),) if m > 1 else ()          # and with this batch's m
    forward, shapes = [], [(latex(act(0)), _shape(form.layers[0].A_prev))]
    for layer in form.layers:
        l = layer.index
        W, Z, A = Layered("W", l), Layered("Z", l), act(l)
        affine = [THIN.join(ordered(sym(act(l - 1), layer.A_prev), sym(W, layer.W)))]
        numbers = [" ".join(ordered(num(layer.A_prev), num(layer.W)))]
        if layer.b is not None:
            b = Bias(l, shared)
            if m > 1 and not shared:  # one bias row for every sample: a column of ones times it
                affine.append(THIN.join(ordered(latex(Shaped(ONES, *((m, 1) if row else (1, m)))), sym(b, layer.b))))
            else:
                affine.append(sym(b, layer.b))
            numbers.append(scalar(layer.b[0, 0]) if shared else num(layer.b))
            shapes.append((latex(b), _shape(layer.b)))
        shapes += [(latex(W), _shape(layer.W)), (latex(Z), _shape(layer.Z)), (latex(A), _shape(layer.A))]
        forward.append(Row(sym(Z, layer.Z), Tex(" + ".join(affine)), Tex(" + ".join(numbers)), num(layer.Z)))
        softmax = layer.activation == "softmax"
        function = latex(Call(SOFTMAX, (Z,))) if softmax else elementwise_latex(_activation(layer.activation), {"Z": latex(Z)})
        forward.append(Row(sym(A, layer.A), function, Tex(""), num(layer.A),
                           note(f"matrix.softmax_{form.convention}") if softmax else note("matrix.elementwise")))
    loss = Row(Tex("L"), Tex(r"\frac{1}{m} \sum_{x} L_{x}" if m > 1 else ""), Tex(""), Tex(format_number(form.loss_value, digits)))

    names = {"Y": "Y", "T": "T"}
    upstream = sp.factor_terms(form.output_gradient_formula)
    backward = []
    for layer in reversed(form.layers):
        l = layer.index
        Z, A, W, delta = Layered("Z", l), act(l), Layered("W", l), Delta(l)
        rows = []
        if layer.local is not None:
            formula = elementwise_latex(layer.local_formula, {"Z": latex(Z), "A": latex(A)})
            rows.append(Row(sym(Call(SIGMA_PRIME, (Z,)), layer.local), formula, Tex(""), num(layer.local), note("matrix.elementwise")))
        if l == depth:
            rows.append(_output_row(form, layer, note, sym, num, names, upstream))
        else:
            back = " ".join(ordered(latex(Delta(l + 1)), latex(Transposed(Layered("W", l + 1)))))
            rows.append(_delta_row(layer, sym(delta, layer.delta), Tex(back), num(form.layers[l].dA_prev), num, latex(A)))
        gradient = " ".join(ordered(latex(Transposed(act(l - 1))), latex(delta)))
        shown = " ".join(ordered(num(layer.A_prev.T), num(layer.delta)))
        rows.append(Row(sym(Partial("L", W), layer.dW), Tex(" ".join(per + (gradient,))), Tex(" ".join(per_m + (shown,))),
                        num(layer.dW), note("matrix.bp4")))
        if layer.db is not None:
            b = Bias(l, shared)
            total = Summed((("x",) if m > 1 else ()) + (("j",) if shared else ()),
                           (Delta(l, "j" if shared else None, "x" if m > 1 else None),))
            rows.append(Row(sym(Partial("L", b), layer.db), Tex(" ".join(per + (latex(total),))), Tex(""),
                            Tex(format_number(layer.db[0, 0], digits)) if shared else num(layer.db), note("matrix.bp3")))
        passed = " ".join(ordered(latex(delta), latex(Transposed(W))))
        shown = " ".join(ordered(num(layer.delta), num(layer.W.T)))
        rows.append(Row(sym(Partial(Layered("L", index="x") if m > 1 else "L", act(l - 1)), layer.dA_prev), Tex(passed),
                        Tex(shown), num(layer.dA_prev), note("matrix.affine_input")))
        backward.append(LayerSection(f"{t['matrix.layer']} {l} ({layer.activation})", tuple(rows)))

    rate = form.learning_rate
    updates = []
    if rate is not None:
        eta = Tex(format_number(rate, digits))
        for layer in form.layers:
            l = layer.index
            W = Layered("W", l)
            grad = " ".join(ordered(latex(Transposed(act(l - 1))), latex(Delta(l))))
            step = " ".join((latex(Fraction(ETA, "m")), grad)) if m > 1 else THIN.join((ETA, grad))
            frozen = any(weight_name(l, j, k) in form.frozen for j in range(1, net.layers[l] + 1)
                         for k in range(1, net.layers[l - 1] + 1))
            updates.append(Row(sym(Updated(W), layer.W), Tex(" - ".join((latex(W), step))),
                               Tex(" - ".join((num(layer.W), dotted(eta, num(layer.dW))))), num(layer.W_updated),
                               note("matrix.frozen_entries") if frozen else ""))
            if layer.b is not None:
                b = Bias(l, shared)
                frozen = any(bias_name(net, l, j) in form.frozen for j in range(1, net.layers[l] + 1))
                show = (lambda M: scalar(M[0, 0])) if shared else num
                rule = (latex(b), Tex("")) if frozen else \
                    (Tex(" - ".join((latex(b), " ".join((ETA, latex(Partial("L", b))))))),
                     Tex(" - ".join((show(layer.b), dotted(eta, show(layer.db))))))
                updates.append(Row(sym(Updated(b), layer.b), *rule, show(layer.b_updated), note("frozen") if frozen else ""))
    return MatrixDocument(
        title=solution.title, lang=lang, t=MappingProxyType(t), convention=form.convention, samples=m, shared_bias=shared,
        mapping=Tex(" = ".join((latex(WeightEntry("l", form.convention)), latex(Layered("w", "l", ("j", "k")))))),
        shapes=tuple(shapes), forward=tuple(forward), loss=loss, backward=tuple(backward),
        minibatch=_minibatch(ordered, m), updates=tuple(updates),
        learning_rate=None if rate is None else format_number(rate, digits),
        bp=_bp(form, ordered, depth, act, names, upstream),
        consistency=_consistency(form, depth, shared), consistent=form.consistent,
        assumptions=((t["assumption_sum"], Tex(r"T \mathbf{1} = \mathbf{1}" if row else r"\mathbf{1}^{\top} T = \mathbf{1}^{\top}")),)
        if form.output_rule == "softmax_cross_entropy" and form.targets_sum_to_one else (),
        conventions=(t["conventions.relu_at_zero"].format(value=format_number(solution.graph.conventions.relu_at_zero, digits)),)
        if any(a in RELU_LIKE for a in net.activations) else (),
        prose=MappingProxyType({key: prose(text) for key, text in t.items() if key.startswith("matrix.")}))


def _shape(M: sp.Matrix) -> str:
    return f"{M.rows} × {M.cols}"


def _activation(name: str) -> sp.Expr:
    return activation_expr(name, Z)


def _delta_row(layer: MatrixLayer, lhs: Tex, upstream: Tex, upstream_numbers: Tex, num, A: Tex) -> Row:
    """delta = upstream ⊙ sigma'(Z) (BP2), or the softmax Jacobian sample by sample."""
    if layer.local is None:  # A ⊙ (G - rowsum(G ⊙ A)), G = upstream
        G = Tex("G")
        rowsum = latex(Call(ROWSUM, (Tex(ODOT.join((G, A))),)))
        jacobian = ODOT.join((A, latex(Bracketed(Tex(" - ".join((G, rowsum)))))))
        return Row(lhs, Tex(r", \ ".join((jacobian, " = ".join((G, upstream))))), Tex(""), num(layer.delta))
    local = latex(Call(SIGMA_PRIME, (Layered("Z", layer.index),)))
    return Row(lhs, Tex(ODOT.join((latex(Bracketed(upstream)), local))),
               Tex(ODOT.join((upstream_numbers, num(layer.local)))), num(layer.delta))


def _output_row(form, layer, note, sym, num, names, upstream) -> Row:
    """delta(L) from the loss and output activation: y - t, (y - t)/n, or grad ⊙ sigma' (BP1)."""
    lhs = sym(Delta(layer.index), layer.delta)
    if form.output_rule == "softmax_cross_entropy":
        if form.targets_sum_to_one:
            return Row(lhs, Tex("Y - T"), Tex(" - ".join((num(layer.A), num(form.targets)))), num(layer.delta),
                       note("matrix.softmax_ce"))
        scaled = r"\operatorname{diag}\left(T \mathbf{1}\right) Y" if form.convention == "row" else r"Y \operatorname{diag}\left(\mathbf{1}^{\top} T\right)"
        return Row(lhs, Tex(" - ".join((scaled, "T"))), Tex(""), num(layer.delta), note("matrix.softmax_ce_general"))
    if form.output_rule == "sigmoid_bce":
        n = form.targets.cols if form.convention == "row" else form.targets.rows
        mean = (latex(Fraction(1, n)),) if n > 1 else ()
        difference = Bracketed(Tex(" - ".join((num(layer.A), num(form.targets)))))
        return Row(lhs, Tex(" ".join(mean + (latex(Bracketed(Tex("Y - T"))),))), Tex(" ".join(mean + (latex(difference),))),
                   num(layer.delta), note("matrix.sigmoid_bce"))
    grad = elementwise_latex(upstream, names)
    return _delta_row(layer, lhs, grad, num(form.output_gradient), num, latex(Activation(layer.index, layer.index)))


def _minibatch(ordered, m: int) -> tuple[Tex, ...]:
    """Aligned lines: L as the batch average, the sums over samples the matrix products are, SGD."""
    delta, W, b = Delta("l", sample="x"), Layered("W", "l"), Bias("l", False)
    outer = " ".join(ordered(latex(Transposed(Layered("a", "l-1", sample="x"))), latex(delta)))  # one sample's
    product = " ".join(ordered(latex(Transposed(Layered("A", "l-1"))), latex(Delta("l"))))     # the batch's
    sum_W, sum_b, loss = (latex(Summed(("x",), (part,))) for part in (Tex(outer), delta, Layered("L", index="x")))

    def mean(total: str) -> str:
        return " ".join((PER_SAMPLE, total))

    def descent(parameter, total: str) -> str:
        return " - ".join((latex(parameter), " ".join((latex(Fraction(ETA, "m")), total))))
    return (Tex(r", \quad ".join((" &= ".join(("L", mean(loss))), f"m = {m}"))),
            Tex(" &= ".join((latex(Partial("L", W)), " = ".join((mean(sum_W), mean(product)))))),
            Tex(" &= ".join((latex(Partial("L", b)), mean(sum_b)))),
            Tex(r" &\to ".join((latex(W), descent(W, sum_W)))),
            Tex(r" &\to ".join((latex(b), descent(b, sum_b)))))


def _bp(form: MatrixForm, ordered, depth: int, act, names, upstream) -> tuple[tuple[str, Tex, tuple[Tex, ...]], ...]:
    """BP1-BP4 in general and with this network's layers, activations and names."""
    last, shared, many = form.layers[-1], form.bias == "shared", form.samples > 1
    output = latex(Delta(depth))
    if form.output_rule == "softmax_cross_entropy" and form.targets_sum_to_one:
        bp1 = " = ".join((output, "Y - T"))
    elif form.output_rule in ("softmax_cross_entropy", "sigmoid_bce") or last.local is None:
        bp1 = " = ".join((output, latex(Gradient(Layered("L", index="x"), Layered("Z", depth)))))
    else:
        local = elementwise_latex(last.local_formula, {"Z": latex(Layered("Z", depth)), "A": "Y"})
        bp1 = " = ".join((output, ODOT.join((latex(Bracketed(elementwise_latex(upstream, names))), local))))
    bp2 = []
    for layer in form.layers[:-1]:
        l = layer.index
        back = " ".join(ordered(latex(Delta(l + 1)), latex(Transposed(Layered("W", l + 1)))))
        local = elementwise_latex(layer.local_formula, {"Z": latex(Layered("Z", l)), "A": latex(act(l))}) \
            if layer.local is not None else SIGMA_PRIME
        bp2.append(Tex(" = ".join((latex(Delta(l)), ODOT.join((latex(Bracketed(Tex(back))), local))))))
    bp3, bp4 = [], []
    for layer in form.layers:
        l = layer.index
        if many:
            body = latex(Summed(("x",), (Tex(THIN.join((latex(Layered("a", l - 1, "k", "x")), latex(Delta(l, "j", "x"))))),)))
            body = " ".join((PER_SAMPLE, body))
        else:
            body = THIN.join((latex(Activation(l - 1, depth, "k")), latex(Delta(l, "j"))))
        bp4.append(Tex(" = ".join((latex(Partial("L", Layered("w", l, ("j", "k")))), body))))
        if layer.db is not None:
            total = latex(Summed((("x",) if many else ()) + (("j",) if shared else ()), (Delta(l, "j", "x" if many else None),)))
            bp3.append(Tex(" = ".join((latex(Partial("L", Bias(l, shared, "j"))), " ".join(((PER_SAMPLE,) if many else ()) + (total,))))))
    back = " ".join(ordered(latex(Delta("l+1")), latex(Transposed(Layered("W", "l+1")))))
    return (("BP1", Tex(r"\delta^{(L)} = \nabla_{Y} L_{x} \odot \sigma'\left(Z^{(L)}\right)"), (Tex(bp1),)),
            ("BP2", Tex(" = ".join((latex(Delta("l")), ODOT.join((latex(Bracketed(Tex(back))),
                                                                   latex(Call(SIGMA_PRIME, (Layered("Z", "l"),)))))))), tuple(bp2)),
            ("BP3", Tex(r"\frac{\partial L}{\partial b^{(l)}_{j}} = \frac{1}{m} \sum_{x} \delta^{x,(l)}_{j}"), tuple(bp3)),
            ("BP4", Tex(r"\frac{\partial L}{\partial w^{(l)}_{j,k}} = \frac{1}{m} \sum_{x} a^{x,(l-1)}_{k} \delta^{x,(l)}_{j}"), tuple(bp4)))


def _consistency(form: MatrixForm, depth: int, shared: bool) -> tuple[tuple[str, Tex, Tex, int, str], ...]:
    """(layer, matrix quantity, the neuron-level names it was compared with, entries, largest error)."""
    per = (PER_SAMPLE,) if form.samples > 1 else ()
    rows = []
    for check in form.checks:
        l = check.layer
        weight, bias, neuron_bias = Layered("w", l, ("j", "k")), Bias(l, shared), Bias(l, shared, "j")
        matrix, neuron = {
            "Z": (Layered("Z", l), Layered("z", l, "j")),
            "A": (Activation(l, depth), Activation(l, depth, "j")),
            "delta": (Tex(" ".join(per + (latex(Delta(l)),))), Partial("L", Layered("z", l, "j"))),
            "dW": (Partial("L", WeightEntry(l, form.convention)), Partial("L", weight)),
            "db": (Partial("L", bias), Partial("L", neuron_bias)),
            "dA_prev": (Tex(" ".join(per + (latex(Partial(Layered("L", index="x"), Activation(l - 1, depth))),))),
                        Partial("L", Activation(l - 1, depth, "k"))),
            "W_updated": (WeightEntry(l, form.convention, updated=True), Updated(weight)),
            "b_updated": (Updated(bias), Updated(neuron_bias)),
        }[check.quantity]
        rows.append((str(l), latex(matrix), latex(neuron), check.entries, number_text(check.max_error, ERROR_DIGITS)))
    return tuple(rows)
