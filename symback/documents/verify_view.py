"""Verify reports in Jupyter: a claims or steps report that shows itself as its Markdown document.

The checking layer's reports know no documents; the facade (:mod:`symback.api`) hands out these
subclasses instead, as it hands out a :class:`symback.Solution` that renders its worked solution.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import Callable

from symback.checking import homework, steps, verify
from symback.checking.claim import ClaimsReport
from symback.checking.steps import StepsReport
from symback.documents.render import render_document
from symback.documents.verify_document import build_verify_document

NOTEBOOK_DIGITS = 4  #: significant digits in a notebook, as in the documents


@dataclass(frozen=True)
class ShownClaims(ClaimsReport):
    """A :class:`ClaimsReport` that Jupyter shows as its Markdown report."""

    def _repr_markdown_(self) -> str:
        return render_document(build_verify_document(self, "en", NOTEBOOK_DIGITS), "md")


@dataclass(frozen=True)
class ShownSteps(StepsReport):
    """A :class:`StepsReport` (a derivation or homework) that Jupyter shows as its Markdown report."""

    def _repr_markdown_(self) -> str:
        return render_document(build_verify_document(self, "en", NOTEBOOK_DIGITS), "md")


def shown(report: ClaimsReport | StepsReport) -> ShownClaims | ShownSteps:
    """The same report, shown as Markdown in Jupyter."""
    kind = ShownClaims if isinstance(report, ClaimsReport) else ShownSteps
    return kind(**{f.name: getattr(report, f.name) for f in fields(report)})


def showing(function: Callable) -> Callable:
    """``function`` (returning a report) returning the shown report instead; name and docstring kept."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return shown(function(*args, **kwargs))

    return wrapper


#: the verifier's entry points as the public facade hands them out (:mod:`symback.api`)
verify_claims = showing(verify.verify_claims)
verify_steps = showing(steps.verify_steps)
load_steps = showing(steps.load_steps)
verify_homework = showing(homework.verify_homework)
load_homework = showing(homework.load_homework)
