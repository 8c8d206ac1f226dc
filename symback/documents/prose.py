r"""Sentences with inline math: catalogue text in which ``$...$`` marks trusted LaTeX math.

The message catalogues (``templates/messages.toml``, ``templates/identities.toml``) are part of the
package, so the math between dollar signs is trusted LaTeX, written for both pdflatex and KaTeX; the
words around it are escaped. A :class:`Prose` gives the sentence for each place it can go:
``.tex`` (LaTeX text mode, also right inside ``\text{...}`` of a KaTeX formula), ``.md`` (Markdown
with KaTeX ``$...$``) and ``.plain`` (the words and the math source, for a terminal).

>>> p = prose(r"power rule $(u^{-1})' = -u^{-2} u'$ and 50%")
>>> print(p.tex)
power rule $(u^{-1})' = -u^{-2} u'$ and 50\%
"""
from __future__ import annotations

from dataclasses import dataclass

from symback.documents.tex import Tex, escape_latex, escape_markdown



@dataclass(frozen=True)
class Prose:
    """A sentence: (text, is_math) parts in order."""

    parts: tuple[tuple[str, bool], ...]

    def __bool__(self) -> bool:
        return any(text for text, _ in self.parts)

    @property
    def tex(self) -> Tex:
        """The sentence for LaTeX text mode: words escaped, math between ``$``."""
        return Tex("".join(f"${text}$" if math else escape_latex(text) for text, math in self.parts))

    @property
    def md(self) -> Tex:
        """The sentence for Markdown: words escaped, math between ``$`` for KaTeX."""
        return Tex("".join(f"${text}$" if math else escape_markdown(text)
                           for text, math in self.parts))

    @property
    def plain(self) -> str:
        """The sentence without the dollar signs."""
        return "".join(text for text, _ in self.parts)


def prose(text: str) -> Prose:
    """Split catalogue text at its ``$`` signs (an odd count is a catalogue error: ``ValueError``)."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in catalogue text: {text!r}")
    return Prose(tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece))
