"""The JSON documents of a solution and of a checked identity (and the identity as plain text)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from symback.checking.chain import Identity, Line
from symback.documents.printing import latex, name_latex
from symback.engine.derivation import CHECK_TOLERANCE

if TYPE_CHECKING:
    from symback.engine.solution import Solution


def number(value: Any) -> float | int:
    """A JSON number: exact integers stay integers, everything else becomes a float."""
    if isinstance(value, sp.Integer) or isinstance(value, int):
        return int(value)
    return float(value)


def _exact(values: Mapping[str, sp.Expr]) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if isinstance(v, sp.Rational) and not isinstance(v, sp.Integer)}


def solution_json(solution: "Solution") -> dict:
    """The JSON document of a solution (see README 'JSON output')."""
    graph, numbers, derivation = solution.graph, solution.numbers, solution.derivation
    checks = numbers.check
    worst = max((c.relative_error for c in checks.values()), default=0.0)
    locals_ = []
    for step in derivation.steps:
        for term in step.terms:
            locals_.append({"node": step.node, "child": term.child, "derivative": str(term.local),
                            "rules": list(term.rules), "value": number(numbers.locals[(term.child, step.node)])})
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
        "history": list(solution.history),
        "symbolic": {
            "nodes": {n.name: str(n.expr) for n in graph.nodes if not n.is_leaf},
            "gradients": {n.name: str(derivation.gradient(n.name)) for n in graph.nodes},
            "chains": {p: solution.chain(p) for p in graph.params + graph.inputs},
            "locals": locals_,
            "latex": {
                "names": {n.name: name_latex(n.name) for n in graph.nodes},
                "nodes": {n.name: latex(n.expr) for n in graph.nodes if not n.is_leaf},
                "gradients": {n.name: latex(derivation.gradient(n.name)) for n in graph.nodes},
            },
        },
        "exact": {"values": _exact(numbers.values), "gradients": _exact(numbers.gradients)},
        "assumptions": list(derivation.assumptions),
        "conventions": {"relu_at_zero": number(graph.conventions.relu_at_zero)},
        "notes": list(derivation.notes),
        "gradient_check": {
            "method": f"mpmath central differences at {numbers.precision} digits",
            "max_relative_error": worst,
            "agrees": worst <= CHECK_TOLERANCE,  # False at a kink (ReLU at 0, step) or a bug: look closer
            "leaves": {p: {"finite_difference": float(c.numeric), "relative_error": c.relative_error}
                           for p, c in checks.items()},
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
