"""What the command line needs beyond the public API: documents, reports, the gallery, exercises, limits.

:mod:`symback.api` is the documented public surface (``symback/__init__.py`` re-exports it); this
module gathers the rest of what the subcommands use from the layers below (documents, checking,
engine), so that :mod:`symback.cli` imports nothing but these two facades (the import-linter contracts
in pyproject.toml). It is not a public API: names may change with the command line.

What every command needs loads with this module; the rest (Jinja2, the verifier, the gallery, the
exercise modules) loads on first use, as in the public facade.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from symback._lazy import lazy_names
from symback.documents.catalogue import messages
from symback.documents.pdf import compile_pdf
from symback.documents.render import DETAILS, GRADIENTS_OF, check_templates, render_document
from symback.engine import limits
from symback.engine.compile import MATRIX_CONVENTIONS
from symback.engine.examples import steps_example, steps_examples
from symback.engine.files import write_atomic
from symback.engine.numerals import number_text

__getattr__, __dir__ = lazy_names(globals(), {
    "symback.checking.equivalence": ("DEFAULT_BUDGET",),
    "symback.checking.identities": ("IDENTITIES", "derive_identity"),
    "symback.checking.claim": ("parse_claim",),
    "symback.documents.gallery": ("gallery", "lang_suffix", "matrix_stem"),
    "symback.documents.html_page": ("katex_directory", "render_page"),
    "symback.documents.identity_document": ("build_identity_document",),
    "symback.documents.json_output": ("identity_json", "identity_text"),
    "symback.documents.matrix_document": ("build_matrix_document",),
    "symback.documents.matrix_view": ("matrix_view_document",),
    "symback.documents.verify_document": ("build_verify_document", "claims_json", "claims_text", "steps_json",
                                          "steps_text"),
    "symback.documents.exercise_document": ("build_exercise_document", "exercise_document",
                                           "exercise_page", "manifest_json"),
    "symback.documents.gradebook": ("feedback_markdown", "feedback_name", "gradebook_csv", "misconceptions_csv"),
    "symback.documents.canvas": ("canvas_qti_zip", "canvas_warning"),
    "symback.documents.moodle": ("answers_csv", "moodle_xml"),
    "symback.documents.moodle_cloze": ("moodle_cloze_xml",),
    "symback.documents.solution_document": ("refuse_untypesettable",),
    "symback.documents.prairielearn": ("prairielearn_files",),
    "symback.engine.vary": ("variant_seeds",),
})

if TYPE_CHECKING:  # the lazy names, visible to type-checkers and editors
    from symback.checking.claim import parse_claim
    from symback.checking.equivalence import DEFAULT_BUDGET
    from symback.checking.identities import IDENTITIES, derive_identity
    from symback.documents.canvas import canvas_qti_zip, canvas_warning
    from symback.documents.exercise_document import (build_exercise_document, exercise_document, exercise_page,
                                                     manifest_json)
    from symback.documents.gallery import gallery, lang_suffix, matrix_stem
    from symback.documents.gradebook import feedback_markdown, feedback_name, gradebook_csv, misconceptions_csv
    from symback.documents.html_page import katex_directory, render_page
    from symback.documents.identity_document import build_identity_document
    from symback.documents.json_output import identity_json, identity_text
    from symback.documents.matrix_document import build_matrix_document
    from symback.documents.matrix_view import matrix_view_document
    from symback.documents.moodle import answers_csv, moodle_xml
    from symback.documents.moodle_cloze import moodle_cloze_xml
    from symback.documents.prairielearn import prairielearn_files
    from symback.documents.solution_document import refuse_untypesettable
    from symback.documents.verify_document import (build_verify_document, claims_json, claims_text, steps_json,
                                                   steps_text)
    from symback.engine.vary import variant_seeds

#: what the subcommands use besides :data:`symback.api.__all__`
__all__ = [
    "DETAILS", "GRADIENTS_OF", "MATRIX_CONVENTIONS", "check_templates", "compile_pdf", "limits", "messages", "number_text",
    "render_document", "write_atomic",
    "steps_example", "steps_examples",
    "DEFAULT_BUDGET", "IDENTITIES", "derive_identity", "parse_claim", "gallery", "lang_suffix",
    "matrix_stem", "katex_directory", "render_page", "build_identity_document", "identity_json", "identity_text",
    "build_matrix_document", "matrix_view_document",
    "build_verify_document", "claims_json", "claims_text", "steps_json", "steps_text", "build_exercise_document",
    "exercise_document", "exercise_page", "manifest_json", "feedback_markdown", "feedback_name", "gradebook_csv", "misconceptions_csv", "answers_csv", "moodle_xml",
    "moodle_cloze_xml", "canvas_qti_zip", "canvas_warning", "prairielearn_files",
    "refuse_untypesettable", "variant_seeds",
]
