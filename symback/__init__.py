"""symback: symbolic backpropagation, written out as a worked solution.

The pipeline: ``load_spec`` -> ``build_graph`` -> ``backprop`` -> ``substitute`` (-> render).
:func:`solve` runs it in one call and returns a :class:`Solution`. Everything here comes from
the one facade, :mod:`symback.api`, imported on first use (so ``symback --version`` does not wait
for SymPy).
"""
__version__ = "0.1.0"

__all__ = [
    "BackStep", "Conventions", "Derivation", "EvaluationError", "FormulaError", "Graph", "NetworkSpec",
    "MatrixForm", "MatrixProgram", "conv_arrays", "conv_forward_backward", "Node", "RULES", "RuleError", "Solution", "Spec", "SpecError", "SymbackError", "Term", "backprop",
    "build_graph", "chain_text", "compile_graph", "compile_network", "differentiate", "example_names",
    "example_path", "expand_nodes", "load_example", "forward", "grad", "gradient_check", "load_spec", "matrix_form", "matrix_program", "parse_formula",
    "solve", "spec_from_dict", "substitute", "train",
    "RegressionSolution", "RegressionSpec", "regress",
    "latex", "escape_latex", "verify_claims", "verify_steps", "load_steps", "verify_homework", "load_homework",
    "ClaimsReport", "StepsReport",
    "exercise", "exercise_spec", "exercise_variant", "grade", "Exercise", "Gradebook", "from_torch", "torch_to_toml",
]


def __getattr__(name: str):
    """The public names, from :mod:`symback.api` on first use (PEP 562)."""
    if name in __all__:
        from symback import api  # lazy: start-up time

        return getattr(api, name)
    raise AttributeError(f"module 'symback' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__"})
