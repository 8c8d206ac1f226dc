"""The JSON documents of a solution and of a checked identity (and the identity as plain text).

Numbers follow the README's JSON rules (:func:`symback.engine.numerals.json_number`, ``exact_text``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from symback.documents.json_symbolic import symbolic_json
from symback.documents.plain import plain
from symback.documents.printing import latex
from symback.engine.derivation import CHECK_TOLERANCE
from symback.engine.numerals import exact_text, json_number

if TYPE_CHECKING:  # annotations only (lazy: start-up time: the prover is not loaded for a solution)
    from symback.checking.chain import Identity, Line
    from symback.engine.solution import Solution


def _exact(values: Mapping[str, Any]) -> dict[str, str]:
    """The values a JSON number does not give exactly: non-integer rationals, and every ``null``."""
    return {k: exact_text(v) for k, v in values.items()
            if json_number(v) is None or (isinstance(v, sp.Rational) and not isinstance(v, sp.Integer))}


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
                     "rules": list(term.rules), "value": json_number(value)}
            locals_.append(entry if entry["value"] is not None else {**entry, "exact": exact_text(value)})
    return {
        "title": solution.title,
        "source": solution.spec.source,
        "loss": {"name": graph.loss, "value": json_number(solution.loss)},
        "values": {k: json_number(v) for k, v in numbers.values.items()},
        "gradients": {k: json_number(v) for k, v in numbers.gradients.items()},
        "learning_rate": None if graph.learning_rate is None else json_number(graph.learning_rate),
        "steps": graph.steps,
        "frozen": list(graph.frozen),
        "updated": {k: json_number(v) for k, v in solution.updated.items()},
        "history": [json_number(v) for v in solution.history],
        "symbolic": symbolic_json(solution, locals_, closed_forms, **euler),
        "exact": {"values": _exact(numbers.values), "gradients": _exact(numbers.gradients),
                  "updated": _exact(solution.updated),
                  **({} if graph.learning_rate is None else {"learning_rate": exact_text(graph.learning_rate)})},
        "assumptions": [str(a) for a in derivation.assumptions],
        "conventions": {"relu_at_zero": json_number(graph.conventions.relu_at_zero)},
        "notes": [str(n) for n in derivation.notes],
        "gradient_check": {
            "method": f"mpmath central differences at {numbers.precision} digits"
                      + (f", along {len(directions)} random directions and {len(checks)} random leaves" if directions else ""),
            "max_relative_error": json_number(worst),
            "agrees": worst <= CHECK_TOLERANCE,  # False at a kink (ReLU at 0, step) or a bug: look closer
            "leaves": {p: {"finite_difference": json_number(c.numeric), "relative_error": json_number(c.relative_error)}
                           for p, c in checks.items()},
            # large graphs: sum_p dL/dp v_p against the difference along a random v (README "JSON output")
            "directions": [{"derivative": json_number(c.symbolic), "finite_difference": json_number(c.numeric),
                            "relative_error": json_number(c.relative_error)} for c in directions],
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
