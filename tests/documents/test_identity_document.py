"""Identity documents print their reasons as typeset math, in LaTeX and in Markdown (KaTeX)."""
import re
import tomllib

import pytest

from symback.checking.identities import IDENTITIES
from symback.documents.catalogue import LANGUAGES, TEMPLATES_DIR, identity_messages, messages
from symback.documents.identity_document import build_identity_document
from symback.documents.prose import prose
from symback.documents.render import render_document


def render_identity(identity, kind: str, lang: str) -> str:
    """A checked identity as Markdown or LaTeX, as ``symback identity`` writes it."""
    return render_document(build_identity_document(identity, lang), kind)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["md", "tex"])
def test_sigmoid_reasons_are_math_not_ascii(lang, kind, derived):
    text = render_identity(derived("sigmoid"), kind, lang)
    for ascii_math in ("^-", "textasciicircum", r"\{-x\}"):
        assert ascii_math not in text, ascii_math
    assert not re.search(r"(?<!\\)sigma['(]", text)  # sigma' or sigma(x) in words, not \sigma
    assert r"$(u^{-1})' = -u^{-2}\,u'$" in text and r"$1 + e^{-x}$" in text
    assert r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))" in text


def test_every_identity_text_is_balanced_markup_with_its_words_escaped():
    entries = tomllib.loads((TEMPLATES_DIR / "identities.toml").read_text(encoding="utf-8"))
    for key, entry in entries.items():
        for lang in LANGUAGES:
            sentence = prose(entry[lang])  # raises on an odd number of $
            words = "".join(text for text, math in sentence.parts if not math)
            assert "^" not in words and "sigma" not in words.replace("Sigmoid", ""), (key, lang)


def test_prose_escapes_words_and_keeps_math():
    p = prose(r"50% of $\sigma_1$ & more_text")
    assert p.tex == r"50\% of $\sigma_1$ \& more\_text"
    assert p.md == r"50% of $\sigma_1$ & more\_text" and p.plain == r"50% of \sigma_1 & more_text"
    with pytest.raises(ValueError):
        prose("one $ sign")


@pytest.mark.parametrize("name", list(IDENTITIES))
def test_every_identity_renders_with_typeset_reasons(name, derived):
    identity = derived(name)
    tex = render_identity(identity, "tex", "ko")
    steps = sum(len(r.lines) - 1 for r in identity.all_routes) + max(len(identity.wrong) - 1, 0)
    assert tex.count("\\intertext{") == steps
    assert "\\textasciicircum" not in tex and "\\textasciicircum" not in render_identity(identity, "md", "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_identity_documents_render(lang, derived):
    for name in IDENTITIES:
        identity = derived(name)
        md, tex = render_identity(identity, "md", lang), render_identity(identity, "tex", lang)
        steps = sum(len(route.lines) - 1 for route in identity.all_routes) + max(len(identity.wrong) - 1, 0)
        assert md.count("&= ") == steps and tex.count("&= ") == steps
        conclusion = identity_messages(lang).get(identity.conclusion, identity.conclusion)
        assert messages(lang)["checked"] in md and prose(conclusion).md in md
