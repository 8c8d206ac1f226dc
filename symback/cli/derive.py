"""``symback derive``: solve spec files and write their worked solutions (json, md, tex, pdf)."""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from symback.api import (CONVENTIONS, RegressionSolution, SymbackError, build_matrix_document, example_path, lang_suffix,
                         load_example, load_spec, matrix_stem, messages, solve)
from symback.cli.common import emit as emit_file, json_text, log_lines, write_document

FORMATS = ("json", "md", "tex", "pdf")
VIEWS = ("neuron", "matrix", "both")


def add_parser(sub) -> None:
    """Register ``derive`` on the command line's subparsers."""
    derive = sub.add_parser("derive", help="solve spec files and write the results")
    derive.add_argument("specs", nargs="*", metavar="SPEC", help="TOML spec files")
    derive.add_argument("--example", action="append", default=[], metavar="NAME", help="a built-in example (repeatable)")
    derive.add_argument("--format", default="json", help="output formats, comma-separated: " + ", ".join(FORMATS))
    derive.add_argument("-o", "--output", default="output", metavar="DIR", help="output directory ('-' for stdout)")
    derive.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    derive.add_argument("--digits", type=int, default=4, help="significant digits shown in documents (default 4)")
    derive.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched before the built-in ones")
    derive.add_argument("--view", default="neuron", choices=VIEWS,
                        help="neuron (default): node by node; matrix: layer by layer (<name>.matrix.*); both")
    derive.add_argument("--convention", default="row", choices=CONVENTIONS,
                        help="matrix view: row (samples are rows, Y = XW + b; default) or column (Nielsen, z = Wa + b)")
    derive.set_defaults(run=run)


def run(args) -> int:
    """Solve every spec and write the formats asked for; 2 if any spec failed."""
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    formats = list(FORMATS) if formats == ["all"] else formats
    for f in formats:
        if f not in FORMATS:
            raise SymbackError("--format", f"unknown format '{f}'", "use: " + ", ".join(FORMATS) + " or all")
    if args.digits < 1 or args.digits > 30:
        raise SymbackError("--digits", f"{args.digits} is out of range", "use 1 to 30")
    messages(args.lang)  # an unknown language is a usage error: report it before any work
    jobs = [(Path(spec).stem, "file", spec) for spec in args.specs]
    for name in args.example:
        example_path(name)  # an unknown example is a usage error: report it before any work
        jobs.append((name, "example", name))
    if not jobs:
        raise SymbackError("derive", "no spec given", "name a spec file or use --example NAME (see 'symback examples')")
    options = _Options(tuple(formats), args.output, args.lang, args.digits, args.templates, args.view, args.convention)
    results = _run_jobs(jobs, options)
    return 2 if any(errors for _, errors in results) else 0


@dataclass(frozen=True)
class _Options:
    formats: tuple[str, ...]
    output: str
    lang: str
    digits: int
    templates: str | None
    view: str = "neuron"
    convention: str = "row"


def _run_jobs(jobs, options: _Options):
    """Every job, in a process pool when there are several (files only), reporting as each ends."""
    if len(jobs) == 1 or options.output == "-":  # stdout keeps the order of the specs
        return [_report(_derive_job(job, options), i, len(jobs), job[0]) for i, job in enumerate(jobs, 1)]
    results = []
    with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
        futures = {pool.submit(_derive_job, job, options): job[0] for job in jobs}
        for i, future in enumerate(as_completed(futures), 1):
            results.append(_report(future.result(), i, len(jobs), futures[future]))
    return results


def _report(result, done: int, total: int, stem: str):
    """Print a job's written files and errors; on a terminal, a progress bar on stderr."""
    written, errors = result
    for line in written:
        print(line)
    for line in errors:
        print(f"symback: {line}", file=sys.stderr)
    if total > 1 and sys.stderr.isatty():
        bar = "#" * (20 * done // total)
        print(f"\r[{bar:<20}] {done}/{total} {stem:<30}", end="\n" if done == total else "", file=sys.stderr)
    return result


def _derive_job(job, options: _Options) -> tuple[list[str], list[str]]:
    """Solve one spec and write its formats; returns (lines about written files, error lines)."""
    stem, kind, value = job
    written: list[str] = []
    try:
        solution = solve(load_spec(value) if kind == "file" else load_example(value))
        if isinstance(solution, RegressionSolution) and options.view != "neuron":
            raise SymbackError("--view", "a regression spec has no layer-by-layer view", "leave out --view")
        form = solution.matrix(options.convention) if options.view != "neuron" else None
    except SymbackError as exc:
        return written, [exc.line()]

    def emit(text: str, filename: str) -> None:
        line = emit_file(text, options.output, filename)
        if line:
            written.append(line)

    if "json" in options.formats:
        data = solution.to_json()
        if form is not None:
            data["matrix"] = form.to_json()
        emit(json_text(data), f"{stem}.json")
    if not {"md", "tex", "pdf"}.intersection(options.formats):
        return written, []
    docs = []  # each document built once for all its formats
    if options.view != "matrix":
        docs.append((stem, solution.document(options.lang, options.digits)))
    if form is not None:
        docs.append((matrix_stem(stem, form.convention),
                     build_matrix_document(solution, options.lang, options.digits, form=form)))
    try:
        for name, doc in docs:
            write_document(doc, f"{name}{lang_suffix(options.lang)}", options.formats, options.output,
                            options.templates, emit, written.append)
    except SymbackError as exc:  # a LaTeX error: located at the spec, with the lines of its log
        return written, [exc.located(stem).line() + log_lines(exc)]
    return written, []
