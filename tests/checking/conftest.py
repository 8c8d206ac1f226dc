"""What the LaTeX input tests share."""
import pytest


@pytest.fixture
def antlr():
    """Skip unless SymPy's antlr LaTeX parser runtime is installed."""
    pytest.importorskip("antlr4")
