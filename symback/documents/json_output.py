"""The JSON documents of a solution and of a checked identity (and the identity as plain text)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from symback.documents.json_symbolic import symbolic_json
from symback.documents.plain import plain
from symback.documents.printing import latex
from symback.engine.derivation import CHECK_TOLERANCE

if TYPE_CHECKING:  # annotations only (lazy: start-up time: the prover is not loaded for a solution)
    from symback.checking.chain import Identity, Line
    from symback.engine.solution import Solution


FLOAT_MAX = 1.7976931348623157e308   #: the largest float64
FLOAT_TINY = 2.2250738585072014e-308  #: the smallest normal float64: below it a nonzero value loses digits
SAFE_INTEGER = 2**53                  #: integers beyond it are not exact in a JavaScript number


def number(value: Any) -> float | int | None:
    """A JSON number (README 'JSON output'): an exact integer up to 2^53 stays an integer, every other
    value becomes the nearest float64, and a value float64 cannot hold (beyond 1.8e308, or nonzero
    below 2.2e-308, or not finite) is ``null``: its decimal text is under ``exact`` (:func:`exact_text`).

    >>> number(sp.Rational(1, 4)), number(sp.Integer(10) ** 400), number(sp.Rational(1, 10**400))
    (0.25, None, None)
    """
    if isinstance(value, (sp.Integer, int)) and not isinstance(value, bool) and abs(int(value)) <= SAFE_INTEGER:
        return int(value)
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(result) or abs(result) > FLOAT_MAX or (result == 0) != _is_zero(value) \
            or 0 < abs(result) < FLOAT_TINY:
        return None
    return result


def _is_zero(value: Any) -> bool:
    if not isinstance(value, sp.Basic):
        return value == 0
    if isinstance(value, (sp.Float, sp.Rational)):  # at once, not through the assumptions (Float(0) != 0)
        return not value
    return bool(value.is_zero)


def exact_text(value: Any) -> str:
    """The exact value as text: ``p/q`` for a rational (``1/10**400`` written out), else the full
    decimal of a Float (50 digits), e.g. ``1.9700711140170469938888793522433231253169379853238e+434``."""
    if isinstance(value, sp.Basic) and value.is_Rational:
        return str(value)
    return str(value if isinstance(value, sp.Basic) else sp.Float(value))


def _exact(values: Mapping[str, Any]) -> dict[str, str]:
    """The values a JSON number does not give exactly: non-integer rationals, and every ``null``."""
    return {k: exact_text(v) for k, v in values.items()
            if number(v) is None or (isinstance(v, sp.Rational) and not isinstance(v, sp.Integer))}


def solution_json(solution: "Solution", closed_forms: str = "small") -> dict:
    """The JSON document of a solution (see README 'JSON output'); ``closed_forms``: "small" or "all"
    (:func:`symback.documents.json_symbolic.symbolic_json`)."""
    graph, numbers, derivation = solution.graph, solution.numbers, solution.derivation
    checks, directions = numbers.check, numbers.directions
    worst = max((c.relative_error for c in (*checks.values(), *directions)), default=0.0)
    euler = {"euler_e": not any(n.name == "e" for n in graph.nodes)}  # a node e: Euler's number is \exp(1)
    locals_ = []
    for step in derivation.steps:
        for term in step.terms:
            value = numbers.locals[(term.child, step.node)]
            entry = {"node": step.node, "child": term.child, "derivative": plain(term.local),
                     "rules": list(term.rules), "value": number(value)}
            locals_.append(entry if entry["value"] is not None else {**entry, "exact": exact_text(value)})
    return {
        "title": solution.title,
        "source": solution.spec.source,
        "loss": {"name": graph.loss, "value": number(solution.loss)},
        "values": {k: number(v) for k, v in numbers.values.items()},
        "gradients": {k: number(v) for k, v in numbers.gradients.items()},
        "learning_rate": None if graph.learning_rate is None else number(graph.learning_rate),
        "steps": graph.steps,
        "frozen": list(graph.frozen),
        "updated": {k: number(v) for k, v in solution.updated.items()},
        "history": [number(v) for v in solution.history],
        "symbolic": symbolic_json(solution, locals_, closed_forms, **euler),
        "exact": {"values": _exact(numbers.values), "gradients": _exact(numbers.gradients),
                  "updated": _exact(solution.updated),
                  **({} if graph.learning_rate is None else {"learning_rate": exact_text(graph.learning_rate)})},
        "assumptions": [str(a) for a in derivation.assumptions],
        "conventions": {"relu_at_zero": number(graph.conventions.relu_at_zero)},
        "notes": [str(n) for n in derivation.notes],
        "gradient_check": {
            "method": f"mpmath central differences at {numbers.precision} digits"
                      + (f", along {len(directions)} random directions and {len(checks)} random leaves" if directions else ""),
            "max_relative_error": number(worst),
            "agrees": worst <= CHECK_TOLERANCE,  # False at a kink (ReLU at 0, step) or a bug: look closer
            "leaves": {p: {"finite_difference": number(c.numeric), "relative_error": number(c.relative_error)}
                           for p, c in checks.items()},
            # large graphs: sum_p dL/dp v_p against the difference along a random v (README "JSON output")
            "directions": [{"derivative": number(c.symbolic), "finite_difference": number(c.numeric),
                            "relative_error": number(c.relative_error)} for c in directions],
        },
    }


def _line_json(line: Line) -> dict:
    return {"expr": sp.sstr(line.expr, order="none"), "latex": latex(line.expr, order="none"),
            "reason": line.reason, "assumed": line.assumed}


def identity_json(identity: Identity) -> dict:
    """The JSON document of a checked identity derivation (``symback identity NAME -o DIR``)."""
    return {
        "name": identity.name, "title": identity.title, "conclusion": identity.conclusion,
        "assumptions": list(identity.assumptions), "remarks": list(identity.remarks),
        "routes": [{"title": r.title, "lines": [_line_json(l) for l in r.lines]} for r in identity.all_routes],
        "wrong": {"lines": [_line_json(l) for l in identity.wrong], "explanation": identity.wrong_explanation,
                  "counterexample": {s.name: str(v) for s, v in identity.counterexample}} if identity.wrong else None,
    }


def identity_text(identity: Identity) -> str:
    """A derivation as plain text: one line per step, each with its reason."""
    out = [identity.title, ""]
    for route in identity.all_routes:
        if route.title:
            out.append(f"[{route.title}]")
        for i, line in enumerate(route.lines):
            prefix = "  " if i == 0 else "  = "
            reason = f"    ({line.reason}{', assumed' if line.assumed else ''})" if line.reason else ""
            out.append(f"{prefix}{sp.sstr(line.expr, order='none')}{reason}")
        out.append("")
    if identity.wrong:
        out.append("[tempting but wrong]")
        out += [f"  {'=' if i else ' '} {sp.sstr(l.expr, order='none')}    ({l.reason})" for i, l in enumerate(identity.wrong)]
        out += [f"  {identity.wrong_explanation}", ""]
    out += [f"Result: {identity.conclusion}"] + [f"Assumption: {a}" for a in identity.assumptions] + list(identity.remarks)
    return "\n".join(out) + "\n"
