"""Child process of :mod:`symback.checking.latex_input`: LaTeX in, a JSON syntax tree out. Not a public API.

It is run as ``python -I _latex_worker.py`` with an empty environment and serves its parent for the
parent's life: each request is one line ``{"texts": [...], "max_nodes": n, "max_depth": d}`` on stdin,
each reply one line ``{"results": [{"tree": ...} | {"error": ..., "column": ...}, ...]}`` (ASCII JSON)
on stdout; it ends at the end of its input. The parent times every request and kills the child on a
timeout. It only parses (SymPy's antlr backend, strict mode) and encodes; the parent decides what is allowed.
Decimal literals become exact rationals here, so no float arithmetic happens during parsing.
"""
import json
import sys

try:
    import resource
except ImportError:  # not POSIX: only the parent's timeout applies
    resource = None

import sympy
from sympy.core.function import AppliedUndef
from sympy.parsing.latex import _parse_latex_antlr, parse_latex
from sympy.parsing.latex.errors import LaTeXParsingError


class _ExactSympy:
    """The ``sympy`` namespace the antlr converter sees, with number tokens read as exact rationals."""

    Number = staticmethod(sympy.Rational)  # Rational(str) uses fractions.Fraction, never sympify

    def __getattr__(self, name):
        return getattr(sympy, name)


class _TooBig(Exception):
    """The tree exceeds the node or depth bound."""


def operands(expr):
    """The arguments of ``expr``, with nested sums in a sum (products in a product) spliced in."""
    if not isinstance(expr, (sympy.Add, sympy.Mul)):
        return expr.args
    found, stack = [], list(reversed(expr.args))
    while stack:
        arg = stack.pop()
        if type(arg) is type(expr):
            stack.extend(reversed(arg.args))
        else:
            found.append(arg)
    return found


def encode(expr, budget, depth):
    """The JSON form of ``expr``: numbers, symbols, E, calls, and every other node by its class name."""
    budget[0] -= 1
    if budget[0] < 0 or depth < 0:
        raise _TooBig
    if isinstance(expr, sympy.Integer):
        return {"int": str(expr)}
    if isinstance(expr, sympy.Rational):
        return {"rat": [str(expr.p), str(expr.q)]}
    if isinstance(expr, sympy.Symbol):
        return {"sym": expr.name}
    if expr is sympy.E:
        return {"const": "E"}
    args = [encode(a, budget, depth - 1) for a in operands(expr)]
    if isinstance(expr, AppliedUndef):
        return {"call": expr.func.__name__, "args": args}
    return {"fn": type(expr).__name__, "args": args}


def parse_one(text, max_nodes, max_depth):
    """One result entry: the encoded tree, or the parser's complaint and its column."""
    try:
        tree = encode(parse_latex(text, backend="antlr", strict=True), [max_nodes], max_depth)
    except LaTeXParsingError as exc:
        lines = str(exc).splitlines()
        column = len(lines[-1]) if len(lines) == 3 else None
        return {"error": lines[0] if lines else "invalid LaTeX", "column": column}
    except (_TooBig, RecursionError):
        return {"error": f"the formula has more than {max_nodes} parts or is nested too deeply", "column": None}
    except Exception as exc:  # noqa: BLE001 - any converter failure is reported, never raised
        return {"error": f"the converter failed ({type(exc).__name__})", "column": None}
    return {"tree": tree}


def serve():
    """Answer the parent's requests, one JSON line each, until it closes the pipe."""
    if resource is not None:  # memory and file-size caps; the parent's wall-clock timeout bounds time
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    _parse_latex_antlr.sympy = _ExactSympy()
    for line in sys.stdin:  # one request per line, until the parent closes the pipe (or kills this process)
        request = json.loads(line)
        results = [parse_one(t, request["max_nodes"], request["max_depth"]) for t in request["texts"]]
        sys.stdout.write(json.dumps({"results": results}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
