"""Jupyter: a real kernel (ipykernel, driven by nbclient) runs a small notebook, and a
Derivation, a check Report and a Homework display themselves as HTML with KaTeX/MathJax-ready
math and as Markdown; a broken object displays one escaped error line instead of raising."""
import re
import time

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "import derive\nfrom derive import loader\nd = loader.load('dropout_tikhonov')\nd",
    "import derive.checking  # a display imports it too, but a notebook may start here\nderive.checking.check(d)",
    # hw5, not hw4: hw4's translation_invariance takes minutes to check with an empty cache
    "loader.load_homework('hw5')",
    # a key naming a problem that does not exist, with markup in its name: displaying it must not raise
    "from derive import Homework, derivation\n"
    "Homework('broken', 'Broken <b>key</b>', 'test', [derivation('Q1', '<script>alert(1)</script>')])",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook run once in a fresh python3 kernel (its own verdict cache, cwd outside the
    project); (cell outputs, seconds)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("nb-cache")))
    mp.setenv("JUPYTER_PLATFORM_DIRS", "1")  # no "migrating its paths" DeprecationWarning from jupyter_core
    cwd = tmp_path_factory.mktemp("nb")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        mp.undo()
    return [cell.outputs for cell in nb.cells], time.perf_counter() - start


def result(outputs):
    """The cell's displayed value: its execute_result's mime bundle (no errors, no stderr)."""
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{e.ename}: {e.evalue}" for e in errors)
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, "".join(stderr)
    results = [o for o in outputs if o.output_type == "execute_result"]
    assert len(results) == 1, outputs
    data = results[0].data
    assert {"text/html", "text/markdown"} <= set(data), f"mime types shown: {sorted(data)}"
    return data["text/html"], data["text/markdown"]


def assert_math_ready(html, markdown):
    """HTML: formulas in the .math spans that MathJax/KaTeX typeset, as a fragment (no page, no
    inlined KaTeX); Markdown: $...$ / $$...$$ mathematics, no HTML math spans."""
    assert re.search(r'<span class="math inline">\\\(.+?\\\)</span>', html)
    assert re.search(r'<div class="math display">\\\[.+?\\\]</div>', html, re.S)
    assert "<html" not in html and "katex.render(" not in html and "@font-face" not in html
    assert re.search(r"(?<!\$)\$[^$\n]+\$(?!\$)", markdown), "no inline $...$ math in the Markdown"
    assert 'class="math' not in markdown and "\\(" not in markdown


def test_notebook_runs_without_errors(executed):
    outputs, seconds = executed
    assert len(outputs) == len(CELLS)
    for cell in outputs:
        assert not [o for o in cell if o.output_type == "error"]
    assert seconds < 300, f"the notebook took {seconds:.0f} s"


def test_derivation_displays_checked(executed):
    html, markdown = result(executed[0][0])
    assert_math_ready(html, markdown)
    assert "Dropout in linear regression is Tikhonov regularization" in html
    assert "every step machine-checked" in html and "every step machine-checked" in markdown
    assert "\\mathcal{L}" in html and "\\mathcal{L}" in markdown


def test_report_displays_every_step(executed):
    html, markdown = result(executed[0][1])
    assert "dropout_tikhonov" in html and "dropout\\_tikhonov" in markdown
    assert "verified (6 steps" in html and "verified (6 steps" in markdown
    assert html.count('<tr class="ok">') == 7, "one row per step (6) and the cross-check"
    assert len(re.findall(r"(?m)^\| (?:\d+|cross-check) ✓ \|", markdown)) == 7


def test_homework_displays_every_item(executed):
    html, markdown = result(executed[0][2])
    assert_math_ready(html, markdown)
    assert "Homework 5" in html and "Homework 5" in markdown
    for number in ("Q1(a)", "Q4(a)", "Q5(b), (d)-(i)", "Q9(b)"):
        assert number in html, number
    assert "not machine-checked" in html and "not machine-checked" in markdown  # discussion items are marked


def test_broken_object_displays_one_escaped_line(executed):
    html, markdown = result(executed[0][3])
    assert html.count("\n") == 0 and markdown.strip().count("\n") == 0, (html, markdown)
    assert html.startswith('<p class="derive-error">derive could not display this: UnknownName')
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "could not display this" in markdown and "<script" not in markdown
