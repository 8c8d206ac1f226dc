"""``symback grade``: grade students' answers against ``variants.json``; a gradebook and feedback files.

Exit 0 whatever the grades; 2 on bad input (an unknown variant, a missing column: named with its row),
and then nothing is written.
"""
from __future__ import annotations

from pathlib import Path

from symback.api import grade
from symback.commands import feedback_markdown, feedback_name, gradebook_csv, messages
from symback.cli.common import write_atomic


def add_arguments(p) -> None:
    """The arguments of ``grade`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    p.add_argument("manifest", metavar="VARIANTS_JSON", help="the variants.json that 'symback exercise' wrote")
    p.add_argument("submissions", metavar="SUBMISSIONS_CSV",
                   help="one row per student: student, variant, then one column per asked quantity")
    p.add_argument("-o", "--output", default="grades", metavar="DIR", help="output directory (default grades)")
    p.add_argument("--lang", default="en", help="feedback language: en or ko (default en)")
    p.set_defaults(run=run)


def run(args) -> int:
    """Grade every row; write gradebook.csv and feedback/<student>.row<N>.md."""
    messages(args.lang)
    book = grade(args.manifest, args.submissions)
    out = Path(args.output)
    write_atomic(out / "gradebook.csv", gradebook_csv(book))
    print(f"wrote {out / 'gradebook.csv'}")
    for g in book.grades:
        target = out / "feedback" / feedback_name(g)
        write_atomic(target, feedback_markdown(g, args.lang))
    print(f"wrote {len(book.grades)} feedback files in {out / 'feedback'}")
    right = sum(g.right for g in book.grades)
    total = sum(len(g.marks) for g in book.grades)
    print(f"{len(book.grades)} students, {right} of {total} answers right")
    return 0
