"""tex: escaping by translation tables is the character-by-character escaping, for every string."""
import random

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
