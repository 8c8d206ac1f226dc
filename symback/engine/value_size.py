"""How many digits a node's exact value will have, estimated from its formula before anything is computed.

:func:`check_value_digits` refuses a graph whose exact arithmetic would build numbers beyond the
``--max-digits`` limit (:mod:`symback.engine.limits`).
"""
from __future__ import annotations

import sympy as sp

from symback.engine import limits
from symback.engine.limits import LimitError

FLOAT = -1  #: the "digits" of a value that is not rational: it is carried as a 50-digit float


def check_value_digits(nodes, point, source: str) -> None:
    """Refuse, before computing anything, a node whose exact value would have more than ``digits`` digits.

    ``nodes`` are (name, formula) in topological order and ``point`` the leaves' exact values. The
    estimate follows the formula over exact values: a product adds its factors' digits, a sum takes
    the largest (plus one), an integer power n multiplies by n; anything involving a value that is
    not rational is a 50-digit float and never too large. So ``w^1000`` composed three times (about
    3·10^9 digits) is refused in milliseconds instead of computed for minutes.
    """
    sizes = {name: _rational_digits(value) for name, value in point.items()}
    for name, expr in nodes:
        sizes[name] = _digits(expr, sizes)
        if sizes[name] > limits.current().digits:
            raise LimitError(f"{source}: nodes.{name}",
                             f"its exact value would have about {sizes[name]:,} digits, more than the limit "
                             f"{limits.current().digits}", "raise it with --max-digits, or give the inputs fewer decimals")


def _rational_digits(value) -> int:
    if not isinstance(value, sp.Rational):
        return FLOAT
    return max(int(abs(int(value.p)).bit_length() * 0.30103) + 1, int(int(value.q).bit_length() * 0.30103) + 1)


def _digits(expr: sp.Expr, sizes: dict) -> int:
    """The estimate of :func:`check_value_digits` for one formula (an explicit stack: formulas may be deep)."""
    done: dict = {}
    stack = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in done:
            continue
        if node.is_Symbol:
            done[node] = sizes.get(node.name, FLOAT)
        elif node.is_Rational:
            done[node] = _rational_digits(node)
        elif not ready:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if arg not in done)
        else:
            parts = [done[arg] for arg in node.args]
            if FLOAT in parts or not (node.is_Mul or node.is_Add or (node.is_Pow and node.exp.is_Integer)):
                done[node] = FLOAT  # a function, a fractional power, a float operand
            elif node.is_Mul:
                done[node] = sum(parts)
            elif node.is_Add:
                done[node] = max(parts) + 1
            else:
                done[node] = parts[0] * abs(int(node.exp))
    return done[expr]
