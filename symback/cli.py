"""The ``symback`` command: parses arguments and calls the API (exit 0 ok, 2 bad input)."""
from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
import os
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from . import __version__
from .api import example_names, example_path, grad, load_example, solve
from .document import LANGUAGES, messages
from .pdf import compile_pdf
from .render import render_document
from .cli_verify import add_parser as add_verify_parser, verify_gallery
from .errors import SymbackError
from .compile import CONVENTIONS
from .matrix import matrix_form
from .matrix_document import build_matrix_document
from .regression import RegressionSolution
from .spec import load_spec

FORMATS = ("json", "md", "tex", "pdf")
VIEWS = ("neuron", "matrix", "both")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"symback: {message}; run '{self.prog} --help'\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    try:
        return args.run(args)
    except SymbackError as exc:
        print(f"symback: {exc.line()}", file=sys.stderr)
        return 2


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, but files may come after options too (``verify steps --latex a.txt``).

    argparse ends a ``nargs="*"`` positional at the first option, and its intermixed parsing does
    not support subcommands; the leftover file names are appended to the command's file list.
    """
    args, extra = parser.parse_known_args(argv)
    files = next((name for name in ("specs", "targets") if isinstance(getattr(args, name, None), list)), None)
    if extra and (files is None or any(item.startswith("-") and item != "-" for item in extra)):
        parser.error("unrecognized arguments: " + " ".join(extra))
    if extra:
        getattr(args, files).extend(extra)
    return args


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="symback", description="Symbolic backpropagation, written out as a worked solution.")
    parser.add_argument("--version", action="version", version=f"symback {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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
    derive.set_defaults(run=_derive)

    gallery = sub.add_parser("gallery", help="regenerate the gallery: every built-in example as .md and .tex")
    gallery.add_argument("-o", "--output", default="output", metavar="DIR", help="output directory (default output/)")
    gallery.set_defaults(run=_gallery)

    examples = sub.add_parser("examples", help="list the built-in examples")
    examples.set_defaults(run=_examples)

    identity = sub.add_parser("identity", help="checked step-by-step derivations of textbook identities")
    identity.add_argument("name", nargs="?", help="an identity (omit to list them)")
    identity.add_argument("--format", default="text", help="text (default), or comma-separated json, md, tex, pdf")
    identity.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    identity.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched first")
    identity.add_argument("-o", "--output", default="-", metavar="DIR", help="output directory (default: stdout; pdf needs a directory)")
    identity.set_defaults(run=_identity)

    add_verify_parser(sub)

    gradient = sub.add_parser("grad", help="the gradient of one formula")
    gradient.add_argument("formula", help='e.g. "w*x + b"')
    gradient.add_argument("--wrt", required=True, help="names to differentiate by, comma-separated")
    gradient.add_argument("--at", default=None, help="values, e.g. w=1,x=2")
    gradient.add_argument("--digits", type=int, default=6, help="significant digits shown (default 6)")
    gradient.set_defaults(run=_grad)
    return parser


def _derive(args) -> int:
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


def _log_lines(exc: SymbackError) -> str:
    """For a LaTeX error, the relevant lines of its log, indented under the one-line message."""
    tail = getattr(exc, "log_tail", "")
    return "".join(f"\n    | {line}" for line in tail.splitlines()[:12])


def _derive_job(job, options: _Options) -> tuple[list[str], list[str]]:
    """Solve one spec and write its formats; returns (lines about written files, error lines)."""
    stem, kind, value = job
    written: list[str] = []
    try:
        solution = solve(load_spec(value) if kind == "file" else load_example(value))
        if isinstance(solution, RegressionSolution) and options.view != "neuron":
            raise SymbackError("--view", "a regression spec has no layer-by-layer view", "leave out --view")
        form = matrix_form(solution, options.convention) if options.view != "neuron" else None
    except SymbackError as exc:
        return written, [exc.line()]

    def emit(text: str, filename: str) -> None:
        line = _emit(text, options.output, filename)
        if line:
            written.append(line)

    if "json" in options.formats:
        data = solution.to_json()
        if form is not None:
            data["matrix"] = form.to_json()
        emit(_json_text(data), f"{stem}.json")
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
            _write_document(doc, f"{name}{_lang_suffix(options.lang)}", options.formats, options.output,
                            options.templates, emit, written.append)
    except SymbackError as exc:  # a LaTeX error: located at the spec, with the lines of its log
        return written, [exc.located(stem).line() + _log_lines(exc)]
    return written, []


def _write_document(doc, name: str, formats, output: str, templates: str | None, emit, say) -> None:
    """Write one document as name.md / .tex / .pdf (the formats asked for).

    ``emit(text, filename)`` writes a file, ``say(line)`` reports the PDF. A PDF that fails to
    compile raises its LaTeX error after keeping the .tex, so the user can fix and compile it.
    """
    if "md" in formats:
        emit(render_document(doc, "md", templates), f"{name}.md")
    if "tex" in formats or "pdf" in formats:
        tex = render_document(doc, "tex", templates)
        if "tex" in formats or output == "-":
            emit(tex, f"{name}.tex")
        if "pdf" in formats and output != "-":
            try:
                say(f"wrote {compile_pdf(tex, Path(output) / f'{name}.pdf')}")
            except SymbackError:
                if "tex" not in formats:
                    emit(tex, f"{name}.tex")
                raise


REPORT_FORMATS = ("text", "json", "md", "tex", "pdf")


def report_formats(value: str, output: str) -> list[str]:
    """The --format list of a report command (identity, verify): known formats, and no PDF to stdout."""
    formats = [f.strip() for f in value.split(",") if f.strip()]
    for f in formats:
        if f not in REPORT_FORMATS:
            raise SymbackError("--format", f"unknown format '{f}'", "use text, json, md, tex or pdf")
    if "pdf" in formats and output == "-":
        raise SymbackError("--format pdf", "a PDF cannot go to standard output", "add -o DIR (e.g. -o output)")
    return formats


def write_report(stem: str, formats, output: str, templates: str | None, text, data, document) -> None:
    """One report (an identity, a verify result) in every format asked for.

    ``text``, ``data`` and ``document`` are called only for the formats that need them: the
    terminal text, the JSON dictionary and the document model the templates arrange.
    """
    def emit(content: str, filename: str) -> None:
        _say(_emit(content, output, filename))

    if "text" in formats:
        emit(text(), f"{stem}.txt")
    if "json" in formats:
        emit(_json_text(data()), f"{stem}.json")
    if {"md", "tex", "pdf"}.intersection(formats):
        _write_document(document(), stem, formats, output, templates, emit, _say)


def matrix_stem(stem: str, convention: str) -> str:
    """The file stem of a matrix-view document: ``<stem>.matrix`` (row form), ``<stem>.matrix_column``."""
    return f"{stem}.matrix" if convention == "row" else f"{stem}.matrix_column"


def _gallery(args) -> int:
    for filename, text in gallery():
        _say(_emit(text, args.output, filename))
    return 0


def _say(line: str | None) -> None:
    if line:
        print(line)


def _emit(text: str, output: str, filename: str) -> str | None:
    """Write ``text`` to stdout (output ``-``) or atomically to ``output/filename``; "wrote ..." or None."""
    if output == "-":
        sys.stdout.write(text)
        return None
    target = Path(output) / filename
    write_atomic(target, text)
    return f"wrote {target}"


def gallery():
    """(file name, text): every built-in example and identity as Markdown and LaTeX, in every language."""
    from .document import build_identity_document
    from .identities import IDENTITIES, derive_identity

    for name in example_names():
        solution = solve(load_example(name))
        for lang in LANGUAGES:
            doc = solution.document(lang)
            for kind in ("md", "tex"):
                yield f"{name}{_lang_suffix(lang)}.{kind}", render_document(doc, kind)
        network = not isinstance(solution, RegressionSolution) and solution.graph.network
        for form in ([matrix_form(solution, c) for c in CONVENTIONS] if network else []):
            for lang in LANGUAGES:  # the matrix view of every network, in both conventions
                doc = build_matrix_document(solution, lang, form=form)
                for kind in ("md", "tex"):
                    yield f"{matrix_stem(name, form.convention)}{_lang_suffix(lang)}.{kind}", render_document(doc, kind)
    for name in IDENTITIES:
        identity = derive_identity(name)
        for lang in LANGUAGES:
            doc = build_identity_document(identity, lang)
            for kind in ("md", "tex"):
                yield f"identity_{name}{_lang_suffix(lang)}.{kind}", render_document(doc, kind)
    yield from verify_gallery()


def _lang_suffix(lang: str) -> str:
    """The file-name suffix of a language: none for English, ``.ko`` for Korean."""
    return "" if lang == "en" else f".{lang}"


def _json_text(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _examples(args) -> int:
    for name in example_names():
        title = load_example(name).title or ""
        print(f"{name:28s} {title}")
    return 0


def _identity(args) -> int:
    from .identities import IDENTITIES, derive_identity
    from .document import build_identity_document
    from .render import identity_json, identity_text

    if args.name is None:
        for name in IDENTITIES:
            print(name)
        return 0
    formats = report_formats(args.format, args.output)
    messages(args.lang)
    identity = derive_identity(args.name)  # every line checked equal to the previous one
    write_report(f"identity_{identity.name}{_lang_suffix(args.lang)}", formats, args.output, args.templates,
                 lambda: identity_text(identity), lambda: identity_json(identity),
                 lambda: build_identity_document(identity, args.lang))
    return 0


def _grad(args) -> int:
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()]
    at = None
    if args.at is not None:
        at = {}
        for item in args.at.split(","):
            name, sep, value = item.partition("=")
            try:
                at[name.strip()] = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                raise SymbackError("--at", f"'{item}' is not name=number", "write e.g. --at w=1,x=2.5") from None
            if not sep:
                raise SymbackError("--at", f"'{item}' is not name=number", "write e.g. --at w=1,x=2.5")
    result = grad(args.formula, wrt, at)
    for name, entry in result.items():
        line = f"d/d{name} = {entry['symbolic']}"
        if entry["value"] is not None and not entry["symbolic"].is_Number:
            value = entry["value"]
            shown = str(value) if value.is_Rational else f"{float(value):.{args.digits}g}"
            line += f" = {shown}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
