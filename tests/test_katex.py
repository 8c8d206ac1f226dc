"""Every math block symback writes to Markdown is accepted by KaTeX (throwOnError).

Needs node and the katex npm package: CI installs it into .ci/node (see .ci/run); elsewhere set
KATEX_DIR to a katex package directory, or the test is skipped.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symback.cli import gallery
from symback.identities import IDENTITIES, derive_identity
from symback.render import identity_json

ROOT = Path(__file__).resolve().parent.parent
KATEX = Path(os.environ.get("KATEX_DIR", ROOT / ".ci" / "node" / "node_modules" / "katex"))

pytestmark = pytest.mark.skipif(shutil.which("node") is None or not (KATEX / "package.json").exists(),
                                reason="node and the katex npm package are needed (npm install katex)")


def blocks_of(markdown: str) -> list[dict]:
    display = re.findall(r"\$\$\n(.*?)\n\$\$", markdown, flags=re.S)
    rest = re.sub(r"\$\$\n.*?\n\$\$", "", markdown, flags=re.S)
    inline = re.findall(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$", rest)
    return [{"tex": t, "display": True} for t in display] + [{"tex": t, "display": False} for t in inline]


def check(blocks: list[dict]) -> list[str]:
    result = subprocess.run(["node", str(ROOT / "tests" / "katex_check.js"), str(KATEX)],
                            input=json.dumps(blocks), capture_output=True, text=True, timeout=120, check=True)
    return [f"{blocks[f['index']]['tex'][:200]!r}: {f['error']}" for f in json.loads(result.stdout)]


def test_every_gallery_math_block_renders_in_katex():
    blocks = [b for name, text in gallery() if name.endswith(".md") for b in blocks_of(text)]
    assert len(blocks) > 1000
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_identity_line_renders_in_katex():
    blocks = [{"tex": line["latex"], "display": True}
              for name in IDENTITIES for route in identity_json(derive_identity(name))["routes"]
              for line in route["lines"]]
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_every_identity_document_renders_in_katex():
    from symback.render import render_identity
    blocks = [b for name in IDENTITIES for lang in ("en", "ko")
              for b in blocks_of(render_identity(derive_identity(name), "md", lang))]
    failures = check(blocks)
    assert not failures, "\n".join(failures[:10])


def test_the_checker_catches_bad_math():
    assert check([{"tex": r"\frac{1}{", "display": True}, {"tex": r"\notacommand", "display": False}])
