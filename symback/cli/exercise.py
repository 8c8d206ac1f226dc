"""``symback exercise``: reproducible variants of a spec, student sheets, answer keys and an LMS export.

Every variant is drawn and solved first (in a process pool when there are several); only then is
anything written, so a ``[vary]`` table no draw can satisfy leaves the output directory untouched.
PDFs are typeset in parallel (pdflatex runs as its own process) with ``SOURCE_DATE_EPOCH`` fixed,
so the same command writes the same bytes.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from symback.api import Exercise, SymbackError, example_path, exercise_spec, exercise_variant
from symback.commands import (DETAILS, answers_csv, build_exercise_document, compile_pdf, lang_suffix, manifest_json,
                              messages, moodle_xml, render_document, variant_seeds)
from symback.cli.common import json_text, log_lines, write_atomic

SHEET_FORMATS = ("md", "tex", "pdf")  #: the sheets' and keys' formats (derive's are symback.cli.derive.FORMATS)
LMS = ("moodle", "csv")
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
    p.add_argument("--lms", default="", metavar="KIND", help="also write moodle (moodle.xml) and/or csv (answers.csv)")
    p.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    p.add_argument("--detail", default="full", choices=DETAILS, help="the key's worked solution: full or compact")
    p.add_argument("--format", default="md,tex,pdf", help="sheet and key formats, comma-separated: md, tex, pdf")
    p.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched before the built-in ones")
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
            raise SymbackError("--lms", f"unknown kind '{k}'", "use moodle or csv")
    if not 1 <= args.variants <= MAX_VARIANTS:
        raise SymbackError("--variants", f"{args.variants} is out of range", f"use 1 to {MAX_VARIANTS}")
    if args.output == "-":
        raise SymbackError("-o", "an exercise is a directory of files", "give a directory, e.g. -o exercise")
    messages(args.lang)
    if (args.spec is None) == (args.example is None):
        raise SymbackError("exercise", "give one spec file or --example NAME", "e.g. symback exercise --example exercise_neuron")
    spec, stored, asked = exercise_spec(example_path(args.example) if args.example else args.spec,
                                        f"example:{args.example}" if args.example else None)
    exercise = Exercise(spec.title or Path(spec.source).stem, spec.source, stored, args.seed, spec.vary.digits, asked,
                        _draw_all(spec, asked, args.variants, args.seed))
    _write(exercise, args, formats, lms)
    return 0


def _draw_all(spec, asked, count: int, seed: int):
    """Every variant, drawn and solved (a process pool for several), with a progress bar on a terminal."""
    seeds, width = variant_seeds(seed, count), max(2, len(str(count)))
    jobs = [(spec, asked, i, s, width) for i, s in enumerate(seeds, 1)]
    if count == 1:
        return (exercise_variant(*jobs[0]),)
    with ProcessPoolExecutor(max_workers=min(count, os.cpu_count() or 1)) as pool:
        futures = [pool.submit(_variant_job, job) for job in jobs]
        variants = []
        for done, future in enumerate(futures, 1):
            variant, error = future.result()
            if error is not None:  # the first variant no draw satisfies: stop the others, write nothing
                pool.shutdown(cancel_futures=True)
                raise SymbackError(*error)
            variants.append(variant)
            _progress(done, count, "solved")
    return tuple(variants)


def _variant_job(job):
    """One variant in a worker: (variant, None), or (None, the error's parts): an error's pickle loses its parts."""
    try:
        return exercise_variant(*job), None
    except SymbackError as exc:
        return None, (exc.where, exc.message, exc.fix)


def _progress(done: int, total: int, what: str) -> None:
    if total > 1 and sys.stderr.isatty():
        bar = "#" * (20 * done // total)
        print(f"\r[{bar:<20}] {done}/{total} {what}", end="\n" if done == total else "", file=sys.stderr)


def _write(exercise: Exercise, args, formats, lms) -> None:
    out, suffix = Path(args.output), lang_suffix(args.lang)
    pdfs: list[tuple[str, Path, float]] = []

    def write(text: str, name: str) -> None:
        write_atomic(out / name, text)
        print(f"wrote {out / name}")

    write(json_text(manifest_json(exercise)), "variants.json")
    for kind, key in (("sheet", False), ("key", True)):
        for variant in exercise.variants:
            doc = build_exercise_document(exercise, (variant,), args.lang, key, args.detail)
            stem = f"{kind}_{variant.id}{suffix}"
            if "md" in formats:
                write(render_document(doc, "md", args.templates), f"{stem}.md")
            tex = render_document(doc, "tex", args.templates)
            if "tex" in formats:
                write(tex, f"{stem}.tex")
            if "pdf" in formats:
                pdfs.append((tex, out / f"{stem}.pdf", PDF_TIMEOUT))
        if "pdf" in formats or "tex" in formats:  # one document of all the variants, a page break between
            combined = build_exercise_document(exercise, exercise.variants, args.lang, key, args.detail)
            tex = render_document(combined, "tex", args.templates)
            if "tex" in formats:
                write(tex, f"{kind}s{suffix}.tex")
            if "pdf" in formats:
                pdfs.append((tex, out / f"{kind}s{suffix}.pdf", PDF_TIMEOUT + 20 * len(exercise.variants)))
    if "moodle" in lms:
        write(moodle_xml(exercise, args.lang), f"moodle{suffix}.xml")
    if "csv" in lms:
        write(answers_csv(exercise), "answers.csv")
    _typeset(pdfs)


def _typeset(pdfs) -> None:
    """Compile the PDFs in parallel threads (each pdflatex is its own process)."""
    if not pdfs:
        return
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE")}
    os.environ.update(SOURCE_DATE_EPOCH=PDF_EPOCH, FORCE_SOURCE_DATE="1")
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = [(target, pool.submit(compile_pdf, tex, target, timeout=timeout)) for tex, target, timeout in pdfs]
            for done, (target, future) in enumerate(futures, 1):
                try:
                    future.result()
                except SymbackError as exc:
                    raise SymbackError(str(target), exc.message, exc.fix + log_lines(exc)) from None
                print(f"wrote {target}")
                _progress(done, len(futures), "typeset")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
