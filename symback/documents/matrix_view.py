"""The matrix-view document of any network: each form of the layer-level view has its own document builder.

A dense network of layer sizes has a :class:`~symback.engine.matrix_layers.MatrixForm` (BP1-BP4, per-sample
deltas; :mod:`symback.documents.matrix_document`); a network in layers-list form a
:class:`~symback.engine.layer_level.LayersForm` (each layer's own identity;
:mod:`symback.documents.layers_matrix_document`). :data:`BUILDERS` maps the one to the other.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from symback.documents.layers_matrix_document import build_layers_matrix_document
from symback.documents.matrix_document import build_matrix_document
from symback.engine.layer_level import LayersForm
from symback.engine.matrix_layers import MatrixForm

if TYPE_CHECKING:
    from symback.engine.solution import Solution

#: the form's type -> its document: ``builder(solution, form, lang, digits)``
BUILDERS: dict[type, Callable] = {
    MatrixForm: lambda solution, form, lang, digits: build_matrix_document(solution, lang, digits, form=form),
    LayersForm: build_layers_matrix_document,
}


def matrix_view_document(solution: "Solution", form: MatrixForm | LayersForm, lang: str = "en", digits: int = 4):
    """The document of a network's layer-level ``form`` (:meth:`symback.api.Solution.matrix`)."""
    return BUILDERS[type(form)](solution, form, lang, digits)
