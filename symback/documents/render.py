"""The Jinja2 environment and one render function per output kind (Markdown, LaTeX; PDF via :mod:`.pdf`)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from symback.documents.catalogue import TEMPLATES_DIR
from symback.documents.pdf import compile_pdf
from symback.documents.svg_diagram import diagram_svg
from symback.documents.template_cache import bytecode_cache
from symback.documents.tex import Tex, escape_latex, escape_markdown
from symback.engine.errors import SymbackError

#: characters beyond the minus sign that a document's text may hold and inputenc does not know, as math:
#: a LaTeX template names the ones it needs (``characters``) and base.tex.j2 declares them (code point, command)
UNICODE_MATH = MappingProxyType({char: (f"{ord(char):04X}", Tex(command)) for char, command in {
    "δ": r"\delta", "∂": r"\partial", "σ": r"\sigma", "⊙": r"\odot", "β": r"\beta", "η": r"\eta",
    "ᵀ": r"^{\top}", "⁻": r"^{-}", "¹": r"^{1}"}.items()})
#: the heading levels (level, sublevel) of a document's sections and of theirs, under its title: what the
#: partials (solution_body, efficiency, conv) use unless the including template sets its own (an answer key)
HEADING_LEVELS = MappingProxyType({"md": (2, 3), "tex": (1, 2), "html": (2, 3)})
#: how a Markdown document draws its figure: as a Mermaid block (a file, a renderer that knows Mermaid) or as
#: inline SVG (a notebook, a web page: drawn offline, every label at its place)
FIGURES = ("mermaid", "svg")
_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "\n": " "}


def escape_mermaid(text: str) -> str:
    """Text made inert inside a quoted Mermaid label (entity codes; no Markdown escaping in a code block)."""
    return "".join(_MERMAID.get(c, c) for c in text)


def check_templates(templates: "str | None") -> None:
    """Refuse a user template directory that does not exist (before any work)."""
    if templates is not None and not Path(templates).is_dir():
        raise SymbackError(f"--templates {templates}", "no such directory",
                           "name a directory holding your templates (e.g. solution.md.j2), or leave out --templates")


def environment(kind: str, templates: "str | None" = None):
    """The Jinja2 environment for ``kind`` ("md", "tex" or "html"): user templates first, strict, escaping by default.

    With user templates the environment is Jinja2's ``SandboxedEnvironment``: a template can
    arrange the document model's data but not reach Python's internals (``__class__``, ``__globals__``).
    One environment is kept per (kind, directory), and with it every template it has compiled: the
    gallery renders 220 documents from a handful of templates, and compiling them again for each
    took half its time. (Jinja2 reloads a template whose file has changed since.) The built-in
    templates' compiled code is also kept between runs (:mod:`.template_cache`).
    """
    check_templates(templates)
    return _environment(kind, None if templates is None else str(Path(templates).resolve()))


@lru_cache(maxsize=16)
def _environment(kind: str, templates: "str | None"):
    escape = {"md": escape_markdown, "tex": escape_latex, "html": None}[kind]
    paths = ([str(templates)] if templates else []) + [str(TEMPLATES_DIR)]

    def finalize(value):
        if isinstance(value, Tex):
            return value
        return escape(value) if isinstance(value, str) else value

    delimiters = dict(block_start_string="((*", block_end_string="*))", variable_start_string="(((",
                      variable_end_string=")))", comment_start_string="((#", comment_end_string="#))") \
        if kind == "tex" else {}  # TeX braces never collide with ((( )))
    import jinja2.sandbox  # lazy: start-up time (a json-only job never renders a template)
    from symback.documents.macro_context import MacroContext  # lazy: start-up time (it imports jinja2)

    kind_of_env = jinja2.sandbox.SandboxedEnvironment if templates else jinja2.Environment
    env = kind_of_env(loader=jinja2.FileSystemLoader(paths), undefined=jinja2.StrictUndefined,
                             finalize=finalize if escape else None, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, autoescape=escape is None,  # HTML: Jinja2's own escaping
                             bytecode_cache=None if templates else bytecode_cache(), **delimiters)
    env.context_class = MacroContext  # a macro's output is template text, its values escaped inside it
    env.filters["mermaid"] = lambda text: Tex(escape_mermaid(str(text)))  # escaped here, so trusted
    env.filters["svg"] = lambda diagram: Tex(diagram_svg(diagram))  # built by ElementTree, so escaped and trusted
    env.globals["figures"] = FIGURES[0]
    env.globals["unicode_math"] = UNICODE_MATH
    env.globals["level"], env.globals["sublevel"] = HEADING_LEVELS[kind]
    return env


def render_document(doc, kind: str, templates: "str | None" = None, figures: str = FIGURES[0]) -> str:
    """A built document (its class attribute ``TEMPLATE`` names the template; default "solution") as Markdown
    (``kind="md"``) or LaTeX ("tex"); a Markdown figure as ``figures`` says (one of :data:`FIGURES`)."""
    import jinja2  # lazy: start-up time (a json-only job never renders a template)

    name = getattr(doc, "TEMPLATE", "solution")  # each document class names its template stem
    if not templates:
        return _korean_fonts(environment(kind).get_template(f"{name}.{kind}.j2").render(doc=doc, t=doc.t,
                                                                                       figures=figures), kind)
    try:
        return _korean_fonts(environment(kind, templates).get_template(f"{name}.{kind}.j2").render(
            doc=doc, t=doc.t, figures=figures), kind)
    except jinja2.TemplateSyntaxError as exc:
        raise SymbackError(f"{exc.filename or exc.name}: line {exc.lineno}", f"template syntax error: {exc.message}",
                           "fix the template (see README 'Documents and templates')") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:  # raised while rendering
        raise SymbackError(_template_place(exc, templates), f"template error: {exc}",
                           "fix the template (it may use only the document model's data)") from None


_HANGUL_CJK = re.compile("[\u1100-\u11ff\u3130-\u318f\u3000-\u303f\u4e00-\u9fff\uac00-\ud7af]")


def _korean_fonts(text: str, kind: str) -> str:
    """A LaTeX document with Korean or CJK text (a title in an English document) gets kotex's fonts."""
    if kind != "tex" or "{kotex}" in text or not _HANGUL_CJK.search(text) or "\\begin{document}" not in text:
        return text
    return text.replace("\\begin{document}", "\\usepackage{kotex}\n\\begin{document}", 1)


def _template_place(exc: BaseException, templates: str) -> str:
    """``file: line N`` of the innermost user-template frame of ``exc``'s traceback, or the directory."""
    place = f"--templates {templates}"
    folder = str(Path(templates).resolve())
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.startswith(folder) or filename.startswith(str(templates)):
            place = f"{filename}: line {trace.tb_lineno}"
        trace = trace.tb_next
    return place


def render_markdown(solution: "WorkedSolution", lang: str = "en", digits: int = 4, templates: "str | None" = None,
                    detail: str | None = None) -> str:
    """The worked solution of ``solution`` as Markdown (math for KaTeX/MathJax), in ``lang``."""
    return render_document(solution.document(lang, digits, detail=detail), "md", templates)


def render_latex(solution: "WorkedSolution", lang: str = "en", digits: int = 4, templates: "str | None" = None,
                 detail: str | None = None) -> str:
    """The worked solution of ``solution`` as a LaTeX document (pdflatex; kotex for Korean)."""
    return render_document(solution.document(lang, digits, detail=detail), "tex", templates)


#: a worked solution's levels of detail (--detail): every step; a dense network layer by layer (its default);
#: the answer key
DETAILS = ("full", "standard", "compact")
#: whose gradients the backward pass of a network shows (--gradients-of): its parameters and hidden nodes, or
#: the inputs and targets too
GRADIENTS_OF = ("parameters", "inputs")


class WorkedSolution:
    """What every solved problem offers, built on its document model ``document(lang, digits)``.

    A graph or network :class:`symback.Solution` and a :class:`symback.RegressionSolution`
    differ in their model and template, not in how it becomes Markdown, LaTeX or a PDF.
    """

    def document(self, lang: str = "en", digits: int = 4, detail: str | None = None,
                 gradients_of: str = "parameters"):
        """The printable model of the worked solution (its class names its template).

        ``detail``: one of :data:`DETAILS`, "full" (every step), "standard" (a dense network layer by
        layer) or "compact" (the answer key), where the document offers it; None: the problem's own.
        ``gradients_of``: one of :data:`GRADIENTS_OF`; "inputs" also shows a network's inputs' and targets'.
        """
        raise NotImplementedError

    def markdown(self, lang: str = "en", digits: int = 4, detail: str | None = None) -> str:
        """The worked solution as Markdown (KaTeX/MathJax math) in ``lang`` ("en" or "ko")."""
        return render_markdown(self, lang, digits, detail=detail)

    def latex(self, lang: str = "en", digits: int = 4, detail: str | None = None) -> str:
        """The worked solution as a LaTeX document (pdflatex; kotex for Korean)."""
        return render_latex(self, lang, digits, detail=detail)

    def pdf(self, path: "str | Path", lang: str = "en", digits: int = 4, timeout: float | None = None,
            detail: str | None = None) -> Path:
        """Write the worked solution as a PDF to ``path`` (sandboxed pdflatex) and return the path."""
        return compile_pdf(self.latex(lang, digits, detail=detail), Path(path), timeout=timeout)

    def _repr_markdown_(self) -> str:
        """Jupyter shows a solved problem as its worked solution, its figure as inline SVG (Mermaid is not drawn there)."""
        return render_document(self.document(), "md", figures="svg")
