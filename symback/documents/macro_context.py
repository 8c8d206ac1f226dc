"""The Jinja2 context of symback's templates: what a template macro returns is printed as it is.

Every value a template prints is escaped (the environment's ``finalize``) unless it is trusted
LaTeX (:class:`~symback.documents.tex.Tex`). A macro's output is template text whose values were
escaped inside the macro, so it is marked trusted here, where Jinja2 makes every call of a
template (``((( m.display(lines) )))``): escaping it again would print its LaTeX as text. (An HTML template
is escaped by Jinja2 itself, whose macros return ``Markup``: that is left as it is.)
"""
from __future__ import annotations

import jinja2.runtime

from symback.documents.tex import Tex


class MacroContext(jinja2.runtime.Context):
    """A template context whose macro calls return :class:`Tex` (the sandbox calls through it too)."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own spelling: a keyword may be "self")
        value = super().call(__obj, *args, **kwargs)
        trusted = isinstance(value, str) and not hasattr(value, "__html__")  # an HTML macro's output is Markup already
        return Tex(value) if isinstance(__obj, jinja2.runtime.Macro) and trusted else value
