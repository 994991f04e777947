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
