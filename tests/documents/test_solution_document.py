"""Markdown worked solutions: numbers, both languages, the catalogue, escaping, templates, gallery."""
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import mpmath
import pytest

import symback
from symback.cli import main
from symback.documents.catalogue import LANGUAGES, TEMPLATES_DIR, messages
from symback.documents.solution_document import build_document
from symback.documents.render import render_markdown
from symback.documents.tex import escape_markdown
from symback.engine.rules import RULES

OUTPUT = Path(__file__).resolve().parents[2] / "output"


def math_blocks(text: str) -> list[str]:
    return re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S)


def test_neuron_document_shows_the_seed_numbers():
    text = render_markdown(symback.solve(symback.load_example("neuron")))
    o = 1 / (1 + mpmath.exp(-1.5))                       # independent: sigma(2*0.5 + 5*0.1)
    d_l1 = 2 * o * o * (1 - o)                            # dL/dl1 = 2(o - t) o (1 - o), t = 0
    for number in (o, o ** 2, d_l1, 2 * d_l1, 5 * d_l1, 0.5 - 2 * d_l1, 0.1 - 5 * d_l1):
        assert f"{float(number):.4g}" in text
    assert r"2 \cdot 0.5 + 5 \cdot 0.1 = 1.5" in text      # formula = substituted = value
    assert r"o \left(1 - o\right)" in text and "(logistic derivative)" in text


@pytest.mark.parametrize("name", symback.example_names())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_renders(name, lang, solved):
    text = render_markdown(solved(name), lang)
    assert text.count("$$") % 2 == 0 and "None" not in text and "{{" not in text
    for block in math_blocks(text):
        assert block.count("{") == block.count("}"), block
        assert r"\begin{eqnarray}" not in block  # KaTeX/MathJax: aligned only


def test_languages_share_the_mathematics():
    solution = symback.solve(symback.load_example("softmax_233"))
    strip = lambda blocks: [re.sub(r"\\text\{\(.*?\)\}", "", b) for b in blocks]  # rule names are words
    en, ko = render_markdown(solution, "en"), render_markdown(solution, "ko")
    assert strip(math_blocks(en)) == strip(math_blocks(ko))
    assert "## 역전파" in ko and "## Backward pass" in en
    assert r"= y_{1} - t_{1}" in en  # the closed form the assumption buys


def test_catalogue_is_complete():
    data = tomllib.loads((TEMPLATES_DIR / "messages.toml").read_text(encoding="utf-8"))

    def leaves(table, path=""):
        for key, value in table.items():
            if "en" in value or "ko" in value:
                yield path + key, value
            else:
                yield from leaves(value, f"{path}{key}.")
    for key, value in leaves(data):
        assert set(value) == set(LANGUAGES) and all(v.strip() for v in value.values()), key
    for lang in LANGUAGES:
        t = messages(lang)
        for op, rule in RULES.items():
            assert f"rules.{rule.name}" in t, rule.name
            if rule.note:
                assert f"rule_notes.{rule.name}" in t, rule.name
        for name in ("power rule", "exponential rule", "general power rule"):
            assert f"rules.{name}" in t


def test_user_text_is_escaped():
    spec = replace(symback.load_example("chain_rule"), title="*bold* [link](x) <b>#1</b> | $x$ \\ `c`")
    text = render_markdown(symback.solve(spec))
    title = text.splitlines()[0]
    assert title == "# " + escape_markdown(spec.title)
    assert "*bold*" not in title and "[link]" not in title and "<b>" not in title and "$x$" not in title


def test_user_templates_come_first(tmp_path):
    (tmp_path / "solution.md.j2").write_text("custom {{ doc.title }}: {{ doc.loss.value }}\n")
    text = render_markdown(symback.solve(symback.load_example("apple")), templates=str(tmp_path))
    assert text == "custom Apple graph: 2 apples at 100 won, 10% tax: 220\n"


def test_document_model_rounds_only_for_display():
    doc = build_document(symback.solve(symback.load_example("neuron")), digits=7)
    assert doc.loss.value == f"{float(1 / (1 + mpmath.exp(-1.5)) ** 2):.7g}"


def test_cli_writes_markdown_in_both_languages(tmp_path, capsys):
    assert main(["derive", "--example", "neuron", "--format", "md", "--lang", "ko", "-o", str(tmp_path)]) == 0
    assert "## 순전파" in (tmp_path / "neuron.ko.md").read_text(encoding="utf-8")
    assert main(["derive", "--example", "neuron", "--lang", "fr"]) == 2
    assert "unknown language 'fr'" in capsys.readouterr().err


def test_committed_gallery_is_current(gallery_files):
    """The gallery is the golden snapshot of every example's Markdown and LaTeX, in both languages."""
    stale = []
    expected = set()
    for filename, text in gallery_files:
        path = OUTPUT / filename
        expected.add(filename)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(filename)
    extra = {p.name for p in [*OUTPUT.glob("*.md"), *OUTPUT.glob("*.tex")]} - expected
    assert not stale and not extra, f"output/ gallery is stale ({stale or extra}); regenerate: symback gallery"


def test_diagram_puts_values_above_and_gradients_below_each_edge():
    # seed 000's apple graph: 100 above / 2.2 below into apple_price, 200 / 1.1 into price
    text = render_markdown(symback.solve(symback.load_example("apple")))
    block = text[text.index("```mermaid"):]
    block = block[:block.index("```", 3)]
    assert 'n0["apple"]' in block and 'n1["apple_num"]' in block
    assert 'n2["tax"]' in block and 'n3["apple_price"]' in block and 'n4["price"]' in block
    assert 'n0 -->|"100<br/>2.2"| n3' in block and 'n3 -->|"200<br/>1.1"| n4' in block
    assert 'n2 -->|"1.1<br/>200"| n4' in block


def test_large_graphs_are_not_drawn():
    net = {"layers": [6, 6, 1], "activation": "sigmoid", "bias": "none", "loss": "sse",
           "values": {"x": [0.1] * 6, "t": [1], "W1": [[0.1] * 6] * 6, "W2": [[0.2] * 6]}}
    assert "```mermaid" not in render_markdown(symback.solve({"network": net}))
    assert "```mermaid" in render_markdown(symback.solve(symback.load_example("mazur_222")))


needs_tex = pytest.mark.needs("pdflatex", "pdftotext")  # tests/conftest.py skips without them


def pdf_text(path: Path) -> str:
    import subprocess
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_tex
def test_neuron_pdf_shows_the_seed_numbers(tmp_path, capsys):
    assert main(["derive", "--example", "neuron", "--format", "pdf", "-o", str(tmp_path)]) == 0
    text = pdf_text(tmp_path / "neuron.pdf")
    o = 1 / (1 + mpmath.exp(-1.5))
    d_l1 = 2 * o * o * (1 - o)
    for number in (o, d_l1, 2 * d_l1, 5 * d_l1, 0.5 - 2 * d_l1, 0.1 - 5 * d_l1):
        assert f"{float(number):.4g}".replace("-", "") in text.replace("−", "")
    assert [p.name for p in tmp_path.iterdir()] == ["neuron.pdf"]


@needs_tex
def test_injection_in_titles_and_names_stays_inert(tmp_path):
    from symback.documents.pdf import compile_pdf
    from symback.documents.render import render_latex
    spec = symback.spec_from_dict({
        "title": r"\input{/etc/passwd} \immediate\write18{touch /tmp/symback_owned} \def\a{\a}\a",
        "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x)^2"}})
    pdf = compile_pdf(render_latex(symback.solve(spec)), tmp_path / "doc.pdf", timeout=60)
    text = pdf_text(pdf)
    assert "root:" not in text and r"\input" in text and not Path("/tmp/symback_owned").exists()


def test_pdf_without_tex_keeps_the_tex_and_says_how_to_install(tmp_path, capsys, monkeypatch):
    import symback.documents.pdf
    monkeypatch.setattr(symback.documents.pdf.shutil, "which", lambda name: None)
    code = main(["derive", "--example", "apple", "--format", "pdf", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "apt-get install latexmk" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apple.tex"]


def test_solution_renders_itself():
    solution = symback.solve(symback.load_example("neuron"))
    shown, markdown = solution._repr_markdown_(), solution.markdown()  # the figure as SVG in a notebook
    assert shown.split("<svg")[0] == markdown.split("```mermaid")[0] + "\n" and solution.latex("ko").count("kotex") == 1
    assert shown.split("</svg>")[1].strip() == markdown.split("```\n", 1)[1].strip()
    assert solution._repr_latex_().startswith("$$\\begin{aligned}") and "0.4878" in solution._repr_latex_()


@needs_tex
def test_identity_pdfs(tmp_path, capsys):
    from symback.checking.identities import IDENTITIES
    for name in IDENTITIES:
        assert main(["identity", name, "--format", "pdf", "-o", str(tmp_path)]) == 0
    assert main(["identity", "softmax_cross_entropy", "--format", "md,pdf", "--lang", "ko", "-o", str(tmp_path)]) == 0
    text = pdf_text(tmp_path / "identity_softmax_cross_entropy.ko.pdf")
    assert messages("ko")["wrong_route"] in text and "Wrong!!" in text
    assert len(list(tmp_path.glob("*.pdf"))) == len(IDENTITIES) + 1


@needs_tex
def test_latex_error_names_the_line_and_shows_the_log(tmp_path, capsys):
    (tmp_path / "solution.tex.j2").write_text("\\documentclass{article}\n\\begin{document}\n"
                                              "((( doc.title ))) \\undefinedcommand\n\\end{document}\n")
    code = main(["derive", "--example", "apple", "--format", "pdf", "--templates", str(tmp_path), "-o",
                 str(tmp_path / "o")])
    err = capsys.readouterr().err
    first, *log = err.splitlines()
    assert code == 2 and "line 3" in first and "Undefined control sequence" in first
    assert log and all(line.startswith("    | ") for line in log) and any("undefinedcommand" in l for l in log)
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["apple.tex"]


def test_identity_texts_all_have_korean(derived):
    from symback.documents.catalogue import identity_messages
    from symback.checking.identities import IDENTITIES
    words = identity_messages("ko")
    missing = []
    for name in IDENTITIES:
        i = derived(name)
        texts = [i.title, i.conclusion, i.wrong_explanation, *i.assumptions, *i.remarks]
        for route in i.all_routes:
            texts += [route.title] + [line.reason for line in route.lines]
        texts += [line.reason for line in i.wrong]
        missing += [text for text in texts if text and text not in words]
    assert not missing, f"add Korean for these to templates/identities.toml: {missing[:5]}"


# ---------------------------------------------------------------- δ notation, line widths, headings, detail

@pytest.mark.parametrize("name", ["mazur_222", "softmax_233", "affine_233", "softmax_233_graph", "xor_sigmoid"])
@pytest.mark.parametrize("detail", ["full", "standard"])
def test_no_display_line_is_wider_than_the_page(name, detail):
    from symback.documents.width import TEXT_WIDTH, tex_width
    doc = build_document(symback.solve(symback.load_example(name)), detail=detail)
    lines = [line for block in doc.lines.values() for line in block]
    lines += [line for row in doc.backward for block in (row.locals, row.chain, row.closed, row.params) for line in block]
    lines += [line for layer in doc.layers for block in (layer.forward, layer.deltas, layer.gradients) for line in block]
    assert len(lines) > 20
    too_wide = [line for line in lines if tex_width(line) > TEXT_WIDTH]
    assert not too_wide, too_wide[:3]


def test_no_double_parentheses_around_negative_numbers(gallery_files):
    solution = symback.solve({"loss": "L", "inputs": {"x": -0.15}, "nodes": {"h": "tanh(x)", "L": "h^2"}})
    text = solution.markdown()
    assert r"\tanh\left(-0.15\right) = " + f"{float(mpmath.tanh(-0.15)):.4g}" in text
    doubled = re.compile(r"\\left\(\\left\(-[\d.]+\\right\)\s*\\right\)")  # f((-0.15))
    assert not doubled.search(text)
    for name, doc in gallery_files:
        if name.endswith(".md") and ".matrix" not in name:
            assert not doubled.search(doc), name


def test_conventions_only_where_a_rule_uses_them():
    assert "ReLU'(0)" not in symback.solve(symback.load_example("neuron")).markdown()
    assert "ReLU'(0)" not in symback.solve(symback.load_example("mazur_222")).latex()
    relu = symback.solve(symback.load_example("relu_identity"))
    assert "ReLU'(0) is taken as 0" in relu.markdown()
    assert "ReLU'(0)은 0로 둔다" in relu.markdown("ko")


def test_compact_detail_is_an_answer_key(tmp_path, capsys, mazur_by_hand):
    solution = symback.solve(symback.load_example("mazur_222"))
    compact = solution.markdown(detail="compact")
    full = solution.markdown(detail="full")
    _, _, d1, d2 = mazur_by_hand
    for delta in d1 + d2:
        assert f"{float(delta):.4g}" in compact
    assert "Backward pass" in full and "Backward pass" not in compact and "Local derivatives" not in compact
    assert len(compact) < len(full) / 3
    with pytest.raises(symback.SymbackError):
        solution.document(detail="brief")
    assert main(["derive", "--example", "mazur_222", "--format", "md", "--detail", "compact",
                 "-o", str(tmp_path)]) == 0
    assert (tmp_path / "mazur_222.md").read_text(encoding="utf-8") == compact


@pytest.mark.needs("pdflatex", "pdfinfo")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_compact_detail_fits_on_two_pages(tmp_path, lang):
    import subprocess
    pdf = symback.solve(symback.load_example("mazur_222")).pdf(tmp_path / "key.pdf", lang, detail="compact")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 2


def test_a_finite_difference_on_a_display_tie_always_rounds_the_same_way():
    """Noise of 1e-35 in a 50-digit central difference must not flip -5.4125 between -5.412 and -5.413
    (it did, depending on what other work the process had done: the gallery went stale in CI)."""
    import mpmath

    from symback.documents.solution_document import settled
    from symback.documents.tex import format_number

    with mpmath.workdps(50):
        tie = mpmath.mpf(-433) / 80  # -5.4125, the conv1d example's dL/dk_2
        shown = {format_number(settled(tie + s * mpmath.mpf(10) ** -35), 4) for s in (-1, 0, 1)}
    assert shown == {"-5.412"}  # half to even, as every exact value is shown
