"""One canonical spelling of LaTeX notation, applied alike to declared names and to steps.

Only spelling is changed here (\\left, spacing, ^{\\top} vs ^T vs ', \\circ vs \\odot, ...);
what a symbol means is decided by the declared symbol table in parser.py.
"""
import re

OPERATOR_WORDS = {"diag": r"\diag", "Diag": r"\diag", "tr": r"\tr", "Tr": r"\tr", "trace": r"\tr",
                  "Var": r"\Var", "const": r"\const", "constant": r"\const", "cst": r"\const",
                  "Bernoulli": "Bernoulli", "Bern": "Bernoulli"}
_WORD = re.compile(r"\\(?:operatorname\*?|mathrm|text|textrm|mathit|mathop|mathsf)\s*\{\s*([A-Za-z]+)\s*\}")
_STYLE = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathbfit|vec)\s*\{\s*([^{}]*)\}")
_SIZING = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![A-Za-z])")
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|~|\\displaystyle(?![A-Za-z])")
_EXPECT = re.compile(r"\\(?:mathbb|mathbf|operatorname|mathrm)\s*\{\s*E\s*\}|\\E(?![A-Za-z])")


def _cut_law(tex):
    """E_{R ~ Bernoulli(p)} -> E_{R}: the law under the E is the declared one."""
    out, i = [], 0
    while True:
        j = tex.find(r"\E_{", i)
        if j < 0:
            return "".join(out) + tex[i:]
        k, depth = j + 4, 1
        while k < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            k += 1
        inner = tex[j + 4:k - 1]
        inner = re.split(r"\\sim(?![A-Za-z])", inner)[0]
        out.append(tex[i:j] + r"\E_{" + inner.strip() + "}")
        i = k


def normalize(tex):
    """The canonical spelling of a LaTeX fragment (idempotent)."""
    t = tex
    t = _SIZING.sub("", t)
    t = _SPACING.sub(" ", t)
    t = _EXPECT.sub(r"\\E", t)
    t = _WORD.sub(lambda m: OPERATOR_WORDS.get(m.group(1), m.group(1)), t)
    t = _STYLE.sub(lambda m: m.group(1), t)
    t = re.sub(r"\\(?:lVert|rVert|Vert)(?![A-Za-z])", r"\\|", t)
    t = re.sub(r"\\(?:lvert|rvert|vert)(?![A-Za-z])", "|", t)
    t = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", t)
    t = re.sub(r"\\(?:circ)(?![A-Za-z])", r"\\odot", t)
    t = re.sub(r"\\times(?![A-Za-z])", r"\\cdot", t)
    t = re.sub(r"\\(?:rightarrow|longrightarrow|to)(?![A-Za-z])", r"\\to ", t)
    t = re.sub(r"\\(?:no)?limits(?![A-Za-z])", "", t)
    t = re.sub(r"\\(?:leq|leqslant)(?![A-Za-z])", r"\\le", t)
    t = re.sub(r"\\(?:geq|geqslant)(?![A-Za-z])", r"\\ge", t)
    t = re.sub(r"\^\s*\{\s*(?:\\top|\\intercal|\\mathsf\{T\}|T)\s*\}|\^\s*(?:\\top|\\intercal)(?![A-Za-z])|'", r"^\\top ", t)
    t = re.sub(r"\^\s*T", r"^\\top ", t)
    t = _cut_law(t)
    # x^{2}3 is x^2 3, never x^23: an unbraced script is one character, so a space keeps it apart
    t = re.sub(r"([_^])\s*\{\s*([A-Za-z0-9])\s*\}", r"\1\2 ", t)
    t = re.sub(r"([_^])\s*\{\s*(\\[A-Za-z]+)\s*\}", r"\1\2 ", t)
    t = re.sub(r"\\\|\s*_\s*F(?![A-Za-z])", r"\\|_\\frob ", t)  # ||A||_F, ||A||_{\mathrm{F}}: Frobenius
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"(?<![A-Za-z0-9])\s|\s(?![A-Za-z0-9])", "", t)
    return t
