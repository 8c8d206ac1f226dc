"""``symback grade``: grade students' answers against ``variants.json``; a gradebook and feedback files.

Exit 0 whatever the grades; 1 when some rows could not be graded (an unknown variant: listed in the
gradebook and on stderr with the reason, the other rows graded); 2 on unusable input (a missing column,
a manifest that does not rebuild), and then nothing is written. The variants are graded in the process pool of ``derive`` (workers share
the budget and die with the command); the gradebook and its feedback files are written as one set
(:mod:`symback.cli.outputs`), replacing the gradebook of an earlier run in the same directory.
"""
from __future__ import annotations

import re
import sys
from functools import partial
from pathlib import Path

from symback.api import grade
from symback.commands import feedback_markdown, feedback_name, gradebook_csv, messages, misconceptions_csv, write_atomic
from symback.cli.cluster import cluster_runner, scheduler_option
from symback.cli.faults import check_paths, limit_options
from symback.cli.outputs import output_set
from symback.cli.pool import pool_map

FEEDBACK = re.compile(r".+\.row\d+\.md")  #: a feedback file's name (feedback/<student>.row<N>.md)


def add_arguments(p) -> None:
    """The arguments of ``grade`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    p.add_argument("manifest", metavar="VARIANTS_JSON", help="the variants.json that 'symback exercise' wrote")
    p.add_argument("submissions", metavar="SUBMISSIONS_CSV",
                   help="one row per student: student, variant, then one column per asked quantity "
                        "(or a Moodle, Canvas or PrairieLearn export)")
    p.add_argument("-o", "--output", default="grades", metavar="DIR", help="output directory (default grades)")
    p.add_argument("--lang", default="en", help="feedback language: en or ko (default en)")
    p.add_argument("--follow-on-credit", type=float, default=1.0, metavar="SHARE",
                   help="what an answer that is right from the student's own wrong upstream answers earns "
                        "(error carried forward): 1 a full mark (default), 0.5 half, 0 none")
    p.add_argument("--from", dest="platform", default=None, metavar="PLATFORM",
                   help="the submissions are this platform's export: moodle, canvas or prairielearn (default: "
                        "recognised by the header; "
                        "README 'Grading a platform's export')")
    scheduler_option(p)
    limit_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Grade every row; write gradebook.csv and feedback/<student>.row<N>.md."""
    messages(args.lang)
    check_paths(args.output)
    book = grade(args.manifest, args.submissions, partial(_in_pool, runner=cluster_runner(args.scheduler)),
                 follow_on_credit=args.follow_on_credit,
                 platform=args.platform)
    out = Path(args.output)
    with output_set(out, _replaced) as staging:
        write_atomic(staging / "gradebook.csv", gradebook_csv(book))
        write_atomic(staging / "misconceptions.csv", misconceptions_csv(book))
        for g in book.grades:
            write_atomic(staging / "feedback" / feedback_name(g), feedback_markdown(g, args.lang, book.digits))
    print(f"wrote {out / 'gradebook.csv'} and {out / 'misconceptions.csv'}")
    print(f"wrote {len(book.grades)} feedback files in {out / 'feedback'}")
    right = sum(g.right for g in book.grades)
    follow_on = sum(g.follow_on for g in book.grades)
    total = sum(len(g.marks) for g in book.grades)
    print(f"{len(book.grades)} students, {right} of {total} answers right" + (f", {follow_on} follow-on" if follow_on else ""))
    for u in book.ungraded:
        print(f"symback grade: {args.submissions}: row {u.row}: not graded: {u.reason}", file=sys.stderr)
    return 1 if book.ungraded else 0


def _in_pool(work, jobs, runner=None) -> list:
    """The variants' jobs: in the pool (or by ``runner``, on a cluster) when there are several."""
    return [work(job) for job in jobs] if len(jobs) <= 1 else pool_map(work, jobs, runner=runner)


def _replaced(out: Path, staging: Path) -> list[Path]:
    """The earlier gradebook and its feedback files (a new grading replaces them all)."""
    feedback = out / "feedback"
    old = [p for p in feedback.iterdir() if p.is_file() and FEEDBACK.fullmatch(p.name)] if feedback.is_dir() else []
    return old + [out / "gradebook.csv", out / "misconceptions.csv"]
