"""The printable model and the JSON of a solved regression: every piece computed here, templates arrange.

Sentences come from the ``[regression]`` table of ``templates/messages.toml``; a sentence with math
in it is a :class:`~symback.documents.prose.Prose` of text and math parts, so each format escapes
its text and puts the math between ``$`` itself.
"""
from __future__ import annotations

import math
import string
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.notation import (ETA, Bracketed, Call, Entries, Fraction, Gradient, Layered, Norm, Partial,
                                        Power, Shaped, Transposed)
from symback.documents.printing import latex, name_latex
from symback.documents.prose import Prose
from symback.documents.tex import Tex, bmatrix, format_number, plot_coordinate
from symback.engine.numerals import rounded
from symback.engine.regression import TOLERANCE

if TYPE_CHECKING:
    from symback.engine.regression import RegressionSolution

SHOWN_TERMS = 6                          #: E(β) with data lists all terms up to this many rows
PLOT_POINTS = 200                        #: the cost curve is sampled down to about this many points
HEAD, TAIL = 6, 3                        #: iterations shown: β⁽⁰⁾..β⁽⁵⁾, then the last three
HAT, COST = Tex(r"\hat{\beta}"), Tex(r"E\left(\beta\right)")  #: the least-squares estimate; the cost
RESIDUAL = r"\left(Y - X\beta\right)"
STEP_COST = Tex("2 n p + p")             #: multiply-adds of one step of gradient descent
QUAD, TIMES = r", \quad ", r" \times "


def sentence(text: str, **fields: str) -> Prose:
    """Split a catalogue sentence at its ``{name}`` fields: a :class:`Tex` value is math, a plain str text.

    >>> sentence("With {eta}, it {verb}.", eta=Tex("x = 1"), verb="converges").parts
    (('With ', False), ('x = 1', True), (', it ', False), ('converges', False), ('.', False))
    """
    parts = []
    for literal, field, _, _ in string.Formatter().parse(text):
        if literal:
            parts.append((literal, False))
        if field is not None:
            value = fields[field]
            parts.append((str(value), isinstance(value, Tex)))
    return Prose(tuple(parts))


@dataclass(frozen=True)
class RegressionDocument:
    """Everything the regression worked solution shows, in one language, rounded for display."""

    TEMPLATE: ClassVar[str] = "regression"
    title: str
    lang: str
    t: Mapping[str, str]
    intro: Prose
    data: Tex                                  #: X, Y and β with their shapes
    cost_intro: Prose
    cost: Tex                                  #: E(β) in general
    cost_with_data: tuple[Tex, ...]            #: E(β) with the data: lines of an aligned block
    closed_form: tuple[tuple[Tex, Tex], ...]   #: (lhs, rhs) rows: XᵀX, XᵀY, (XᵀX)⁻¹, β̂
    exact: Tex                                 #: β̂ as exact fractions ("" when they are long)
    fit: tuple[tuple[Tex, Tex], ...]           #: E(β̂) and R²
    gradient_intro: Prose
    gradient_generic: Tex
    gradient: tuple[tuple[Tex, Tex], ...]      #: ∂E/∂β_j = linear form (rule table)
    gradient_matrix: Tex
    gradient_checked: bool
    hessian: Tex
    update: Tex
    verdict: Prose                          #: converges (ρ, steps needed) or diverges
    overflow: Prose                         #: empty unless float64 overflowed
    first_step: Tex
    columns: tuple[Tex, ...]
    iterations: tuple[tuple[str, Tex, str, str] | None, ...]  #: None marks the elided middle
    cost_curve: tuple[tuple[int, str], ...]    #: (step, cost) for the plot (log scale: positive only)
    distance_curve: tuple[tuple[int, str], ...]
    final: Prose
    costs_intro: Prose
    costs: tuple[tuple[str, Tex, str], ...]    #: (what, formula, multiply-adds here)
    costs_conclusion: Prose
    summary: tuple[tuple[Tex, str, str, str], ...]
    converges: bool


def _float(value, digits: int) -> sp.Float:
    """A decimal of ``digits`` significant digits (an exact fraction) as a Float close enough that the printer shows those digits
    again (a Float of the data itself could sit on either side of a tie: 0.55 to 1 digit)."""
    return sp.Float(sp.Rational(value.numerator, value.denominator), digits + 10)


def build_regression_document(solution: "RegressionSolution", lang: str = "en", digits: int = 4) -> RegressionDocument:
    """The worked-solution model of a solved regression, in ``lang``, numbers to ``digits`` digits.

    >>> import symback
    >>> doc = build_regression_document(symback.solve(symback.load_example("regression")), "ko")
    >>> doc.converges, doc.TEMPLATE
    (True, 'regression')
    """
    every = messages(lang)
    t = {**every, **{k[len("regression."):]: v for k, v in every.items() if k.startswith("regression.")}}
    reg, descent, flops = solution.regression, solution.descent, solution.flops
    X, Y, n, p = solution.X, solution.Y, solution.X.rows, solution.X.cols
    iterations = descent.iterations
    last = iterations[-1] if iterations else None

    def num(value) -> Tex:
        return Tex(format_number(value, digits))

    def matrix(m, shape: bool = True) -> Tex:
        entries = Entries.of(m, digits)
        return latex(Shaped(entries, m.rows, m.cols) if shape else entries)

    def vector(values) -> Tex:
        return latex(Entries.column(values, digits))

    def shown(expr: sp.Expr) -> Tex:  # data as decimals rounded to digits (as num rounds them), integers as they are
        return latex(expr.xreplace({r: _float(rounded(r, digits).value, digits) for r in expr.atoms(sp.Rational)
                                    if not r.is_Integer}), digits=digits)

    def count(key: str) -> str:
        return f"{flops[key]:,}"

    def at(step) -> Tex:  # β at a step of gradient descent: β^{(t)}
        return latex(Layered("beta", step))

    def descent_step(step) -> str:  # β^{(t)} - η ∇E(β^{(t)})
        return " - ".join((at(step), " ".join((ETA, latex(Gradient(Call("E", (Layered("beta", step),))))))))

    betas = solution.betas
    beta = bmatrix([[name_latex(b.name)] for b in betas])
    sse = reg.cost == "sse"
    c = "" if sse else r"\frac{1}{n} "                      # the cost's factor: 1 (SSE) or 1/n (MSE)
    two_c = "2" if sse else latex(Fraction(2, n))
    residual_step = " ".join((two_c, ETA, r"X^{\top}", latex(Bracketed(Tex("Y - X" + at("t"))))))  # -η∇E(β^{(t)})
    terms = [shown((Y[i] - sum(X[i, j] * b for j, b in enumerate(betas))) ** 2) for i in range(n)]
    terms = terms if n <= SHOWN_TERMS else terms[:3] + [r"\cdots"] + terms[-1:]
    per_line = 2 if p <= 3 else 1  # the LaTeX breaks the sum into lines of this many terms
    lines = [" + ".join(terms[i:i + per_line]) for i in range(0, len(terms), per_line)]
    first = " &= ".join((COST, "" if sse else " ".join((latex(Fraction(1, n)), r"\Big("))))
    lines = [(r"&\quad + " if i else first) + line for i, line in enumerate(lines)]
    lines[-1] += "" if sse else r" \Big)"
    exact = Tex("")
    if any(not v.is_Integer for v in solution.beta_hat) and all(len(str(v)) <= 16 for v in solution.beta_hat):
        exact = Tex(" = ".join((HAT, bmatrix([[latex(v)] for v in solution.beta_hat]))))
    fit = [(latex(Call("E", (HAT,))), num(solution.cost_at_beta_hat))]
    if solution.r_squared is not None:
        fit.append((Tex(r"R^{2} = 1 - \frac{\mathrm{SSE}}{\mathrm{SST}}"), num(solution.r_squared)))
    hessian = matrix(2 * reg.scale * solution.xtx)
    eta = num(descent.learning_rate)
    verdict = sentence(
        t["converges" if descent.converges else "diverges"], eta=Tex(" = ".join((ETA, eta))),
        bound=Tex(" = ".join((r"2/\lambda_{\max}", num(descent.max_rate)))),
        rho=Tex(" = ".join((r"\rho", r"\max_i \left\lvert 1 - \eta \lambda_i \right\rvert", num(descent.contraction)))),
        needed=Tex(str(descent.steps_to_tolerance)), tolerance=latex(Power(10, round(math.log10(TOLERANCE)))))
    rows = [(str(it.step), latex(Transposed(Entries((tuple(it.beta),), digits))), num(it.cost), num(it.distance))
            for it in iterations]
    stride = max(1, len(iterations) // PLOT_POINTS)
    sampled = iterations[::stride] + ((last,) if last and iterations[::stride][-1] is not last else ())
    curve = lambda key: tuple((it.step, plot_coordinate(getattr(it, key))) for it in sampled if getattr(it, key) > 0)
    costs = [(t["cost_xtx"], "n p^{2}", "closed_form_XtX"), (t["cost_xty"], "n p", "closed_form_XtY"),
             (t["cost_inverse"], "p^{3}", "closed_form_inverse"), (t["cost_product"], "p^{2}", "closed_form_product"),
             (t["cost_closed"], r"O\left(n p^{2} + p^{3}\right)", "closed_form"),
             (t["cost_step"], " = ".join((STEP_COST, r"O\left(n p\right)")), "gd_per_step"),
             (t["cost_steps"].format(steps=reg.steps), TIMES.join((str(reg.steps), latex(Bracketed(STEP_COST)))), "gd")]
    if descent.steps_to_tolerance is not None:
        costs.append((t["cost_tolerance"].format(steps=descent.steps_to_tolerance),
                      TIMES.join((str(descent.steps_to_tolerance), latex(Bracketed(STEP_COST)))), "gd_to_tolerance"))
    final = Prose(())
    if last:
        final = sentence(t["final"], beta=Tex(" = ".join((at(last.step), vector(last.beta)))),
                         hat=Tex(" = ".join((HAT, vector(solution.beta_hat)))),
                         distance=Tex(" = ".join((latex(Norm(Tex(" - ".join((at(last.step), HAT))))), num(last.distance)))))
    return RegressionDocument(
        title=solution.title, lang=lang, t=MappingProxyType(t),
        intro=sentence(t["intro_intercept" if reg.intercept else "intro"], n=Tex(f"n = {n}"),
                       k=Tex(f"k = {len(reg.x[0])}"), p=Tex(f"p = {p}"), beta0=name_latex("beta_0")),
        data=Tex(QUAD.join((" = ".join(("X", matrix(X))), " = ".join(("Y", matrix(Y))),
                            " = ".join((name_latex("beta"), latex(Shaped(beta, p, 1))))))),
        cost_intro=sentence(t[f"cost_{reg.cost}"], model=Tex(r"Y = X\beta + \varepsilon")),
        cost=Tex(" = ".join((COST, c + r"\left\lVert Y - X\beta \right\rVert^{2}",
                             c + r"\sum_{i=1}^{n} \left(y_{i} - x_{i}^{\top} \beta\right)^{2}"))),
        cost_with_data=tuple(Tex(line) for line in lines),
        closed_form=((Tex(r"X^{\top} X"), matrix(solution.xtx)), (Tex(r"X^{\top} Y"), matrix(solution.xty)),
                     (Tex(r"\left(X^{\top} X\right)^{-1}"), matrix(solution.xtx_inv)),
                     (HAT, Tex(" = ".join((r"\left(X^{\top} X\right)^{-1} X^{\top} Y",
                                           " ".join((matrix(solution.xtx_inv, False), matrix(solution.xty, False))),
                                           matrix(solution.beta_hat)))))),
        exact=exact, fit=tuple(fit),
        gradient_intro=sentence(t["gradient_intro"], betas=Tex(", ".join(name_latex(b.name) for b in betas)),
                                rules=", ".join(t.get(f"rules.{r}", r) for r in solution.gradient_rules)),
        gradient_generic=Tex(" = ".join((latex(Partial("E", "beta_j")),
                                         c + r"\sum_{i=1}^{n} 2 \left(y_{i} - x_{i}^{\top} \beta\right) \left(-x_{ij}\right)",
                                         "-2 " + c + r"\left[X^{\top} \left(Y - X\beta\right)\right]_{j}"))),
        gradient=tuple((latex(Partial("E", b.name)), shown(g)) for b, g in zip(betas, solution.gradient)),
        gradient_matrix=Tex(" = ".join((latex(Gradient(COST)), "-" + " ".join((two_c, r"X^{\top}", RESIDUAL)),
                                        " - ".join((" ".join((two_c, r"X^{\top} X \beta")), " ".join((two_c, r"X^{\top} Y")))),
                                        " - ".join((" ".join((hessian, r"\beta")), matrix(2 * reg.scale * solution.xty)))))),
        gradient_checked=solution.gradient_checked,
        hessian=Tex(QUAD.join((" = ".join(("H", r"\nabla^{2} E", " ".join((two_c, r"X^{\top} X")), hessian)),
                               " = ".join((r"\lambda\left(H\right)", ", ".join(num(v) for v in descent.eigenvalues)))))),
        update=Tex(QUAD.join((" = ".join((at("t+1"), descent_step("t"), " + ".join((at("t"), residual_step)))),
                              " = ".join((ETA, eta)), " = ".join((at(0), vector(reg.start)))))),
        verdict=verdict,
        overflow=sentence(t["overflow"], step=Tex(str(descent.diverged_at))) if descent.diverged_at is not None else Prose(()),
        first_step=Tex(" = ".join((at(1), descent_step(0), " - ".join((vector(reg.start), " ".join((eta, vector(descent.first_gradient))))),
                                   vector(descent.first)))),
        columns=(at("t"), latex(Call("E", (Layered("beta", "t"),))), latex(Norm(Tex(" - ".join((at("t"), HAT)))))),
        iterations=tuple(rows if len(rows) <= HEAD + TAIL + 1 else rows[:HEAD] + [None] + rows[-TAIL:]),
        cost_curve=curve("cost"), distance_curve=curve("distance"),
        final=final,
        costs_intro=sentence(t["costs_intro"], n=Tex(f"n = {n}"), p=Tex(f"p = {p}")),
        costs=tuple((what, Tex(formula), count(key)) for what, formula, key in costs),
        costs_conclusion=sentence(t["costs_conclusion"], closed=Tex(count("closed_form").replace(",", "{,}")),
                                  step=Tex(count("gd_per_step").replace(",", "{,}")),
                                  even=Tex(str(flops["break_even_steps"])), cube=Tex(r"O\left(p^{3}\right)"),
                                  per=Tex(r"O\left(n p\right)")),
        summary=tuple((name_latex(b.name), num(solution.beta_hat[j]), num(last.beta[j]) if last else Tex(""),
                       num(abs(last.beta[j] - float(solution.beta_hat[j]))) if last else Tex(""))
                      for j, b in enumerate(betas)),
        converges=descent.converges)


def regression_json(solution: "RegressionSolution") -> dict:
    """The JSON document of a solved regression (README 'Linear regression')."""
    reg, descent = solution.regression, solution.descent
    floats = lambda m: [float(v) for v in m]
    exact = lambda m: [str(v) for v in m]
    rows = lambda m: [floats(m.row(i)) for i in range(m.rows)]
    return {
        "kind": "regression", "title": solution.title, "source": solution.spec.source,
        "n": solution.X.rows, "coefficients": solution.X.cols, "intercept": reg.intercept, "cost": reg.cost,
        "X": rows(solution.X), "Y": floats(solution.Y),
        "beta_hat": floats(solution.beta_hat), "cost_at_beta_hat": float(solution.cost_at_beta_hat),
        "r_squared": None if solution.r_squared is None else float(solution.r_squared),
        "exact": {"beta_hat": exact(solution.beta_hat), "cost_at_beta_hat": str(solution.cost_at_beta_hat),
                  "r_squared": None if solution.r_squared is None else str(solution.r_squared)},
        "normal_equations": {"XtX": rows(solution.xtx), "XtY": floats(solution.xty), "XtX_inverse": rows(solution.xtx_inv)},
        "gradient": {"components": [str(g) for g in solution.gradient], "rules": list(solution.gradient_rules),
                     "matrix_form": "-2*c*X^T*(Y - X*beta)", "c": str(reg.scale),
                     "matches_matrix_form": solution.gradient_checked},
        "hessian": {"matrix": rows(2 * reg.scale * solution.xtx), "eigenvalues": list(descent.eigenvalues),
                    "max_learning_rate": descent.max_rate, "contraction": descent.contraction},
        "gd": {"learning_rate": float(reg.learning_rate), "steps": reg.steps, "start": floats(reg.start),
               "first_step": {"gradient": exact(descent.first_gradient), "beta": exact(descent.first)},
               "history": [{"step": it.step, "beta": list(it.beta), "cost": it.cost, "distance": it.distance}
                           for it in descent.iterations],
               "final": list(descent.iterations[-1].beta) if descent.iterations else None,
               "distance": descent.iterations[-1].distance if descent.iterations else None,
               "diverged_at": descent.diverged_at, "steps_to_tolerance": descent.steps_to_tolerance,
               "tolerance": TOLERANCE},
        "converges": descent.converges,
        "flops": dict(solution.flops),
    }
