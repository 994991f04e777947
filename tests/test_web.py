"""--html pages in a real browser: headless Chromium opens each page from disk with the network
blocked, runs its JavaScript, and the math must be typeset by the KaTeX inlined into the page.

Chromium is required, never skipped: without it these tests fail with "install chromium
(bash .ci/install)".  ``$CHROMIUM`` names another binary (google-chrome, chromium-browser).
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# (arguments of `derive render`, the page it writes)
PAGES = {
    "derivation": (["dropout_tikhonov"], "dropout_tikhonov.html"),
    "answer-key": (["hw5"], "hw5.html"),
    "variants": (["fir_response", "--seed", "3", "--variants", "2"], "fir_response-seed3-x2.html"),
}
WINDOW = (1200, 2000)
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "\\frac", "$$")


# -- helpers ------------------------------------------------------------------------------
def chromium():
    """The browser binary, or a failure (never a skip) saying how to install it."""
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail("headless Chromium is needed to test --html pages: install chromium (bash .ci/install)",
                    pytrace=False)
    return binary


def run_chromium(*args, timeout=90):
    """Headless Chromium with a fresh profile and no network at all (every host unresolvable,
    every request sent to a closed proxy port): a page that needs the network cannot typeset."""
    with tempfile.TemporaryDirectory(prefix="derive-chromium-") as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}",
               "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--enable-logging=stderr", "--virtual-time-budget=10000", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc


# Loads the page under test, unchanged, in a same-origin frame (file:// with
# --allow-file-access-from-files), waits for its fonts, and writes what JavaScript sees as JSON.
HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<pre id="result">pending</pre>
<iframe id="page" src="%(page)s" style="width:%(w)dpx;height:%(h)dpx;border:0"></iframe>
<script>
var frame = document.getElementById("page");
frame.addEventListener("load", function () {
  var out = document.getElementById("result");
  try {
    var doc = frame.contentDocument;
    doc.fonts.ready.then(function () {
      var fonts = [];
      doc.fonts.forEach(function (f) { if (f.status === "loaded") fonts.push(f.family); });
      out.textContent = JSON.stringify({
        typeset: doc.documentElement.classList.contains("math-typeset"),
        math: doc.querySelectorAll(".math").length,
        katex: doc.querySelectorAll(".math > .katex, .math > .katex-display").length,
        untypeset: doc.querySelectorAll(".math:not(:has(> .katex)):not(:has(> .katex-display))").length,
        errors: doc.querySelectorAll(".katex-error, .math-error").length,
        error_text: Array.prototype.map.call(doc.querySelectorAll(".katex-error"),
                                             function (e) { return e.title || e.textContent; }),
        fonts: fonts,
        text: doc.body.innerText
      });
    });
  } catch (e) { out.textContent = "HARNESS ERROR " + e; }
});
</script></body></html>"""


def browser_view(page):
    """What the page's DOM holds after its JavaScript ran (counts, loaded fonts, innerText)."""
    harness = page.with_name(f".harness-{page.stem}.html")
    harness.write_text(HARNESS % {"page": page.name, "w": WINDOW[0], "h": WINDOW[1]}, encoding="utf-8")
    proc = run_chromium("--allow-file-access-from-files", "--dump-dom", harness.as_uri())
    harness.unlink()
    match = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    assert match, f"no result in the dumped DOM:\n{proc.stdout[:2000]}\n{proc.stderr[-2000:]}"
    text = html.unescape(match.group(1))
    assert not text.startswith(("pending", "HARNESS ERROR")), text
    view = json.loads(text)
    view["console"] = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    return view


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    data = path.read_bytes()[:32]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def render_html(args, out, cache):
    """`derive render ARGS --html --out OUT` as a user runs it (a subprocess, its own cache)."""
    env = dict(os.environ, DERIVE_CACHE_DIR=str(cache))
    proc = subprocess.run([sys.executable, "-c", "from derive.cli import main; main()", "render", *args,
                           "--html", "--out", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"derive render {' '.join(args)} --html exited {proc.returncode}:\n" \
                                 f"{proc.stdout}{proc.stderr}"
    return proc


# -- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    chromium()  # fail before rendering anything when there is no browser
    out = tmp_path_factory.mktemp("web")
    cache = tmp_path_factory.mktemp("web-cache")
    written = {}
    for key, (args, filename) in PAGES.items():
        render_html(args, out, cache)
        written[key] = out / filename
        assert written[key].is_file(), f"derive render {' '.join(args)} --html did not write {filename}"
    return written


# -- tests --------------------------------------------------------------------------------
@pytest.mark.parametrize("key", PAGES)
def test_page_is_self_contained(pages, key):
    """One file: no script, style, font or image is fetched from anywhere (http, https, //, or a
    file next to it); KaTeX's JavaScript, CSS and fonts are inlined."""
    source = pages[key].read_text(encoding="utf-8")
    assert "katex.render(" in source and "@font-face" in source
    remote = re.findall(r"""(?i)<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?!#|data:)[^"'\s>]+""",
                        source)
    assert not remote, f"the page loads other files: {remote[:5]}"
    assert not re.findall(r"""(?i)url\(\s*["']?(?:https?:|//)[^)]*\)|@import""", source)
    assert not re.findall(r"""(?i)(?:src|href)\s*=\s*["']?(?:https?:)?//""", source)
    assert "woff2;base64," in source, "the KaTeX fonts are not inlined"


@pytest.fixture(scope="module")
def views(pages):
    """browser_view of each page, once per page for the tests below."""
    cache = {}

    def view(key):
        if key not in cache:
            cache[key] = browser_view(pages[key])
        return cache[key]
    return view


@pytest.mark.parametrize("key", PAGES)
def test_math_is_typeset_offline(pages, views, key):
    source = pages[key].read_text(encoding="utf-8")
    spans = len(re.findall(r'<(?:span|div) class="math (?:inline|display)">', source))
    assert spans > 10, f"only {spans} math spans in {pages[key].name}"
    view = views(key)
    assert view["typeset"], "the page's render script did not finish (html.math-typeset missing)"
    assert view["math"] == spans, f"{view['math']} .math elements in the DOM, {spans} in the file"
    assert view["katex"] == spans and view["untypeset"] == 0, \
        f"{view['katex']} of {spans} formulas typeset by KaTeX, {view['untypeset']} left as TeX"
    assert view["errors"] == 0, f"KaTeX could not parse: {view['error_text'][:5]}"
    for family in ("KaTeX_Main", "KaTeX_Math"):
        assert family in view["fonts"], f"{family} was not loaded from the inlined fonts: {view['fonts']}"
    assert not view["console"], f"JavaScript console output: {view['console'][:5]}"


@pytest.mark.parametrize("key", PAGES)
def test_no_raw_tex_in_visible_text(views, key):
    """document.body.innerText (what a reader sees and copies) holds no TeX: every formula was
    replaced by KaTeX's output, and no prose carries TeX outside a formula."""
    text = views(key)["text"]

    def around(i):
        return text[max(0, i - 60):i + 60]
    leftover = {tex: around(text.find(tex)) for tex in RAW_TEX if tex in text}
    assert not leftover, f"raw TeX in the visible text: {leftover}"
    command = re.search(r"\\[A-Za-z]{2,}", text)
    assert not command, f"a TeX command in the visible text: {around(command.start())!r}"
    dollar = re.search(r"\$", text)
    assert not dollar, f"a $ (TeX math delimiter) in the visible text: {around(dollar.start())!r}"


@pytest.mark.parametrize("key", PAGES)
def test_screenshot(pages, key, tmp_path):
    page = pages[key]
    png = tmp_path / f"{page.stem}.png"
    run_chromium(f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri())
    assert png.is_file(), "chromium wrote no screenshot"
    assert png_size(png) == WINDOW
    # a blank 1200x2000 page compresses to a few kB; typeset text and math to far more
    assert png.stat().st_size > 60_000, f"screenshot is {png.stat().st_size} bytes: an empty page?"
    keep = os.environ.get("DERIVE_SCREENSHOTS")  # a directory: keep the screenshots to look at
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)
