"""symback: symbolic backpropagation, written out as a worked solution.

The pipeline: ``load_spec`` -> ``build_graph`` -> ``backprop`` -> ``substitute`` (-> render).
:func:`solve` runs it in one call and returns a :class:`Solution`. Everything here comes from
the one facade, :mod:`symback.api`.
"""
__version__ = "0.1.0"

from symback.api import (RULES, BackStep, Conventions, Derivation, EvaluationError, FormulaError, Graph, MatrixForm,
                         MatrixProgram, NetworkSpec, Node, RegressionSolution, RegressionSpec, RuleError, Solution, Spec,
                         SpecError, SymbackError, Term, backprop, build_graph, chain_text, compile_graph, compile_network,
                         differentiate, example_names, example_path, expand_nodes, forward, grad, gradient_check,
                         load_example, load_spec, matrix_form, matrix_program, parse_formula, regress, solve,
                         spec_from_dict, substitute, train, latex, escape_latex, verify_claims, verify_steps, load_steps)

__all__ = [
    "BackStep", "Conventions", "Derivation", "EvaluationError", "FormulaError", "Graph", "NetworkSpec",
    "MatrixForm", "MatrixProgram", "Node", "RULES", "RuleError", "Solution", "Spec", "SpecError", "SymbackError", "Term", "backprop",
    "build_graph", "chain_text", "compile_graph", "compile_network", "differentiate", "example_names",
    "example_path", "expand_nodes", "load_example", "forward", "grad", "gradient_check", "load_spec", "matrix_form", "matrix_program", "parse_formula",
    "solve", "spec_from_dict", "substitute", "train",
    "RegressionSolution", "RegressionSpec", "regress",
    "latex", "escape_latex", "verify_claims", "verify_steps", "load_steps",
]
