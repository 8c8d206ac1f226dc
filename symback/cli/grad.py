"""``symback grad``: the gradient of one formula, symbolic and at a point."""
from __future__ import annotations

from symback.api import SymbackError, grad
from symback.commands import number_text
from symback.cli.faults import limit_options


def add_arguments(gradient) -> None:
    """The arguments of ``grad`` (its name and help: :data:`symback.cli.COMMANDS`)."""
    gradient.add_argument("formula", help='e.g. "w*x + b"')
    gradient.add_argument("--wrt", required=True, help="names to differentiate by, comma-separated")
    gradient.add_argument("--at", default=None, help="values, e.g. w=1,x=2")
    gradient.add_argument("--digits", type=int, default=6, help="significant digits shown (default 6)")
    limit_options(gradient)
    gradient.set_defaults(run=run)


def run(args) -> int:
    """Print d/dname of the formula for every name of --wrt (and its value with --at)."""
    if not 1 <= args.digits <= 50:
        raise SymbackError("--digits", f"{args.digits} is out of range", "use 1 to 50")
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()]
    if not wrt:
        raise SymbackError("--wrt", "no name given", "write names of the formula, e.g. --wrt w,b")
    at = None
    if args.at is not None:
        at = {}
        for item in args.at.split(","):
            name, sep, value = item.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise SymbackError("--at", f"'{item}' is not name=number", "write e.g. --at w=1,x=2.5")
            at[name.strip()] = value.strip()  # read exactly from its text by grad
    result = grad(args.formula, wrt, at)
    for name, entry in result.items():
        line = f"d/d{name} = {entry.get('text', entry['symbolic'])}"
        if entry["value"] is not None and not entry["symbolic"].is_Number:
            value = entry["value"]
            shown = str(value) if value.is_Rational and len(str(value)) <= 40 else number_text(value, args.digits)
            line += f" = {shown}"
        print(line)
    return 0

