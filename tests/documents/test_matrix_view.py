"""The matrix view in Jupyter: a MatrixForm that shows itself in short, at the notebook's 4 digits."""
import re

import symback
from symback.documents.matrix_view import ShownLayersForm, ShownMatrixForm


def significant_digits(markdown: str) -> list[int]:
    """The significant digits of every decimal number written in ``markdown``."""
    return [len(number.replace(".", "").lstrip("0")) for number in re.findall(r"\d+\.\d+", markdown)]


def test_the_matrix_view_shows_its_loss_gradients_and_update_in_short():
    form = symback.solve(symback.load_example("mazur_222")).matrix()
    markdown = form._repr_markdown_()
    assert isinstance(form, ShownMatrixForm) and isinstance(form, symback.MatrixForm)
    assert markdown.startswith("**2-2-2 sigmoid network, shared biases, one SGD step: matrix view** (row, m = 1). "
                               "Every entry agrees.")
    # Mazur's article: E_total = 0.298371109, dE/dw5 = 0.082167041, w5+ = 0.35891648 (w5 is W(2)[1][1])
    assert "$$\nL = 0.2984\n$$" in markdown
    assert "{\\frac{\\partial L}{\\partial W^{(2)}}} = \\begin{bmatrix} 0.08217 & " in markdown
    assert "{{W^{(2)}}'} = \\begin{bmatrix} 0.3589 & " in markdown
    assert max(significant_digits(markdown)) == 4 and len(markdown) < 2000 and "checks=" not in markdown


def test_the_public_matrix_form_is_shown_in_either_convention():
    form = symback.matrix_form(symback.solve(symback.load_example("softmax_233")), "column")
    assert isinstance(form, ShownMatrixForm) and form.convention == "column"
    markdown = form._repr_markdown_()
    assert "(column, m = 1)" in markdown and len(markdown) < 2000 and max(significant_digits(markdown)) <= 4


def test_a_layers_list_network_is_shown_too():
    """Batch norm's layer-level view shows itself; its loss is the neuron level's, rounded to 4 digits."""
    solution = symback.solve(symback.load_example("batchnorm"))
    form = solution.matrix("column")
    assert isinstance(form, ShownLayersForm) and form.consistent and form.convention == "column"
    markdown = form._repr_markdown_()
    assert markdown.startswith(f"**{solution.spec.title}: ") and "(column, m = 3)" in markdown
    assert f"L = {float(solution.loss):.4g}" in markdown.replace("$$\n", "")
    assert len(markdown) < 6000 and max(significant_digits(markdown)) <= 4
