"""render: one Jinja2 environment per (kind, directory), its compiled templates kept; user templates reload;
the templates: one base, macros for repeated blocks, a user's templates first."""
import inspect
import os
import re
import time
import xml.etree.ElementTree as ET

import mpmath
import pytest
from jinja2 import nodes

from symback.api import RegressionSolution, Solution, SymbackError
from symback.documents import render
from symback.documents.catalogue import TEMPLATES_DIR
from symback.documents.exercise_document import ExerciseDocument
from symback.documents.identity_document import IdentityDocument
from symback.documents.layers_matrix_document import LayersMatrixDocument
from symback.documents.matrix_document import MatrixDocument, build_matrix_document
from symback.documents.regression_document import RegressionDocument
from symback.documents.render import WorkedSolution
from symback.documents.solution_document import Document
from symback.documents.tex import Tex
from symback.documents.verify_document import VerifyDocument


def test_the_built_in_environment_is_built_once_and_compiles_each_template_once(solved):
    doc = solved("neuron").document()
    render._environment.cache_clear()
    first = render.render_document(doc, "md")
    env = render.environment("md")
    compiled = env.get_template("solution.md.j2")
    assert render.render_document(doc, "md") == first
    assert render.environment("md") is env and env.get_template("solution.md.j2") is compiled
    assert render.environment("tex") is not env


def test_a_changed_user_template_is_read_again(tmp_path, solved, monkeypatch):
    """A kept environment must not serve a stale user template (a notebook edits it between renders)."""
    doc = solved("neuron").document()
    template = tmp_path / "solution.md.j2"
    template.write_text("first {{ doc.title }}\n", encoding="utf-8")
    assert render.render_document(doc, "md", str(tmp_path)).startswith("first")
    template.write_text("second {{ doc.title }}\n", encoding="utf-8")
    later = time.time() + 5  # a new modification time, whatever the file system's resolution
    os.utime(template, (later, later))
    assert render.render_document(doc, "md", str(tmp_path)).startswith("second")
    monkeypatch.chdir(tmp_path)  # a relative directory names the same templates as its absolute path
    assert render.environment("md", ".") is render.environment("md", str(tmp_path))


def test_a_missing_template_directory_is_still_refused_every_time(tmp_path):
    with pytest.raises(render.SymbackError, match="no such directory"):
        render.environment("md", str(tmp_path / "nowhere"))


KINDS = ("md", "tex")
#: every document model's template (a Document names none: "solution")
DOCUMENTS = {getattr(cls, "TEMPLATE", "solution") for cls in
             (Document, MatrixDocument, LayersMatrixDocument, RegressionDocument, IdentityDocument, VerifyDocument,
              ExerciseDocument)}


def parsed(kind):
    env = render.environment(kind)
    return {p.name: env.parse(p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES_DIR.glob(f"*.{kind}.j2"))}


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_template_extends_the_base_and_every_other_template_is_a_part(kind):
    trees = parsed(kind)
    base = f"base.{kind}.j2"
    extending = {name for name, tree in trees.items()
                 if [node.template.value for node in tree.find_all(nodes.Extends)] == [base]}
    included = {node.template.value for tree in trees.values() for node in tree.find_all(nodes.Include)}
    imported = {node.template.value for tree in trees.values() for node in tree.find_all((nodes.Import, nodes.FromImport))}
    assert {f"{name}.{kind}.j2" for name in DOCUMENTS} == extending
    assert imported == {f"macros.{kind}.j2"} and extending.isdisjoint(included)
    assert set(trees) == extending | included | imported | {base}, "a template nothing extends, includes or imports"


PREAMBLE = re.compile(r"\\(documentclass|usepackage|usetikzlibrary|DeclareUnicodeCharacter|pgfplotsset|allowdisplaybreaks"
                      r"|setlength|date|maketitle|begin\{document\}|end\{document\})(?![A-Za-z])")


def test_the_preamble_is_in_the_base_alone():
    where = {}
    for path in TEMPLATES_DIR.glob("*.tex.j2"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if PREAMBLE.match(line.strip()):
                where.setdefault(line.strip(), set()).add(path.name)
    assert r"\usepackage{lmodern}" in where and r"\begin{document}" in where  # the pattern sees the preamble
    assert {name for names in where.values() for name in names} == {"base.tex.j2"}, where


#: the aligned-lines loop as each solution template wrote it nine times (the pattern must find it)
ALIGNED_LOOP = {"tex": re.compile(r"\(\(\* for (\w+) in [^\n]*\*\)\)\n\(\(\( \1 \)\)\)[^\n]*\\\\"),
                "md": re.compile(r"\{% for (\w+) in [^\n]*%\}\n\{\{ \1 \}\}[^\n]*\\\\")}
WRITTEN_OUT = {"tex": "\\begin{align*}\n((* for line in doc.lines.loss *))\n((( line ))) \\\\\n((* endfor *))\n\\end{align*}\n",
               "md": "$$\n\\begin{aligned}\n{% for line in doc.lines.loss -%}\n{{ line }} \\\\\n{% endfor -%}\n"
                     "\\end{aligned}\n$$\n"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_aligned_lines_loop_is_one_macro(kind):
    assert ALIGNED_LOOP[kind].search(WRITTEN_OUT[kind])
    for path in TEMPLATES_DIR.glob(f"*.{kind}.j2"):
        assert not ALIGNED_LOOP[kind].search(path.read_text(encoding="utf-8")), f"{path.name}: use m.display"
    body = (TEMPLATES_DIR / f"solution_body.{kind}.j2").read_text(encoding="utf-8")
    assert body.count("m.display(") == 16 and "align" not in body


def test_the_display_macro_ends_each_line_or_all_but_the_last():
    show = render.environment("tex").from_string('((* import "macros.tex.j2" as m *))((( m.display(lines, last) )))')
    lines = [Tex("a &= 1"), Tex("b &= 2")]
    assert show.render(lines=lines, last=True) == "\\begin{align*}\na &= 1 \\\\\nb &= 2 \\\\\n\\end{align*}"
    assert show.render(lines=lines, last=False) == "\\begin{align*}\na &= 1 \\\\\nb &= 2\n\\end{align*}"


def test_every_worked_solution_offers_one_document_signature(solved):
    signatures = {tuple((p.name, p.default) for p in inspect.signature(cls.document).parameters.values())
                  for cls in (WorkedSolution, Solution, RegressionSolution)}
    assert signatures == {(("self", inspect.Parameter.empty), ("lang", "en"), ("digits", 4), ("detail", None),
                          ("gradients_of", "parameters"))}
    with pytest.raises(SymbackError, match="a regression spec has no 'compact' document"):
        solved("regression").document("en", 4, "compact")
    with pytest.raises(SymbackError, match="--gradients-of: a regression spec shows the gradients of its coefficients"):
        solved("regression").document("en", 4, gradients_of="inputs")


def test_the_base_loads_what_the_model_draws(solved):
    full, compact = (render.render_document(solved("neuron").document(detail=d), "tex") for d in ("full", "compact"))
    assert r"\usepackage{tikz}" in full and r"\begin{tikzpicture}" in full
    assert r"\usepackage{tikz}" not in compact and r"\begin{tikzpicture}" not in compact
    assert r"\usepackage{pgfplots}" not in full and not solved("neuron").document().plots


def test_a_user_solution_template_without_the_base_still_renders(tmp_path, solved):
    """Written as the built-in one was before the base: its own preamble, the diagram and efficiency parts included."""
    (tmp_path / "solution.tex.j2").write_text(
        "\\documentclass{article}\n\\usepackage{tikz,booktabs,longtable,needspace}\n\\begin{document}\nmine: ((( doc.title )))\n"
        '((* include "diagram.tex.j2" *))\n((* include "efficiency.tex.j2" *))\n\\end{document}\n', encoding="utf-8")
    doc = solved("mazur_222").document(detail="full")
    tex = render.render_document(doc, "tex", str(tmp_path))
    assert tex.startswith("\\documentclass{article}\n\\usepackage{tikz,") and tex.count("\\documentclass") == 1
    assert r"\begin{tikzpicture}" in tex and "\\section*{" + doc.t["efficiency.title"] + "}" in tex
    assert render.render_document(doc, "tex") != tex  # the built-in one is still there for everyone else


def test_a_user_base_frames_every_document(tmp_path, solved):
    (tmp_path / "base.tex.j2").write_text("% my frame\n((* block body *))((* endblock *))% end\n", encoding="utf-8")
    for doc in (solved("neuron").document(), build_matrix_document(solved("mazur_222"))):
        tex = render.render_document(doc, "tex", str(tmp_path))
        assert tex.startswith("% my frame\n") and tex.endswith("% end\n") and "\\documentclass" not in tex


def test_a_user_template_runs_in_the_sandbox(tmp_path, solved):
    (tmp_path / "solution.md.j2").write_text("{{ doc.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(SymbackError, match="template error: .*unsafe"):
        render.render_document(solved("neuron").document(), "md", str(tmp_path))


def test_a_notebook_draws_the_figure_as_svg_and_shows_the_rest_as_the_markdown(solved):
    solution = solved("mazur_222")
    shown, markdown = solution._repr_markdown_(), solution.markdown()
    assert "```mermaid" in markdown and "```mermaid" not in shown
    start, end = shown.index("\n\n<svg") + 2, shown.index("</svg>") + len("</svg>")
    before, after = markdown.split("```mermaid")[0], markdown.split("```\n", 1)[1]
    assert shown[:start] == before + "\n" and shown[end:].lstrip("\n") == after.lstrip("\n")
    svg = ET.fromstring(shown[start:end])
    words = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    mpmath.mp.dps = 30  # a1_1 = σ(0.15·0.05 + 0.2·0.1 + 0.35), at the document's 4 digits
    assert mpmath.nstr(1 / (1 + mpmath.exp(-mpmath.mpf("0.3775"))), 4) == "0.5933" and "0.5933" in words


def test_a_regression_renders_in_a_notebook_as_its_markdown(solved):
    solution = solved("regression")
    assert solution._repr_markdown_() == solution.markdown() and "<svg" not in solution._repr_markdown_()
