"""conv_document: the convolution section of a worked solution, in both languages (the identities it shows
are checked in tests/engine/test_conv_identities.py)."""
from __future__ import annotations

import pytest

import symback
from symback.documents.catalogue import messages
from symback.documents.conv_document import build_conv_section


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_conv_section_in_the_documents(lang):
    sol = symback.solve(symback.load_example("conv2d_pool"))
    section = build_conv_section(sol, messages(lang), 4)
    assert section.agrees and len(section.layers) == 1
    md = sol.markdown(lang=lang)
    assert messages(lang)["conv.title"] in md and messages(lang)["efficiency.title"] in md
    assert r"\star" in md and "rot180" in md
    assert messages(lang)["conv.agrees"].format(count=21) in md
