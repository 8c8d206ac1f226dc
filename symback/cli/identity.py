"""``symback identity``: checked step-by-step derivations of the textbook identities."""
from __future__ import annotations

from symback.commands import (IDENTITIES, build_identity_document, derive_identity, identity_json, identity_text,
                              lang_suffix, messages)
from symback.cli.common import report_formats, write_report
from symback.cli.faults import check_paths, limit_options


def add_arguments(identity) -> None:
    """The arguments of ``identity`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    identity.add_argument("name", nargs="?", help="an identity (omit to list them)")
    identity.add_argument("--format", default="text", help="text (default), or comma-separated json, md, tex, pdf, or all")
    identity.add_argument("--lang", default="en", help="document language: en or ko (default en)")
    identity.add_argument("--templates", default=None, metavar="DIR", help="your templates, searched first")
    identity.add_argument("-o", "--output", default="-", metavar="DIR", help="output directory (default: stdout; pdf needs a directory)")
    limit_options(identity)
    identity.set_defaults(run=run)


def run(args) -> int:
    """List the identities, or write one in the formats asked for."""
    if args.name is None:
        for name in IDENTITIES:
            print(name)
        return 0
    formats = report_formats(args.format, args.output)
    messages(args.lang)
    check_paths(args.output, args.templates)
    identity = derive_identity(args.name)  # every line checked equal to the previous one
    write_report(f"identity_{identity.name}{lang_suffix(args.lang)}", formats, args.output, args.templates,
                 lambda: identity_text(identity), lambda: identity_json(identity),
                 lambda: build_identity_document(identity, args.lang))
    return 0
