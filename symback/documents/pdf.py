"""LaTeX to PDF: pdflatex in a fresh temporary directory, sandboxed and under a timeout.

The document can only read and write inside its own directory (kpathsea ``openin_any=p``,
``openout_any=p``, ``TEXMFOUTPUT`` unset), never runs shell commands (``-no-shell-escape``), and is
killed with its whole process group when the timeout (for all passes together) runs out. It is
given the main memory the document needs (:func:`tex_memory`), or refuses it before it runs. The
engine runs once and again only while its log asks for a rerun (at most three passes): what latexmk
decides, without the stub-.aux second pass it always makes in a fresh directory (which doubled the
PDF time; see benchmarks/bench_documents.py). Only the PDF leaves the directory, atomically.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from symback.engine import limits
from symback.engine.errors import SymbackError
from symback.engine.numerals import number_text
from symback.engine.files import write_atomic

TEXLIVE_INSTALL = ("apt-get install latexmk texlive-latex-recommended texlive-latex-extra texlive-pictures "
           "texlive-lang-korean texlive-fonts-recommended lmodern graphviz")  #: Debian packages that cover the templates
ENGINES = ("pdflatex", "lualatex", "xelatex")
MAX_PASSES = 3
DEFAULT_TIMEOUT = 60.0  #: seconds for every pass of a document together
SECONDS_PER_MB = 25.0   #: measured: one pass over 5.4 MB of LaTeX (1,667 pages) takes 51 s on a busy core
#: TeX's main memory, in words, that a document needs per byte of its LaTeX: measured, a [64, 64, 64] network's
#: full worked solution (5.4 MB, 1,667 pages) used 23.9 M words (4.5 a byte; a sixth more to spare); TeX Live's
#: format has 5 M (``main_memory``)
TEX_WORDS_PER_BYTE = 6
TEX_MAIN_MEMORY = 5_000_000
#: the most words pdflatex is given through ``extra_mem_bot`` and ``extra_mem_top`` (8 bytes a word: 800 MB)
TEX_MAX_WORDS = 100_000_000
#: the least LaTeX, in bytes, a worked solution has per edge of its graph (a parent feeding a node), by detail:
#: measured over the gallery, wide and deep graphs and random networks up to [64, 64, 64] with batches of 1-3
#: (the least seen: full 320, standard 93, compact 36 bytes an edge), with a fifth or more to spare, so that
#: :func:`check_typesettable` never refuses a document that would typeset
LATEX_BYTES_PER_EDGE = {"full": 250, "standard": 70, "compact": 25}
_RERUN = re.compile(r"Rerun (?:to get|LaTeX)|have changed\.\s*Rerun")
TAIL = 20  #: lines of the log kept in ``LatexError.log_tail``
_ERROR = re.compile(r"^(?:(?P<file>[^\s:][^:\n]*):(?P<line>\d+): |! ?)(?P<message>.*)$", re.M)
_CONTEXT = re.compile(r"^l\.(\d+) (.*)$", re.M)


class LatexMissing(SymbackError):
    """The TeX engine is not on PATH."""


class LatexTimeout(SymbackError):
    """LaTeX ran longer than the timeout and was killed."""


class LatexTooLarge(SymbackError):
    """The document would need more TeX memory than pdflatex is given: refused before it runs."""


class LatexError(SymbackError):
    """LaTeX stopped with an error; ``log_tail`` holds the relevant lines of its log."""

    def __init__(self, where: str, message: str, fix: str = "", log_tail: str = "") -> None:
        self.log_tail = log_tail
        super().__init__(where, message, fix)

    def located(self, prefix: str) -> "LatexError":
        """The same error with ``prefix`` put in front of its place, keeping the log tail."""
        return LatexError(f"{prefix}: {self.where}" if self.where else prefix, self.message, self.fix, self.log_tail)


def compile_pdf(tex: str, target: Path, *, timeout: float | None = None, engine: str = "pdflatex") -> Path:
    """Typeset ``tex`` and write the PDF, and nothing else, atomically to ``target``.

    ``timeout``: seconds for all passes; None gives a long document the time its length needs
    (:data:`SECONDS_PER_MB`), and any other :data:`DEFAULT_TIMEOUT`; the command's budget bounds both.

    ``engine`` is ``pdflatex`` (the default; Korean through kotex), ``lualatex`` or ``xelatex``.
    Raises :class:`LatexMissing`, :class:`LatexError` or :class:`LatexTimeout`; on any error
    ``target`` is left untouched. Returns ``target``.

    >>> compile_pdf(r"\\documentclass{article}\\begin{document}Hi\\end{document}",
    ...             Path("out/hi.pdf"))  # doctest: +SKIP
    PosixPath('out/hi.pdf')
    """
    target = Path(target)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    if shutil.which(engine) is None:
        raise LatexMissing(str(target), f"{engine} is not on PATH, so the PDF cannot be made",
                           f"install TeX Live: sudo {TEXLIVE_INSTALL}")
    env = {k: v for k, v in os.environ.items() if k not in ("TEXMFOUTPUT", "TEXMF_OUTPUT_DIRECTORY")}
    env.update(openin_any="p", openout_any="p", shell_escape="f", max_print_line="1000", **tex_memory(tex, target))
    command = [engine, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               "document.tex"]
    if timeout is None:
        timeout = max(DEFAULT_TIMEOUT, SECONDS_PER_MB * len(tex) / 1e6)
    budget_bound = limits.remaining() < timeout  # the command's budget ends first: its error, not LaTeX's
    timeout = min(timeout, max(limits.remaining(), 0.1))
    deadline = time.monotonic() + timeout
    work = None
    try:
        with limits.held_signals():  # a signal between making the folder and owning it would leak it
            work = tempfile.mkdtemp(prefix="symback-tex-")
        folder = Path(work)
        (folder / "document.tex").write_text(tex, encoding="utf-8")
        for _ in range(MAX_PASSES):
            try:
                code = _run(command, folder, env, deadline, timeout, target)
            except LatexTimeout:
                if budget_bound:
                    raise limits.budget_error("running pdflatex") from None
                raise
            log = folder / "document.log"
            if code != 0 or not log.is_file() or not _RERUN.search(log.read_text(encoding="utf-8", errors="replace")):
                break
        pdf = folder / "document.pdf"
        if code != 0 or not pdf.is_file():
            raise _latex_error(folder, target)
        write_atomic(target, pdf.read_bytes())
    finally:
        if work is not None:
            with limits.held_signals():  # removed whole, even when Ctrl-C or the budget lands meanwhile
                shutil.rmtree(work, ignore_errors=True)
    return target


def tex_memory(tex: str, target: "Path | str" = "document.pdf") -> dict[str, str]:
    """The texmf.cnf variables (environment) that give pdflatex the main memory ``tex`` needs.

    TeX Live 2022's pdftex reads ``extra_mem_bot`` and ``extra_mem_top`` at every run (``main_memory``
    only when its format is built): the words beyond the format's 5 M are split between them. A
    document that would need more than :data:`TEX_MAX_WORDS` raises :class:`LatexTooLarge` before
    pdflatex runs, instead of failing with "TeX capacity exceeded" after it.

    >>> tex_memory("x" * 100)
    {'extra_mem_bot': '0', 'extra_mem_top': '0'}
    """
    need = TEX_WORDS_PER_BYTE * len(tex.encode("utf-8"))
    if need > TEX_MAX_WORDS:
        raise LatexTooLarge(str(target), f"the document ({number_text(len(tex) / 1e6, 3)} MB of LaTeX) needs about "
                            f"{number_text(need / 1e6, 3)} M words of TeX memory, more than the "
                            f"{number_text(TEX_MAX_WORDS / 1e6, 3)} M pdflatex is given",
                            "write it as md or tex (--format md,tex), or ask for less detail (--detail standard "
                            "or compact)")
    extra = max(0, need - TEX_MAIN_MEMORY)
    return {"extra_mem_bot": str(extra // 2), "extra_mem_top": str(extra - extra // 2)}


def check_typesettable(edges: int, detail: str, target: "Path | str") -> None:
    """Refuse, before anything is derived, a worked solution of a graph of ``edges`` edges that cannot typeset.

    The document's LaTeX is at least :data:`LATEX_BYTES_PER_EDGE` bytes an edge at ``detail``; when even
    that needs more TeX memory than :data:`TEX_MAX_WORDS`, :class:`LatexTooLarge` is raised at once,
    instead of after the derivation and the document are built (seconds to minutes for a large network).
    A document below the floor's limit is still measured exactly by :func:`tex_memory`.

    >>> check_typesettable(16_768, "full", "net.pdf")  # a [64, 64, 64] network: 5.5 MB of LaTeX, typesets
    """
    floor = LATEX_BYTES_PER_EDGE[detail] * edges
    if TEX_WORDS_PER_BYTE * floor > TEX_MAX_WORDS:
        less = {"full": "--detail standard or compact, ", "standard": "--detail compact, "}.get(detail, "")
        raise LatexTooLarge(str(target), f"its {detail} worked solution would be at least "
                            f"{number_text(floor / 1e6, 3)} MB of LaTeX ({edges} edges), needing more than the "
                            f"{number_text(TEX_MAX_WORDS / 1e6, 3)} M words of TeX memory pdflatex is given; "
                            "refused before deriving",
                            f"write it as md or tex (--format md,tex), or ask for less: {less}fewer samples or neurons")


def _run(command: list[str], folder: Path, env: dict, deadline: float, timeout: float, target: Path) -> int:
    """One engine pass in its own session; LatexTimeout when the overall deadline passes."""
    with open(folder / "engine.out", "wb") as out:
        parent, proc = os.getpid(), None
        try:
            with limits.held_signals():  # no signal between starting pdflatex and holding its handle
                proc = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=lambda: limits.die_with_parent(parent))
            return proc.wait(timeout=max(deadline - time.monotonic(), 0.01))  # SIGTERM here: killed below
        except subprocess.TimeoutExpired:
            raise LatexTimeout(str(target), f"LaTeX did not finish in {number_text(timeout)} s and was killed",
                               "a looping macro (such as \\def\\a{\\a}\\a) is the usual cause; "
                               "fix the template, or raise the timeout for a very long document") from None
        finally:
            if proc is not None:
                _kill(proc)  # nothing of the group survives


def _kill(proc: subprocess.Popen) -> None:
    """Kill the process group of ``proc`` (its session) and reap ``proc``."""
    with limits.held_signals():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _latex_error(folder: Path, target: Path) -> LatexError:
    """The first error of the log in ``folder`` as a :class:`LatexError`."""
    log = folder / "document.log"
    text = (log if log.is_file() else folder / "engine.out").read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    found = _ERROR.search(text)
    if not found:
        return LatexError(str(target), "LaTeX failed without an error message in its log",
                          "the last lines of its log follow", "\n".join(lines[-TAIL:]))
    first = text.count("\n", 0, found.start())
    end = next((i for i, s in enumerate(lines[first:], first) if s.startswith("Here is how much")), len(lines))
    context = _CONTEXT.search(text, found.end())
    name, line = found.group("file"), found.group("line")
    if name is None or name in ("./document.tex", "document.tex"):
        line = line or (context.group(1) if context else None)
        where = f" at line {line} of the generated LaTeX" if line else ""
        if not line and "<*>" in text[found.end():]:
            where = " at the end of the generated LaTeX (an unclosed brace or environment, or no \\end{document}?)"
    else:
        where = f" in {Path(name).name} line {line}"
    near = f" (near '{context.group(2).strip()[-40:]}')" if context and context.group(2).strip() else ""
    message = f"LaTeX error{where}: {found.group('message').strip().rstrip('.')}{near}"
    return LatexError(str(target), message, "fix the template or the LaTeX given to it (the log lines follow)",
                      "\n".join(lines[max(first - 2, 0):min(first + TAIL - 2, end)]))
