"""``symback exercise``: reproducible variants of a spec, student sheets, answer keys and an LMS export.

Every variant is drawn, solved and its sheet and key rendered first (in the process pool of ``derive`` when
there are several: its workers share the budget and die with the command; or on a Dask cluster with
``--scheduler``, :mod:`symback.cli.cluster`), each variant's worked solution built once for both, and the
variants sharing one derivation (:mod:`symback.engine.shared`); only then is anything written, so a
``[vary]`` table no draw can satisfy leaves the output directory untouched. The files are one set
(:mod:`symback.cli.outputs`): written into a staging directory under a lock on ``-o``, then moved into
place, replacing the files of a different exercise there. PDFs are typeset in the same pool with
``SOURCE_DATE_EPOCH`` fixed, so the same command writes the same bytes.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from symback.api import Exercise, SymbackError, example_path, exercise_spec, exercise_variant
from symback.commands import (DETAILS, answers_csv, canvas_qti_zip, canvas_warning, compile_pdf, exercise_document,
                              exercise_page, lang_suffix, manifest_json, messages, moodle_cloze_xml, moodle_xml,
                              prairielearn_files, render_document, variant_seeds, write_atomic)
from symback.cli.cluster import cluster_runner, scheduler_option
from symback.cli.common import json_text, log_lines
from symback.cli.faults import check_paths, limit_options
from symback.cli.outputs import output_set
from symback.cli.pool import pool_map

SHEET_FORMATS = ("md", "tex", "pdf")  #: the sheets' and keys' formats (derive's are symback.cli.derive.FORMATS)
LMS = ("moodle", "moodle-cloze", "canvas", "prairielearn", "csv")
MAX_VARIANTS = 10_000
PDF_TIMEOUT = 120  #: seconds for one variant's PDF; a combined PDF gets 20 more per variant
PDF_EPOCH = "0"   #: SOURCE_DATE_EPOCH for pdflatex: no clock in the PDFs, so reruns are byte-identical


def add_arguments(p) -> None:
    """The arguments of ``exercise`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    p.add_argument("spec", nargs="?", metavar="SPEC", help="a TOML spec with [vary] (and [ask]) tables")
    p.add_argument("--example", default=None, metavar="NAME", help="a built-in exercise (exercise_neuron, exercise_mazur)")
    p.add_argument("--variants", type=int, default=10, metavar="N", help="how many variants (default 10)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="the random seed (default 0; same seed, same variants)")
    p.add_argument("-o", "--output", default="exercise", metavar="DIR", help="output directory (default exercise)")
    p.add_argument("--lms", default="", metavar="KIND",
                   help=f"also write, comma-separated: {', '.join(LMS)} (files: README, Exercises for a course)")
    p.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    p.add_argument("--detail", default=None, choices=DETAILS,
                   help="the key's worked solution: full, standard (a network's default) or compact")
    p.add_argument("--format", default="md,tex,pdf", help="sheet and key formats, comma-separated: md, tex, pdf")
    p.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched before the built-in ones")
    scheduler_option(p)
    limit_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Draw, solve and write every variant; 0, or 2 on bad input (nothing written then)."""
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    lms = [k.strip() for k in args.lms.split(",") if k.strip()]
    for f in formats:
        if f not in SHEET_FORMATS:
            raise SymbackError("--format", f"unknown format '{f}'", "use md, tex or pdf")
    for k in lms:
        if k not in LMS:
            raise SymbackError("--lms", f"unknown kind '{k}'", f"use {', '.join(LMS)}")
    if not 1 <= args.variants <= MAX_VARIANTS:
        raise SymbackError("--variants", f"{args.variants} is out of range", f"use 1 to {MAX_VARIANTS}")
    if args.output == "-":
        raise SymbackError("-o", "an exercise is a directory of files", "give a directory, e.g. -o exercise")
    messages(args.lang)
    if (args.spec is None) == (args.example is None):
        raise SymbackError("exercise", "give one spec file or --example NAME", "e.g. symback exercise --example exercise_neuron")
    check_paths(args.output, args.templates)
    spec, stored, asked = exercise_spec(example_path(args.example) if args.example else args.spec,
                                        f"example:{args.example}" if args.example else None)
    blank = Exercise(spec.title or Path(spec.source).stem, spec.source, stored, args.seed, spec.vary.digits, asked, ())
    sheets = _Sheets(args.lang, args.detail, tuple(formats), args.templates)
    drawn = _draw_all(spec, asked, args.variants, args.seed, partial(_variant_job, blank=blank, args=sheets),
                      cluster_runner(args.scheduler))
    _write(replace(blank, variants=tuple(variant for variant, _ in drawn)), args, formats, lms, [d for _, d in drawn])
    return 0


@dataclass(frozen=True)
class _Sheets:
    """What a variant's job renders once the variant is solved: its sheet and key, in these formats."""

    lang: str
    detail: str | None
    formats: tuple[str, ...]
    templates: str | None


def _draw_all(spec, asked, count: int, seed: int, work, runner) -> list:
    """Every variant, drawn, solved and its documents rendered (in the pool, or by ``runner`` on a cluster, for
    several), with a progress bar."""
    seeds, width = variant_seeds(seed, count), max(2, len(str(count)))
    jobs = [(spec, asked, i, s, width) for i, s in enumerate(seeds, 1)]
    if count == 1:
        return [work(jobs[0])]
    return pool_map(work, jobs, lambda done: _progress(done, count, "solved"), runner)


def _variant_job(job, blank: Exercise, args: _Sheets):
    """One variant, in a worker: drawn and solved, then its sheet and key built (one worked-solution model) and
    rendered; (variant, {"sheet"/"key": (page, {"md"/"tex": text})})."""
    variant = exercise_variant(*job)
    rendered = {}
    for kind, key in (("sheet", False), ("key", True)):
        page = exercise_page(blank, variant, args.lang, key, args.detail)
        doc = exercise_document(blank, (page,), args.lang, key)
        kinds = [k for k in ("md", "tex") if k in args.formats or (k == "tex" and "pdf" in args.formats)]
        rendered[kind] = (page, {k: render_document(doc, k, args.templates) for k in kinds})
    return variant, rendered


def _progress(done: int, total: int, what: str) -> None:
    if total > 1 and sys.stderr.isatty():
        bar = "#" * (20 * done // total)
        print(f"\r[{bar:<20}] {done}/{total} {what}", end="\n" if done == total else "", file=sys.stderr)


#: the files of an exercise set (any language): what a set that replaces it removes (and prairielearn/*/*)
SET_FILES = re.compile(r"variants\.json|answers\.csv|moodle(_cloze)?(\.\w+)?\.xml|canvas_qti(\.\w+)?\.zip"
                       r"|(sheet|key)_v\d+(\.\w+)?\.(md|tex|pdf)|(sheets|keys)(\.\w+)?\.(tex|pdf)")


def _write(exercise: Exercise, args, formats, lms, rendered: list) -> None:
    """Write the set into a staging directory, typeset its PDFs there, then move it into ``-o`` (see the module)."""
    out, suffix = Path(args.output), lang_suffix(args.lang)
    manifest = json_text(manifest_json(exercise))
    names: list[str] = []
    with output_set(out, partial(_replaced, manifest)) as staging:
        def write(text: str | bytes, name: str) -> None:
            write_atomic(staging / name, text)
            names.append(name)

        write(manifest, "variants.json")
        pdfs = _documents(exercise, args, formats, rendered, write)
        if "moodle" in lms:
            write(moodle_xml(exercise, args.lang), f"moodle{suffix}.xml")
        if "moodle-cloze" in lms:
            write(moodle_cloze_xml(exercise, args.lang), f"moodle_cloze{suffix}.xml")
        if "canvas" in lms:
            write(canvas_qti_zip(exercise, args.lang), f"canvas_qti{suffix}.zip")
        for name, text in (prairielearn_files(exercise, args.lang) if "prairielearn" in lms else {}).items():
            write(text, name)
        if "csv" in lms:
            write(answers_csv(exercise), "answers.csv")
        names += _typeset([(tex, staging, name, timeout) for tex, name, timeout in pdfs], out)
    for name in names:
        print(f"wrote {out / name}")
    warning = canvas_warning(exercise) if "canvas" in lms else ""
    if warning:  # the files are written: Canvas would still take them, with those answers as 0
        print(f"symback exercise: warning: {warning}", file=sys.stderr)


def _replaced(manifest: str, out: Path, staging: Path) -> list[Path]:
    """The files of the exercise already in ``out`` when it is another one (its variants.json differs); else none,
    so the sheets of the same exercise in another language stay."""
    old = out / "variants.json"
    if not old.is_file() or old.read_text(encoding="utf-8", errors="replace") == manifest:
        return []
    return [p for p in out.iterdir() if p.is_file() and SET_FILES.fullmatch(p.name)] + \
        [p for p in (out / "prairielearn").glob("*/*") if p.is_file()]


def _documents(exercise: Exercise, args, formats, rendered: list, write) -> list[tuple[str, str, float]]:
    """Write the sheets and keys (md, tex) the variants' jobs rendered, and the documents of all variants;
    returns the PDFs to typeset as (LaTeX, file name, timeout)."""
    suffix, pdfs = lang_suffix(args.lang), []
    for kind, key in (("sheet", False), ("key", True)):
        for variant, done in zip(exercise.variants, rendered):
            texts, stem = done[kind][1], f"{kind}_{variant.id}{suffix}"
            if "md" in formats:
                write(texts["md"], f"{stem}.md")
            if "tex" in formats:
                write(texts["tex"], f"{stem}.tex")
            if "pdf" in formats:
                pdfs.append((texts["tex"], f"{stem}.pdf", PDF_TIMEOUT))
        if "pdf" in formats or "tex" in formats:  # one document of all the variants, a page break between
            combined = exercise_document(exercise, tuple(done[kind][0] for done in rendered), args.lang, key)
            tex = render_document(combined, "tex", args.templates)
            if "tex" in formats:
                write(tex, f"{kind}s{suffix}.tex")
            if "pdf" in formats:
                pdfs.append((tex, f"{kind}s{suffix}.pdf", PDF_TIMEOUT + 20 * len(exercise.variants)))
    return pdfs


def _typeset(jobs, out: Path) -> list[str]:
    """Compile the PDFs in the pool (each job: LaTeX, staging directory, file name, timeout); their names."""
    if not jobs:
        return []
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE")}
    os.environ.update(SOURCE_DATE_EPOCH=PDF_EPOCH, FORCE_SOURCE_DATE="1")  # the workers inherit it
    try:
        return pool_map(partial(_pdf_job, out=out), jobs, lambda done: _progress(done, len(jobs), "typeset"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _pdf_job(job, out: Path) -> str:
    """One PDF, in a worker; a LaTeX error names the file as the user will see it, with its log lines."""
    tex, staging, name, timeout = job
    try:
        compile_pdf(tex, staging / name, timeout=timeout)
    except SymbackError as exc:
        raise SymbackError(str(out / name), exc.message, exc.fix + log_lines(exc)) from None
    return name
