"""The ``symback`` command: parses arguments and calls the API (exit 0 ok, 2 bad input)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from . import __version__
from .api import example_names, example_path, grad, load_example, solve
from .document import LANGUAGES, messages
from .pdf import compile_pdf
from .render import render_latex, render_markdown
from .errors import SymbackError
from .spec import load_spec

FORMATS = ("json", "md", "tex", "pdf")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"symback: {message}; run '{self.prog} --help'\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    try:
        return args.run(args)
    except SymbackError as exc:
        print(f"symback: {exc.line()}", file=sys.stderr)
        return 2


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
    jobs = [(Path(s).stem, lambda s=s: load_spec(s)) for s in args.specs]
    for name in args.example:
        example_path(name)  # an unknown example is a usage error: report it before any work
        jobs.append((name, lambda name=name: load_example(name)))
    if not jobs:
        raise SymbackError("derive", "no spec given", "name a spec file or use --example NAME (see 'symback examples')")
    failures = 0
    for stem, load in jobs:
        try:
            solution = solve(load())
        except SymbackError as exc:
            print(f"symback: {exc.line()}", file=sys.stderr)
            failures += 1
            continue
        if "json" in formats:
            _emit(json.dumps(solution.to_json(), indent=2, ensure_ascii=False) + "\n", args.output, f"{stem}.json")
        suffix = "" if args.lang == "en" else "." + args.lang
        if "md" in formats:
            _emit(render_markdown(solution, args.lang, args.digits, args.templates), args.output, f"{stem}{suffix}.md")
        if "tex" in formats or "pdf" in formats:
            tex = render_latex(solution, args.lang, args.digits, args.templates)
            if "tex" in formats or args.output == "-":
                _emit(tex, args.output, f"{stem}{suffix}.tex")
            if "pdf" in formats and args.output != "-":
                try:
                    print(f"wrote {compile_pdf(tex, Path(args.output) / f'{stem}{suffix}.pdf')}")
                except SymbackError as exc:
                    if "tex" not in formats:  # keep the .tex: the user can fix and compile it
                        _emit(tex, args.output, f"{stem}{suffix}.tex")
                    print(f"symback: {exc.located(stem).line()}", file=sys.stderr)
                    failures += 1
    return 2 if failures else 0


def _gallery(args) -> int:
    for filename, text in gallery():
        _emit(text, args.output, filename)
    return 0


def _emit(text: str, output: str, filename: str) -> None:
    """Write ``text`` to stdout (output ``-``) or atomically to ``output/filename``."""
    if output == "-":
        sys.stdout.write(text)
        return
    target = Path(output) / filename
    write_atomic(target, text)
    print(f"wrote {target}")


def gallery():
    """(file name, text): every built-in example and identity as Markdown and LaTeX, in every language."""
    from .identities import IDENTITIES, derive_identity
    from .render import render_identity

    for name in example_names():
        solution = solve(load_example(name))
        for lang in LANGUAGES:
            suffix = "" if lang == "en" else f".{lang}"
            yield f"{name}{suffix}.md", render_markdown(solution, lang)
            yield f"{name}{suffix}.tex", render_latex(solution, lang)
    for name in IDENTITIES:
        identity = derive_identity(name)
        for lang in LANGUAGES:
            suffix = "" if lang == "en" else f".{lang}"
            for kind in ("md", "tex"):
                yield f"identity_{name}{suffix}.{kind}", render_identity(identity, kind, lang)


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
    from .render import identity_json, identity_text, render_identity

    if args.name is None:
        for name in IDENTITIES:
            print(name)
        return 0
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for f in formats:
        if f not in ("text", "json", "md", "tex", "pdf"):
            raise SymbackError("--format", f"unknown format '{f}'", "use text, json, md, tex or pdf")
    if "pdf" in formats and args.output == "-":
        raise SymbackError("--format pdf", "a PDF cannot go to standard output", "add -o DIR (e.g. -o output)")
    messages(args.lang)
    identity = derive_identity(args.name)  # every line checked equal to the previous one
    stem = f"identity_{identity.name}{'' if args.lang == 'en' else '.' + args.lang}"
    if "text" in formats:
        _emit(identity_text(identity), args.output, f"{stem}.txt")
    if "json" in formats:
        _emit(json.dumps(identity_json(identity), indent=2, ensure_ascii=False) + "\n", args.output, f"{stem}.json")
    if "md" in formats:
        _emit(render_identity(identity, "md", args.lang, args.templates), args.output, f"{stem}.md")
    if "tex" in formats or "pdf" in formats:
        tex = render_identity(identity, "tex", args.lang, args.templates)
        if "tex" in formats:
            _emit(tex, args.output, f"{stem}.tex")
        if "pdf" in formats:
            print(f"wrote {compile_pdf(tex, Path(args.output) / f'{stem}.pdf')}")
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
