"""Output formats of a solution. JSON now; Markdown, LaTeX and PDF arrive with the documents."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from .printing import latex, name_latex

if TYPE_CHECKING:
    from .api import Solution
    from .identities import Identity, Line


CHECK_TOLERANCE = 1e-10  #: relative error up to which the gradient check counts as agreeing


def number(value: Any) -> float | int:
    """A JSON number: exact integers stay integers, everything else becomes a float."""
    if isinstance(value, sp.Integer) or isinstance(value, int):
        return int(value)
    return float(value)


def _exact(values: Mapping[str, sp.Expr]) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if isinstance(v, sp.Rational) and not isinstance(v, sp.Integer)}


def solution_json(solution: "Solution") -> dict:
    """The JSON document of a solution (see README 'JSON output')."""
    graph, numbers, derivation = solution.graph, solution.numbers, solution.derivation
    checks = numbers.check
    worst = max((c.relative_error for c in checks.values()), default=0.0)
    locals_ = []
    for step in derivation.steps:
        for term in step.terms:
            locals_.append({"node": step.node, "child": term.child, "derivative": str(term.local),
                            "rules": list(term.rules), "value": number(numbers.locals[(term.child, step.node)])})
    return {
        "title": solution.title,
        "source": solution.spec.source,
        "loss": {"name": graph.loss, "value": number(solution.loss)},
        "values": {k: number(v) for k, v in numbers.values.items()},
        "gradients": {k: number(v) for k, v in numbers.gradients.items()},
        "learning_rate": None if graph.learning_rate is None else number(graph.learning_rate),
        "steps": graph.steps,
        "frozen": list(graph.frozen),
        "updated": {k: number(v) for k, v in solution.updated.items()},
        "history": list(solution.history),
        "symbolic": {
            "nodes": {n.name: str(n.expr) for n in graph.nodes if not n.is_leaf},
            "gradients": {n.name: str(derivation.gradient(n.name)) for n in graph.nodes},
            "chains": {p: solution.chain(p) for p in graph.params + graph.inputs},
            "locals": locals_,
            "latex": {
                "names": {n.name: name_latex(n.name) for n in graph.nodes},
                "nodes": {n.name: latex(n.expr) for n in graph.nodes if not n.is_leaf},
                "gradients": {n.name: latex(derivation.gradient(n.name)) for n in graph.nodes},
            },
        },
        "exact": {"values": _exact(numbers.values), "gradients": _exact(numbers.gradients)},
        "assumptions": list(derivation.assumptions),
        "conventions": {"relu_at_zero": number(graph.conventions.relu_at_zero)},
        "notes": list(derivation.notes),
        "gradient_check": {
            "method": f"mpmath central differences at {numbers.precision} digits",
            "max_relative_error": worst,
            "agrees": worst <= CHECK_TOLERANCE,  # False at a kink (ReLU at 0, step) or a bug: look closer
            "leaves": {p: {"finite_difference": float(c.numeric), "relative_error": c.relative_error}
                           for p, c in checks.items()},
        },
    }


def _line_json(line: "Line") -> dict:
    return {"expr": sp.sstr(line.expr, order="none"), "latex": latex(line.expr, order="none"),
            "reason": line.reason, "assumed": line.assumed}


def identity_json(identity: "Identity") -> dict:
    """The JSON document of a checked identity derivation (``symback identity NAME -o DIR``)."""
    return {
        "name": identity.name, "title": identity.title, "conclusion": identity.conclusion,
        "assumptions": list(identity.assumptions), "remarks": list(identity.remarks),
        "routes": [{"title": r.title, "lines": [_line_json(l) for l in r.lines]} for r in identity.all_routes],
        "wrong": {"lines": [_line_json(l) for l in identity.wrong], "explanation": identity.wrong_explanation,
                  "counterexample": {s.name: str(v) for s, v in identity.counterexample}} if identity.wrong else None,
    }


def identity_text(identity: "Identity") -> str:
    """A derivation as plain text: one line per step, each with its reason."""
    out = [identity.title, ""]
    for route in identity.all_routes:
        if route.title:
            out.append(f"[{route.title}]")
        for i, line in enumerate(route.lines):
            prefix = "  " if i == 0 else "  = "
            reason = f"    ({line.reason}{', assumed' if line.assumed else ''})" if line.reason else ""
            out.append(f"{prefix}{sp.sstr(line.expr, order='none')}{reason}")
        out.append("")
    if identity.wrong:
        out.append("[tempting but wrong]")
        out += [f"  {'=' if i else ' '} {sp.sstr(l.expr, order='none')}    ({l.reason})" for i, l in enumerate(identity.wrong)]
        out += [f"  {identity.wrong_explanation}", ""]
    out += [f"Result: {identity.conclusion}"] + [f"Assumption: {a}" for a in identity.assumptions] + list(identity.remarks)
    return "\n".join(out) + "\n"


_MARKDOWN_SPECIALS = {c: "\\" + c for c in "\\`*_[]<>#|$"}


def escape_markdown(text: str) -> str:
    """User text made inert in Markdown (and in the KaTeX math delimiters ``$``)."""
    return "".join(_MARKDOWN_SPECIALS.get(c, c) for c in text)


_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "\n": " "}


def escape_mermaid(text: str) -> str:
    """Text made inert inside a quoted Mermaid label (entity codes; no Markdown escaping in a code block)."""
    return "".join(_MERMAID.get(c, c) for c in text)


def environment(kind: str, templates: "str | None" = None):
    """The Jinja2 environment for ``kind`` ("md" or "tex"): user templates first, strict, escaping by default."""
    import jinja2
    from .document import TEMPLATES_DIR
    from .printing import Tex, escape_latex

    escape = {"md": escape_markdown, "tex": escape_latex}[kind]
    paths = ([str(templates)] if templates else []) + [str(TEMPLATES_DIR)]

    def finalize(value):
        if isinstance(value, Tex):
            return value
        return escape(value) if isinstance(value, str) else value

    delimiters = dict(block_start_string="((*", block_end_string="*))", variable_start_string="(((",
                      variable_end_string=")))", comment_start_string="((#", comment_end_string="#))") \
        if kind == "tex" else {}  # TeX braces never collide with ((( )))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), undefined=jinja2.StrictUndefined,
                             finalize=finalize, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, autoescape=False, **delimiters)
    env.filters["mermaid"] = lambda text: Tex(escape_mermaid(str(text)))  # escaped here, so trusted
    return env


def render_document(doc, kind: str, templates: "str | None" = None) -> str:
    """A built document (its class attribute ``TEMPLATE`` names the template; default "solution") as Markdown (``kind="md"``) or LaTeX ("tex")."""
    name = getattr(doc, "TEMPLATE", "solution")  # each document class names its template stem
    return environment(kind, templates).get_template(f"{name}.{kind}.j2").render(doc=doc, t=doc.t)


def render_markdown(solution: "WorkedSolution", lang: str = "en", digits: int = 4, templates: "str | None" = None) -> str:
    """The worked solution of ``solution`` as Markdown (math for KaTeX/MathJax), in ``lang``."""
    return render_document(solution.document(lang, digits), "md", templates)


def render_latex(solution: "WorkedSolution", lang: str = "en", digits: int = 4, templates: "str | None" = None) -> str:
    """The worked solution of ``solution`` as a LaTeX document (pdflatex; kotex for Korean)."""
    return render_document(solution.document(lang, digits), "tex", templates)


class WorkedSolution:
    """What every solved problem offers, built on its document model ``document(lang, digits)``.

    A graph or network :class:`symback.api.Solution` and a :class:`symback.regression.RegressionSolution`
    differ in their model and template, not in how it becomes Markdown, LaTeX or a PDF.
    """

    def document(self, lang: str = "en", digits: int = 4):
        """The printable model of the worked solution (its class names its template)."""
        raise NotImplementedError

    @property
    def title(self) -> str:
        return self.spec.title or Path(self.spec.source).stem

    def markdown(self, lang: str = "en", digits: int = 4) -> str:
        """The worked solution as Markdown (KaTeX/MathJax math) in ``lang`` ("en" or "ko")."""
        return render_markdown(self, lang, digits)

    def latex(self, lang: str = "en", digits: int = 4) -> str:
        """The worked solution as a LaTeX document (pdflatex; kotex for Korean)."""
        return render_latex(self, lang, digits)

    def pdf(self, path: "str | Path", lang: str = "en", digits: int = 4, timeout: float = 60) -> Path:
        """Write the worked solution as a PDF to ``path`` (sandboxed pdflatex) and return the path."""
        from .pdf import compile_pdf

        return compile_pdf(self.latex(lang, digits), Path(path), timeout=timeout)

    def _repr_markdown_(self) -> str:  # Jupyter shows a solved problem as its worked solution
        return self.markdown()


def render_identity(identity: "Identity", kind: str, lang: str = "en", templates: "str | None" = None) -> str:
    """A checked identity derivation as Markdown (``kind="md"``) or LaTeX (``kind="tex"``)."""
    from .document import build_identity_document

    return render_document(build_identity_document(identity, lang), kind, templates)
