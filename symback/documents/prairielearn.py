"""PrairieLearn export of an exercise: one question directory that draws among the exercise's variants.

``prairielearn/<qid>/`` holds what a PrairieLearn course's ``questions/`` folder takes:

- ``info.json``: ``uuid`` (version 5 of the exercise and language: the same command, the same question),
  ``title``, ``topic``, ``tags`` and ``type`` ``"v3"`` (the keys of PrairieLearn's ``infoQuestion`` schema);
- ``question.html``: ``<pl-question-panel>`` with the variant's problem, then per asked quantity the question
  and a ``<pl-number-input comparison="sigfig" digits="D">`` (D: the asked significant digits), and the worked
  solution in ``<pl-answer-panel>``;
- ``server.py``: the variants' problems, solutions and keys, and ``generate(data)``, which picks one with
  Python's ``random`` (PrairieLearn seeds it per student variant) and sets ``params`` and ``correct_answers``.

PrairieLearn's sigfig comparison accepts the key ± about half a unit of its D-th digit, the window of
:mod:`symback.checking.acceptance` that ``symback grade`` applies. ``question.html`` passes through Mustache
first, so its own braces are written as character references (the browser and MathJax read them back).
"""
from __future__ import annotations

import json
import pprint
import re

from symback.documents.catalogue import messages
from symback.documents.exercise_document import WORKED_EXTRA, Exercise, question_latex
from symback.documents.lms_html import NOT_XML, asked_html, exercise_uuid, feedback_html, math_html, statement_html
from symback.engine.vary import answer_names

TOPIC = "Backpropagation"
_NOT_QID = re.compile(r"[^a-z0-9]+")
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})   #: Mustache reads {{ in question.html


def prairielearn_files(exercise: Exercise, lang: str = "en") -> dict[str, str]:
    """The question's files by path (``prairielearn/<qid>/info.json``, ``question.html``, ``server.py``).

    >>> import symback
    >>> ex = symback.exercise({"title": "Tiny", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5},
    ...                        "nodes": {"L": "(w*x - 1)^2"}, "vary": {"w": {"choices": [0.25]}}}, variants=1)
    >>> sorted(prairielearn_files(ex))
    ['prairielearn/tiny/info.json', 'prairielearn/tiny/question.html', 'prairielearn/tiny/server.py']
    """
    t = messages(lang)
    qid = (_NOT_QID.sub("-", exercise.title.lower()).strip("-") or "exercise") + ("" if lang == "en" else f"-{lang}")
    title = NOT_XML.sub("", exercise.title) or qid
    info = {"uuid": str(exercise_uuid(exercise, f"prairielearn {lang}")), "title": title, "topic": TOPIC,
            "tags": ["symback", f"{len(exercise.variants)} variants"], "type": "v3"}
    names = answer_names(exercise.questions)
    variants = []
    for variant in exercise.variants:
        worked = variant.solution.document(lang, exercise.digits + WORKED_EXTRA)
        variants.append({"id": variant.id, "statement": statement_html(variant, worked, t),
                         "solution": feedback_html(worked, t),
                         "answers": {name: float(item.rounded.text) for name, item in zip(names, variant.answers)}})
    folder = f"prairielearn/{qid}/"
    return {folder + "info.json": json.dumps(info, indent=2, ensure_ascii=False) + "\n",
            folder + "question.html": _question_html(exercise, names, t),
            folder + "server.py": _server_py(title, variants)}


def _question_html(exercise: Exercise, names, t) -> str:
    """The problem panel (the drawn variant's), one number input per asked quantity, the solution panel."""
    variant = exercise.variants[0]   # the questions and their wording are the same in every variant
    loss = variant.solution.graph.loss
    inputs = ""
    for name, item in zip(names, variant.answers):
        label = math_html(question_latex(item.question, loss)).replace('"', "&quot;")
        inputs += "\n".join((f"<p>{asked_html(item, variant, exercise.digits, t)}</p>",
                              f'<pl-number-input answers-name="{name}" comparison="sigfig" '
                              f'digits="{exercise.digits}" label="{label}"></pl-number-input>', ""))
    return ("<pl-question-panel>\n{{{params.statement}}}\n</pl-question-panel>\n\n" + inputs.translate(_BRACES)
            + "\n<pl-answer-panel>\n{{{params.solution}}}\n</pl-answer-panel>\n")


def _server_py(title: str, variants: list) -> str:
    """``server.py``: the variants as a Python literal and ``generate``, which draws one of them."""
    head = [f'"""PrairieLearn server of a symback exercise: generate() draws one of its {len(variants)} variants."""',
            "import random", "", f"TITLE = {title!r}",
            f"VARIANTS = {pprint.pformat(variants, width=120, sort_dicts=False)}", "", "", ""]
    return ("\n".join(head) +
            "def generate(data):\n"
            '    """Pick a variant (PrairieLearn seeds random per student variant): its problem, solution, keys."""\n'
            "    variant = random.choice(VARIANTS)\n"
            '    data["params"]["variant"] = variant["id"]\n'
            '    data["params"]["statement"] = variant["statement"]\n'
            '    data["params"]["solution"] = variant["solution"]\n'
            '    data["correct_answers"].update(variant["answers"])\n')
