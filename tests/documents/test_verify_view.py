"""Verify reports in Jupyter: the facade's reports show themselves as their Markdown documents."""
import symback
import symback.api
from symback.checking.homework import verify_homework as checking_verify_homework


def test_the_facades_reports_render_as_markdown():
    neuron = symback.solve(symback.load_example("neuron"))
    claims = symback.verify_claims(neuron, [("dL/dw1", "2*(o - t)*o*(1 - o)*i2")])
    markdown = claims._repr_markdown_()
    assert markdown.startswith("# Checking the claims") and "**wrong**" in markdown
    assert "you used $i_{2}$ where $i_{1}$ belongs" in markdown  # the misconception, in the printer's LaTeX
    homework = symback.verify_homework("o = σ(1.5) = 0.8176\ndL/dw1 = dL/dl1 · i2", symback.load_example("neuron"))
    markdown = homework._repr_markdown_()
    assert "| 1 | $\\sim$ | o = σ(1.5) = 0.8176 | rounded" in markdown
    assert "**The first wrong step is on line 2.**" in markdown
    steps = symback.verify_steps("diff(x^3, x)\n= 3*x^2")
    assert "$\\Leftrightarrow$" in steps._repr_markdown_()
    assert symback.verify_homework.__doc__ == checking_verify_homework.__doc__  # the same function, shown
    assert isinstance(homework, symback.api.StepsReport) and homework.first_wrong == 2


def test_the_reports_are_short_and_their_numbers_at_four_digits():
    import math

    neuron = symback.solve(symback.load_example("neuron"))
    o = 1 / (1 + math.exp(-(0.5 * 2 + 0.1 * 5)))           # the neuron example, by hand
    claims = symback.verify_claims(neuron, [("dL/dw1", "0.488"), ("o", "0.82")])
    markdown = claims._repr_markdown_()
    assert f"| $\\frac{{\\partial L}}{{\\partial w_{{1}}}} = 0.488$ | ${2 * o * o * (1 - o) * 2:.4f}$ | correct |" in markdown
    assert f"| $o = 0.82$ | ${o:.4f}$ | correct" in markdown
    assert len(markdown) < 1500 and len(markdown) < len(repr(claims)) / 4
    homework = symback.verify_homework("o = σ(1.5) = 0.8176\ndL/dw1 = dL/dl1 · i2", symback.load_example("neuron"))
    steps = symback.verify_steps("diff(x^3, x)\n= 3*x^2")
    assert len(homework._repr_markdown_()) < 1500 and len(steps._repr_markdown_()) < 800
