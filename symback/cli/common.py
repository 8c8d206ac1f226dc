"""What the subcommands share: the argument parser class, report formats, and writing files atomically."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from symback.api import SymbackError
from symback.commands import compile_pdf, render_document, write_atomic


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"symback: {message}; run '{self.prog} --help'\n")


def log_lines(exc: SymbackError) -> str:
    """For a LaTeX error, the relevant lines of its log, indented under the one-line message."""
    tail = getattr(exc, "log_tail", "")
    return "".join(f"\n    | {line}" for line in tail.splitlines()[:12])


def write_document(doc, name: str, formats, output: str, templates: str | None, emit, say) -> None:
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
    formats = list(REPORT_FORMATS) if "all" in formats else formats
    if not formats:
        raise SymbackError("--format", "no format given", "use text, json, md, tex, pdf or all")
    for f in formats:
        if f not in REPORT_FORMATS:
            raise SymbackError("--format", f"unknown format '{f}'", "use text, json, md, tex, pdf or all")
    if "pdf" in formats and output == "-":
        raise SymbackError("--format pdf", "a PDF cannot go to standard output", "add -o DIR (e.g. -o output)")
    return formats


def write_report(stem: str, formats, output: str, templates: str | None, text, data, document) -> None:
    """One report (an identity, a verify result) in every format asked for.

    ``text``, ``data`` and ``document`` are called only for the formats that need them: the
    terminal text, the JSON dictionary and the document model the templates arrange.
    """
    def write(content: str, filename: str) -> None:
        say(emit(content, output, filename))

    if "text" in formats:
        write(text(), f"{stem}.txt")
    if "json" in formats:
        write(json_text(data()), f"{stem}.json")
    if {"md", "tex", "pdf"}.intersection(formats):
        write_document(document(), stem, formats, output, templates, write, say)


def say(line: str | None) -> None:
    if line:
        print(line)


def emit(text: str, output: str, filename: str) -> str | None:
    """Write ``text`` to stdout (output ``-``) or atomically to ``output/filename``; "wrote ..." or None."""
    if output == "-":
        sys.stdout.write(text)
        return None
    target = Path(output) / filename
    write_atomic(target, text)
    return f"wrote {target}"


def json_text(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"  # strict JSON: no NaN/Infinity
