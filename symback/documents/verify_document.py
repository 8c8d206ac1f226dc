"""Reports of ``symback verify``: JSON, terminal text, and the document the templates arrange.

One model per report, in one language: :func:`build_verify_document` computes every piece (LaTeX
from :mod:`symback.documents.printing`, sentences from ``templates/verify.toml``); ``verify.md.j2`` and
``verify.tex.j2`` only arrange them, like the worked solutions.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Mapping

import sympy as sp

from symback.documents.catalogue import messages
from symback.documents.misconception_text import Segment, misconception_segments, misconception_text
from symback.documents.tex import format_number
from symback.checking.equivalence import WRONG
from symback.documents.printing import name_latex
from symback.documents.tex import Tex, escape_latex
from symback.documents.printing import latex as print_latex
from symback.documents.notation import Partial
from symback.checking.steps import StepsReport
from symback.checking.claim import ClaimResult, ClaimsReport
from symback.engine.numerals import json_number, number_text, rounded

POINT_DIGITS = 30  #: a probe point's values are exact numbers carried at 40 digits: their first 30 are the number
CLAIM_MARKS = {"correct": "✓", "numeric": "≈", "rounding-carried": "~", "wrong": "✗", "undecided": "?", "unproved": "?"}


def detail_text(details, lang: str = "en", point: str = "") -> str:
    """The details of a verdict as one sentence list in ``lang`` (``point`` fills ``{point}``)."""
    t = messages(lang)
    return "; ".join(t[f"verify.detail.{key}"].format(point=point, **args) for key, args in details)


def _point_text(point: Mapping, own: Mapping | None, lang: str, instance: Mapping | None = None) -> str:
    t = messages(lang)
    if own is not None and all(rounded(point[n], POINT_DIGITS) == rounded(own[n], POINT_DIGITS) for n in point if n in own):
        text = t["verify.detail.own_point"]
    else:
        text = ", ".join(f"{name} = {number_text(value, fractions=True)}" for name, value in point.items() if name != "@")
    if instance:
        functions = ", ".join(f"{name}(u) = {body}" for name, body in instance.items())
        text += " (" + t["verify.detail.with_functions"].format(functions=functions) + ")"
    return text


def claim_detail(result: ClaimResult, report: ClaimsReport, lang: str = "en", sentence: bool = True) -> str:
    """Why a claim got its verdict; the misconception's sentence (``sentence``) replaces the generic slip."""
    graph = report.solution.graph
    return result_detail(result, graph.loss, lang, graph.point, sentence)


def result_detail(result: ClaimResult, loss: str, lang: str = "en", point=None, sentence: bool = True) -> str:
    """:func:`claim_detail` from the loss's name and the problem's point (``point``: for a counterexample)."""
    shown = _point_text(result.counterexample, point, lang) if result.counterexample and point is not None else ""
    details = ((("read_as", {"echo": result.echo}),) if result.echo else ()) + tuple(
        d for d in result.details if result.misconception is None or not d[0].startswith("slip."))
    text = detail_text(details, lang, shown)
    if sentence and result.misconception is not None:
        text += "; " + misconception_text(result.misconception, lang, loss)
    return text


def step_detail(step, report: StepsReport, lang: str = "en", sentence: bool = True) -> str:
    """Why a line got its verdict (a counterexample for a wrong line; homework: its checks and misconception)."""
    comparison = step.comparison
    if report.solution is not None:  # homework
        solution = report.solution
        point = _point_text(_leaves(comparison.point, solution), solution.graph.point, lang) \
            if comparison is not None and comparison.point else ""
        texts = [detail_text(step.details, lang, point)] if step.details else []
        if sentence and step.misconception is not None:
            texts.append(misconception_text(step.misconception, lang, solution.graph.loss))
        return "; ".join(texts)
    if comparison is None:
        return ""
    if comparison.verdict == WRONG:
        details = [("step_counterexample", {"left": _short(comparison.left), "right": _short(comparison.right)})]
        details += [comparison.slip] if comparison.slip else []
        return detail_text(details, lang, _point_text(comparison.point, None, lang, step.instance))
    if comparison.verdict == "proved":
        return detail_text([("proved", {})], lang)
    return detail_text([(comparison.verdict, {"points": str(comparison.points), "budget": number_text(report.budget)})], lang)


def _leaves(point: Mapping, solution) -> dict:
    """A probe point's inputs and parameters (it also holds node values and adjoints)."""
    graph = solution.graph
    return {n: point[n] for n in graph.inputs + graph.params if n in point}


def _short(value) -> str:
    return number_text(value) if value is not None else ""


def claims_json(report: ClaimsReport) -> dict:
    """``{"claims": [{"name", "claimed", "actual", "verdict", "detail", ...}], ...}``."""
    rows = []
    for result in report.results:
        row = {"name": result.name, "claimed": result.claimed,
               "actual": sp.sstr(result.formula) if result.formula is not None else json_number(result.actual),
               "verdict": result.verdict, "detail": claim_detail(result, report),
               "quantity": result.quantity.label, "value": json_number(result.actual),
               "misconception": result.misconception.code if result.misconception is not None else None}
        if result.counterexample:
            row["counterexample"] = {n: json_number(rounded(v, POINT_DIGITS).value)  # (2, not 2.0)
                                     for n, v in result.counterexample.items()}
        rows.append(row)
    wrong = len(report.wrong)
    return {"source": report.solution.spec.source, "claims": rows,
            "summary": {"total": len(rows), "right": len(rows) - wrong, "wrong": wrong}, "budget": report.budget}


def steps_json(report: StepsReport) -> dict:
    """``{"steps": [{"line", "text", "verdict", "detail"}], "first_wrong": line or null, ...}``."""
    steps = []
    for step in report.steps:
        row = {"line": step.line, "text": step.text, "verdict": step.verdict,
               "detail": step_detail(step, report),
               "misconception": step.misconception.code if step.misconception is not None else None}
        if step.echo:
            row["read_as"] = step.echo
        if step.verdict == WRONG and step.comparison is not None and step.comparison.point:
            point = _leaves(step.comparison.point, report.solution) if report.solution is not None \
                else step.comparison.point
            row["counterexample"] = {n: json_number(v) for n, v in point.items() if n != "@"}
            if step.instance:
                row["functions"] = dict(step.instance)
        steps.append(row)
    conclusion = report.conclusion.verdict if report.conclusion else None
    data = {"source": report.source, "functions": list(report.functions), "steps": steps,
            "first_wrong": report.first_wrong, "conclusion": conclusion, "budget": report.budget}
    if report.solution is not None:
        data["spec"] = report.solution.spec.source
    return data


def _loss(report) -> str | None:
    solution = getattr(report, "solution", None)
    return solution.graph.loss if solution is not None else None


def claims_text(report: ClaimsReport, lang: str = "en") -> str:
    """The report for a terminal: one line per claim, its mark, verdict and why."""
    t = messages(lang)
    width = max(len(f"{r.name} = {r.claimed}") for r in report.results)
    lines = [f"{report.solution.spec.source}: " + _summary(report, lang)]
    for result in report.results:
        verdict = t[f"verify.verdict.{result.verdict}"]
        lines.append(f"{CLAIM_MARKS[result.verdict]} {f'{result.name} = {result.claimed}':<{width}}  "
                     f"{verdict}: {claim_detail(result, report, lang)}")
    return "\n".join(lines) + "\n"


def steps_text(report: StepsReport, lang: str = "en") -> str:
    """The derivation for a terminal: each line with its mark, and why for the lines that fail."""
    lines = [f"{report.source}: " + _steps_summary(report, lang)]
    for step in report.steps:
        lines.append(f"{step.line:>4} {step.mark or ' '}  {step.text}")
        if step.echo:
            lines.append(f"        {messages(lang)['verify.detail.read_as'].format(echo=step.echo)}")
        if step.verdict not in ("given", "proved"):
            lines.append(f"        {step_detail(step, report, lang)}")
    return "\n".join(lines) + "\n"


def _summary(report: ClaimsReport, lang: str) -> str:
    total, wrong = len(report.results), len(report.wrong)
    key = "verify.summary_claim" if total == 1 else "verify.summary_claims"
    return messages(lang)[key].format(total=total, right=total - wrong, wrong=wrong)


def _steps_summary(report: StepsReport, lang: str) -> str:
    t = messages(lang)
    text = t["verify.summary_steps_wrong"].format(line=report.first_wrong) if report.first_wrong \
        else t["verify.summary_steps_ok"]
    if report.conclusion is not None:
        text += " " + t["verify.conclusion"].format(verdict=t[f"verify.verdict.{report.conclusion.verdict}"])
    return text


@dataclass(frozen=True)
class ClaimRow:
    """One claim, ready to print."""

    name: Tex
    claimed: Tex
    actual: Tex
    mark: str
    verdict: str
    detail: str
    right: bool
    misconception: tuple[Segment, ...] = ()  #: the misconception's sentence: words and LaTeX math


@dataclass(frozen=True)
class StepRow:
    """One line of a derivation, ready to print (homework: the line as written in ``text``, not ``math``)."""

    line: int
    math: Tex
    mark: Tex
    verdict: str
    detail: str
    wrong: bool
    misconception: tuple[Segment, ...] = ()
    text: str = ""          #: a plain homework line as written
    proved: bool = False    #: proved, or a given line: nothing to explain


@dataclass(frozen=True)
class VerifyDocument:
    """A verify report in one language: claims about a problem, or a line-by-line derivation."""

    TEMPLATE: ClassVar[str] = "verify"
    title: str
    lang: str
    t: Mapping[str, str]
    source: str
    summary: str
    legend: str
    claims: tuple[ClaimRow, ...] = ()
    steps: tuple[StepRow, ...] = ()
    functions: tuple[Tex, ...] = ()
    homework: bool = False  #: the steps are homework about a problem


def build_verify_document(report: ClaimsReport | StepsReport, lang: str = "en", digits: int = 4) -> VerifyDocument:
    """The printable model of a claims or steps report."""
    t = messages(lang)
    if isinstance(report, ClaimsReport):
        rows = tuple(_claim_row(r, report, lang, digits) for r in report.results)
        return VerifyDocument(t["verify.title_claims"], lang, MappingProxyType(t), report.solution.title,
                              _summary(report, lang), t["verify.legend_claims"], claims=rows)
    loss = _loss(report)
    rows = tuple(StepRow(s.line, _step_math(s, report), Tex(_MARKS_TEX[s.mark]), t[f"verify.verdict.{s.verdict}"],
                         step_detail(s, report, lang, sentence=False), s.verdict == WRONG,
                         misconception_segments(s.misconception, lang, loss) if s.misconception is not None else (),
                         s.text.split("#", 1)[0].strip() if report.solution is not None and not report.latex else "",
                         s.verdict in ("proved", "given"))
                 for s in report.steps)
    homework = report.solution is not None
    return VerifyDocument(t["verify.title_homework" if homework else "verify.title_steps"], lang, MappingProxyType(t),
                          report.source, _steps_summary(report, lang),
                          t["verify.legend_homework" if homework else "verify.legend_steps"], steps=rows,
                          functions=tuple(name_latex(f) for f in report.functions), homework=homework)


def _claim_row(result: ClaimResult, report: ClaimsReport, lang: str, digits: int) -> ClaimRow:
    t = messages(lang)
    quantity = result.quantity
    if quantity.kind == "value":
        name = name_latex(quantity.name)
    elif quantity.kind == "updated":
        name = Tex(f"{name_latex(quantity.name)}'")
    else:
        name = print_latex(Partial(quantity.child, quantity.name))
    if result.formula is not None:
        claimed, actual = print_latex(result.claimed_expr, order="none"), print_latex(result.formula)
    else:
        claimed, actual = escape_latex(result.claimed), Tex(format_number(result.actual, digits))
    misconception = misconception_segments(result.misconception, lang, report.solution.graph.loss) \
        if result.misconception is not None else ()
    return ClaimRow(name, claimed, actual, CLAIM_MARKS[result.verdict], t[f"verify.verdict.{result.verdict}"],
                    claim_detail(result, report, lang, sentence=False), result.right, misconception)


_MARKS_TEX = {"⇔": r"\Leftrightarrow", "≈": r"\approx", "~": r"\sim", "→": r"\rightarrow", "✗": r"\times", "?": "?",
              "": ""}


def _step_math(step, report) -> Tex:
    """A line's math: a LaTeX homework line as the student wrote it (read and accepted by the reader, so
    only whitelisted commands), a plain homework line none (shown as text), a derivation as printed."""
    if report.solution is not None:
        return Tex(step.text.split("%", 1)[0].replace("&", "").replace("\\\\", "").strip()) if report.latex else Tex("")
    return Tex(" = ".join(print_latex(e, order="none") for e in step.display))
