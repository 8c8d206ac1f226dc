"""Fixtures of the checking tests: seed 000's neuron solved once, and homework verdicts read off a report."""
import pytest

import symback
from symback.checking.homework import verify_homework


@pytest.fixture(scope="module")
def neuron():
    return symback.solve(symback.load_example("neuron"))


@pytest.fixture(scope="session")
def verdicts():
    """``verdicts(text, solution, **options)``: (each line's verdict, each line's misconception code or None)."""
    def read(text, solution, **options):
        report = verify_homework(text, solution, **options)
        return [s.verdict for s in report.steps], [s.misconception.code if s.misconception else None for s in report.steps]
    return read
