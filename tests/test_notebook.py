"""The README's notebook (output/symback.ipynb): current with its cells, and it runs under nbconvert."""
import json
import shutil
import subprocess
import sys

import pytest

from symback_notebook import NOTEBOOK, notebook_text


def test_the_committed_notebook_is_what_its_cells_write():
    pytest.importorskip("nbformat", reason='pip install -e ".[notebook]"')
    assert NOTEBOOK.read_text(encoding="utf-8") == notebook_text(), "regenerate: python tests/symback_notebook.py"


@pytest.mark.needs("jupyter")
def test_the_notebook_runs_and_every_result_shows_itself(tmp_path):
    pytest.importorskip("nbconvert", reason='pip install -e ".[notebook]"')
    pytest.importorskip("torch", reason="the notebook reads a PyTorch model")
    subprocess.run([shutil.which("jupyter"), "nbconvert", "--to", "notebook", "--execute", str(NOTEBOOK),
                    "--output-dir", str(tmp_path)], check=True, capture_output=True, timeout=300)
    cells = [c for c in json.loads((tmp_path / NOTEBOOK.name).read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    outputs = [o for c in cells for o in c["outputs"]]
    assert len(outputs) == len(cells) and not [o for o in outputs if o["output_type"] == "error"]
    markdown = ["".join(o["data"].get("text/markdown", "")) for c in cells for o in c["outputs"] if "data" in o]
    solution, _, claims, exercise, variant, matrix = markdown   # the gradients' cell shows a tuple
    assert "$$\nL = 0.2984\n$$" in matrix and "Every entry agrees." in matrix
    assert "**2 claims: 1 right, 1 wrong.**" in claims and "you used $i_{1}$ where $i_{2}$ belongs" in claims
    assert exercise.startswith("**Two-input sigmoid neuron with MSE**: 3 variants (seed 7)") and variant.startswith("**Variant v01")
    assert "Two-input sigmoid neuron" in solution
    spec = "".join(cells[1]["outputs"][0]["text"])
    assert 'layers = [3, { dense = 4 }, "tanh", { dense = 2 }]\nloss = "softmax_cross_entropy"' in spec
    ours, autograd = (float(v) for v in "".join(cells[2]["outputs"][0]["data"]["text/plain"]).strip("()").split(","))
    assert ours == pytest.approx(autograd, rel=1e-6)   # the float32 model's own autograd


def test_importing_symback_loads_no_notebook_machinery():
    code = "import sys, symback; symback.solve; assert not {'nbformat', 'IPython', 'ipykernel'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
