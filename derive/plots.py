"""pgfplots pictures generated from a derivation's own numbers (for ``D.figure``).

Only code writes the coordinates: a figure shows exactly the values the checked result gives.
The preamble loads tikz and pgfplots.
"""


def _num(value):
    return f"{float(value):.6g}"


def _axis_range(values):
    lo, hi = min(0.0, *values), max(0.0, *values)
    pad = 0.12 * (hi - lo or 1.0)
    return lo - (pad if lo < 0 else 0.0), hi + pad


def stem_plots(series, width=r"0.47\linewidth", height="4.6cm"):
    """Stem plots side by side, one per (label, [(n, value), ...]); label is LaTeX math."""
    pictures = []
    for label, points in series:
        ns = [int(n) for n, _ in points]
        ymin, ymax = _axis_range([float(v) for _, v in points])
        coords = " ".join(f"({n},{_num(v)})" for n, v in points)
        pictures.append(
            r"\begin{tikzpicture}" "\n"
            rf"\begin{{axis}}[width={width}, height={height}, xmin={min(ns) - 0.5}, xmax={max(ns) + 0.5}, "
            rf"ymin={ymin:.4g}, ymax={ymax:.4g}, axis lines=left, xlabel={{$n$}}, ylabel={{${label}$}}, "
            r"tick label style={font=\footnotesize}, label style={font=\small}]" "\n"
            rf"\addplot[ycomb, blue, mark=*, mark size=1.2pt] coordinates {{{coords}}};" "\n"
            r"\end{axis}" "\n"
            r"\end{tikzpicture}")
    return "\n\\quad\n".join(pictures)


def gaussian_curves(curves, xmin, xmax, width=r"0.8\linewidth", height="5cm", samples=160):
    """Densities of normal laws on one axis: curves are (label, mean, standard deviation, style).

    Each curve is drawn from coordinates computed here (not by pgfplots' own arithmetic), and
    its mean is marked with a dashed line labelled by the legend text."""
    import math
    lines = []
    top = 0.0
    for label, mean, sd, style in curves:
        mean, sd = float(mean), float(sd)
        xs = [xmin + (xmax - xmin) * i / (samples - 1) for i in range(samples)]
        ys = [math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi)) for x in xs]
        top = max(top, *ys)
        coords = " ".join(f"({x:.4g},{y:.5g})" for x, y in zip(xs, ys))
        lines.append(rf"\addplot[{style}, thick] coordinates {{{coords}}};" "\n"
                     rf"\addlegendentry{{{label}}}")
        peak = 1 / (sd * math.sqrt(2 * math.pi))
        lines.append(rf"\addplot[{style}, dashed, forget plot] coordinates {{({mean:.4g},0) ({mean:.4g},{peak:.5g})}};")
    return (r"\begin{tikzpicture}" "\n"
            rf"\begin{{axis}}[width={width}, height={height}, xmin={xmin:.4g}, xmax={xmax:.4g}, ymin=0, "
            rf"ymax={1.1 * top:.4g}, axis lines=left, xlabel={{value}}, ylabel={{density}}, "
            r"legend pos=north east, legend style={font=\footnotesize}, tick label style={font=\footnotesize}]" "\n"
            + "\n".join(lines) + "\n"
            r"\end{axis}" "\n"
            r"\end{tikzpicture}")


def _gaussian_2d(mean, cov):
    """(mean, covariance) of a 2-D normal law as numpy arrays; ValueError unless the covariance
    is a symmetric positive definite 2 x 2 matrix."""
    import numpy as np
    mean, cov = np.asarray(mean, dtype=float), np.asarray(cov, dtype=float)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(f"a 2-D Gaussian needs a mean of 2 numbers and a 2 x 2 covariance, not {mean.shape}, {cov.shape}")
    if not np.allclose(cov, cov.T) or np.linalg.eigvalsh(cov).min() <= 0:
        raise ValueError("the covariance must be symmetric positive definite")
    return mean, cov


def batchnorm_gaussian(mean, cov, beta=0, gamma=1):
    """The law of batch norm's output when its input is N(mean, cov) and the batch statistics are
    the law's own (no epsilon): each coordinate is centred and divided by its own standard
    deviation, then scaled by gamma and shifted by beta.  Returns (beta, G D^{-1/2} cov D^{-1/2} G)
    with D = diag(cov), G = diag(gamma): the correlation between the coordinates is kept."""
    import numpy as np
    mean, cov = _gaussian_2d(mean, cov)
    scale = np.broadcast_to(np.asarray(gamma, dtype=float), (2,)) / np.sqrt(np.diag(cov))
    return np.broadcast_to(np.asarray(beta, dtype=float), (2,)).copy(), cov * np.outer(scale, scale)


def ellipse_points(mean, cov, level=1.0, samples=241):
    """Points of the contour {x : (x - mean)^T cov^{-1} (x - mean) = level^2}, the ellipse at
    ``level`` standard deviations (Mahalanobis distance), from the eigen-decomposition of cov:
    x = mean + level V diag(sqrt(eigenvalues)) (cos t, sin t).  An array of shape (samples, 2),
    the first point repeated last so that the curve closes."""
    import numpy as np
    mean, cov = _gaussian_2d(mean, cov)
    values, vectors = np.linalg.eigh(cov)
    t = np.linspace(0.0, 2 * np.pi, samples)
    circle = np.stack([np.cos(t), np.sin(t)])
    points = mean[:, None] + level * (vectors * np.sqrt(values)) @ circle
    points[:, -1] = points[:, 0]
    return points.T


def gaussian_contours(mean, cov, levels=(1, 2), after=None, label="before", after_label="after batch norm",
                      style="blue", after_style="red", width=r"0.75\linewidth", height="7.5cm", samples=241):
    """The mean (a dot) and the contours at ``levels`` standard deviations (Mahalanobis distance)
    of the 2-D Gaussian N(mean, cov), as ellipses; ``after``: a second Gaussian (mean, cov) drawn
    in ``after_style`` on the same axes (e.g. ``batchnorm_gaussian(mean, cov)``).

    The ellipses' coordinates are computed here with numpy (``ellipse_points``), not by pgfplots;
    the first level is drawn solid and thick, the others dashed; axes x_1, x_2 with equal scaling,
    a legend naming the two laws.  Each contour is preceded by a TeX comment naming it
    (``% before: 1 sd``), so the numbers printed can be read back."""
    laws = [(label, style, *_gaussian_2d(mean, cov))]
    if after is not None:
        laws.append((after_label, after_style, *_gaussian_2d(*after)))
    top = max(float(k) for k in levels)
    lo = [min(m[i] - top * (c[i, i] ** 0.5) for _, _, m, c in laws) for i in (0, 1)]
    hi = [max(m[i] + top * (c[i, i] ** 0.5) for _, _, m, c in laws) for i in (0, 1)]
    span = max(h - l for l, h in zip(lo, hi))
    pad = 0.08 * span
    # one tick step on both axes (equal scaling: the grid is made of squares), about 10 per span
    step = min(m * 10.0 ** e for e in range(-6, 7) for m in (1, 2, 2.5, 5) if m * 10.0 ** e >= span / 10)
    lines = []
    for name, colour, m, c in laws:
        for j, k in enumerate(levels):
            coords = " ".join(f"({x:.5g},{y:.5g})" for x, y in ellipse_points(m, c, float(k), samples))
            look = f"{colour}, thick" if j == 0 else f"{colour}, semithick, dashed, forget plot"
            lines.append(f"% {name}: {_num(k)} sd\n"
                         rf"\addplot[{look}] coordinates {{{coords}}};")
            if j == 0:
                lines.append(rf"\addlegendentry{{{name}}}")
        lines.append(f"% {name}: mean\n"
                     rf"\addplot[{colour}, only marks, mark=*, mark size=1.8pt, forget plot] "
                     rf"coordinates {{({m[0]:.5g},{m[1]:.5g})}};")
    return (r"\begin{tikzpicture}" "\n"
            rf"\begin{{axis}}[width={width}, height={height}, axis equal image, "
            rf"xmin={lo[0] - pad:.4g}, xmax={hi[0] + pad:.4g}, ymin={lo[1] - pad:.4g}, ymax={hi[1] + pad:.4g}, "
            rf"xtick distance={step:g}, ytick distance={step:g}, "
            r"xlabel={$x_1$}, ylabel={$x_2$}, ylabel style={rotate=-90}, grid=major, grid style={gray!25}, "
            r"legend pos=outer north east, legend cell align=left, legend style={font=\footnotesize}, "
            r"tick label style={font=\footnotesize}]" "\n"
            + "\n".join(lines) + "\n"
            r"\end{axis}" "\n"
            r"\end{tikzpicture}")
