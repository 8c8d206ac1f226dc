"""The notebook output/symback.ipynb, written with nbformat from the cells below (the README's "Jupyter").

Regenerate it with ``python tests/symback_notebook.py``; tests/documents/test_notebook.py checks that the
committed file is what this writes and runs it with ``jupyter nbconvert --to notebook --execute``.
"""
from __future__ import annotations

from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "output" / "symback.ipynb"

CELLS = [
    ("markdown", "# symback in a notebook\n\n"
                 "Every result object shows itself: a solution as its worked solution, claims and homework as their "
                 "reports, an exercise as its answers, the matrix view in short, numbers at 4 significant digits."),
    ("code", "import symback\n\nsol = symback.solve(symback.load_example(\"neuron\"))\nsol"),
    ("markdown", "## A PyTorch model\n\n"
                 "`symback.from_torch` reads an `nn.Sequential` module by module: layer l is `model[l-1]`, so "
                 "`w1_2_3` is `model[0].weight[1, 2]`. The spec text is what `symback derive` solves to the same numbers."),
    ("code", "import torch\nfrom torch import nn\n\n"
             "torch.manual_seed(0)\n"
             "model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))\n"
             "x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])\n"
             "t = torch.tensor([1, 0])                      # class indices\n"
             "net = symback.from_torch(model, x, t, nn.CrossEntropyLoss())\n"
             "print(symback.torch_to_toml(model, x, t, nn.CrossEntropyLoss()))"),
    ("code", "nn.CrossEntropyLoss()(model(x), t).backward()\n"
             "float(net.gradients[\"w1_2_3\"]), model[0].weight.grad[1, 2].item()"),
    ("markdown", "## Checking a hand derivation\n\nThe second claim has a slip: `i1` where `i2` belongs."),
    ("code", "symback.verify_claims(sol, [(\"dL/dw1\", \"0.488\"), (\"dL/dw2\", \"2*(o - t)*o*(1 - o)*i1\")])"),
    ("markdown", "## An exercise for a course"),
    ("code", "ex = symback.exercise(symback.example_path(\"exercise_neuron\"), variants=3, seed=7)\nex"),
    ("code", "ex.variants[0]"),
    ("markdown", "## The matrix view"),
    ("code", "symback.solve(symback.load_example(\"mazur_222\")).matrix()"),
]


def notebook_text() -> str:
    """The notebook's JSON text (nbformat 4, no outputs)."""
    import nbformat

    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}}
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    book.cells = [make[kind](source) for kind, source in CELLS]
    for i, cell in enumerate(book.cells):
        cell.id = f"cell-{i}"  # stable ids: the file changes only when a cell does
    return nbformat.writes(book)


if __name__ == "__main__":
    NOTEBOOK.write_text(notebook_text(), encoding="utf-8")
