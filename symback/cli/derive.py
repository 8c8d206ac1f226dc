"""``symback derive``: solve spec files and write their worked solutions (json, md, tex, pdf, html)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from symback.api import RegressionSolution, SymbackError, example_path, load_example, load_spec, solve
from symback.commands import DETAILS, GRADIENTS_OF, MATRIX_CONVENTIONS, limits, messages
from symback.cli.cluster import cluster_runner, scheduler_option
from symback.cli.common import emit as emit_file, json_text, log_lines, write_document
from symback.cli.faults import check_paths, limit_options, refuse_same_stem, user_error

FORMATS = ("json", "md", "tex", "pdf", "html")
#: what ``--format all`` writes: every format but the web page, which needs KaTeX from npm (the PDF is the main job)
ALL_FORMATS = ("json", "md", "tex", "pdf")
VIEWS = ("neuron", "matrix", "both")


def add_arguments(derive) -> None:
    """The arguments of ``derive`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    derive.add_argument("specs", nargs="*", metavar="SPEC", help="TOML spec files")
    derive.add_argument("--example", action="append", default=[], metavar="NAME", help="a built-in example (repeatable)")
    derive.add_argument("--format", default="json",
                        help="output formats, comma-separated: " + ", ".join(FORMATS) + ", or all (default json); all is "
                             + ", ".join(ALL_FORMATS) + "; html is a page to step through in a browser (it needs "
                             "KaTeX: npm install katex@0.16)")
    derive.add_argument("-o", "--output", default="output", metavar="DIR",
                        help="output directory (default output/; '-' for stdout, not with pdf)")
    derive.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    derive.add_argument("--digits", type=int, default=4, help="significant digits shown in documents (default 4)")
    derive.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched before the built-in ones")
    derive.add_argument("--view", default="neuron", choices=VIEWS,
                        help="neuron (default): node by node; matrix: layer by layer (<name>.matrix.*); both")
    derive.add_argument("--convention", default="row", choices=MATRIX_CONVENTIONS,
                        help="matrix view: row (samples are rows, Y = XW + b; default) or column (Nielsen, z = Wa + b)")
    derive.add_argument("--closed-forms", default="small", choices=("small", "all"),
                        help="json: write every gradient's expanded closed form (all), or only small ones and "
                             "the adjoint (delta) form elsewhere (small, default)")
    derive.add_argument("--detail", default=None, choices=DETAILS,
                        help="md/tex/pdf: full (every local derivative and chain step; a graph's default), standard "
                             "(a network layer by layer: forward, δ and gradient lines; a network's default) or "
                             "compact (the answer key: problem, forward values, δ, gradients and update)")
    derive.add_argument("--gradients-of", default="parameters", choices=GRADIENTS_OF,
                        help="md/tex/pdf, a network: the gradient sections of its parameters and hidden nodes "
                             "(parameters, default) or of its inputs and targets too (inputs)")
    scheduler_option(derive)
    limit_options(derive)
    derive.set_defaults(run=run)


def run(args) -> int:
    """Solve every spec and write the formats asked for; 2 if any spec failed."""
    formats = derive_formats(args.format, args.output)
    if args.digits < 1 or args.digits > 30:
        raise SymbackError("--digits", f"{args.digits} is out of range", "use 1 to 30")
    messages(args.lang)  # an unknown language is a usage error: report it before any work
    if "html" in formats:
        from symback.commands import katex_directory  # lazy: start-up time (the web page only)

        katex_directory()  # so is a page without KaTeX to typeset it
    jobs = [(Path(spec).stem, "file", spec) for spec in args.specs]
    for name in args.example:
        example_path(name)  # an unknown example is a usage error: report it before any work
        jobs.append((name, "example", name))
    if not jobs:
        raise SymbackError("derive", "no spec given", "name a spec file or use --example NAME (see 'symback examples')")
    refuse_same_stem([(stem, value) for stem, _, value in jobs])
    check_paths(args.output, args.templates)
    options = _Options(tuple(formats), args.output, args.lang, args.digits, args.templates, args.view, args.convention,
                       closed_forms=args.closed_forms, detail=args.detail,
                       gradients_of=args.gradients_of)
    results = _run_jobs(jobs, options, args.scheduler)
    return 2 if any(errors for _, errors in results) else 0


def derive_formats(value: str, output: str) -> list[str]:
    """The --format list of derive: known formats (``all`` for every one), at least one, no PDF to stdout."""
    formats = [f.strip() for f in value.split(",") if f.strip()]
    formats = list(ALL_FORMATS) + (["html"] if "html" in formats else []) if "all" in formats else formats
    if not formats:
        raise SymbackError("--format", "no format given", "use: " + ", ".join(FORMATS) + " or all")
    for f in formats:
        if f not in FORMATS:
            raise SymbackError("--format", f"unknown format '{f}'", "use: " + ", ".join(FORMATS) + " or all")
    if "pdf" in formats and output == "-":
        raise SymbackError("--format pdf", "a PDF cannot go to standard output", "add -o DIR (e.g. -o output)")
    return formats


@dataclass(frozen=True)
class _Options:
    formats: tuple[str, ...]
    output: str
    lang: str
    digits: int
    templates: str | None
    view: str = "neuron"
    convention: str = "row"
    closed_forms: str = "small"  #: json: "small" or "all" (Solution.to_json)
    detail: str | None = None  #: md/tex/pdf: "full", "standard" or "compact"; None: the problem's (Solution.document)
    gradients_of: str = "parameters"  #: md/tex/pdf: "parameters" or "inputs" (Solution.document)


def _run_jobs(jobs, options: _Options, scheduler: str | None = None):
    """Every job, in a process pool (or on the Dask cluster of ``scheduler``) when there are several (files only),
    reporting as each ends.

    A job that crashes (or a worker that dies) is reported on its own line and the others go on.
    The workers share the command's budget (the same deadline) and die with this process. On a cluster the
    workers write the files: ``-o`` is a directory they all see (README 'A large course on a cluster').
    """
    if len(jobs) == 1 or options.output == "-":  # stdout keeps the order of the specs
        return [_report(_derive_job(job, options), i, len(jobs), job[0]) for i, job in enumerate(jobs, 1)]
    from symback.cli.pool import run_in_pool  # lazy: start-up time (multiprocessing, for several specs only)

    done = iter(range(1, len(jobs) + 1))
    return (cluster_runner(scheduler) or run_in_pool)(partial(_derive_job, options=options), jobs, _failed,
                       lambda result, job: _report(result, next(done), len(jobs), job[0]))


def _failed(job, exc: BaseException) -> tuple[list[str], list[str]]:
    """The result of a job that raised or whose worker died: one error line located at the spec."""
    return [], [user_error(exc, _place(job)).line()]


def _place(job) -> str:
    """How errors name a job: the file as given, or the example's name."""
    return job[0] if job[1] == "example" else job[2]


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
    """Solve one spec and write its formats; returns (lines about written files, error lines).

    Whatever goes wrong is an error line located at the spec (never an exception), except an
    interruption, which unwinds.
    """
    written: list[str] = []
    try:
        limits.check_deadline()
        return _derive(job, options, written)
    except Exception as exc:
        return written, [user_error(exc, _place(job)).line()]


def _derive(job, options: _Options, written: list[str]) -> tuple[list[str], list[str]]:
    """The work of :func:`_derive_job`."""
    stem, kind, value = job
    try:
        spec = load_spec(value) if kind == "file" else load_example(value)
        if "pdf" in options.formats and options.view != "matrix":  # refused before the work, not after it
            from symback.commands import lang_suffix, refuse_untypesettable  # lazy: start-up time (documents only)

            pdf = Path(options.output) / f"{stem}{lang_suffix(options.lang)}.pdf"
            refuse_untypesettable(spec, options.detail, str(pdf))
        solution = solve(spec)
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
        data = solution.to_json(options.closed_forms) if not isinstance(solution, RegressionSolution) else solution.to_json()
        if form is not None:
            data["matrix"] = form.to_json()
        emit(json_text(data), f"{stem}.json")
    if not {"md", "tex", "pdf", "html"}.intersection(options.formats):
        return written, []
    from symback.commands import lang_suffix  # lazy: start-up time (documents only)

    if "html" in options.formats:
        from symback.commands import render_page  # lazy: start-up time (the web page only)

        emit(render_page(solution, options.lang, options.digits, options.templates),
             f"{stem}{lang_suffix(options.lang)}.html")
        if not {"md", "tex", "pdf"}.intersection(options.formats):
            return written, []

    docs = []  # each document built once for all its formats
    if options.view != "matrix":
        docs.append((stem, solution.document(options.lang, options.digits, detail=options.detail,
                                             gradients_of=options.gradients_of)))
    if form is not None:
        from symback.commands import matrix_stem, matrix_view_document  # lazy: start-up time (the matrix view only)

        docs.append((matrix_stem(stem, form.convention), matrix_view_document(solution, form, options.lang, options.digits)))
    try:
        for name, doc in docs:
            write_document(doc, f"{name}{lang_suffix(options.lang)}", options.formats, options.output,
                            options.templates, emit, written.append)
    except SymbackError as exc:  # a LaTeX error: located at the spec, with the lines of its log
        return written, [exc.located(stem).line() + log_lines(exc)]
    return written, []
