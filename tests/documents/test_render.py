"""render: one Jinja2 environment per (kind, directory), its compiled templates kept; user templates reload."""
import os
import time

import pytest

from symback.documents import render


def test_the_built_in_environment_is_built_once_and_compiles_each_template_once(solved):
    doc = solved("neuron").document()
    render._environment.cache_clear()
    first = render.render_document(doc, "md")
    env = render.environment("md")
    compiled = env.get_template("solution.md.j2")
    assert render.render_document(doc, "md") == first
    assert render.environment("md") is env and env.get_template("solution.md.j2") is compiled
    assert render.environment("tex") is not env


def test_a_changed_user_template_is_read_again(tmp_path, solved, monkeypatch):
    """A kept environment must not serve a stale user template (a notebook edits it between renders)."""
    doc = solved("neuron").document()
    template = tmp_path / "solution.md.j2"
    template.write_text("first {{ doc.title }}\n", encoding="utf-8")
    assert render.render_document(doc, "md", str(tmp_path)).startswith("first")
    template.write_text("second {{ doc.title }}\n", encoding="utf-8")
    later = time.time() + 5  # a new modification time, whatever the file system's resolution
    os.utime(template, (later, later))
    assert render.render_document(doc, "md", str(tmp_path)).startswith("second")
    monkeypatch.chdir(tmp_path)  # a relative directory names the same templates as its absolute path
    assert render.environment("md", ".") is render.environment("md", str(tmp_path))


def test_a_missing_template_directory_is_still_refused_every_time(tmp_path):
    with pytest.raises(render.SymbackError, match="no such directory"):
        render.environment("md", str(tmp_path / "nowhere"))
