"""Every math block symback writes to Markdown is accepted by KaTeX (throwOnError).

Needs node and the katex npm package: CI installs it into .ci/node (see .ci/run); elsewhere set
KATEX_DIR to a katex package directory, or the test is skipped.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symback.checking.identities import IDENTITIES
from symback.documents.json_output import identity_json

ROOT = Path(__file__).resolve().parents[2]
KATEX = Path(os.environ.get("KATEX_DIR", ROOT / ".ci" / "node" / "node_modules" / "katex"))

pytestmark = pytest.mark.skipif(shutil.which("node") is None or not (KATEX / "package.json").exists(),
                                reason="node and the katex npm package are needed (npm install katex)")


def blocks_of(markdown: str) -> list[dict]:
    display = re.findall(r"\$\$\n(.*?)\n\$\$", markdown, flags=re.S)
    rest = re.sub(r"\$\$\n.*?\n\$\$", "", markdown, flags=re.S)
    inline = re.findall(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$", rest)
    return [{"tex": t, "display": True} for t in display] + [{"tex": t, "display": False} for t in inline]


def check(blocks: list[dict]) -> list[str]:
    result = subprocess.run(["node", str(ROOT / "tests" / "documents" / "katex_check.js"), str(KATEX)],
                            input=json.dumps(blocks), capture_output=True, text=True, timeout=120, check=True)
    return [f"{blocks[f['index']]['tex'][:200]!r}: {f['error']}" for f in json.loads(result.stdout)]


def test_every_gallery_math_block_renders_in_katex(gallery_files):
    blocks = [b for name, text in gallery_files if name.endswith(".md") for b in blocks_of(text)]
    assert len(blocks) > 1000
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_identity_line_renders_in_katex(derived):
    blocks = [{"tex": line["latex"], "display": True}
              for name in IDENTITIES for route in identity_json(derived(name))["routes"]
              for line in route["lines"]]
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_identity_document_renders_in_katex(derived):
    from symback.documents.identity_document import build_identity_document
    from symback.documents.render import render_document
    blocks = [b for name in IDENTITIES for lang in ("en", "ko")
              for b in blocks_of(render_document(build_identity_document(derived(name), lang), "md"))]
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_the_checker_catches_bad_math():
    assert check([{"tex": r"\frac{1}{", "display": True}, {"tex": r"\notacommand", "display": False}])


def test_every_matrix_view_variant_renders_in_katex():
    """Every loss and activation (softmax hidden too), bias mode and batch size 1-3, both conventions and languages."""
    import symback
    from symback.engine.losses import LAYERS_ONLY, LOSSES
    from symback.documents.matrix_document import build_matrix_document
    from symback.documents.render import render_document
    from symback.engine.activations import ACTIVATIONS
    names = list(ACTIVATIONS)

    blocks = []
    for i, loss in enumerate(sorted(set(LOSSES) - LAYERS_ONLY)):  # the losses of the layer-size form
        m, bias = 1 + i % 3, ("none", "neuron", "shared")[i % 3]
        targets = [[0, 1]] * m if "entropy" in loss and i % 2 else [[0.3, 0.9]] * m  # sum 1, or not
        values = {"x": [[0.5, -0.2], [0.1, 0.3], [-0.4, 0.9]][:m], "t": targets}
        for l in (1, 2, 3):
            values[f"W{l}"] = [[0.3, -0.2], [0.1, 0.4]]
            if bias != "none":
                values[f"b{l}"] = 0.1 if bias == "shared" else [0.1, -0.1]
        activations = [names[i % 8], names[(i + 3) % 8], "softmax" if "entropy" in loss else "sigmoid"]
        spec = {"learning_rate": 0.1, "network": {"layers": [2, 2, 2, 2], "activation": activations, "bias": bias,
                                                  "loss": loss, "values": values}}
        solution = symback.solve(spec, check=False)
        for convention in ("row", "column"):
            for lang in ("en", "ko"):
                blocks += blocks_of(render_document(build_matrix_document(solution, lang, convention=convention), "md"))
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_notebook_view_renders_in_katex():
    """What Jupyter shows of the result objects besides the solutions: matrix views, exercises, verify reports."""
    import symback

    neuron = symback.solve(symback.load_example("neuron"))
    exercise = symback.exercise(symback.example_path("exercise_mazur"), variants=2, seed=1)
    shown = [symback.solve(symback.load_example(name)).matrix(convention)
             for name, convention in (("mazur_222", "row"), ("softmax_233", "column"), ("xor_sigmoid", "row"),
                                      ("batchnorm", "column"), ("hinge", "row"))]
    shown += [exercise, *exercise.variants, symback.verify_claims(neuron, [("dL/dw1", "2*(o - t)*o*(1 - o)*i2")]),
              symback.verify_steps("diff(x^3, x)\n= 3*x^2"),
              symback.verify_homework("o = σ(1.5) = 0.8176\ndL/dw1 = dL/dl1 · i2", symback.load_example("neuron"))]
    blocks = [b for view in shown for b in blocks_of(view._repr_markdown_())]
    assert len(blocks) > 60
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_layers_matrix_view_renders_in_katex():
    """The layer-level view of every layers-list example (each layer kind, each loss), both conventions and languages."""
    import symback
    from symback.documents.layers_matrix_document import build_layers_matrix_document
    from symback.documents.render import render_document

    blocks = []
    for name in ("batchnorm", "layernorm", "dropout", "hinge", "adam"):
        solution = symback.solve(symback.load_example(name))
        for convention in ("row", "column"):
            form = solution.matrix(convention)
            for lang in ("en", "ko"):
                blocks += blocks_of(render_document(build_layers_matrix_document(solution, form, lang), "md"))
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])
