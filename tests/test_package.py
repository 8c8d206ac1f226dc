"""The package's shape (issue 20): one name per concept across modules, and a test module per module."""
import ast
from collections import defaultdict
from pathlib import Path

import symback

PACKAGE = Path(symback.__file__).parent
TESTS = Path(__file__).resolve().parent
TESTED_FROM = 100  #: a module of more lines than this has a test module of its name

#: public names defined in more than one module on purpose: name -> (the modules, why)
SHARED_NAMES = {
    "Solution": ({"api", "engine.solution"},
                 "the facade's class subclasses the engine's (api.Solution(WorkedSolution, engine.solution.Solution)) "
                 "to add the documents, which the engine may not import"),
    "RegressionSolution": ({"api", "engine.regression"},
                           "the facade's subclass of the engine's, with the regression documents, as Solution"),
    **{name: ({module, "documents.verify_view"},
              "the facade hands out the checker's function wrapped so that its report shows itself in Jupyter "
              "(documents.verify_view), which the checking layer, below the documents, cannot do")
       for name, module in (("verify_claims", "checking.verify"), ("verify_steps", "checking.steps"),
                            ("load_steps", "checking.steps"), ("verify_homework", "checking.homework"),
                            ("load_homework", "checking.homework"))},
    "matrix_form": ({"engine.network_views", "documents.matrix_view"},
                    "the facade hands out the matrix form as a subclass that shows itself in Jupyter "
                    "(documents.matrix_view), which the engine, below the documents, cannot do"),
    "add_arguments": ({"cli.derive", "cli.exercise", "cli.grad", "cli.grade", "cli.identity", "cli.verify"},
                      "the subcommand protocol: symback.cli.COMMANDS names each module's 'module:add_arguments'"),
    "run": ({"cli.derive", "cli.exercise", "cli.grad", "cli.grade", "cli.identity", "cli.verify"},
            "the subcommand protocol: add_arguments sets the parser's default run to its module's run"),
}


def module_name(path: Path) -> str:
    """``engine.solution`` for symback/engine/solution.py, ``cli`` for symback/cli/__init__.py."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def public_definitions() -> dict[str, set[str]]:
    """Every public module-level name (function, class, assignment) -> the modules that define it."""
    defined = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                names = []
            for name in names:
                if not name.startswith("_"):
                    defined[name].add(module_name(path))
    return defined


def test_a_public_name_is_defined_in_one_module():
    twice = {name: sorted(modules) for name, modules in public_definitions().items()
             if len(modules) > 1 and modules != SHARED_NAMES.get(name, (None,))[0]}
    assert twice == {}, "give each concept one definition and one name (or list a real subclass pair in SHARED_NAMES)"


def test_the_scan_sees_definitions_and_the_allowed_pairs_still_exist():
    defined = public_definitions()
    assert defined["Solution"] == {"api", "engine.solution"}
    assert defined["solve_spec"] == {"engine.solution"} and defined["MATRIX_CONVENTIONS"] == {"engine.compile"}
    assert all(defined[name] == modules for name, (modules, _) in SHARED_NAMES.items())


def mirrored(path: Path) -> Path:
    """tests/<layer>/test_<module>.py for symback/<layer>/<module>.py; tests/<layer>/test_<layer>.py for a
    package's __init__.py."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        folder = parts[:-1]
        return TESTS.joinpath(*folder, f"test_{folder[-1] if folder else 'symback'}.py")
    return TESTS.joinpath(*parts[:-1], f"test_{parts[-1]}.py")


def test_every_module_over_100_lines_has_a_test_module_of_its_name():
    untested = [str(path.relative_to(PACKAGE.parent)) for path in sorted(PACKAGE.rglob("*.py"))
                if len(path.read_text(encoding="utf-8").splitlines()) > TESTED_FROM and not mirrored(path).is_file()]
    assert untested == [], "give each a tests/<layer>/test_<module>.py (move the tests that test it there)"


def test_the_test_module_of_a_module_and_of_a_package():
    assert mirrored(PACKAGE / "engine" / "graph.py") == TESTS / "engine" / "test_graph.py"
    assert mirrored(PACKAGE / "cli" / "__init__.py") == TESTS / "cli" / "test_cli.py"
    assert mirrored(PACKAGE / "api.py") == TESTS / "test_api.py"
    assert mirrored(PACKAGE / "__init__.py") == TESTS / "test_symback.py"
