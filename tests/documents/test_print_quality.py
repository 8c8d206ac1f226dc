"""Every gallery document compiles to a printable PDF: no Overfull \\hbox over 1 pt, no Type 3 font, no words
printed over each other (``pdftotext -bbox`` boxes overlapping by more than 30 % of the smaller one).

The counting functions are those of ``benchmarks/bench_print.py`` (imported by path); the gallery is the run's
shared build (``gallery_files`` in tests/conftest.py). Its .tex documents are dealt into ``SHARDS`` shards so
the ~110 pdflatex runs spread over the xdist workers; each shard is compiled once per run (``shared_once``)
and every check reads the same counts. The counts of every document are printed (``pytest -s``) and
attached to the test report, so a regression names its document.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 12  #: enough to keep both workers busy; every document is in exactly one shard (index modulo SHARDS)

pytestmark = pytest.mark.needs("pdflatex", "pdffonts", "pdftotext")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_print", ROOT / "benchmarks" / "bench_print.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compile(tex: Path, bench) -> dict:
    """One pdflatex pass (enough for overfull boxes and the words' places) and the three counts."""
    env = {**os.environ, "openin_any": "p", "openout_any": "p", "max_print_line": "1000"}
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-halt-on-error", tex.name],
                          cwd=tex.parent, env=env, capture_output=True, timeout=120)
    log = tex.with_suffix(".log").read_bytes().decode("utf-8", "replace")
    pdf = tex.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        error = next((line for line in log.splitlines() if line.startswith("!")), "pdflatex failed")
        return {"document": tex.name, "error": error}
    widths = bench.overfull_boxes(log)
    pairs = bench.overlapping_words(pdf)
    return {"document": tex.name, "error": "", "overfull": len(widths), "worst": max(widths, default=0.0),
            "type3": len(bench.type3_fonts(pdf)), "overlaps": len(pairs),
            "examples": [f"{a.text!r}/{b.text!r}" for a, b, _ in pairs[:3]],
            "missing_sections": _missing_sections(tex.name, pdf)}


def _worked_solutions() -> dict[str, tuple[str, bool]]:
    """file name -> (language, written layer by layer) of every example's worked solution in the gallery
    (regressions have others; a dense network's is its standard detail)."""
    import symback
    from symback.documents.catalogue import LANGUAGES
    from symback.engine.spec import NetworkSpec

    return {f"{name}{'' if lang == 'en' else '.' + lang}.tex": (lang, isinstance(spec.network, NetworkSpec))
            for name in symback.example_names() if (spec := symback.load_example(name)).regression is None
            for lang in LANGUAGES}


def _missing_sections(name: str, pdf: Path) -> list[str] | None:
    """For a worked solution: the section headings its PDF text lacks (None for other documents)."""
    if name not in _worked_solutions():
        return None
    lang, standard = _worked_solutions()[name]
    from symback.documents.catalogue import messages

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    last = "gradient_update" if standard else "summary"  # the standard detail's update table: no summary after it
    return [heading for heading in ("problem", "forward", "backward", "gradient_check", last)
            if messages(lang)[heading] not in text]


SPECS = Path(__file__).resolve().parent / "specs"


@lru_cache(maxsize=1)
def _more_documents() -> tuple[tuple[str, str], ...]:
    """Beyond the gallery: a 3-4-2 network in every detail, and a built-in exercise's sheet and keys, en and ko."""
    import symback
    from symback.documents.catalogue import LANGUAGES
    from symback.documents.exercise_document import build_exercise_document
    from symback.documents.render import DETAILS, render_document

    net = symback.solve(symback.load_spec(SPECS / "net_342.toml"))
    drawn = symback.exercise(symback.example_path("exercise_mazur"), variants=1, seed=3, name="example:exercise_mazur")
    docs = []
    for lang in LANGUAGES:
        docs += [(f"net_342.{detail}.{lang}.tex", render_document(net.document(lang, detail=detail), "tex"))
                 for detail in DETAILS]
        docs.append((f"exercise_mazur.sheet.{lang}.tex", render_document(build_exercise_document(drawn, drawn.variants, lang), "tex")))
        docs += [(f"exercise_mazur.key_{detail}.{lang}.tex",
                  render_document(build_exercise_document(drawn, drawn.variants, lang, key=True, detail=detail), "tex"))
                 for detail in ("compact", "standard")]
    return tuple(docs)


def _tex_documents(gallery_files) -> list[tuple[str, str]]:
    return [(name, text) for name, text in gallery_files if name.endswith(".tex")] + list(_more_documents())


def _compile_shard(shard: int, gallery_files, out: Path) -> list[dict]:
    bench = _bench()
    rows = []
    for name, text in _tex_documents(gallery_files)[shard::SHARDS]:
        folder = out / name.removesuffix(".tex")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(_compile(folder / name, bench))
    return rows


@pytest.fixture(params=range(SHARDS), ids=lambda shard: f"shard{shard}")
def counts(request, gallery_files, shared_once, shared_dir) -> list[dict]:
    """The counts of one shard's documents, compiled by whichever worker asks first (a worker that would
    wait for it compiles the next shards nobody has started)."""
    def job(shard: int):
        return f"print_quality_{shard}", lambda: _compile_shard(shard, gallery_files, shared_dir / f"print_{shard}")

    others = [job((request.param + k) % SHARDS) for k in range(1, SHARDS)]
    return shared_once(*job(request.param), others=others)


def _report(rows: list[dict]) -> str:
    lines = [f"{'document':<42} {'overfull':>8} {'worst pt':>9} {'type3':>5} {'overlaps':>8}"]
    for r in rows:
        if r["error"]:
            lines.append(f"{r['document']:<42} ERROR {r['error']}")
        else:
            lines.append(f"{r['document']:<42} {r['overfull']:>8} {r['worst']:>9.1f} {r['type3']:>5} "
                         f"{r['overlaps']:>8} {' '.join(r['examples'])}")
    return "\n".join(lines)


def test_every_gallery_document_compiles(counts, gallery_files, record_property, request):
    print("\n" + _report(counts))
    record_property("print_quality", _report(counts))
    assert len(_tex_documents(gallery_files)) > 50
    shard = request.node.callspec.params["counts"]  # the shards together hold every .tex document once
    assert [r["document"] for r in counts] == [name for name, _ in _tex_documents(gallery_files)[shard::SHARDS]]
    assert counts
    failed = [r for r in counts if r["error"]]
    assert not failed, _report(failed)


def test_no_type3_fonts(counts):
    bad = [r for r in counts if not r["error"] and r["type3"]]
    assert not bad, _report(bad)


def test_no_overfull_lines(counts):
    bad = [r for r in counts if not r["error"] and r["overfull"]]
    assert not bad, _report(bad)


def test_no_overlapping_words(counts):
    bad = [r for r in counts if not r["error"] and r["overlaps"]]
    assert not bad, _report(bad)


def test_every_worked_solution_has_its_sections(counts, gallery_files):
    """Every example's worked solution, in every language, is in the gallery and its PDF shows each section."""
    names = {name for name, _ in _tex_documents(gallery_files)}
    assert set(_worked_solutions()) <= names
    checked = [r for r in counts if not r["error"] and r.get("missing_sections") is not None]
    bad = [f"{r['document']}: {r['missing_sections']}" for r in checked if r["missing_sections"]]
    assert not bad, bad
    assert checked or not any(r["document"] in _worked_solutions() for r in counts)


#: issue 22's page budgets (document, detail, most pages), met by saying each thing once, not by smaller type
BUDGETS = (("mazur_222", "full", 8), ("net_342", "full", 14), ("net_342", "standard", 6), ("net_342", "compact", 2))


@pytest.mark.needs("pdfinfo")
@pytest.mark.parametrize("name, detail, most", BUDGETS)
def test_worked_solutions_keep_to_their_page_budgets(name, detail, most, tmp_path):
    import symback
    from symback.documents.pdf import compile_pdf

    spec = symback.load_example(name) if name == "mazur_222" else symback.load_spec(SPECS / f"{name}.toml")
    tex = symback.solve(spec).latex(detail=detail)
    assert r"\documentclass[11pt]{article}" in tex and r"\small" not in tex.split(r"\begin{document}")[1].split(
        r"\begin{tikzpicture}")[0]  # body text at 11 pt: the budget is met by layout, not by type
    pdf = compile_pdf(tex, tmp_path / f"{name}.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= most, f"{name} ({detail}): {pages} pages, budget {most}"
