"""The public Python surface: solve a spec, read values, gradients, updates and formulas, print them.

This is the one facade (``symback/__init__.py`` re-exports it); the command line calls only this.

>>> import symback
>>> sol = symback.solve(symback.load_example("neuron"))
>>> round(float(sol.gradients["w1"]), 4)
0.4878
>>> sol.gradient("w1")
2*i1*o*(1 - o)*(o - t)

Besides :func:`solve` and :func:`grad`, it gathers what the command line uses from the layers
below (documents, checking, engine), so that ``symback.cli`` imports nothing but this module.
"""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any, Mapping, Sequence

import sympy as sp

from symback.checking.equivalence import DEFAULT_BUDGET
from symback.checking.identities import IDENTITIES, derive_identity
from symback.checking.steps import StepsReport, load_steps, verify_steps
from symback.checking.claim import parse_claim
from symback.checking.verify import verify_claims
from symback.documents.catalogue import LANGUAGES, messages
from symback.documents.gallery import gallery, lang_suffix, matrix_stem
from symback.documents.identity_document import build_identity_document
from symback.documents.json_output import identity_json, identity_text, solution_json
from symback.documents.matrix_document import build_matrix_document
from symback.documents.pdf import compile_pdf
from symback.documents.printing import latex
from symback.documents.regression_document import build_regression_document, regression_json
from symback.documents.render import WorkedSolution, render_document
from symback.documents.solution_document import build_document
from symback.documents.tex import escape_latex
from symback.documents.verify_document import build_verify_document, claims_json, claims_text, steps_json, steps_text
from symback.engine.backprop import backprop
from symback.engine.compile import CONVENTIONS, MatrixProgram, compile_graph, compile_network, matrix_program
from symback.engine.derivation import BackStep, Derivation, Term, chain_text
from symback.engine.errors import EvaluationError, FormulaError, RuleError, SpecError
from symback.engine.graph import Graph, build_graph, expand_nodes
from symback.engine.node import Node
from symback.engine.regression import regress
from symback.engine.regression_spec import RegressionSpec
from symback.engine.rules import RULES, Conventions
from symback.engine.spec import NetworkSpec
from symback.engine.substitute import forward, gradient_check, substitute
from symback.engine.train import train
from symback.engine import regression as engine_regression
from symback.engine import solution as engine_solution
from symback.engine.derivation import PRECISION
from symback.engine.errors import SymbackError
from symback.engine.examples import example_names, example_path, load_example, steps_example, steps_examples
from symback.engine.expr import parse_formula, symbol
from symback.engine.matrix import MatrixForm, matrix_form
from symback.engine.rules import differentiate
from symback.engine.spec import Spec
from symback.engine.spec_reader import load_spec, spec_from_dict
from symback.engine.substitute import evaluate
#: the public surface: what ``symback/__init__.py`` re-exports, and what ``symback.cli`` may use
__all__ = [
    "escape_latex", "latex", "verify_steps",
    "backprop", "BackStep", "build_graph", "build_identity_document", "build_matrix_document",
    "build_verify_document", "chain_text", "claims_json", "claims_text", "compile_graph", "compile_network",
    "compile_pdf", "CONVENTIONS", "Conventions", "DEFAULT_BUDGET", "Derivation", "derive_identity",
    "differentiate", "EvaluationError", "example_names", "example_path", "expand_nodes", "FormulaError",
    "forward", "gallery", "grad", "gradient_check", "Graph", "IDENTITIES", "identity_json", "identity_text",
    "lang_suffix", "LANGUAGES", "load_example", "load_spec", "load_steps", "matrix_form", "matrix_program",
    "matrix_stem", "MatrixForm", "MatrixProgram", "messages", "NetworkSpec", "Node", "parse_claim",
    "parse_formula", "regress", "RegressionSolution", "RegressionSpec", "render_document", "RuleError",
    "RULES", "Solution", "solve", "Spec", "spec_from_dict", "SpecError", "steps_example", "steps_examples",
    "steps_json", "steps_text", "StepsReport", "substitute", "SymbackError", "Term", "train", "verify_claims",
]


class Solution(WorkedSolution, engine_solution.Solution):
    """A solved graph or network problem (:class:`symback.engine.solution.Solution`) with its documents."""

    def matrix(self, convention: str = "row") -> MatrixForm:
        """The layer-level (matrix) view of a network spec, every entry checked against this solution.

        ``convention``: ``"row"`` (samples are rows, ``Z = A W + b``, seed 003) or ``"column"``
        (Nielsen, ``z = W a + b``). ``.gradients`` are SymPy matrices, ``.numpy()`` float arrays.
        """
        return matrix_form(self, convention)

    def document(self, lang: str = "en", digits: int = 4):
        """The printable model of the worked solution (a ``symback.documents.solution_document.Document``)."""
        return build_document(self, lang, digits)

    def _repr_latex_(self) -> str:  # for front ends that prefer LaTeX: the gradients, as math
        rows = " \\\n".join(f"{row.lhs} &= {row.rhs}" for row in build_document(self).gradients)
        return f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$$"

    def to_json(self) -> dict:
        """The JSON document ``symback derive --format json`` writes."""
        return solution_json(self)


class RegressionSolution(WorkedSolution, engine_regression.RegressionSolution):
    """A solved regression spec (:class:`symback.engine.regression.RegressionSolution`) with its documents."""

    def to_json(self) -> dict:
        """The JSON document ``symback derive --format json`` writes (README 'Linear regression')."""
        return regression_json(self)

    def document(self, lang: str = "en", digits: int = 4):
        """The printable model of the worked solution (a ``RegressionDocument``)."""
        return build_regression_document(self, lang, digits)


def solve(spec: Spec | Mapping | str | Path, precision: int = PRECISION,
          check: bool = True) -> Solution | RegressionSolution:
    """Build, differentiate and evaluate a problem.

    Args:
        spec: a :class:`Spec`, a spec dictionary, or the path of a TOML spec file.
        precision: significant digits carried where arithmetic is not exact.
        check: compare every parameter gradient with mpmath central differences.

    A ``[regression]`` spec gives a :class:`RegressionSolution` instead.
    """
    if isinstance(spec, (str, Path)):
        spec = load_spec(spec)
    elif isinstance(spec, Mapping):
        spec = spec_from_dict(spec)
    elif not isinstance(spec, Spec):
        raise TypeError("solve() takes a Spec, a dict or a path")
    solved = engine_solution.solve_spec(spec, precision, check)
    public = RegressionSolution if isinstance(solved, engine_regression.RegressionSolution) else Solution
    return public(**{f.name: getattr(solved, f.name) for f in fields(solved)})


def grad(formula: str, wrt: Sequence[str], at: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Quick gradients of one formula: ``{name: {"symbolic": expr, "value": number or None}}``.

    >>> grad("w*x + b", ["w", "x"], {"w": -2, "x": 5, "b": 3})["w"]["value"]
    5
    """
    parsed = parse_formula(formula, None, where="formula")
    names = {s.name: s for s in parsed.expr.free_symbols}
    point = {}
    for key, value in (at or {}).items():
        if key not in names:
            raise SymbackError("--at", f"'{key}' does not appear in the formula", "give values for its names only")
        point[names[key]] = value if isinstance(value, sp.Basic) else sp.Rational(repr(value)) if isinstance(value, float) else sp.Integer(value)
    result = {}
    for name in wrt:
        sym = names.get(name, symbol(name))
        derivative = differentiate(parsed.expr, sym)[0]
        value = None
        if at is not None:
            missing = sorted(s.name for s in derivative.free_symbols if s not in point)
            if missing:
                raise SymbackError("--at", f"no value for {', '.join(missing)}", "add them, e.g. --at " + ",".join(f"{m}=1" for m in missing))
            value = evaluate(derivative, point, f"d/d{name}")
        result[name] = {"symbolic": derivative, "value": value}
    return result
