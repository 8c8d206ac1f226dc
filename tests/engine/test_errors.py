"""Errors a user can cause: one line, and whole after a trip through a pool worker's pickle."""
import pickle

import pytest

from symback.documents.pdf import LatexError
from symback.engine.errors import SpecError, SymbackError
from symback.engine.limits import BudgetExceeded


@pytest.mark.parametrize("error", [SymbackError("spec.toml: nodes.o", "unknown function 'sigmod'", "did you mean 'sigmoid'?"),
                                   SpecError("x.toml", "no loss"), BudgetExceeded("--budget", "too slow", "raise it"),
                                   LatexError("key.pdf", "LaTeX error", "fix it", "! Undefined control sequence.")])
def test_an_error_pickles_whole(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and back.line() == error.line() and str(back) == str(error)
    assert (back.where, back.message, back.fix) == (error.where, error.message, error.fix)
    assert getattr(back, "log_tail", None) == getattr(error, "log_tail", None)
