"""Prose for LaTeX: text is escaped (latexcodec plus TeX's special characters), and
``$...$`` spans pass through as mathematics."""
import codecs
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

# characters latexcodec leaves alone or cannot encode
SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    "∘": r"$\circ$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "∞": r"$\infty$", "‖": r"$\|$",
    "ᵀ": r"$^{\top}$", "²": r"$^2$", "³": r"$^3$", "⊙": r"$\odot$", "→": r"$\to$", "∈": r"$\in$",
    "√": r"$\surd$", "≈": r"$\approx$", "∑": r"$\sum$", "∂": r"$\partial$", "⁻": r"$^{-}$", "¹": r"$^1$",
    "𝔼": r"$\mathbb{E}$", "±": r"$\pm$", "×": r"$\times$", "·": r"$\cdot$", "−": "-",
}
_MATH = re.compile(r"(\$[^$]*\$)")


def _escape_text(text):
    out, run = [], []
    for ch in text:
        if ch in SPECIAL:
            if run:
                out.append(codecs.encode("".join(run), "ulatex"))
                run = []
            out.append(SPECIAL[ch])
        else:
            run.append(ch)
    if run:
        out.append(codecs.encode("".join(run), "ulatex"))
    return "".join(out)


def escape(text):
    """LaTeX for a prose string: everything escaped except $...$ mathematics."""
    if text is None:
        return ""
    parts = _MATH.split(str(text))
    return "".join(p if p.startswith("$") and p.endswith("$") and len(p) > 1 else _escape_text(p)
                   for p in parts)
