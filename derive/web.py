"""Markdown and HTML output: the same context as LaTeX (render.context), other prose formatting.

Mathematics is the LaTeX that printing.py writes, passed on unchanged: Markdown carries it in
``$...$`` / ``$$...$$`` for MathJax or KaTeX (Ed, Canvas, Gradescope, Jupyter); HTML carries it
in ``<span class="math inline">\\(...\\)</span>`` and ``<div class="math display">\\[...\\]</div>``,
typeset in a standalone page by the KaTeX bundled in ``derive/assets/katex`` and inlined into the
page (JavaScript, CSS and fonts as data: URIs), so one ``.html`` file renders offline, opened from
disk or attached to an LMS.  The templates never emit the macros only the LaTeX preamble defines
(``\\derivejust``, ``\\derivefailed``, ``\\shortintertext``); ``KATEX_MACROS`` defines the first two
for KaTeX anyway, should a problem file's own mathematics use them.

Prose (statements, meanings, notes, evidence, parameter values) is user data: every character
is escaped for the target format (``html_prose``: HTML-escaped, so a ``<script>`` is text;
``markdown_prose``: Markdown's punctuation backslash-escaped), and only its ``$...$`` spans pass
through as mathematics.
"""
import base64
import html
import json
import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .prose import _MATH, _escape_math, _is_math

ASSETS = Path(__file__).resolve().parent / "assets" / "katex"
KATEX_MACROS = {r"\derivefailed": r"\textcolor{red}{#1}", r"\derivejust": r"{\small\textcolor{gray}{#1}}"}


def _parts(text):
    """(is_math, piece) for a prose string: mathematics with its non-ASCII characters mapped
    to LaTeX commands (as for pdflatex), the text as it is."""
    for part in _MATH.split("" if text is None else str(text)):
        if _is_math(part):
            yield True, _escape_math(part[1:-1])
        elif part:
            yield False, part


# -- HTML ---------------------------------------------------------------------------------
def html_math(tex, display=False):
    """One formula as HTML (KaTeX in the page, or MathJax in Jupyter, typesets it)."""
    if display:
        return Markup('<div class="math display">\\[{}\\]</div>').format(tex)
    return Markup('<span class="math inline">\\({}\\)</span>').format(tex)


def html_prose(text):
    """HTML for a prose string: text HTML-escaped, ``$...$`` spans as mathematics."""
    return Markup("").join(html_math(piece) if is_math else Markup(html.escape(piece, quote=True))
                           for is_math, piece in _parts(text) if piece.strip() or not is_math)


# -- Markdown -----------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}#+!|~$])")
# brackets and < > & as entities: a math-aware renderer (Jupyter, Ed) reads \[ ... \] as mathematics
_MD_ENTITIES = {"[": "&#91;", "]": "&#93;", "<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MD_LIST_MARK = re.compile(r"(?m)^(\s*)([-=])")  # a line starting a list or a setext heading
_MD_NUMBERED = re.compile(r"(?m)^(\s*\d+)\.")  # a line starting a numbered list


def _markdown_text(text):
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return "".join(_MD_ENTITIES.get(ch, ch) for ch in text)


def markdown_prose(text):
    """Markdown for a prose string: punctuation backslash-escaped, ``$...$`` spans as mathematics."""
    out = []
    for is_math, piece in _parts(text):
        if is_math and piece.strip():
            out.append(f"${piece.strip()}$")
        elif not is_math:
            out.append(_markdown_text(piece))
    text = _MD_LIST_MARK.sub(r"\1\\\2", "".join(out))  # only where a line starts (never inside $...$)
    return _MD_NUMBERED.sub(r"\1\\.", text)


def markdown_cell(text):
    """Already formatted Markdown inside a table cell: one line, every ``|`` escaped once more
    (a table reads ``\\|`` as ``|`` before the cell's own Markdown and mathematics)."""
    return " ".join(str(text).split()).replace("|", "\\|")


PROSE = {"html": html_prose, "md": markdown_prose}


# -- the bundled KaTeX --------------------------------------------------------------------
@lru_cache(maxsize=1)
def katex_css():
    """KaTeX's stylesheet with every font inlined as a woff2 data: URI (no other file needed)."""
    css = (ASSETS / "katex.min.css").read_text(encoding="utf-8")

    def font(match):
        name = match.group(1)
        data = base64.b64encode((ASSETS / "fonts" / f"{name}.woff2").read_bytes()).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'
    return re.sub(r'src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[a-z]+"\))*',
                  font, css)


@lru_cache(maxsize=1)
def katex_js():
    js = (ASSETS / "katex.min.js").read_text(encoding="utf-8")
    return re.sub(r"(?i)</(script)", r"<\\/\1", js)  # never ends the inline <script> early


RENDER_JS = """(function () {
  var macros = %s;
  var nodes = document.querySelectorAll(".math");
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i], display = el.classList.contains("display");
    var tex = el.textContent.trim().replace(/^\\\\[(\\[]/, "").replace(/\\\\[)\\]]$/, "");
    try {
      katex.render(tex, el, {displayMode: display, throwOnError: false, strict: "ignore", macros: macros});
    } catch (e) {
      el.className += " math-error";
    }
  }
  document.documentElement.className += " math-typeset";
})();"""


def template_globals(fmt):
    """What the web templates need besides the document: the page's scripts and styles."""
    if fmt != "html":
        return {}
    return {"katex_css": _LazyText(katex_css), "katex_js": _LazyText(katex_js),
            "render_js": Markup(RENDER_JS % json.dumps(KATEX_MACROS)), "page_css": Markup(PAGE_CSS),
            "math": html_math}


class _LazyText:
    """Read the bundled files only when a standalone page is written (not for Jupyter)."""

    def __init__(self, func):
        self.func = func

    def __html__(self):
        return self.func()

    def __str__(self):
        return self.func()


PAGE_CSS = """
.derive .evidence-notes { font-size: 0.85em; color: var(--muted); display: grid; grid-template-columns: auto 1fr; gap: 0.1em 0.6em; }
.derive .evidence-notes dd { margin: 0; }
.derive .note-mark { color: var(--muted); }
.derive .answer-space { border: 1px solid var(--rule); border-radius: 4px; margin: 0.4em 0 1.2em; }
.derive { --ink: #1d2330; --muted: #5b6475; --rule: #d9dde5; --ok: #1a7f37; --bad: #c62828;
        --soft: #f6f8fa; --accent: #2f5aa8; }
.derive { color: var(--ink); font: 16px/1.55 "Source Sans Pro", "Segoe UI", "Helvetica Neue", "Liberation Sans",
          "DejaVu Sans", Arial, sans-serif; max-width: 54rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.derive h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.2rem 0 0.4rem; }
.derive h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--rule); }
.derive h3 { font-size: 1.08rem; margin: 1.4rem 0 0.4rem; color: var(--accent); }
.derive h4 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
.derive .source { color: var(--muted); font-style: italic; margin: 0 0 0.6rem; }
.derive .status { display: inline-block; padding: 0.15rem 0.6rem; border-radius: 1rem; font-size: 0.9rem;
                  font-weight: 600; margin: 0.2rem 0 0.8rem; }
.derive .status.ok { color: var(--ok); background: #e8f5ec; }
.derive .status.bad { color: var(--bad); background: #fdecec; }
.derive .erratum { border: 2px solid var(--bad); border-radius: 6px; padding: 0.6rem 0.9rem; margin: 0.8rem 0;
                   background: #fff8f8; }
.derive .erratum > strong { color: var(--bad); }
.derive .note { border-left: 4px solid var(--rule); padding: 0.3rem 0.9rem; margin: 0.8rem 0; background: var(--soft); }
.derive .answer { border: 1px solid var(--rule); border-radius: 6px; padding: 0.6rem 0.9rem; background: var(--soft); }
.derive ul.givens { padding-left: 1.3rem; }
.derive ul.givens li { margin: 0.15rem 0; }
.derive .chain { display: grid; grid-template-columns: max-content max-content minmax(0, 1fr);
                 column-gap: 0.5rem; row-gap: 0.1rem; align-items: baseline; margin: 0.6rem 0 0.4rem; }
.derive .chain > div { min-width: 0; }
.derive .chain .lhs { text-align: right; }
.derive .chain .expr { overflow-x: auto; overflow-y: hidden; padding: 0.25rem 0; }
.derive .chain .why { grid-column: 1 / -1; font-size: 0.9rem; color: var(--muted); padding: 0.3rem 0 0 1.2rem; }
.derive .chain .why .num { font-weight: 600; color: var(--ink); }
.derive .chain .why .rule, .derive table .rule { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
                 font-size: 0.82rem; background: var(--soft); border: 1px solid var(--rule); border-radius: 4px;
                 padding: 0 0.3rem; }
.derive .mark { font-weight: 700; margin-left: 0.3rem; }
.derive .mark.ok { color: var(--ok); }
.derive .mark.bad, .derive .failed, .derive .failed .katex { color: var(--bad); }
.derive .chain .failed-why { grid-column: 1 / -1; color: var(--bad); font-size: 0.9rem; padding-left: 1.2rem; }
.derive .result { margin: 0.6rem 0 1rem; overflow-x: auto; overflow-y: hidden; }
.derive .result .katex-display { margin: 0.4rem 0; text-align: left; }
.derive figure.missing { color: var(--muted); font-style: italic; margin: 0.6rem 0; }
.derive .finding { color: var(--bad); }
.derive table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.5rem 0 1rem; }
.derive th, .derive td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--rule); }
.derive th { border-bottom: 2px solid var(--ink); }
.derive td.n { text-align: right; white-space: nowrap; }
.derive table .rule { white-space: nowrap; }
.derive tr.bad td { color: var(--bad); }
.derive nav.toc ol { columns: 2; column-gap: 2.8rem; padding-left: 1.6rem; }
.derive nav.toc li { break-inside: avoid; }
.derive .params { font-style: italic; }
.derive .katex { font-size: 1.08em; }
@media print { .derive { max-width: none; } .derive h2 { break-after: avoid; } }
"""


def write_atomically(out_dir, filename, text):
    """Write ``out_dir/filename`` through a temporary file and ``os.replace``: a failed or
    interrupted run never leaves a partial page.  OutputError when the directory is not writable."""
    import os
    import shutil
    import tempfile
    from .pdf import OutputError, prepare_out
    out_dir = prepare_out(out_dir)
    target = out_dir / filename
    try:
        build = Path(tempfile.mkdtemp(prefix=f".derive-{filename}-", dir=out_dir))
        try:
            (build / filename).write_text(text, encoding="utf-8")
            os.replace(build / filename, target)
        finally:
            shutil.rmtree(build, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
