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
from symback.documents.solution_document import Row
from symback.documents.tex import format_number
from symback.engine.matrix import Z, MatrixForm, MatrixLayer, matrix_form
from symback.engine.network import activation_expr
from symback.documents.elementwise import elementwise_latex
from symback.documents.prose import Prose, prose
from symback.documents.tex import Tex, bmatrix, escape_latex, shaped

RELU_LIKE = ("relu", "leaky_relu")  #: activations whose derivative at 0 is the relu_at_zero convention

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

    def num(M: sp.Matrix) -> Tex:
        return bmatrix([[format_number(M[i, j], digits) for j in range(M.cols)] for i in range(M.rows)])

    def scalar(value: sp.Expr) -> Tex:  # a shared bias; negative numbers in parentheses
        text = format_number(value, digits)
        return Tex(rf"\left({text}\right)" if text.startswith("-") else text)

    def act(l: int) -> str:
        return "X" if l == 0 else "Y" if l == depth else f"A^{{({l})}}"

    def sym(tex: str, M: sp.Matrix) -> Tex:
        return shaped(tex, *M.shape)

    def tr(tex: str) -> str:
        return "{%s}^{\\top}" % tex

    per = "" if m == 1 else r"\frac{1}{m} "
    lx = "L" if m == 1 else "L_{x}"
    forward, shapes = [], [(Tex("X"), _shape(form.layers[0].A_prev))]
    for layer in form.layers:
        l = layer.index
        W, Zl, Al = f"W^{{({l})}}", f"Z^{{({l})}}", act(l)
        affine = (f"{sym(act(l - 1), layer.A_prev)} \\, {sym(W, layer.W)}" if row
                  else f"{sym(W, layer.W)} \\, {sym(act(l - 1), layer.A_prev)}")
        numbers = f"{num(layer.A_prev)} {num(layer.W)}" if row else f"{num(layer.W)} {num(layer.A_prev)}"
        if layer.b is not None:
            b = f"b^{{({l})}}" if net.bias == "neuron" else f"b_{{{l}}}"
            ones = "" if m == 1 or net.bias == "shared" else shaped(r"\mathbf{1}", *((m, 1) if row else (1, m)))
            term = (f"{ones} \\, {sym(b, layer.b)}" if row else f"{sym(b, layer.b)} \\, {ones}") if ones else sym(b, layer.b)
            affine += " + " + term
            numbers += " + " + (scalar(layer.b[0, 0]) if net.bias == "shared" else num(layer.b))
            shapes.append((Tex(b), _shape(layer.b)))
        shapes += [(Tex(W), _shape(layer.W)), (Tex(Zl), _shape(layer.Z)), (Tex(Al), _shape(layer.A))]
        forward.append(Row(sym(Zl, layer.Z), Tex(affine), Tex(numbers), num(layer.Z)))
        function = Tex(r"\operatorname{softmax}\left(%s\right)" % Zl) if layer.activation == "softmax" else \
            Tex(elementwise_latex(_activation(layer.activation), {"Z": Zl}))
        forward.append(Row(sym(Al, layer.A), function, Tex(""), num(layer.A),
                           note(f"matrix.softmax_{form.convention}") if layer.activation == "softmax" else note("matrix.elementwise")))
    loss = Row(Tex("L"), Tex(r"\frac{1}{m} \sum_{x} L_{x}" if m > 1 else ""), Tex(""), Tex(format_number(form.loss_value, digits)))

    names = {"Y": "Y", "T": "T"}
    upstream = sp.factor_terms(form.output_gradient_formula)
    backward = []
    for layer in reversed(form.layers):
        l = layer.index
        Zl, Al, W, delta = f"Z^{{({l})}}", act(l), f"W^{{({l})}}", f"\\delta^{{({l})}}"
        rows = []
        if layer.local is not None:
            formula = elementwise_latex(layer.local_formula, {"Z": Zl, "A": Al})
            rows.append(Row(sym(rf"\sigma'\left({Zl}\right)", layer.local), formula, Tex(""), num(layer.local), note("matrix.elementwise")))
        if l == depth:
            rows.append(_output_row(form, layer, note, sym, num, lx, names, upstream, digits))
        else:
            nxt = form.layers[l]
            upper = (f"\\delta^{{({l + 1})}}", tr(f"W^{{({l + 1})}}"))
            back = f"{upper[0]} {upper[1]}" if row else f"{upper[1]} {upper[0]}"
            rows.append(_delta_row(layer, sym(delta, layer.delta), back, num(nxt.dA_prev), num, Al))
        gradient = f"{tr(act(l - 1))} {delta}" if row else f"{delta} {tr(act(l - 1))}"
        A_t = layer.A_prev.T
        shown = f"{num(A_t)} {num(layer.delta)}" if row else f"{num(layer.delta)} {num(A_t)}"
        rows.append(Row(sym(rf"\frac{{\partial L}}{{\partial {W}}}", layer.dW), Tex(per + gradient),
                        Tex((r"\frac{1}{%d} " % m if m > 1 else "") + shown), num(layer.dW), note("matrix.bp4")))
        if layer.db is not None:
            b = f"b^{{({l})}}" if net.bias == "neuron" else f"b_{{{l}}}"
            total = (r"\sum_{x} \sum_{j} \delta^{x,(%d)}_{j}" % l) if net.bias == "shared" else (r"\sum_{x} \delta^{x,(%d)}" % l)
            if m == 1:
                total = (r"\sum_{j} \delta^{(%d)}_{j}" % l) if net.bias == "shared" else delta
            rows.append(Row(sym(rf"\frac{{\partial L}}{{\partial {b}}}", layer.db), Tex(per + total), Tex(""),
                            Tex(format_number(layer.db[0, 0], digits)) if net.bias == "shared" else num(layer.db), note("matrix.bp3")))
        passed = f"{delta} {tr(W)}" if row else f"{tr(W)} {delta}"
        shown = f"{num(layer.delta)} {num(layer.W.T)}" if row else f"{num(layer.W.T)} {num(layer.delta)}"
        rows.append(Row(sym(rf"\frac{{\partial {lx}}}{{\partial {act(l - 1)}}}", layer.dA_prev), Tex(passed), Tex(shown),
                        num(layer.dA_prev), note("matrix.affine_input")))
        backward.append(LayerSection(f"{t['matrix.layer']} {l} ({layer.activation})", tuple(rows)))

    rate = form.learning_rate
    updates = []
    if rate is not None:
        eta = format_number(rate, digits)
        for layer in form.layers:
            l = layer.index
            grad = f"{tr(act(l - 1))} \\delta^{{({l})}}" if row else f"\\delta^{{({l})}} {tr(act(l - 1))}"
            W = f"W^{{({l})}}"
            frozen = any(p in form.frozen for p in solution.graph.params if p.startswith(f"w{l}_"))
            updates.append(Row(sym("{%s}'" % W, layer.W), Tex(rf"{W} - \frac{{\eta}}{{m}} {grad}" if m > 1 else rf"{W} - \eta \, {grad}"),
                               Tex(f"{num(layer.W)} - {eta} \\cdot {num(layer.dW)}"), num(layer.W_updated),
                               note("matrix.frozen_entries") if frozen else ""))
            if layer.b is not None:
                b = f"b^{{({l})}}" if net.bias == "neuron" else f"b_{{{l}}}"
                frozen = any(p in form.frozen for p in solution.graph.params if p == f"b{l}" or p.startswith(f"b{l}_"))
                shared = net.bias == "shared"
                show = (lambda M: scalar(M[0, 0])) if shared else num
                rule = (Tex(b), Tex("")) if frozen else \
                    (Tex(rf"{b} - \eta \frac{{\partial L}}{{\partial {b}}}"), Tex(f"{show(layer.b)} - {eta} \\cdot {show(layer.db)}"))
                updates.append(Row(sym("{%s}'" % b, layer.b), *rule, show(layer.b_updated), note("frozen") if frozen else ""))
    return MatrixDocument(
        title=solution.title, lang=lang, t=MappingProxyType(t), convention=form.convention, samples=m, shared_bias=net.bias == "shared",
        mapping=Tex(r"W^{(l)}_{k,j} = w^{(l)}_{j,k}" if row else r"W^{(l)}_{j,k} = w^{(l)}_{j,k}"),
        shapes=tuple(shapes), forward=tuple(forward), loss=loss, backward=tuple(backward),
        minibatch=_minibatch(row, m), updates=tuple(updates),
        learning_rate=None if rate is None else format_number(rate, digits),
        bp=_bp(form, row, depth, act, names, upstream),
        consistency=_consistency(form, depth, row), consistent=form.consistent,
        assumptions=((t["assumption_sum"], Tex(r"T \mathbf{1} = \mathbf{1}" if row else r"\mathbf{1}^{\top} T = \mathbf{1}^{\top}")),)
        if form.output_rule == "softmax_cross_entropy" and form.targets_sum_to_one else (),
        conventions=(t["conventions.relu_at_zero"].format(value=format_number(solution.graph.conventions.relu_at_zero, digits)),)
        if any(a in RELU_LIKE for a in net.activations) else (),
        prose=MappingProxyType({key: prose(text) for key, text in t.items() if key.startswith("matrix.")}))


def _shape(M: sp.Matrix) -> str:
    return f"{M.rows} × {M.cols}"


def _activation(name: str) -> sp.Expr:
    return activation_expr(name, Z)


def _delta_row(layer: MatrixLayer, lhs: Tex, upstream: str, upstream_numbers: Tex, num, Al: str) -> Row:
    """delta = upstream ⊙ sigma'(Z) (BP2), or the softmax Jacobian sample by sample."""
    if layer.local is None:
        text = rf"{Al} \odot \left(G - \operatorname{{rowsum}}\left(G \odot {Al}\right)\right), \ G = {upstream}"
        return Row(lhs, Tex(text), Tex(""), num(layer.delta))
    return Row(lhs, Tex(rf"\left({upstream}\right) \odot \sigma'\left(Z^{{({layer.index})}}\right)"),
               Tex(rf"{upstream_numbers} \odot {num(layer.local)}"), num(layer.delta))


def _output_row(form, layer, note, sym, num, lx, names, upstream, digits) -> Row:
    """delta(L) from the loss and output activation: y - t, (y - t)/n, or grad ⊙ sigma' (BP1)."""
    lhs = sym(rf"\delta^{{({layer.index})}}", layer.delta)
    if form.output_rule == "softmax_cross_entropy":
        if form.targets_sum_to_one:
            return Row(lhs, Tex("Y - T"), Tex(f"{num(layer.A)} - {num(form.targets)}"), num(layer.delta), note("matrix.softmax_ce"))
        scaled = r"\operatorname{diag}\left(T \mathbf{1}\right) Y" if form.convention == "row" else r"Y \operatorname{diag}\left(\mathbf{1}^{\top} T\right)"
        return Row(lhs, Tex(f"{scaled} - T"), Tex(""), num(layer.delta), note("matrix.softmax_ce_general"))
    if form.output_rule == "sigmoid_bce":
        n = form.targets.cols if form.convention == "row" else form.targets.rows
        head = "" if n == 1 else r"\frac{1}{%d} " % n
        return Row(lhs, Tex(head + r"\left(Y - T\right)"), Tex(f"{head}\\left({num(layer.A)} - {num(form.targets)}\\right)"),
                   num(layer.delta), note("matrix.sigmoid_bce"))
    grad = elementwise_latex(upstream, names)
    return _delta_row(layer, lhs, grad, num(form.output_gradient), num, "Y")


def _minibatch(row: bool, m: int) -> tuple[Tex, ...]:
    """Aligned lines: L as the batch average, the sums over samples the matrix products are, SGD."""
    outer = r"{a^{x,(l-1)}}^{\top} \delta^{x,(l)}" if row else r"\delta^{x,(l)} {a^{x,(l-1)}}^{\top}"
    product = r"{A^{(l-1)}}^{\top} \delta^{(l)}" if row else r"\delta^{(l)} {A^{(l-1)}}^{\top}"
    return (Tex(rf"L &= \frac{{1}}{{m}} \sum_{{x}} L_{{x}}, \quad m = {m}"),
            Tex(rf"\frac{{\partial L}}{{\partial W^{{(l)}}}} &= \frac{{1}}{{m}} \sum_{{x}} {outer} = \frac{{1}}{{m}} {product}"),
            Tex(r"\frac{\partial L}{\partial b^{(l)}} &= \frac{1}{m} \sum_{x} \delta^{x,(l)}"),
            Tex(rf"W^{{(l)}} &\to W^{{(l)}} - \frac{{\eta}}{{m}} \sum_{{x}} {outer}"),
            Tex(r"b^{(l)} &\to b^{(l)} - \frac{\eta}{m} \sum_{x} \delta^{x,(l)}"))


def _bp(form: MatrixForm, row: bool, depth: int, act, names, upstream) -> tuple[tuple[str, Tex, tuple[Tex, ...]], ...]:
    """BP1-BP4 in general and with this network's layers, activations and names."""
    last = form.layers[-1]
    if form.output_rule == "softmax_cross_entropy":
        bp1 = rf"\delta^{{({depth})}} = Y - T" if form.targets_sum_to_one else rf"\delta^{{({depth})}} = \nabla_{{Z^{{({depth})}}}} L_{{x}}"
    elif form.output_rule == "sigmoid_bce" or last.local is None:
        bp1 = rf"\delta^{{({depth})}} = \nabla_{{Z^{{({depth})}}}} L_{{x}}"
    else:
        bp1 = rf"\delta^{{({depth})}} = \left({elementwise_latex(upstream, names)}\right) \odot " + \
              elementwise_latex(last.local_formula, {"Z": f"Z^{{({depth})}}", "A": "Y"})
    bp2 = []
    for layer in form.layers[:-1]:
        l = layer.index
        back = rf"\delta^{{({l + 1})}} {{W^{{({l + 1})}}}}^{{\top}}" if row else rf"{{W^{{({l + 1})}}}}^{{\top}} \delta^{{({l + 1})}}"
        local = elementwise_latex(layer.local_formula, {"Z": f"Z^{{({l})}}", "A": act(l)}) if layer.local is not None \
            else r"\sigma'"
        bp2.append(Tex(rf"\delta^{{({l})}} = \left({back}\right) \odot {local}"))
    bp3, bp4 = [], []
    for layer in form.layers:
        l = layer.index
        if form.samples == 1:
            prev = "x_{k}" if l == 1 else f"a^{{({l - 1})}}_{{k}}"
            body = rf"{prev} \, \delta^{{({l})}}_{{j}}"
        else:
            body = rf"\frac{{1}}{{m}} \sum_{{x}} a^{{x,({l - 1})}}_{{k}} \, \delta^{{x,({l})}}_{{j}}"
        bp4.append(Tex(rf"\frac{{\partial L}}{{\partial w^{{({l})}}_{{j,k}}}} = {body}"))
        if layer.db is not None:
            b = f"b^{{({l})}}_{{j}}" if form.bias == "neuron" else f"b_{{{l}}}"
            value = rf"\delta^{{({l})}}_{{j}}" if form.bias == "neuron" else rf"\sum_{{j}} \delta^{{({l})}}_{{j}}"
            if form.samples > 1:
                value = r"\frac{1}{m} \sum_{x} " + value.replace(f"^{{({l})}}", f"^{{x,({l})}}")
            bp3.append(Tex(rf"\frac{{\partial L}}{{\partial {b}}} = {value}"))
    back = r"\delta^{(l+1)} {W^{(l+1)}}^{\top}" if row else r"{W^{(l+1)}}^{\top} \delta^{(l+1)}"
    return (("BP1", Tex(r"\delta^{(L)} = \nabla_{Y} L_{x} \odot \sigma'\left(Z^{(L)}\right)"), (Tex(bp1),)),
            ("BP2", Tex(rf"\delta^{{(l)}} = \left({back}\right) \odot \sigma'\left(Z^{{(l)}}\right)"), tuple(bp2)),
            ("BP3", Tex(r"\frac{\partial L}{\partial b^{(l)}_{j}} = \frac{1}{m} \sum_{x} \delta^{x,(l)}_{j}"), tuple(bp3)),
            ("BP4", Tex(r"\frac{\partial L}{\partial w^{(l)}_{j,k}} = \frac{1}{m} \sum_{x} a^{x,(l-1)}_{k} \delta^{x,(l)}_{j}"), tuple(bp4)))


def _consistency(form: MatrixForm, depth: int, row: bool) -> tuple[tuple[str, Tex, Tex, int, str], ...]:
    """(layer, matrix quantity, the neuron-level names it was compared with, entries, largest error)."""
    per = "" if form.samples == 1 else r"\frac{1}{m} "
    rows = []
    for check in form.checks:
        l = check.layer
        unit = "y_{j}" if l == depth else f"a^{{({l})}}_{{j}}"
        before = "x_{k}" if l == 1 else f"a^{{({l - 1})}}_{{k}}"
        bias = f"b^{{({l})}}_{{j}}" if form.bias == "neuron" else f"b_{{{l}}}"
        entry = "_{k,j}" if row else "_{j,k}"
        matrix, neuron = {
            "Z": (f"Z^{{({l})}}", f"z^{{({l})}}_{{j}}"),
            "A": ("Y" if l == depth else f"A^{{({l})}}", unit),
            "delta": (per + f"\\delta^{{({l})}}", f"\\frac{{\\partial L}}{{\\partial z^{{({l})}}_{{j}}}}"),
            "dW": (f"\\frac{{\\partial L}}{{\\partial W^{{({l})}}{entry}}}", f"\\frac{{\\partial L}}{{\\partial w^{{({l})}}_{{j,k}}}}"),
            "db": (f"\\frac{{\\partial L}}{{\\partial {bias.replace('_{j}', '')}}}", f"\\frac{{\\partial L}}{{\\partial {bias}}}"),
            "dA_prev": (per + f"\\frac{{\\partial L_{{x}}}}{{\\partial {'X' if l == 1 else f'A^{{({l - 1})}}'}}}",
                        f"\\frac{{\\partial L}}{{\\partial {before}}}"),
            "W_updated": (f"{{W^{{({l})}}}}'{entry}", f"{{w^{{({l})}}_{{j,k}}}}'"),
            "b_updated": (f"{{{bias.replace('_{j}', '')}}}'", f"{{{bias}}}'"),
        }[check.quantity]
        rows.append((str(l), Tex(matrix), Tex(neuron), check.entries, f"{check.max_error:.1e}"))
    return tuple(rows)
