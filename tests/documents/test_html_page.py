"""html_page: the worked solution as one self-contained page: KaTeX inlined (fonts as woff2 data URLs), the same
LaTeX as the Markdown's, an answer key per backward step rounded as `grade` rounds (checked against mpmath), no
URL the browser would fetch, under 3 MB; judge.js agrees with acceptance.judge on a table of cases (node)."""
import base64
import html
import json
import os
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from symback import load_spec, solve
from symback.checking.acceptance import judge
from symback.documents.catalogue import TEMPLATES_DIR, messages
from symback.documents.html_page import KATEX_FIX, Katex, build_page, katex_directory, load_katex, render_page
from symback.engine.errors import SymbackError
from symback.engine.vary import round_answer

ROOT = Path(__file__).resolve().parents[2]
KATEX = Path(os.environ.get("KATEX_DIR", ROOT / ".ci" / "node" / "node_modules" / "katex"))
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML"}  # names, never fetched


def test_the_fonts_are_inlined_as_woff2_data_urls(fake_katex):
    katex = load_katex(fake_katex)
    font = (fake_katex / "dist" / "fonts" / "KaTeX_Main-Regular.woff2").read_bytes()
    assert f"url(data:font/woff2;base64,{base64.b64encode(font).decode()})" in katex.css
    assert ".woff)" not in katex.css and ".ttf)" not in katex.css and katex.version == "0.16.0"
    assert "*/" not in katex.licence and "MIT" in katex.licence


def test_without_katex_the_page_is_refused_in_one_line_naming_the_fix(tmp_path):
    with pytest.raises(SymbackError) as caught:
        katex_directory({}, here=tmp_path)
    assert "\n" not in caught.value.line() and KATEX_FIX in caught.value.line()
    with pytest.raises(SymbackError, match="SYMBACK_KATEX="):
        katex_directory({"SYMBACK_KATEX": str(tmp_path)})


def test_each_backward_step_asks_for_its_gradient_rounded_as_grade_rounds(solved, fake_katex, mazur_by_hand):
    page = build_page(solved("mazur_222"), katex=load_katex(fake_katex))
    data = json.loads(str(page.data))
    keys = {step["node"]: step for step in data["steps"]}
    assert [s.row.node for s in page.steps] == [s["node"] for s in data["steps"]] and data["digits"] == 4
    delta = mazur_by_hand[3][1]  # δ of output 2, by hand
    assert mpmath.nstr(delta, 4) == "-0.0381"  # -0.03810..., written with the zero that makes 4 digits
    assert keys["z2_2"]["key"] == {"negative": True, "digits": "3810", "exponent": -2}
    assert keys["z2_2"]["figure"] == keys["y2"]["figure"] == "fig-node-7"  # a neuron draws its z and its a
    assert set(data["messages"]) >= {"correct", "wrong", "too_few_digits", "not_a_number", "blank", "progress"}


def test_the_page_holds_the_markdowns_latex_and_fetches_nothing(solved, fake_katex):
    solution = solved("mazur_222")
    page = render_page(solution, katex=load_katex(fake_katex))
    markdown = solution.markdown(detail="full")
    displays = re.findall(r"\$\$\n(.*?)\n\$\$", markdown, flags=re.S)
    shown = [html.unescape(m) for m in re.findall(r'<div class="math display">(.*?)</div>', page, flags=re.S)]
    assert displays and set(displays) <= set(shown)
    assert page.count('<section class="step"') == len(solution.document(detail="full").backward)
    assert page.count("<svg") == 1 and 'id="fig-node-7"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?[a-z]+:|url\(\s*["']?(?!data:|#)|@import""", page)


def test_the_page_in_korean(solved, fake_katex):
    page = render_page(solved("apple"), "ko", katex=load_katex(fake_katex))
    assert '<html lang="ko">' in page and "다음" in page and "유효숫자 4자리" in page


def test_a_user_value_cannot_break_out_of_the_page(fake_katex, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text('title = "</script><script>alert(1)</script> & <b>"\nloss = "y"\n[inputs]\nx = 2\n'
                    '[nodes]\ny = "x * x"\n')
    page = render_page(solve(load_spec(spec)), katex=load_katex(fake_katex))
    assert "<script>alert" not in page and "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_a_regression_has_no_page(solved, fake_katex):
    with pytest.raises(SymbackError, match="regression"):
        build_page(solved("regression"), katex=Katex("", "", "", ""))


@pytest.mark.skipif(not (KATEX / "dist" / "katex.min.js").exists(), reason="the katex npm package (npm install katex)")
def test_the_mazur_page_with_katex_is_under_three_megabytes(solved):
    page = render_page(solved("mazur_222"), katex=load_katex(KATEX))
    assert len(page.encode("utf-8")) < 3 * 1024 * 1024
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= NAMESPACES
    assert page.count("url(data:font/woff2;base64,") == len(list((KATEX / "dist" / "fonts").glob("*.woff2")))
    assert page.count("</script>") == 3  # the data, KaTeX, and the page's scripts: nothing in them ends one early


# ---------------------------------------------------------------------------------------- judge.js

def cases():
    """(answer, key, digits): every verdict, at small and large magnitudes, on and just past the window's ends."""
    table = []
    for value, digits in [(Fraction(522359, 10**7), 3), (Fraction(-137_000_000 + 4321), 3), (Fraction(1, 2), 4),
                          (Fraction(1, 80000), 3), (Fraction(-381, 10000), 4), (Fraction(0), 3), (Fraction(7), 1),
                          (Fraction(123456, 1000), 6)]:
        key = round_answer(value, digits)
        low, high = key.value - Fraction(key.tolerance), key.value + Fraction(key.tolerance)
        nudge = Fraction(key.unit) / 1000 if key.digits else Fraction(1, 10**6)
        written = [key.text, f"{float(key.value):.{digits + 3}g}", str(float(low)), _exact(low), _exact(high),
                   _exact(high + nudge), _exact(low - nudge), f"{float(key.value):.{max(digits - 1, 1)}g}",
                   key.text.replace(".", ","), key.text.replace("-", "\u2212"), "+" + key.text, " " + key.text + " ",
                   f"{float(key.value):e}".replace("e", "×10^"), f"{float(key.value):.{digits}e}".upper(),
                   "", "   ", "x", "1/2", "1e999", "0", "0.000", ".5", "5.", "-0", "1,5", "1.2.3", "1e+3", "2·10^(-3)",
                   "\uff10.\uff15", "12 345.6", "1\u2009000"]
        table += [(text, key, digits) for text in written]
    return table


def _exact(value: Fraction) -> str:
    """A fraction with a terminating decimal expansion, written out exactly."""
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    whole = abs(value.numerator * 10**digits // value.denominator)
    text = str(whole).rjust(digits + 1, "0")
    return ("-" if value < 0 else "") + (text[:-digits] + "." + text[-digits:] if digits else text)


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs judge.js")
def test_judge_js_agrees_with_the_acceptance_rule():
    table = cases()
    rows = [{"text": text, "key": {"negative": key.negative, "digits": key.digits, "exponent": key.exponent},
             "digits": digits} for text, key, digits in table]
    script = ("const {judge} = require(process.argv[1]); const rows = JSON.parse(require('fs').readFileSync(0));"
              "process.stdout.write(JSON.stringify(rows.map(r => judge(r.text, r.key, r.digits))));")
    result = subprocess.run(["node", "-e", script, str(TEMPLATES_DIR / "judge.js")], input=json.dumps(rows),
                            capture_output=True, text=True, timeout=60, check=True)
    browser = json.loads(result.stdout)
    python = [judge(text, key, digits) for text, key, digits in table]
    assert [(j["verdict"], j["hint"]) for j in browser] == [(j.verdict, j.hint) for j in python]
    verdicts = {j.verdict for j in python}
    assert verdicts == {"correct", None, "too few digits", "not a number", "blank"} and len(table) > 200


# ---------------------------------------------------------------------------------------- in a browser

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or shutil.which("chromium-browser") or "")
#: the Debian chromium as root, on a machine without network: without these it waits for services it cannot reach
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def _playwright():
    try:
        from playwright.sync_api import sync_playwright  # (an optional test dependency)
    except ImportError:
        return None
    return sync_playwright


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory, solved):
    """The mazur_222 page open in headless Chromium (Playwright), with every request the page made."""
    sync_playwright = _playwright()
    if sync_playwright is None or not CHROMIUM or not (KATEX / "dist" / "katex.min.js").exists():
        pytest.skip("needs playwright (pip), chromium (apt-get install chromium) and the katex npm package")
    path = tmp_path_factory.mktemp("page") / "mazur_222.html"
    path.write_text(render_page(solved("mazur_222"), katex=load_katex(KATEX)), encoding="utf-8")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        page.wait_for_selector(".katex")
        yield page, requests, path
        browser.close()


def visible(page, selector):
    return page.locator(selector).is_visible()


def test_the_page_typesets_its_math_and_draws_its_figure_offline(browser_page):
    page, requests, path = browser_page
    assert page.locator(".katex").count() > 50 and page.locator(".katex-error").count() == 0
    assert page.locator("#figure svg .node").count() == 8 and page.locator("#figure svg .edge").count() == 12
    assert requests == [path.as_uri()]  # nothing fetched: scripts, styles and fonts are in the file
    assert path.stat().st_size < 3 * 1024 * 1024


def test_next_reveals_the_next_node_and_highlights_it(browser_page):
    page, _, _ = browser_page
    page.reload()
    first, second = (page.locator(f"#step-{i}").get_attribute("data-node") for i in (0, 1))
    assert (first, second) == ("y2", "y1")  # the backward pass starts at the outputs
    assert visible(page, "#step-0") and not visible(page, "#step-0 .work") and not visible(page, "#step-1")
    assert "current" in page.locator("#fig-node-7").get_attribute("class")  # y2: the 8th node drawn
    page.click("#next")
    assert visible(page, "#step-0 .work") and visible(page, "#step-1") and not visible(page, "#step-1 .work")
    assert "current" in page.locator("#fig-node-6").get_attribute("class")  # y1
    assert "done" in page.locator("#fig-node-7").get_attribute("class")
    page.keyboard.press("ArrowRight")
    assert visible(page, "#step-1 .work") and visible(page, "#step-2")
    page.keyboard.press("ArrowLeft")
    page.click("#previous")
    assert not visible(page, "#step-0 .work") and not visible(page, "#step-1")


def test_an_answer_box_marks_a_right_and_a_wrong_answer(browser_page, mazur_by_hand):
    page, _, _ = browser_page
    page.reload()
    page.click("#next")  # y1 is asked: ∂L/∂y1 = y1 - t1
    a = mazur_by_hand[1]
    y1 = 1 / (1 + mpmath.exp(-(mpmath.mpf("0.4") * a[0] + mpmath.mpf("0.45") * a[1] + mpmath.mpf("0.6"))))
    right = mpmath.nstr(y1 - mpmath.mpf("0.01"), 4)
    form = page.locator("#step-1 form.answer")
    for answer, verdict in ((right, "right"), ("0.7420", "wrong"), ("0.74", "wrong"), (right.replace(".", ","), "wrong")):
        form.locator("input").fill(answer)
        form.locator("button").click()
        assert verdict in form.get_attribute("class").split(), answer
    assert form.locator("output").text_content() == messages("en")["page.decimal_comma"]
