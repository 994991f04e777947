"""A discussion item may carry a figure (TikZ made by derive.plots): printed under the model
answer in the PDF, a placeholder with the caption in Markdown and HTML.  gaussian_contours
draws 2-D Gaussians' mean and Mahalanobis contours from numbers computed with numpy."""
import os
import re

import numpy as np
import pytest

from conftest import HAS_TEX
from derive import Homework, discussion, loader
from derive.pdf import compile_pdf
from derive.plots import batchnorm_gaussian, ellipse_points, gaussian_contours
from derive.render import environment, render_homework

need_tex = pytest.mark.skipif(not HAS_TEX and not os.environ.get("CI"), reason="TeX not installed")

MEAN, COV = (2, 1), [[4, 1.2], [1.2, 1]]
PLACEHOLDER = "Figure (drawn in the PDF version"


def _figure():
    return gaussian_contours(MEAN, COV, levels=(1, 2), after=batchnorm_gaussian(MEAN, COV))


def _contour(tex, name):
    """The coordinates printed after the comment ``% name`` (an (n, 2) array)."""
    m = re.search(rf"^% {re.escape(name)}\n\\addplot\[[^\]]*\] coordinates \{{([^}}]*)\}}", tex, re.M)
    assert m, f"no contour {name!r} in the figure"
    return np.array([[float(v) for v in p.split(",")] for p in re.findall(r"\(([^)]*)\)", m.group(1))])


def _fake_key(caption="Example numbers; $\\beta = 0$."):
    item = discussion("Q1", "A sketch", "Sketch it with $\\beta = 0$.", "The answer.", figure=_figure(),
                      caption=caption)
    plain = discussion("Q2", "No sketch", "Say it.", "Said.")
    return Homework("fake", "Fake homework", "A course", [item, plain]), [(item, None, None), (plain, None, None)]


def test_batchnorm_law_standardises_each_coordinate_and_keeps_the_correlation():
    mean, cov = batchnorm_gaussian(MEAN, COV)
    assert np.allclose(mean, 0) and np.allclose(cov, [[1, 0.6], [0.6, 1]])
    mean, cov = batchnorm_gaussian(MEAN, COV, beta=(1, -1), gamma=(2, 3))
    assert np.allclose(mean, (1, -1)) and np.allclose(cov, [[4, 0.6 * 6], [0.6 * 6, 9]])
    with pytest.raises(ValueError):
        batchnorm_gaussian(MEAN, [[1, 2], [2, 1]])  # not positive definite


def test_ellipse_points_lie_on_the_mahalanobis_contour():
    pts = ellipse_points(MEAN, COV, level=2)
    d = pts - np.array(MEAN)
    assert np.allclose(np.einsum("ij,jk,ik->i", d, np.linalg.inv(COV), d), 4)
    assert np.allclose(pts[0], pts[-1])  # closed


def test_emitted_after_contours_have_unit_variance_along_the_axes_and_stay_tilted():
    tex = _figure()
    for level in (1, 2):
        after = _contour(tex, f"after batch norm: {level} sd")
        # the k-sd contour of N(0, R) reaches exactly k * sd_i along axis i: here k * 1
        assert np.allclose(np.abs(after).max(axis=0), [level, level], atol=2e-3)
        # tilted, not a circle: the point furthest along x_1 sits near x_2 = correlation * level, and
        # the half-axes, on the diagonals, are level * sqrt(1 +- correlation)
        assert after[np.argmax(after[:, 0]), 1] == pytest.approx(0.6 * level, abs=0.02)
        radius = np.hypot(after[:, 0], after[:, 1])
        assert radius.max() == pytest.approx(level * np.sqrt(1.6), abs=2e-3)
        assert radius.min() == pytest.approx(level * np.sqrt(0.4), abs=2e-3)
        far = after[np.argmax(radius)]
        assert far[0] == pytest.approx(far[1], abs=0.02)  # the long axis on x_2 = x_1
        before = _contour(tex, f"before: {level} sd")
        assert np.allclose(before.max(axis=0), [2 + 2 * level, 1 + level], atol=3e-3)
        assert np.allclose(before.min(axis=0), [2 - 2 * level, 1 - level], atol=3e-3)
    assert re.search(r"^% after batch norm: mean\n.*coordinates \{\(0,0\)\}", tex, re.M)
    assert "axis equal image" in tex and "{$x_1$}" in tex and "{$x_2$}" in tex
    assert r"\addlegendentry{before}" in tex and r"\addlegendentry{after batch norm}" in tex


@need_tex
def test_figure_compiles_with_the_preamble(tmp_path):
    preamble = environment().get_template("preamble.tex.j2").render()
    tex = tmp_path / "figure.tex"
    tex.write_text(preamble + "\\begin{document}\n" + _figure() + "\n\\end{document}\n")
    assert compile_pdf(tex).read_bytes().startswith(b"%PDF")


def test_homework_tex_prints_the_figure_and_caption_inside_the_answer_box():
    hw, entries = _fake_key()
    tex = render_homework(hw, entries)
    # the box (answer, figure, caption in one center environment) is measured before the heading,
    # so that the item starts a new page unless it fits, and printed after the statement
    start = tex.index("\\sbox{\\deriveanswerbox}{\\fbox{")
    box = tex[start:tex.index("\\section*{Q1", start)]
    assert _figure() in box and "Example numbers; $\\beta = 0$." in box
    assert box.index("Model answer (not machine-checked).} The answer.") < box.index("\\begin{center}") \
        < box.index("\\begin{tikzpicture}") < box.index("Example numbers") < box.index("\\end{center}")
    assert "\\penalty-250" in box
    item = tex[tex.index("\\section*{Q1"):tex.index("\\section*{Q2")]
    assert item.index("Sketch it with $\\beta = 0$.") < item.index("\\usebox{\\deriveanswerbox}")
    assert tex.count("\\begin{tikzpicture}") == 1  # the item without a figure has none
    q2 = tex[tex.index("\\section*{Q2"):]
    assert "\\fbox{\\parbox" in q2 and "usebox" not in q2


@need_tex
def test_homework_with_a_figure_compiles(tmp_path):
    hw, entries = _fake_key()
    tex = tmp_path / "fake.tex"
    tex.write_text(render_homework(hw, entries))
    assert compile_pdf(tex).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_print_the_placeholder_with_the_caption(fmt):
    hw, entries = _fake_key(caption="Example numbers, not the reference's.")
    out = render_homework(hw, entries, fmt=fmt, standalone=False)
    assert out.count(PLACEHOLDER) == 1  # only the item with a figure
    assert "tikzpicture" not in out and "addplot" not in out
    line = next(l for l in out.splitlines() if PLACEHOLDER in l)
    assert "Example numbers, not the reference" in line
    if fmt == "html":
        assert "derive render fake --pdf" in line and line.startswith('<figure class="missing">')
    else:
        assert line.startswith("> *Figure (drawn in the PDF version): Example numbers")


def test_hw5_q9b_carries_the_batchnorm_figure():
    item = next(i for i in loader.load_homework("hw5").items if i.number == "Q9(b)")
    assert "$\\beta = 0$" in item.statement and "$\\gamma = 1$" in item.statement
    assert item.figure and "after batch norm: 1 sd" in item.figure
    assert "example" in item.caption.lower() and "not available" in item.caption
    after = _contour(item.figure, "after batch norm: 1 sd")
    assert np.allclose(np.abs(after).max(axis=0), [1, 1], atol=2e-3)
