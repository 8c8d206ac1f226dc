"""tex: escaping by translation tables is the character-by-character escaping, for every string."""
import random
import subprocess
import unicodedata

import pytest

from symback.documents import tex


def _strings(alphabet, count=400, seed=0):
    rng = random.Random(seed)
    yield "".join(alphabet)
    for _ in range(count):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))


def test_ascii_text_through_the_table_is_escaped_as_each_character_is():
    """Every ASCII character (specials, control characters, DEL) takes the table's one-pass path."""
    ascii_ = [chr(c) for c in range(128)]
    for text in _strings(ascii_):
        assert text.isascii()
        assert tex.escape_latex(text) == "".join(map(tex._char_tex, text)), repr(text)
        assert isinstance(tex.escape_latex(text), tex.Tex)


def test_mixed_text_is_escaped_as_each_character_is():
    alphabet = [chr(c) for c in range(128)] + list("σ∂δ×−é한글😀≤")
    for text in _strings(alphabet, seed=1):
        assert tex.escape_latex(text) == "".join(map(tex._char_tex, text)), repr(text)


def test_markdown_escaping_is_the_table_of_specials():
    alphabet = [chr(c) for c in range(128)] + list("σ한")
    for text in _strings(alphabet, seed=2):
        expected = "".join(tex._MARKDOWN_SPECIALS.get(c, c) for c in text)
        assert tex.escape_markdown(text) == expected, repr(text)
    assert tex.escape_markdown(r"a*b_[c] $x$ `y` \z") == r"a\*b\_\[c\] \$x\$ \`y\` \\z"


def test_titles_are_nfc_without_invisible_or_bidi_controls():
    """Hangul as macOS writes it (NFD) is composed; zero-width and bidi controls vanish; odd spaces are spaces."""
    nfd = unicodedata.normalize("NFD", "신경망")
    assert nfd != "신경망" and tex.escape_latex(nfd) == "신경망"
    assert tex.escape_latex("a\u200bb\u202ec\u2067d\u2069e\ufeff") == "abcde"
    assert tex.escape_latex("a\u2028b\u2029c") == "a b c" and tex.escape_latex("a\u2009b") == r"a\,b"
    assert tex.escape_latex("ＡＢＣ ｘ") == "ABC x" and tex.escape_latex("ℕ") == r"\ensuremath{\mathbb N}"


#: every character a title was refused for (the PDF failed, the message blamed the template)
HOSTILE_TITLE = "ℕ ℝ a\u200bb c\u2009d e\u2028f g\u202eh i\u2067j\u2069k ＡＢＣ " + unicodedata.normalize("NFD", "신경망")


@pytest.mark.needs("pdflatex", "pdftotext")
def test_hostile_titles_typeset(tmp_path):
    """A title with each of them, and a spec named 신경망.toml in NFD without a title: real PDFs, the text in them."""
    from symback.cli import main

    body = 'loss = "L"\n[inputs]\nx = 2\n[params]\nw = 0.5\n[nodes]\nL = "(w*x - 1)^2"\n'
    titled = tmp_path / "titled.toml"
    titled.write_text(f'title = "{HOSTILE_TITLE}"\n' + body, encoding="utf-8")
    untitled = tmp_path / (unicodedata.normalize("NFD", "신경망") + ".toml")
    untitled.write_text(body, encoding="utf-8")
    for spec in (titled, untitled):
        assert main(["derive", str(spec), "--format", "pdf", "-o", str(tmp_path / "out")]) == 0, spec
    texts = {p.stem: subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True, text=True,
                                    check=True).stdout for p in (tmp_path / "out").glob("*.pdf")}
    assert len(texts) == 2
    first = texts["titled"]
    assert "신경망" in first and "ABC" in first and "ab" in first and "gh" in first and "ij" in first, first
    assert "신경망" in texts[untitled.stem]
