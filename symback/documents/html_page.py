r"""A worked solution as one self-contained web page: ``derive --format html``.

The page is the worked solution node by node (the Document at ``detail="full"``: the same LaTeX as the
Markdown's), its figure as inline SVG (:mod:`.svg_diagram`), and the backward pass revealed one node at a
time (the ``Next`` and ``Previous`` buttons, or the arrow keys), the node being worked on highlighted in the
figure. Before revealing a node a student can check their gradient for it in an answer box, judged in the
browser by ``judge.js``: the rule of :mod:`symback.checking.acceptance` (``grade``) written again in
JavaScript, exactly (BigInt decimals), and tested against it on a table of cases.

The math is typeset by KaTeX, inlined whole: its JavaScript, its CSS and its fonts (woff2 only, as
``data:`` URLs), so the page opens offline and fetches nothing. KaTeX comes from its npm package when the
page is built (``npm install katex@0.16``: the directory ``$SYMBACK_KATEX``, else ``node_modules/katex``
under the current directory); its MIT licence is copied into the page. The template
(``solution.html.j2``) arranges; everything it prints is computed here, the page's data as JSON.
"""
from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from markupsafe import Markup

from symback.documents.backward import BackRow
from symback.documents.catalogue import TEMPLATES_DIR
from symback.documents.render import render_document
from symback.documents.solution_document import Document
from symback.documents.svg_diagram import diagram_svg
from symback.engine.errors import SymbackError
from symback.engine.vary import round_answer

KATEX_VARIABLE = "SYMBACK_KATEX"  #: the environment variable naming a katex npm package directory
KATEX_FIX = ("install KaTeX for the page: npm install katex@0.16 (here), or set SYMBACK_KATEX to a katex "
             "package directory")
FIGURE_PREFIX = "fig"  #: the ids of the figure's nodes: fig-node-0, ...
_FONT_FACE_SOURCE = re.compile(r"src:url\((fonts/[\w-]+\.woff2)\) format\(\"woff2\"\)[^;}]*")


@dataclass(frozen=True)
class Katex:
    """KaTeX ready to inline: its CSS with its woff2 fonts as data URLs, its JavaScript and its licence."""

    css: str
    js: str
    licence: str
    version: str


@dataclass(frozen=True)
class PageStep:
    """A node of the backward pass: its rows of the worked solution and where the figure draws it (None: not drawn)."""

    row: BackRow
    figure: str | None


@dataclass(frozen=True)
class HtmlPage:
    """What solution.html.j2 prints: the worked solution, its figure, its steps, the page's data and its scripts."""

    document: Document
    t: Mapping[str, str]
    lang: str
    figure: Markup
    steps: tuple[PageStep, ...]
    data: Markup              #: JSON for page.js: digits, the answer key of every step, the messages
    katex: Katex
    scripts: Markup           #: judge.js and page.js
    how: str                  #: the sentence that says how to use the page

    TEMPLATE = "solution"


def katex_directory(environ: Mapping[str, str] | None = None, here: Path | None = None) -> Path:
    """The katex npm package to inline: ``$SYMBACK_KATEX``, else ``node_modules/katex`` of the current
    directory; a one-line error naming the fix where neither holds KaTeX's built files."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(KATEX_VARIABLE)
    directory = Path(chosen) if chosen else (here or Path.cwd()) / "node_modules" / "katex"
    if not (directory / "dist" / "katex.min.js").is_file() or not (directory / "dist" / "katex.min.css").is_file():
        where = f"{KATEX_VARIABLE}={chosen}" if chosen else "--format html"
        raise SymbackError(where, f"KaTeX not found in {directory}", KATEX_FIX)
    return directory


@lru_cache(maxsize=4)
def load_katex(directory: Path) -> Katex:
    """KaTeX's files from its package directory, its fonts inlined (woff2 only: every browser that runs
    KaTeX reads it, and the page stays small)."""
    dist = directory / "dist"

    def inline(match: re.Match) -> str:
        font = base64.b64encode((dist / match.group(1)).read_bytes()).decode("ascii")
        return f'src:url(data:font/woff2;base64,{font}) format("woff2")'

    css = _FONT_FACE_SOURCE.sub(inline, (dist / "katex.min.css").read_text(encoding="utf-8"))
    if "url(fonts/" in css:
        raise SymbackError(str(dist / "katex.min.css"), "a font without a woff2 file",
                           "reinstall KaTeX 0.16 (npm install katex@0.16)")
    licence = (directory / "LICENSE").read_text(encoding="utf-8") if (directory / "LICENSE").is_file() else "MIT"
    version = json.loads((directory / "package.json").read_text(encoding="utf-8")).get("version", "")
    return Katex(css, (dist / "katex.min.js").read_text(encoding="utf-8"), licence.replace("*/", "* /"), version)


def build_page(solution, lang: str = "en", digits: int = 4, katex: Katex | None = None) -> HtmlPage:
    """The page of a graph or network ``solution`` in ``lang``, numbers to ``digits`` significant digits."""
    doc = solution.document(lang, digits, detail="full")
    if not isinstance(doc, Document):
        raise SymbackError("--format html", "a regression has no page that steps through a backward pass",
                           "use --format md or pdf for a regression")
    t = doc.t
    where = _figure_places(doc)
    steps = tuple(PageStep(row, where.get(row.node)) for row in doc.backward)
    gradients = solution.numbers.gradients
    data = {"digits": digits, "steps": [_step_data(step, gradients[step.row.node], digits) for step in steps],
            "messages": {key: t[f"page.{key}"] for key in ("correct", "wrong", "not_a_number", "decimal_comma",
                                                             "blank", "progress")}
            | {"too_few_digits": t["page.too_few_digits"].format(digits=digits)}}
    scripts = "\n".join((TEMPLATES_DIR / name).read_text(encoding="utf-8") for name in ("judge.js", "page.js"))
    return HtmlPage(doc, t, lang, Markup(diagram_svg(doc.diagram, FIGURE_PREFIX)) if doc.diagram else Markup(""),
                    steps, Markup(_script_json(data)), katex or load_katex(katex_directory()),
                    Markup(scripts.replace("</", "<\\/")), t["page.how"].format(digits=digits))


def render_page(solution, lang: str = "en", digits: int = 4, templates: str | None = None,
                katex: Katex | None = None) -> str:
    """The page of ``solution`` as one HTML file (:func:`build_page`; ``templates``: a user's, searched first)."""
    return render_document(build_page(solution, lang, digits, katex), "html", templates)


def _figure_places(doc: Document) -> dict[str, str]:
    """The id of the figure's node that draws each graph node (a neuron draws its a and its z)."""
    if doc.diagram is None:
        return {}
    return {name: f"{FIGURE_PREFIX}-node-{i}" for i, node in enumerate(doc.diagram.nodes)
            for name in (node.stands_for or (node.name,))}


def _step_data(step: PageStep, gradient, digits: int) -> dict:
    """What page.js needs of a step: where the figure draws it and its answer key, rounded as ``grade`` rounds."""
    key = round_answer(gradient, digits)
    return {"node": step.row.node, "figure": step.figure,
            "key": {"negative": key.negative, "digits": key.digits, "exponent": key.exponent}}


def _script_json(data: dict) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
