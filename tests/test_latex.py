"""LaTeX output: what sympy gets wrong is fixed; prose is escaped; templates are strict."""
import os

import jinja2
import pytest
import sympy as sp

from conftest import HAS_TEX, load
from derive import E, diag, diag_sqrt, hadamard, sqnorm
from derive.checking import check
from derive.pdf import CompileError, compile_pdf, log_excerpt
from derive.printing import latex
from derive.prose import escape
from derive.render import environment, render_tex

n, d = sp.symbols("n d", integer=True, positive=True)
X, R = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("R", n, d)
w, y = sp.MatrixSymbol("w", d, 1), sp.MatrixSymbol("y", n, 1)
p = sp.Symbol("p", positive=True)


@pytest.mark.parametrize("expr, expected", [
    (hadamard(R, X) * w, r"\left(R \circ X\right) w"),
    (hadamard(R, X).T * y, r"\left(R \circ X\right)^{\top} y"),
    (sqnorm(y - p * X * w), r"\left\| y - p X w \right\|_2^2"),
    (E(R, hadamard(R, X)), r"\mathbb{E}_{R}\left[ R \circ X \right]"),
    (diag(X.T * X), r"\operatorname{diag}(X^{\top} X)"),
    (diag_sqrt(diag(X.T * X)), r"\operatorname{diag}(X^{\top} X)^{1/2}"),
    (w.T * X.T * y, r"w^{\top} X^{\top} y"),
    ((X * w + y).T * y, r"\left(y^{\top} + w^{\top} X^{\top}\right) y"),
    (p * (1 - p) * sqnorm(w), r"p \left(1 - p\right) \left\| w \right\|_2^2"),
])
def test_printer(expr, expected):
    assert latex(expr) == expected


@pytest.mark.parametrize("text, expected", [
    ("50% & #1 under_score", r"50\% \& \#1 under\_score"),
    ("{braces} ~ and ^", r"\{braces\} \textasciitilde\ and \textasciicircum{}"),
    ("a\\b", r"a\textbackslash{}b"),
    ("math $\\|y\\|_2^2$ kept", r"math $\|y\|_2^2$ kept"),
    ("Γ ∘ X", r"$\Gamma$ $\circ$ X"),
])
def test_prose_is_escaped(text, expected):
    assert escape(text) == expected


def test_templates_fail_on_missing_variables():
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string(r"\VAR{nothing_here}").render()


def test_document_has_statement_chain_result_and_summary():
    d = load("dropout_tikhonov")
    tex = render_tex(d, check(d))
    for needle in [r"\subsection*{Problem}", r"\begin{align*}", r"\boxed{", r"\subsection*{Verification}",
                   "checked exactly at sizes", "Erratum", r"\left(R \circ X\right) w"]:
        assert needle in tex


def test_log_excerpt_keeps_the_error_lines():
    log = "This is pdfTeX\n./a.tex:3: Undefined control sequence.\nl.3 \\foo\n\nmore\n"
    assert "Undefined control sequence" in log_excerpt(log)


need_tex = pytest.mark.skipif(not HAS_TEX and not os.environ.get("CI"), reason="TeX not installed")


@need_tex
@pytest.mark.parametrize("name", ["dropout_tikhonov", "gaussian_noise_tikhonov"])
def test_pdf_compiles(tmp_path, name):
    d = load(name)
    tex = tmp_path / f"{name}.tex"
    tex.write_text(render_tex(d, check(d)))
    pdf = compile_pdf(tex)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


@need_tex
def test_broken_tex_leaves_no_pdf_and_reports_log(tmp_path):
    tex = tmp_path / "broken.tex"
    (tmp_path / "broken.pdf").write_bytes(b"%PDF stale")
    tex.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(CompileError) as info:
        compile_pdf(tex)
    assert "Undefined control sequence" in info.value.log_excerpt
    assert not (tmp_path / "broken.pdf").exists()


@pytest.mark.parametrize("expr, tex", [(sp.pi, r"\pi"), (sp.I, "i"), (sp.oo, r"\infty"), (-sp.oo, r"-\infty"),
                                       (sp.log(2 * sp.pi * sp.Symbol("v")), r"\log{\left(2 \pi v \right)}")])
def test_sympy_constants_print_as_a_reader_writes_them(expr, tex):
    assert latex(expr) == tex


def test_steps_are_numbered_without_gaps_across_parts():
    """A part's start (and its boxed result) takes no number: 1, 2, 3 ... in the text, the
    verification table, the terminal and JSON alike."""
    import re
    d = load("conv_weight_gradient_variance")
    assert len(d.parts) > 1
    report = check(d)
    numbers = [v.number for v in report.verdicts]
    assert numbers == list(range(1, len(numbers) + 1))
    tex = render_tex(d, report)
    in_text = [int(n) for n in re.findall(r"\\derivejust\{\((\d+)\)", tex)]
    assert in_text == numbers
    table = tex.split(r"\subsection*{Verification}")[1]
    in_table = [int(n) for n in re.findall(r"^(\d+) & ", table, re.M)]
    assert in_table == numbers


def test_a_document_with_a_failed_step_never_claims_every_step_checked():
    d = load("dropout_tikhonov")
    wrong = d.with_step(2, d.steps[2].expr * 2)
    report = check(wrong)
    assert not report.ok
    tex = render_tex(wrong, report)
    assert "every step machine-checked" not in tex
    assert "not verified" in tex.lower()
    assert "every step machine-checked" in render_tex(d, check(d))


def test_a_combination_of_numbered_unknowns_prints_in_index_order():
    h1, h2, h3 = sp.symbols("h1 h2 h3")
    assert latex(4 * h3 - 2 * h1 - 4 * h2) == "- 2 h_{1} - 4 h_{2} + 4 h_{3}"
    assert latex(2 * h2 + h3 - 4 * h1) == "- 4 h_{1} + 2 h_{2} + h_{3}"
    n, k = sp.symbols("n k")
    assert latex(n + 1 - k) == "n - k + 1"


def test_a_boxed_result_is_a_statement_never_a_bare_expression():
    """Without a named left-hand side the box starts from the part's first expression; a result
    that is a relation itself (c = 1/sqrt(d_in)) is boxed as it is."""  # noqa
    d = load("mup_spectral_bounds")
    tex = render_tex(d, check(d))
    boxes = [line for line in tex.splitlines() if line.startswith(r"\boxed{")]
    assert boxes and all(any(rel in b for rel in ("=", r"\le", r"\ge")) for b in boxes), boxes
    assert any(r"\|_{\mathrm{RMS}} \le" in b for b in boxes)
