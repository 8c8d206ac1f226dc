"""``symback verify``: claims about a spec, or a derivation line by line (exit 0 right, 1 wrong, 2 bad input)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from symback.api import StepsReport, SymbackError, load_example, load_homework, load_spec, solve, verify_claims
from symback.commands import (DEFAULT_BUDGET, build_verify_document, claims_json, claims_text, lang_suffix,
                              messages, number_text, parse_claim, steps_example, steps_json, steps_text)
from symback.cli.common import log_lines, report_formats, write_report
from symback.cli.faults import check_paths, limit_options, refuse_same_stem, user_error


def add_arguments(verify) -> None:
    """The arguments of ``verify`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    verify.description = ("symback verify SPEC [--claim 'dL/dw1 = 0.488']...  |  symback verify steps FILE [--spec SPEC]. "
                          "Exit code 0 when every claim or step is right, 1 when one is wrong, 2 on bad input.")
    verify.add_argument("targets", nargs="*", metavar="SPEC | steps FILE", help="spec files, or 'steps' and steps files")
    verify.add_argument("--example", action="append", default=[], metavar="NAME",
                        help="a built-in example: a spec, or with 'steps' a derivation (repeatable)")
    verify.add_argument("--claim", action="append", default=[], metavar='"NAME = VALUE"',
                        help='a claim, e.g. --claim "dL/dw1 = 0.488" (repeatable; replaces the spec\'s [claims])')
    verify.add_argument("--format", default="text", help="text (default), or comma-separated json, md, tex, pdf, or all")
    verify.add_argument("--lang", default="en", help="report language: en or ko (default en)")
    verify.add_argument("--digits", type=int, default=4, help="significant digits shown in documents (default 4)")
    verify.add_argument("--timeout", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
                        help=f"time budget of each proof (default {number_text(DEFAULT_BUDGET)}); unproved within it means 'numeric'; "
                             "all proofs together stay within --budget")
    verify.add_argument("--spec", default=None, metavar="SPEC",
                        help="with 'steps': check homework against this problem (a spec file or a built-in example's "
                             "name; default: the file's '# spec: NAME' line)")
    verify.add_argument("--latex", action="store_true", help="formula claims and derivation lines are LaTeX")
    verify.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched first")
    verify.add_argument("-o", "--output", default="-", metavar="DIR", help="output directory (default: stdout; pdf needs a directory)")
    limit_options(verify)
    verify.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check every target; 0 if all is right, 1 if something is wrong."""
    formats = report_formats(args.format, args.output)
    if not 0 < args.timeout <= 600:
        raise SymbackError("--timeout", f"{number_text(args.timeout)} s is out of range", "use more than 0 and at most 600 seconds")
    if args.digits < 1 or args.digits > 30:
        raise SymbackError("--digits", f"{args.digits} is out of range", "use 1 to 30")
    messages(args.lang)
    steps = bool(args.targets) and args.targets[0] == "steps"
    targets = args.targets[1:] if steps else args.targets
    if steps and args.claim:
        raise SymbackError("--claim", "claims go with a spec, not with 'steps'", "drop --claim or the word 'steps'")
    if args.spec is not None and not steps:
        raise SymbackError("--spec", "--spec goes with 'steps' (homework against a problem)",
                           "write symback verify steps FILE --spec SPEC, or name the spec as the target")
    jobs = [(Path(t).stem, t, None) for t in targets]
    for name in args.example:
        jobs.append((name, steps_example(name) if steps else load_example(name), f"example:{name}"))
    if not jobs:
        raise SymbackError("verify", "nothing to check", "name a spec (or 'steps FILE'), or use --example NAME")
    check_paths(args.output, args.templates)
    if args.output != "-":
        refuse_same_stem([(stem, name or target) for stem, target, name in jobs])
    right, failed = True, False
    for stem, target, name in jobs:  # a bad target is reported on its own line; the others are still checked
        try:
            report = _check_steps(target, args, name) if steps else _check_claims(target, args)
            right &= _write(report, f"{stem}.{'steps' if steps else 'verify'}", formats, args)
        except Exception as exc:
            print(f"symback: {user_error(exc, name or str(target)).line()}{log_lines(exc)}", file=sys.stderr)
            failed = True
    return 2 if failed else 0 if right else 1


def _check_claims(target, args):
    spec = target if not isinstance(target, str) else load_spec(target)
    claims = [parse_claim(c, f"--claim {i}") for i, c in enumerate(args.claim, 1)] or None
    return verify_claims(solve(spec), claims, budget=args.timeout, latex=args.latex)


def _check_steps(target, args, name: str | None):
    return load_homework(target, args.spec, budget=args.timeout, name=name, latex=True if args.latex else None)


def _write(report, stem: str, formats, args) -> bool:
    """Write the report in every format; True when everything in it is right."""
    is_steps = isinstance(report, StepsReport)
    write_report(stem + lang_suffix(args.lang), formats, args.output, args.templates,
                 lambda: steps_text(report, args.lang) if is_steps else claims_text(report, args.lang),
                 lambda: steps_json(report) if is_steps else claims_json(report),
                 lambda: build_verify_document(report, args.lang, args.digits))
    return report.first_wrong is None and all(s.verdict != "undecided" for s in report.steps) if is_steps \
        else not report.wrong
