"""The printable form of a checked identity derivation (``symback identity``)."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Mapping

from symback.checking.chain import Identity
from symback.documents.breaking import chunks
from symback.documents.catalogue import identity_messages, messages
from symback.documents.printing import latex as print_latex
from symback.documents.prose import Prose, prose
from symback.documents.solution_document import Row
from symback.documents.tex import Tex, escape_latex
from symback.documents.width import QUAD, TEXT_WIDTH


@dataclass(frozen=True)
class IdentityDocument:
    r"""A checked identity derivation ready to print: routes of (line, reason) rows.

    Every sentence is :class:`~symback.documents.prose.Prose` (words and typeset math, from
    ``templates/identities.toml``); a row's note is its reason as LaTeX text (``Prose.tex``), which both
    the PDF (``\intertext``) and KaTeX (``\text{...}`` with ``$...$`` inside) typeset.
    """

    TEMPLATE: ClassVar[str] = "identity"
    title: Prose
    lang: str
    t: Mapping[str, str]
    routes: tuple[tuple[Prose, tuple[Row, ...]], ...]   #: (title, rows: lhs only on the first)
    wrong: tuple[Row, ...]
    wrong_explanation: Prose
    conclusion: Prose
    assumptions: tuple[Prose, ...]
    remarks: tuple[Prose, ...]


def build_identity_document(identity: Identity, lang: str = "en") -> IdentityDocument:
    """The printable form of a checked :class:`~symback.checking.identities.Identity` (lines kept as written)."""
    t = messages(lang)
    words = identity_messages(lang)

    def say(text: str) -> Prose:
        return prose(words.get(text, text))

    def rows(lines) -> tuple[Row, ...]:
        return tuple(Row(_broken(print_latex(line.expr, order="none")) if i == 0 else Tex(""),
                         _broken(print_latex(line.expr, order="none")) if i else Tex(""),
                         note=Tex(say(line.reason).tex + (escape_latex(f"; {t['assumed']}") if line.assumed else "")))
                     for i, line in enumerate(lines))

    return IdentityDocument(
        title=say(identity.title), lang=lang, t=MappingProxyType(t),
        routes=tuple((say(route.title), rows(route.lines)) for route in identity.all_routes),
        wrong=rows(identity.wrong), wrong_explanation=say(identity.wrong_explanation),
        conclusion=say(identity.conclusion), assumptions=tuple(say(a) for a in identity.assumptions),
        remarks=tuple(say(r) for r in identity.remarks))


def _broken(line: Tex) -> Tex:
    r"""A line too wide for the page broken at its top-level + and − (then \cdot) into ``\\ &\quad`` lines."""
    return Tex(r" \\ &\quad ".join(chunks(line, TEXT_WIDTH - 2 * QUAD)))
