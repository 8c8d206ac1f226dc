"""``symback grad``: the gradient of one formula, symbolic and at a point."""
from __future__ import annotations

from symback.api import SymbackError, grad


def add_parser(sub) -> None:
    """Register ``grad`` on the command line's subparsers."""
    gradient = sub.add_parser("grad", help="the gradient of one formula")
    gradient.add_argument("formula", help='e.g. "w*x + b"')
    gradient.add_argument("--wrt", required=True, help="names to differentiate by, comma-separated")
    gradient.add_argument("--at", default=None, help="values, e.g. w=1,x=2")
    gradient.add_argument("--digits", type=int, default=6, help="significant digits shown (default 6)")
    gradient.set_defaults(run=run)


def run(args) -> int:
    """Print d/dname of the formula for every name of --wrt (and its value with --at)."""
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
