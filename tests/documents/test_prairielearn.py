"""prairielearn: one question directory drawing among the variants: info.json against PrairieLearn's published
infoQuestion schema (its required keys, types and patterns, transcribed here), question.html with a sigfig input per
asked quantity, and a server.py that compiles and whose generate() sets a variant's keys (the manifest's)."""
import random
import re
from html.parser import HTMLParser
import json

import pytest

import symback
from symback.documents.exercise_document import manifest_json
from symback.documents.prairielearn import prairielearn_files
from symback.engine.vary import answer_names

#: PrairieLearn's infoQuestion.json (draft-07): required keys, the types of the keys written, no other keys
REQUIRED = {"uuid", "type", "title", "topic"}
TYPES = {"uuid": str, "type": str, "title": str, "topic": str, "tags": list, "comment": (str, list, dict),
         "clientFiles": list, "clientTemplates": list, "template": str, "gradingMethod": str, "singleVariant": bool,
         "showCorrectAnswer": bool, "partialCredit": bool, "options": dict, "externalGradingOptions": dict,
         "dependencies": dict, "workspaceOptions": dict, "sharingSets": list, "sharePublicly": bool,
         "shareSourcePublicly": bool}
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
QUESTION_TYPES = {"Calculation", "MultipleChoice", "Checkbox", "File", "MultipleTrueFalse", "v3"}


def check_info(info):
    assert REQUIRED <= set(info) <= set(TYPES), set(info) ^ REQUIRED
    assert all(isinstance(value, TYPES[key]) for key, value in info.items())
    assert UUID.match(info["uuid"]) and info["type"] in QUESTION_TYPES
    assert all(isinstance(tag, str) for tag in info.get("tags", []))


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def split(files):
    (folder,) = {path.rsplit("/", 1)[0] for path in files}
    return folder, {path.rsplit("/", 1)[1]: text for path, text in files.items()}


def test_info_json_follows_the_schema_and_its_uuid_is_stable(exercise):
    folder, files = split(prairielearn_files(exercise))
    info = json.loads(files["info.json"])
    check_info(info)
    assert info["type"] == "v3" and info["title"] == exercise.title and folder.startswith("prairielearn/")
    assert prairielearn_files(exercise) == prairielearn_files(exercise)
    other = symback.exercise(symback.example_path("exercise_neuron"), variants=3, seed=6, name="example:exercise_neuron")
    korean = json.loads(split(prairielearn_files(exercise, "ko"))[1]["info.json"])
    assert len({info["uuid"], json.loads(split(prairielearn_files(other))[1]["info.json"])["uuid"], korean["uuid"]}) == 3


def test_question_html_has_the_panel_and_a_sigfig_input_per_asked_quantity(exercise):
    _, files = split(prairielearn_files(exercise))
    page = Elements()
    page.feed(files["question.html"])
    tags = [tag for tag, _ in page.found]
    assert "pl-question-panel" in tags and "pl-answer-panel" in tags
    inputs = [attrs for tag, attrs in page.found if tag == "pl-number-input"]
    assert [a["answers-name"] for a in inputs] == list(answer_names(exercise.questions))
    assert len(inputs) == len(exercise.questions) and len(set(answer_names(exercise.questions))) == len(inputs)
    assert all(a["comparison"] == "sigfig" and a["digits"] == str(exercise.digits) and a["label"].startswith(r"\(")
               for a in inputs)
    # Mustache sees only the two parameters: every other brace is a character reference
    assert re.findall(r"\{\{.*?\}\}\}?", files["question.html"]) == ["{{{params.statement}}}", "{{{params.solution}}}"]


def test_server_py_compiles_and_generate_sets_a_variants_answers(exercise):
    _, files = split(prairielearn_files(exercise))
    namespace = {}
    exec(compile(files["server.py"], "server.py", "exec"), namespace)
    manifest = manifest_json(exercise)
    keys = {v["id"]: [v["answers"][q["label"]]["answer"] for q in manifest["questions"]] for v in manifest["variants"]}
    seen = set()
    for seed in range(40):
        random.seed(seed)  # as PrairieLearn seeds it per student variant
        data = {"params": {}, "correct_answers": {}}
        namespace["generate"](data)
        variant = data["params"]["variant"]
        seen.add(variant)
        assert list(data["correct_answers"]) == list(answer_names(exercise.questions))
        assert [float(k) for k in keys[variant]] == list(data["correct_answers"].values())
        assert r"\(" in data["params"]["statement"] and r"\begin{aligned}" in data["params"]["solution"]
    assert seen == set(keys)


SPEC = {"title": "", "loss": "L", "inputs": {"x": 2}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"},
        "vary": {"w": {"choices": [0.25, 0.75]}}}


@pytest.mark.parametrize("title, qid", [("a/b", "a-b"), ('"""\\\n{{x}}\ud800', "x"), ("신경망", "exercise"), ("!?", "exercise")])
def test_any_title_gives_a_valid_question(title, qid):
    files = prairielearn_files(symback.exercise({**SPEC, "title": title}, variants=2, seed=2))
    folder, named = split(files)
    assert folder == f"prairielearn/{qid}"
    check_info(json.loads(named["info.json"]))
    namespace = {}
    exec(compile(named["server.py"], "server.py", "exec"), namespace)
    assert namespace["TITLE"] == json.loads(named["info.json"])["title"]
    assert all(text.encode("utf-8") for text in files.values())
