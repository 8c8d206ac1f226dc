"""Shared test fixtures and the ``needs`` marker.

Why: several modules used to rebuild the whole gallery (every example, identity and verify report, ~25 s
each) and re-solve the same built-in examples, and four copies of a "needs TeX" skip marker drifted apart.
Here the gallery is built once per test run, shared by the xdist workers through a locked directory
(``shared_once``), and solved examples are cached per worker. Both are read-only results of the current
source tree, so sharing them changes what is computed once, never what is asserted.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests' own helpers (processes.py), for every test module

#: where to get each external tool a test may need (the skip reason names it)
INSTALL = {
    "pdflatex": "TeX Live: see .ci/run or symback.documents.pdf.TEXLIVE_INSTALL",
    "pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "pdfinfo": "poppler-utils",
    "dot": "graphviz", "jupyter": 'pip install -e ".[notebook]"',
}


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "needs(*tools): skip unless every named program is on PATH "
                                       "(pdflatex, pdftotext, pdffonts, pdfinfo, dot, jupyter)")


@pytest.hookimpl(tryfirst=True)  # before the fixtures: a skipped test builds nothing
def pytest_runtest_setup(item) -> None:
    """Skip a test marked ``@pytest.mark.needs("pdflatex", ...)`` when one of the programs is missing."""
    for marker in item.iter_markers("needs"):
        missing = [tool for tool in marker.args if shutil.which(tool) is None]
        if missing:
            pytest.skip("needs " + ", ".join(f"{tool} ({INSTALL.get(tool, 'install it')})" for tool in missing))


def _build_into(done: Path, build: Callable[[], object], wait: bool) -> bool:
    """Write ``build()`` as JSON to ``done`` unless it is there; False when another process holds its lock
    and ``wait`` is false. Without fcntl (not POSIX) there is no lock: each process builds its own copy."""
    if done.exists():
        return True
    try:
        import fcntl  # (lazy: POSIX only)
    except ImportError:
        fcntl = None
    with open(done.with_suffix(".lock"), "w") as lock:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                return False
        if not done.exists():
            partial = done.with_suffix(".partial")
            partial.write_text(json.dumps(build()), encoding="utf-8")
            partial.replace(done)  # atomic: a reader sees the whole result or none
    return True


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A directory every xdist worker of this run sees (the run's base temp dir; the worker's own without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def shared_once(shared_dir) -> Callable[..., object]:
    """``shared_once(key, build, others=())``: ``build()`` run by one worker of the run, its JSON result read
    by the rest.

    ``others`` are (key, build) pairs of sibling jobs: while another worker is building ``key``, this one
    builds siblings nobody has started instead of waiting idle (the print-quality shards use it).
    """
    def once(key: str, build: Callable[[], object], others=()) -> object:
        done = shared_dir / f"{key}.json"
        if not _build_into(done, build, wait=False):
            for other, other_build in others:
                if done.exists():
                    break
                try:
                    _build_into(shared_dir / f"{other}.json", other_build, wait=False)
                except Exception:  # that job's own test builds it again and reports the error
                    pass
            _build_into(done, build, wait=True)
        return json.loads(done.read_text(encoding="utf-8"))
    return once


@pytest.fixture(scope="session")
def gallery_files(shared_once) -> tuple[tuple[str, str], ...]:
    """Every (file name, text) of ``symback.documents.gallery.gallery()``, in its order, built once per run."""
    from symback.documents.gallery import gallery  # (lazy: start-up time)

    return tuple((name, text) for name, text in shared_once("gallery", lambda: list(gallery())))


#: the longest single tests (seconds on 2 busy cores), run first: xdist hands out tests in collection order,
#: and one of these at the end of the run kept one worker busy for half a minute after the other had finished
SLOW_FIRST = (
    "tests/engine/test_oracles.py::test_random_graph_vs_mpmath_central_differences",               # ~20 s
    "tests/engine/test_oracles.py::test_random_graph_vs_torch_autograd",                           # ~9 s
    "tests/engine/test_oracles.py::test_random_graph_with_kinks_vs_mpmath_central_differences",    # ~7 s
)


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by fixture scope
def pytest_collection_modifyitems(session, config, items) -> None:
    """Move the :data:`SLOW_FIRST` tests to the front (the same order in every worker; nothing else moves)."""
    first = [item for item in items if item.nodeid in SLOW_FIRST]
    if first:
        first.sort(key=lambda item: SLOW_FIRST.index(item.nodeid))
        items[:] = first + [item for item in items if item.nodeid not in SLOW_FIRST]


@pytest.fixture(scope="session")
def derived() -> Callable[..., object]:
    """``derived(name)``: ``derive_identity(name)`` once per worker, for the tests that render or read it.

    An identity (frozen dataclasses) is not changed by the tests that read it; tests of the derivation
    itself (tests/checking/test_identities.py) still call derive_identity.
    """
    from symback.checking.identities import derive_identity  # (lazy: start-up time)

    return lru_cache(maxsize=None)(derive_identity)


@pytest.fixture(scope="session")
def solved() -> Callable[..., object]:
    """``solved(name, check=True)``: ``symback.solve`` of a built-in example, once per worker.

    Solutions are not changed by the tests that read them, so one solve serves every test of a worker.
    """
    import symback  # (lazy: start-up time)

    @lru_cache(maxsize=None)
    def solve(name: str, check: bool = True):
        return symback.solve(symback.load_example(name), check=check)
    return solve


def _tree(expr):
    return (type(expr), tuple(_tree(a) for a in expr.args)) if expr.args else (type(expr), expr)


@pytest.fixture(scope="session")
def tree() -> Callable[..., object]:
    """An expression as nested (type, arguments): its structure as stored, for comparing a short cut
    with SymPy's general path (``srepr`` and ``str`` sort the terms of a sum and would hide an order)."""
    return _tree


@pytest.fixture
def fake_katex(tmp_path) -> Path:
    """A katex package directory in KaTeX's layout, its CSS naming fonts as KaTeX 0.16's does."""
    dist = tmp_path / "katex" / "dist"
    (dist / "fonts").mkdir(parents=True)
    (dist / "katex.min.js").write_text("var katex = {render: function (tex, element) {}};")
    (dist / "katex.min.css").write_text(
        '@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2"),'
        'url(fonts/KaTeX_Main-Regular.woff) format("woff"),url(fonts/KaTeX_Main-Regular.ttf) format("truetype")}'
        ".katex{font:normal 1.21em KaTeX_Main}")
    (dist / "fonts" / "KaTeX_Main-Regular.woff2").write_bytes(b"wOF2 not really a font")
    (tmp_path / "katex" / "package.json").write_text('{"version": "0.16.0"}')
    (tmp_path / "katex" / "LICENSE").write_text("The MIT License (MIT) */ closing a comment early")
    return tmp_path / "katex"
