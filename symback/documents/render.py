"""The Jinja2 environment and one render function per output kind (Markdown, LaTeX; PDF via :mod:`.pdf`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from symback.documents.catalogue import TEMPLATES_DIR
from symback.documents.identity_document import build_identity_document
from symback.documents.pdf import compile_pdf
from symback.documents.tex import Tex, escape_latex

if TYPE_CHECKING:
    from symback.checking.chain import Identity


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

    A graph or network :class:`symback.Solution` and a :class:`symback.RegressionSolution`
    differ in their model and template, not in how it becomes Markdown, LaTeX or a PDF.
    """

    def document(self, lang: str = "en", digits: int = 4):
        """The printable model of the worked solution (its class names its template)."""
        raise NotImplementedError

    def markdown(self, lang: str = "en", digits: int = 4) -> str:
        """The worked solution as Markdown (KaTeX/MathJax math) in ``lang`` ("en" or "ko")."""
        return render_markdown(self, lang, digits)

    def latex(self, lang: str = "en", digits: int = 4) -> str:
        """The worked solution as a LaTeX document (pdflatex; kotex for Korean)."""
        return render_latex(self, lang, digits)

    def pdf(self, path: "str | Path", lang: str = "en", digits: int = 4, timeout: float = 60) -> Path:
        """Write the worked solution as a PDF to ``path`` (sandboxed pdflatex) and return the path."""
        return compile_pdf(self.latex(lang, digits), Path(path), timeout=timeout)

    def _repr_markdown_(self) -> str:  # Jupyter shows a solved problem as its worked solution
        return self.markdown()


def render_identity(identity: "Identity", kind: str, lang: str = "en", templates: "str | None" = None) -> str:
    """A checked identity derivation as Markdown (``kind="md"``) or LaTeX (``kind="tex"``)."""
    return render_document(build_identity_document(identity, lang), kind, templates)
