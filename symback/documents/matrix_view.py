"""The matrix view's documents, and the matrix view in Jupyter.

Each form of the layer-level view has its own document builder: a dense network of layer sizes has a
:class:`~symback.engine.matrix_layers.MatrixForm` (BP1-BP4, per-sample deltas;
:mod:`symback.documents.matrix_document`), a network in layers-list form a
:class:`~symback.engine.layer_level.LayersForm` (each layer's own identity;
:mod:`symback.documents.layers_matrix_document`). :data:`BUILDERS` maps the one to the other.

The engine's forms know no documents; the facade (:mod:`symback.api`) hands out their shown subclasses
(:func:`matrix_form`), which Jupyter displays as the loss, each layer's gradients and the update, rounded to
the notebook's digits, as it displays verify reports (:mod:`symback.documents.verify_view`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable

from symback.documents.catalogue import messages
from symback.documents.layers_matrix_document import build_layers_matrix_document
from symback.documents.matrix_document import build_matrix_document
from symback.documents.tex import escape_markdown
from symback.documents.verify_view import NOTEBOOK_DIGITS
from symback.engine.layer_level import LayersForm
from symback.engine.matrix_layers import MatrixForm
from symback.engine.network_views import matrix_form as engine_matrix_form

if TYPE_CHECKING:
    from symback.engine.solution import Solution

#: the form's type -> its document: ``builder(solution, form, lang, digits)``
BUILDERS: dict[type, Callable] = {
    MatrixForm: lambda solution, form, lang, digits: build_matrix_document(solution, lang, digits, form=form),
    LayersForm: build_layers_matrix_document,
}


def matrix_view_document(solution: "Solution", form: MatrixForm | LayersForm, lang: str = "en", digits: int = 4):
    """The document of a network's layer-level ``form`` (:meth:`symback.api.Solution.matrix`)."""
    builder = next(BUILDERS[kind] for kind in type(form).__mro__ if kind in BUILDERS)
    return builder(solution, form, lang, digits)


class _Shown:
    """What a shown form adds: Jupyter's Markdown (the solution it was built from is its ``solution`` field)."""

    def _repr_markdown_(self) -> str:
        return matrix_markdown(self)


@dataclass(frozen=True)
class ShownMatrixForm(_Shown, MatrixForm):
    """A dense network's :class:`MatrixForm` that Jupyter shows as Markdown."""

    solution: Any = field(default=None, repr=False, compare=False)   #: the solution it was built from


@dataclass(frozen=True)
class ShownLayersForm(_Shown, LayersForm):
    """A layers-list network's :class:`LayersForm` that Jupyter shows as Markdown."""

    solution: Any = field(default=None, repr=False, compare=False)   #: the solution it was built from


SHOWN_FORMS = {MatrixForm: ShownMatrixForm, LayersForm: ShownLayersForm}   #: the engine's form -> its shown subclass


def matrix_form(solution: "Solution", convention: str = "row") -> ShownMatrixForm | ShownLayersForm:
    """The layer-level (matrix) view of a solved network (:func:`symback.engine.network_views.matrix_form`),
    shown in Jupyter."""
    form = engine_matrix_form(solution, convention)
    return SHOWN_FORMS[type(form)](**{f.name: getattr(form, f.name) for f in fields(form)}, solution=solution)


def matrix_markdown(form: ShownMatrixForm | ShownLayersForm, lang: str = "en", digits: int = NOTEBOOK_DIGITS) -> str:
    """The title and the consistency verdict, then the loss, each layer's δ and gradients and the update."""
    t = messages(lang)
    doc = matrix_view_document(form.solution, form, lang, digits)
    rows = [doc.loss] + [row for section in doc.backward for row in section.rows] + list(doc.updates)
    verdict = t["matrix.consistent"] if doc.consistent else t["matrix.inconsistent"]
    head = f"**{escape_markdown(doc.title)}: {t['matrix.title']}** ({form.convention}, m = {form.samples}). {verdict}"
    displays = ["\n".join(("$$", " = ".join((row.lhs, row.value or row.rhs)), "$$")) for row in rows]
    return "\n\n".join([head, *displays]) + "\n"
