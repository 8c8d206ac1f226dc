"""template_cache: built-in templates compiled once and kept between runs, safely, and never in the way."""
import os
import stat
import subprocess
import sys

import jinja2
import pytest

from symback.documents import render, template_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache directory for this test, and environments built again around it."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(template_cache.CACHE_VARIABLE, str(directory))
    render._environment.cache_clear()
    yield directory
    render._environment.cache_clear()


def _kept(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def test_a_second_run_loads_the_templates_without_compiling_them(cache, solved, monkeypatch):
    doc = solved("neuron").document()
    first = {kind: render.render_document(doc, kind) for kind in ("md", "tex")}
    assert len(_kept(cache)) >= 4  # solution and diagram, in Markdown and LaTeX
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    render._environment.cache_clear()  # a new run: nothing compiled in memory

    def no_compiling(*args, **kwargs):
        raise AssertionError("a kept template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert {kind: render.render_document(doc, kind) for kind in ("md", "tex")} == first


def test_a_changed_template_is_compiled_again(cache, tmp_path, monkeypatch):
    """The cache is keyed by the template's source: an edited built-in template is never served stale."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.md.j2").write_text("one\n", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES_DIR", folder)
    assert render._environment("md", None).get_template("t.md.j2").render() == "one\n"
    (folder / "t.md.j2").write_text("two\n", encoding="utf-8")
    render._environment.cache_clear()
    assert render._environment("md", None).get_template("t.md.j2").render() == "two\n"


def test_a_damaged_cache_file_is_compiled_over(cache, solved):
    doc = solved("neuron").document()
    expected = render.render_document(doc, "md")
    assert _kept(cache)
    for name in _kept(cache):
        (cache / name).write_bytes(b"not a template")
    render._environment.cache_clear()
    assert render.render_document(doc, "md") == expected
    bucket_bytes = {(cache / name).read_bytes() for name in _kept(cache)}
    assert b"not a template" not in bucket_bytes  # written again, whole


def test_an_empty_variable_turns_the_cache_off(tmp_path, monkeypatch, solved):
    monkeypatch.setenv(template_cache.CACHE_VARIABLE, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    render._environment.cache_clear()
    try:
        render.render_document(solved("neuron").document(), "md")
    finally:
        render._environment.cache_clear()
    assert template_cache.cache_directory() is None
    assert list(tmp_path.iterdir()) == []


def test_the_default_place_follows_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv(template_cache.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert template_cache.cache_directory() == tmp_path / "xdg" / "symback" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert template_cache.cache_directory() == tmp_path / "home" / ".cache" / "symback" / "templates"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_an_unwritable_cache_directory_is_passed_over(cache, solved):
    cache.mkdir(mode=0o500)
    try:
        assert render.render_document(solved("neuron").document(), "md")
        assert _kept(cache) == []
    finally:
        cache.chmod(0o700)


def test_a_directory_others_may_write_to_is_not_used(cache, solved):
    """A kept template is code the next run loads: never from a folder someone else could fill."""
    cache.mkdir()
    cache.chmod(0o777)
    assert template_cache.bytecode_cache() is None
    render.render_document(solved("neuron").document(), "md")
    assert _kept(cache) == []
    link = cache.parent / "link"
    link.symlink_to(cache.parent / "elsewhere", target_is_directory=True)
    (cache.parent / "elsewhere").mkdir(mode=0o700)
    os.environ[template_cache.CACHE_VARIABLE] = str(link)
    assert template_cache.bytecode_cache() is None  # (a symbolic link is not followed)


def test_user_templates_are_never_kept(cache, tmp_path, solved):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "solution.md.j2").write_text("mine {{ doc.title }}\n", encoding="utf-8")
    render._environment.cache_clear()
    assert render.render_document(solved("neuron").document(), "md", str(folder)).startswith("mine")
    assert _kept(cache) == []


def test_a_full_disk_while_writing_is_a_miss_not_an_error(cache, solved, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.bccache.FileSystemBytecodeCache, "dump_bytecode", full)
    assert render.render_document(solved("neuron").document(), "md")


def test_the_command_line_uses_the_cache_and_writes_the_same_document(tmp_path):
    """Two whole runs, the second from the cache: byte-identical Markdown and LaTeX."""
    env = {**os.environ, template_cache.CACHE_VARIABLE: str(tmp_path / "cache")}
    outputs = []
    for run in ("first", "second"):
        subprocess.run([sys.executable, "-m", "symback.cli", "derive", "--example", "neuron", "--format", "md,tex",
                        "-o", str(tmp_path / run)], check=True, env=env, capture_output=True)
        outputs.append([(tmp_path / run / f"neuron.{kind}").read_bytes() for kind in ("md", "tex")])
    assert outputs[0] == outputs[1]
    assert len(_kept(tmp_path / "cache")) >= 4
