"""The public Python surface: solve a spec, read values, gradients, updates and formulas, print them.

This is the one public facade (``symback/__init__.py`` re-exports it), documented in the README's
"Python API"; the command line uses it and its own facade, :mod:`symback.commands`.

>>> import symback
>>> sol = symback.solve(symback.load_example("neuron"))
>>> round(float(sol.gradients["w1"]), 4)
0.4878
>>> sol.gradient("w1")
2*i1*o*(1 - o)*(o - t)
"""
from __future__ import annotations

import json
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import sympy as sp

# Loaded with this module: the engine's pipeline (which ``solve`` runs anyway) and the base class of
# a solved problem. NumPy, Jinja2, the verifier and the exercise modules load on first use (below).
from symback._lazy import lazy_names
from symback.documents.render import WorkedSolution
from symback.engine import regression as engine_regression
from symback.engine import solution as engine_solution
from symback.engine.backprop import backprop
from symback.engine.compile import MatrixProgram, compile_graph, compile_network, matrix_program
from symback.engine.derivation import PRECISION, BackStep, Derivation, Term, chain_text
from symback.engine.errors import EvaluationError, FormulaError, RuleError, SpecError, SymbackError
from symback.engine.examples import example_names, example_path, load_example
from symback.engine.expr import NAME_PATTERN, parse_formula
from symback.engine.graph import Graph, build_graph, expand_nodes
from symback.engine.literals import LiteralProblem, read_decimal
from symback.engine.node import Node
from symback.engine.regression import regress
from symback.engine.regression_spec import RegressionSpec
from symback.engine.rules import RULES, Conventions, differentiate
from symback.engine.spec import NetworkSpec, Spec
from symback.engine.spec_reader import load_spec, spec_from_dict
from symback.engine.substitute import evaluate, forward, gradient_check, substitute

__getattr__, __dir__ = lazy_names(globals(), {  # public names loaded on first use (lazy: start-up time)
    # the verifier's entry points, handed out so that their reports render in Jupyter (documents.verify_view)
    "symback.documents.verify_view": ("verify_claims", "verify_steps", "load_steps", "verify_homework", "load_homework"),
    "symback.checking.grade": ("Gradebook",),
    "symback.checking.claim": ("ClaimsReport",),
    "symback.checking.steps": ("StepsReport",),
    "symback.documents.printing": ("latex",),
    "symback.documents.tex": ("escape_latex",),
    "symback.documents.exercise_document": ("Exercise",),
    "symback.engine.matrix_layers": ("MatrixForm",),
    "symback.documents.matrix_view": ("matrix_form",),  # a matrix form that shows itself in Jupyter
    "symback.engine.conv_compile": ("conv_arrays", "conv_forward_backward"),
    "symback.engine.train": ("train",),
})

if TYPE_CHECKING:  # the lazy names, visible to type-checkers and editors
    from symback.checking.claim import ClaimsReport
    from symback.checking.grade import Gradebook
    from symback.checking.steps import StepsReport
    from symback.documents.verify_view import load_homework, load_steps, verify_claims, verify_homework, verify_steps
    from symback.documents.exercise_document import Exercise, Variant
    from symback.documents.printing import latex
    from symback.documents.tex import escape_latex
    from symback.engine.conv_compile import conv_arrays, conv_forward_backward
    from symback.documents.matrix_view import matrix_form
    from symback.engine.matrix_layers import MatrixForm
    from symback.engine.train import train
    from symback.engine.vary import Question


#: the public surface, documented in the README ("Python API" and the sections it points to); what
#: ``symback/__init__.py`` re-exports
__all__ = [
    "solve", "Solution", "RegressionSolution", "grad", "load_spec", "spec_from_dict", "load_example", "example_names",
    "example_path", "Spec", "NetworkSpec", "RegressionSpec", "build_graph", "Graph", "Node", "expand_nodes",
    "backprop", "Derivation", "BackStep", "Term", "chain_text", "RULES", "Conventions", "differentiate",
    "parse_formula", "substitute", "forward", "gradient_check", "train", "compile_graph", "compile_network",
    "matrix_form", "MatrixForm", "matrix_program", "MatrixProgram", "conv_arrays", "conv_forward_backward", "regress",
    "latex", "escape_latex",
    "verify_claims", "verify_steps", "load_steps", "verify_homework", "load_homework", "ClaimsReport", "StepsReport",
    "exercise", "exercise_spec", "exercise_variant", "Exercise", "grade", "Gradebook", "from_torch", "torch_to_toml",
    "SymbackError", "SpecError", "FormulaError", "EvaluationError", "RuleError",
]


class Solution(WorkedSolution, engine_solution.Solution):
    """A solved graph or network problem (:class:`symback.engine.solution.Solution`) with its documents."""

    def matrix(self, convention: str = "row") -> MatrixForm:
        """The layer-level (matrix) view of a network spec, every entry checked against this solution.

        ``convention``: ``"row"`` (samples are rows, ``Z = A W + b``, seed 003) or ``"column"``
        (Nielsen, ``z = W a + b``). ``.gradients`` are SymPy matrices, ``.numpy()`` float arrays.
        """
        from symback.documents.matrix_view import matrix_form  # lazy: start-up time

        return matrix_form(self, convention)

    def document(self, lang: str = "en", digits: int = 4, detail: str | None = None,
                 gradients_of: str = "parameters"):
        """The printable model of the worked solution (a ``symback.documents.solution_document.Document``).

        ``detail``: ``"full"`` (every local derivative and chain step), ``"standard"`` (a dense network
        layer by layer: forward block, one δ line per neuron, one gradient line per parameter; a network's
        default) or ``"compact"`` (the answer key: problem, forward values, δs, gradients and update).
        ``gradients_of``: ``"parameters"`` (a network's parameters and hidden nodes) or ``"inputs"`` (its
        inputs and targets too).
        """
        from symback.documents.solution_document import build_document  # lazy: start-up time

        key = (lang, digits, detail, gradients_of)
        if key not in self._documents:  # an exercise's sheet, key and exports share one model per variant
            self._documents[key] = build_document(self, lang, digits, detail, gradients_of)
        return self._documents[key]

    @cached_property
    def _documents(self) -> dict:
        """The models :meth:`document` built, by its arguments (a model is immutable)."""
        return {}

    def _repr_latex_(self) -> str:  # for front ends that prefer LaTeX: the gradients, as math
        from symback.documents.solution_document import build_document  # lazy: start-up time

        rows = " \\\n".join(build_document(self).lines["gradients"])
        return f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$$"

    def to_json(self, closed_forms: str = "small") -> dict:
        """The JSON document ``symback derive --format json`` writes.

        ``closed_forms``: ``"small"`` writes a gradient's expanded closed form only where it is small
        (the adjoint form elsewhere), ``"all"`` writes every one (README "JSON output").
        """
        from symback.documents.json_output import solution_json  # lazy: start-up time

        return solution_json(self, closed_forms)


class RegressionSolution(WorkedSolution, engine_regression.RegressionSolution):
    """A solved regression spec (:class:`symback.engine.regression.RegressionSolution`) with its documents."""

    def to_json(self) -> dict:
        """The JSON document ``symback derive --format json`` writes (README 'Linear regression')."""
        from symback.documents.regression_document import regression_json  # lazy: start-up time

        return regression_json(self)

    def document(self, lang: str = "en", digits: int = 4, detail: str | None = None,
                 gradients_of: str = "parameters"):
        """The printable model of the worked solution (a ``RegressionDocument``; one level of detail)."""
        if detail not in (None, "full"):
            raise SymbackError("--detail", f"a regression spec has no '{detail}' document", "leave out --detail")
        if gradients_of != "parameters":
            raise SymbackError("--gradients-of", "a regression spec shows the gradients of its coefficients only",
                               "leave out --gradients-of")
        from symback.documents.regression_document import build_regression_document  # lazy: start-up time

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
    """Quick gradients of one formula: ``{name: {"symbolic": expr, "text": str, "value": number or None}}``.

    ``wrt`` must name variables of the formula; ``at`` gives every variable a number (an int, a float,
    a SymPy number or the number's text, read exactly: ``"1e-400"``). Values are refused as ``derive``
    refuses them: where the formula or a derivative is undefined or not real (``log(x)`` at x = -1).
    ``text`` is the derivative as text with Euler's number written ``exp(1)``.

    >>> grad("w*x + b", ["w", "x"], {"w": -2, "x": 5, "b": 3})["w"]["value"]
    5
    """
    from symback.documents.plain import plain  # lazy: start-up time

    parsed = parse_formula(formula, None, where="formula")
    names = {s.name: s for s in parsed.expr.free_symbols}
    variables = ", ".join(sorted(names)) or "none"
    for name in wrt:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SymbackError("--wrt", f"'{name}' is not a name", "write names of the formula, e.g. --wrt w,b")
        if name not in names:
            raise SymbackError("--wrt", f"'{name}' does not appear in the formula (its variables: {variables})",
                               "differentiate by one of its variables")
    point = {}
    for key, value in (at or {}).items():
        if key not in names:
            raise SymbackError("--at", f"'{key}' does not appear in the formula (its variables: {variables})",
                               "give values for its names only")
        point[names[key]] = _exact_value(value, f"--at {key}")
    if at is not None:
        missing = sorted(n for n, s in names.items() if s not in point)
        if missing:
            raise SymbackError("--at", f"no value for {', '.join(missing)}",
                               "add them, e.g. --at " + ",".join(f"{m}=1" for m in missing))
        evaluate(parsed.expr, point, "formula")  # undefined or not real there: refused, as derive refuses it
    result = {}
    for name in wrt:
        derivative = differentiate(parsed.expr, names[name])[0]
        value = evaluate(derivative, point, f"d/d{name}") if at is not None else None
        result[name] = {"symbolic": derivative, "text": plain(derivative), "value": value}
    return result


def _exact_value(value: Any, where: str) -> sp.Expr:
    """A value given to :func:`grad` as an exact number (a float through its repr, text as written)."""
    if isinstance(value, sp.Basic) and value.is_Number and value.is_finite:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SymbackError(where, f"expected a number, got {type(value).__name__}", "write e.g. --at w=1,x=2.5")
    if isinstance(value, int):
        return sp.Integer(value)
    try:
        return read_decimal(value if isinstance(value, str) else repr(value))
    except LiteralProblem as problem:
        raise SymbackError(where, problem.message, problem.fix) from None


# -- PyTorch models (README "PyTorch models"; torch is the optional extra symback[torch]) --------------
def _torch_spec():
    try:
        from symback.engine import torch_spec  # lazy: start-up time (torch is imported only here)
    except ModuleNotFoundError as missing:
        raise SymbackError("from_torch", f"{missing.name} is not installed", 'pip install "symback[torch]"') from None
    return torch_spec


def from_torch(model, x, t, loss, masks=None, precision: int = PRECISION, check: bool = True) -> Solution:
    """The :class:`Solution` of an ``nn.Sequential`` at inputs ``x`` (samples first) and targets ``t``.

    ``loss``: ``nn.MSELoss()``, ``nn.BCELoss()`` or ``nn.CrossEntropyLoss()`` (class indices or
    probabilities), reduction ``mean``. Layer l is ``model[l-1]``, so ``w<l>_<j>_<k>`` is
    ``model[l-1].weight[j-1, k-1]`` (conv stacks: see :mod:`symback.engine.torch_spec`). ``masks``
    maps the index of a ``Dropout`` in training mode to its 0/1 mask (samples x features).
    """
    return solve(spec_from_dict(_torch_spec().torch_spec(model, x, t, loss, masks), "<torch>"), precision, check)


def torch_to_toml(model, x, t, loss, masks=None) -> str:
    """The spec text of :func:`from_torch`'s problem, which ``symback derive`` solves to the same numbers."""
    return _torch_spec().torch_spec_text(model, x, t, loss, masks)

# -- exercises for a course (README "Exercises for a course") --------------------------------------
def exercise_spec(spec: Mapping | str | Path, name: str | None = None) -> tuple[Spec, dict[str, str], tuple[Question, ...]]:
    """An exercise spec read and checked: (spec, how variants.json stores it, the asked questions).

    ``name`` is how errors and the manifest refer to a spec file (``example:exercise_neuron``).
    """
    from symback.engine.vary import check_vary, questions  # lazy: start-up time

    if isinstance(spec, (str, Path)):
        text = Path(spec).read_text(encoding="utf-8") if Path(spec).is_file() else None
        spec = load_spec(spec, name)
        stored = {"toml": text} if text is not None else {}
    elif isinstance(spec, Mapping):
        stored, spec = {"data": json.loads(json.dumps(spec))}, spec_from_dict(spec)
    else:
        raise TypeError("exercise() takes a spec file path or a spec dictionary (variants.json stores its text)")
    check_vary(spec)
    return spec, stored, questions(spec)


def exercise_variant(spec: Spec, asked: Sequence[Question], number: int, seed: int, width: int = 2) -> Variant:
    """Variant ``number`` (id ``v01``, ...), drawn with ``random.Random(seed)`` and solved by :func:`solve`."""
    from symback.documents.exercise_document import Answer, Variant  # lazy: start-up time
    from symback.engine.vary import answer, draw_variant, round_answer

    values, _, solution = draw_variant(spec, seed, solve, tuple(asked))
    answers = tuple(Answer(q, answer(solution, q), round_answer(answer(solution, q), spec.vary.digits)) for q in asked)
    return Variant(f"v{number:0{width}d}", seed, values, solution, answers)


def exercise(spec: Mapping | str | Path, variants: int = 10, seed: int = 0, name: str | None = None) -> Exercise:
    """Draw ``variants`` reproducible variants of an exercise spec (its ``[vary]`` and ``[ask]`` tables).

    Every answer is the engine's (:func:`solve` on the variant's spec), rounded to ``[vary] digits``.
    The same seed gives the same variants on every machine (``random.Random``).

    >>> ex = exercise(example_path("exercise_neuron"), variants=2, seed=7, name="example:exercise_neuron")
    >>> [v.id for v in ex.variants]
    ['v01', 'v02']
    """
    from symback.documents.exercise_document import Exercise  # lazy: start-up time
    from symback.engine.vary import variant_seeds

    if isinstance(variants, bool) or not isinstance(variants, int) or not 1 <= variants <= 10_000:
        raise SymbackError("--variants", f"{variants!r} is out of range", "use 1 to 10000")
    base, stored, asked = exercise_spec(spec, name)
    width = max(2, len(str(variants)))
    drawn = tuple(exercise_variant(base, asked, i, s, width) for i, s in enumerate(variant_seeds(seed, variants), 1))
    return Exercise(base.title or Path(base.source).stem, base.source, stored, seed, base.vary.digits, asked, drawn)


def grade(manifest: Mapping | str | Path, submissions: str | Path | Sequence[Mapping[str, str]],
          map_variants: Callable[[Callable, list], list] | None = None, follow_on_credit: float = 1.0,
          platform: str | None = None) -> Gradebook:
    """Grade students' answers (one row each: student, variant, then one column per asked quantity).

    ``manifest`` is ``variants.json`` (a path, or its parsed dictionary); ``submissions`` a CSV path
    or rows as dictionaries. Each cell's verdict (one acceptance rule, :mod:`symback.checking.acceptance`):
    ``correct``, ``rounding-carried``, ``follow-on`` (right from the student's own wrong answers upstream,
    worth ``follow_on_credit`` of a mark), ``wrong`` (with its misconception where one explains it),
    ``too few digits``, ``not a number`` or ``blank``. Rows of unknown variants are listed in
    ``.ungraded``. ``map_variants(work, jobs)`` runs the variants' jobs (default: one after the other;
    ``symback grade``: its process pool). A CSV exported back from Moodle (the Responses report), Canvas (Student
    Analysis) or PrairieLearn (submissions) is recognised by its header, or named by ``platform``
    (``"moodle"``, ``"canvas"``, ``"prairielearn"``), and read as the variants and questions its export wrote.
    """
    from symback.checking.grade import grade_submissions, read_submissions  # lazy: start-up time
    from symback.checking.manifest import load_manifest

    name = str(manifest) if isinstance(manifest, (str, Path)) else "variants.json"
    manifest = load_manifest(manifest) if isinstance(manifest, (str, Path)) else manifest
    where = str(submissions) if isinstance(submissions, (str, Path)) else "submissions"
    if isinstance(submissions, (str, Path)):
        columns, rows = read_submissions(submissions)
    else:
        rows = [dict(r) for r in submissions]
        columns = list(rows[0]) if rows else []
    if not rows:
        raise SymbackError(where, "no submissions", "one row per student: student, variant, then the answers")
    from symback.documents.gradebook import shown_gradebook  # lazy: start-up time

    return shown_gradebook(grade_submissions(manifest, rows, columns, where, name, map_variants, follow_on_credit,
                                             platform))
