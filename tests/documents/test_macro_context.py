"""macro_context: a template macro's output is printed as it is, every other value escaped (in the sandbox too)."""
import pytest

from symback.documents import render
from symback.documents.tex import Tex

SOURCE = ('((* macro cell(text) *))\\textbf{((( text )))}((* endmacro *))'
          '((( cell(word) ))) | ((( word ))) | ((( word ~ "!" ))) | ((( maths )))')


@pytest.mark.parametrize("sandboxed", [False, True])
def test_a_macro_prints_as_it_is_and_escapes_the_values_inside_it(tmp_path, sandboxed):
    env = render.environment("tex", str(tmp_path) if sandboxed else None)
    out = env.from_string(SOURCE).render(word="50% & $5", maths=Tex(r"\frac{1}{2}"))
    escaped = r"50\% \& \$5"
    assert out == rf"\textbf{{{escaped}}} | {escaped} | {escaped}! | \frac{{1}}{{2}}"


def test_a_heading_at_each_level_escapes_its_text():
    show = render.environment("tex").from_string('((* import "macros.tex.j2" as m *))((( m.heading(level, "A & B", 6) )))')
    commands = {1: "section", 2: "subsection", 3: "subsubsection", 4: "paragraph"}
    for level, command in commands.items():
        assert show.render(level=level) == rf"\needspace{{6\baselineskip}}\{command}*{{A \& B}}"
    markdown = render.environment("md").from_string('{% import "macros.md.j2" as m %}{{ m.heading(3, "A *b*") }}')
    assert markdown.render() == r"### A \*b\*"
