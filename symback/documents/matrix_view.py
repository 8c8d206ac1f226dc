"""The matrix view in Jupyter: a :class:`MatrixForm` that shows itself as its loss, gradients and update, in short.

The engine's matrix form knows no documents; the facade (:mod:`symback.api`) hands out this subclass, as
it hands out verify reports that render themselves (:mod:`symback.documents.verify_view`). Every formula
comes from the matrix document (:func:`symback.documents.matrix_document.build_matrix_document`), rounded
to the notebook's digits; only each row's value is shown (the whole document is ``symback matrix``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from symback.documents.catalogue import messages
from symback.documents.matrix_document import build_matrix_document
from symback.documents.tex import escape_markdown
from symback.documents.verify_view import NOTEBOOK_DIGITS
from symback.engine.matrix import matrix_form as engine_matrix_form
from symback.engine.matrix_layers import MatrixForm


@dataclass(frozen=True)
class ShownMatrixForm(MatrixForm):
    """A :class:`MatrixForm` that Jupyter shows as Markdown (what ``Solution.matrix()`` returns)."""

    solution: Any = field(default=None, repr=False, compare=False)   #: the solution it was built from

    def _repr_markdown_(self) -> str:
        return matrix_markdown(self)


def matrix_form(solution, convention: str = "row") -> ShownMatrixForm:
    """The layer-level (matrix) view of a solved network (:func:`symback.engine.matrix.matrix_form`), shown in Jupyter."""
    form = engine_matrix_form(solution, convention)
    return ShownMatrixForm(**{f.name: getattr(form, f.name) for f in fields(form)}, solution=solution)


def matrix_markdown(form: ShownMatrixForm, lang: str = "en", digits: int = NOTEBOOK_DIGITS) -> str:
    """The title and the consistency verdict, then the loss, each layer's δ and gradients and the update."""
    t = messages(lang)
    doc = build_matrix_document(form.solution, lang, digits, form.convention, form)
    rows = [doc.loss] + [row for section in doc.backward for row in section.rows] + list(doc.updates)
    verdict = t["matrix.consistent"] if doc.consistent else t["matrix.inconsistent"]
    head = f"**{escape_markdown(doc.title)}: {t['matrix.title']}** ({form.convention}, m = {form.samples}). {verdict}"
    displays = ["\n".join(("$$", " = ".join((row.lhs, row.value or row.rhs)), "$$")) for row in rows]
    return "\n\n".join([head, *displays]) + "\n"
