"""symback: symbolic backpropagation, written out as a worked solution.

The pipeline: ``load_spec`` -> ``build_graph`` -> ``backprop`` -> ``substitute`` (-> render).
:func:`solve` runs it in one call and returns a :class:`Solution`.
"""
from .api import Solution, chain_text, example_names, example_path, expand_nodes, grad, load_example, solve
from .backprop import BackStep, Derivation, Term, backprop
from .compile import MatrixProgram, compile_graph, compile_network, matrix_program
from .errors import EvaluationError, FormulaError, RuleError, SpecError, SymbackError
from .expr import parse_formula
from .graph import Graph, Node, build_graph
from .matrix import MatrixForm, matrix_form
from .regression import RegressionSolution, regress
from .regression_spec import RegressionSpec
from .rules import RULES, Conventions, differentiate
from .spec import NetworkSpec, Spec, load_spec, spec_from_dict
from .substitute import forward, gradient_check, substitute
from .train import train

__version__ = "0.1.0"

__all__ = [
    "BackStep", "Conventions", "Derivation", "EvaluationError", "FormulaError", "Graph", "NetworkSpec",
    "MatrixForm", "MatrixProgram", "Node", "RULES", "RuleError", "Solution", "Spec", "SpecError", "SymbackError", "Term", "backprop",
    "build_graph", "chain_text", "compile_graph", "compile_network", "differentiate", "example_names",
    "example_path", "expand_nodes", "load_example", "forward", "grad", "gradient_check", "load_spec", "matrix_form", "matrix_program", "parse_formula",
    "solve", "spec_from_dict", "substitute", "train",
    "RegressionSolution", "RegressionSpec", "regress",
]
