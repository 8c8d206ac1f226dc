"""The matrix-view document of layers-list networks: each layer kind's forward formula and backward identity with
the numbers of the layer-level form, in both conventions and languages, and through ``symback derive --view matrix``."""
from __future__ import annotations

import json

import pytest

import symback
from symback.cli import main
from symback.documents.layers_matrix_document import build_layers_matrix_document
from symback.documents.render import render_document
from symback.documents.tex import format_number

EXAMPLES = ("batchnorm", "layernorm", "dropout", "hinge", "adam")


@pytest.fixture(scope="module")
def solved():
    cache = {}

    def solve(name):
        if name not in cache:
            cache[name] = symback.solve(symback.load_example(name))
        return cache[name]
    return solve


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("convention", ["row", "column"])
def test_every_layer_has_its_forward_and_backward_section(solved, name, convention):
    solution = solved(name)
    doc = build_layers_matrix_document(solution, solution.matrix(convention))
    layers = solution.spec.network.layers
    assert [s.heading for s in doc.forward] == [f"Layer {l} ({getattr(k, 'name', k.kind)})" for l, k in enumerate(layers, 1)]
    assert [s.heading for s in doc.backward] == [s.heading for s in reversed(doc.forward)]
    assert doc.consistent and all(error for *_, error in doc.consistency)
    md, tex = (render_document(doc, kind) for kind in ("md", "tex"))
    assert "Every entry agrees." in md and "Every entry agrees." in tex


def test_the_identities_are_written_in_the_convention_order(solved):
    solution = solved("batchnorm")
    row = render_document(build_layers_matrix_document(solution, solution.matrix("row")), "md")
    column = render_document(build_layers_matrix_document(solution, solution.matrix("column")), "md")
    assert r"= {X}^{\top} \frac{\partial L}{\partial A^{(1)}}" in row
    assert r"= \frac{\partial L}{\partial A^{(1)}} {X}^{\top}" in column
    assert r"= {W^{(1)}}^{\top} \frac{\partial L}{\partial A^{(1)}}" in column
    for text in (row, column):  # batch normalisation's compact identity, its g, the sums over the batch of γ and β
        assert r"N g - \sum g - \hat{X} \odot \sum g \odot \hat{X}" in text
        assert r"g = \gamma^{(2)} \odot \frac{\partial L}{\partial A^{(2)}}" in text
        assert r"\sum_{x} \frac{\partial L}{\partial A^{(2)}} \odot \hat{X}^{(2)}" in text


def test_the_numbers_are_the_neuron_level_ones_rounded(solved):
    """Each gradient entry printed is the neuron-level dL/dname at the document's 4 digits."""
    solution = solved("batchnorm")
    md = render_document(build_layers_matrix_document(solution, solution.matrix("row")), "md")
    for name in ("gamma2_1", "gamma2_2", "beta2_2", "w4_1_1"):
        assert format_number(solution.gradients[name], 4) in md
    dropout = render_document(build_layers_matrix_document(solved("dropout"), solved("dropout").matrix()), "md")
    assert r"\frac{1}{1 - 0.5} R^{(3)} \odot A^{(2)}" in dropout  # the mask, visible
    assert r"\frac{1}{1 - 0.5} R^{(3)} \odot \frac{\partial L}{\partial A^{(3)}}" in dropout


def test_korean_uses_the_catalogue(solved):
    solution = solved("layernorm")
    ko = render_document(build_layers_matrix_document(solution, solution.matrix(), "ko"), "md")
    assert "층 단위의 행렬 형태" in ko and "모든 성분이 일치한다." in ko


def test_the_cli_writes_the_matrix_view_and_its_json(tmp_path, capsys):
    assert main(["derive", "--example", "batchnorm", "--view", "both", "--format", "json,md,tex", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batchnorm.json", "batchnorm.matrix.md", "batchnorm.matrix.tex",
                                                          "batchnorm.md", "batchnorm.tex"]
    data = json.loads((tmp_path / "batchnorm.json").read_text())["matrix"]
    assert data["consistency"]["agrees"] is True and [layer["kind"] for layer in data["layers"]] == \
        ["dense", "batchnorm", "relu", "dense"]
    gradients = symback.solve(symback.load_example("batchnorm")).gradients
    assert data["layers"][1]["dgamma2"] == [[pytest.approx(float(gradients["gamma2_1"]), rel=1e-12),
                                             pytest.approx(float(gradients["gamma2_2"]), rel=1e-12)]]
