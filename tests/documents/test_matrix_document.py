"""matrix_document: the layer-level worked solution: matrices with their shapes, every section, both languages
with the same mathematics, the PDF."""
import re

import pytest

import symback
from symback.cli import main
from symback.documents.catalogue import messages
from symback.documents.matrix_document import build_matrix_document
from symback.documents.render import render_document


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_document_shows_matrices_shapes_and_every_section(lang):
    solution = symback.solve(symback.load_example("affine_233"))
    md = render_document(build_matrix_document(solution, lang), "md")
    t = messages(lang)
    assert r"\underset{1 \times 2}{X} \, \underset{2 \times 3}{W^{(1)}} + \underset{1 \times 3}{b^{(1)}}" in md
    assert r"\begin{bmatrix} 0.6 & -0.2 \end{bmatrix}" in md and r"\odot" in md
    for key in ("matrix.minibatch", "matrix.bp_title", "matrix.consistency", "matrix.consistent"):
        assert t[key] in md, key
    for label in ("BP1", "BP2", "BP3", "BP4"):
        assert f"**{label}**" in md
    dW1 = solution.matrix().numpy()["W1"]
    assert f"{dW1[0, 0]:.4g}" in md


def test_languages_share_the_mathematics():
    solution = symback.solve(symback.load_example("mazur_222"))
    blocks = lambda text: [re.sub(r"\\text\{\(.*?\)\}", "", b) for b in re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S)]
    for convention in ("row", "column"):
        en, ko = (render_document(build_matrix_document(solution, lang, convention=convention), "md") for lang in ("en", "ko"))
        assert blocks(en) == blocks(ko) and len(blocks(en)) > 5


@pytest.mark.needs("pdflatex", "pdftotext")
def test_matrix_pdf(tmp_path, capsys):
    import subprocess
    assert main(["derive", "--example", "affine_233", "--view", "matrix", "--format", "pdf", "--lang", "ko",
                 "-o", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["affine_233.matrix.ko.pdf"]
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "affine_233.matrix.ko.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = lambda s: re.sub(r"[\W_]+", "", s)  # pdftotext moves Korean punctuation and breaks lines
    t, flat = messages("ko"), words(text)
    for key in ("matrix.consistency", "matrix.minibatch", "matrix.bp_title", "matrix.consistent"):
        assert words(t[key]) in flat, key
    dW2 = symback.solve(symback.load_example("affine_233")).matrix().numpy()["W2"]
    assert f"{dW2[0, 0]:.4g}".lstrip("-") in text
