"""The audit as a Markdown report: the author's own lines, a verdict mark on each, and under
the first wrong step of each chain what the engine found (the counterexample)."""
import re

from .chain import MARKS, first_wrong


def _relation(step):
    return {None: "", "=": "=", "substitute": "⇒ (substitute)"}.get(step.relation, step.relation or "")


def markdown(path, results):
    """The report's Markdown text for [(chain, [AuditStep])] of the document at ``path``."""
    ok = all(s.ok for _, steps in results for s in steps)
    lines = [f"# Audit of `{path}`", "",
             "Every step was checked by derive against the last well-formed step before it. "
             + ("**Every step holds.**" if ok else "**Not every step holds.**"), ""]
    for number, (_, steps) in enumerate(results, 1):
        lines += [f"## Chain {number}", "", "| | line | step | verdict |", "|---|---|---|---|"]
        wrong = first_wrong(steps)
        for s in steps:
            tex = s.tex.replace("|", r"\vert ").replace("\n", " ")
            lines.append(f"| {MARKS[s.kind]} | {s.line or ''} | {_relation(s)} ${tex}$ | {s.kind} |")
        if wrong is not None:
            bad = steps[wrong]
            lines += ["", f"**First wrong step: {wrong}**" + (f" (line {bad.line})" if bad.line else "")
                      + f" — {bad.kind}: {bad.message}"]
        lines.append("")
    return "\n".join(lines)


# -- LaTeX ------------------------------------------------------------------------------------
# The author's math is typeset as written only when every control sequence in it is a math
# command of this list (and nothing else that TeX could act on is present: ^^-notation, %, #,
# $, unbalanced braces or \left/\right, text-mode arguments with anything but plain words).
# Anything else is shown as escaped text, never given to TeX: a submission is data.
SAFE_COMMANDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi
rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma
Upsilon Phi Psi Omega ell
frac dfrac tfrac sqrt left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr
cdot times odot circ top intercal otimes oplus ast star
mathbb mathbf mathcal mathrm mathit mathsf boldsymbol bm vec tilde hat bar dot ddot widetilde widehat
overline underline
sum prod partial nabla exp log ln sin cos tanh det min max lim inf sup
Vert lVert rVert vert lvert rvert langle rangle lfloor rfloor lceil rceil
le leq ge geq approx propto sim simeq equiv ne neq to mapsto infty pm mp in notin
quad qquad displaystyle textstyle dots ldots cdots prime
E Var diag tr Tr const
""".split())
TEXT_ARGUMENT = frozenset({"text", "textrm", "operatorname", "mathrm", "mathit", "mathsf", "mathbf"})
SAFE_SYMBOLS = frozenset(",;:! |{}_")
PREAMBLE_MACROS = {  # macros authors use that plain LaTeX lacks (\providecommand: never a redefinition)
    "E": r"\mathbb{E}", "Var": r"\operatorname{Var}", "diag": r"\operatorname{diag}",
    "tr": r"\operatorname{tr}", "Tr": r"\operatorname{Tr}", "const": r"\text{const}",
}
_DELIMITED = frozenset("left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr".split())
_DELIMITER = re.compile(r"\s*(?:[()\[\].|/]|\\[{}|]|\\(?:langle|rangle|Vert|lVert|rVert|vert|lvert|rvert|"
                        r"lfloor|rfloor|lceil|rceil)(?![A-Za-z]))")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(.)", re.S)


def safe_math(tex):
    """The author's LaTeX if it is safe to typeset in math mode as written, else None."""
    if not tex.isascii() or "^^" in tex or re.search(r"[%#$&\\]\Z", tex) or re.search(r"[%#$&]", tex):
        return None
    depth, lr = 0, 0
    if re.search(r"[_^]\s*(?:\Z|[}_^])", tex):
        return None  # a script with no argument, or a double one: TeX stops on it
    i = 0
    while i < len(tex):
        m = _TOKEN.match(tex, i)
        word, symbol, char = m.groups()
        i = m.end()
        if word is not None:
            if word not in SAFE_COMMANDS and word not in TEXT_ARGUMENT:
                return None
            lr += (word == "left") - (word == "right")
            if word in _DELIMITED and not _DELIMITER.match(tex, i):
                return None  # \left, \big, ... take a delimiter
            if word in TEXT_ARGUMENT:  # its argument must be plain words: text mode acts on much more
                arg = re.match(r"\s*\{([A-Za-z0-9 ,.\-]*)\}", tex[i:])
                if not arg:
                    return None
                i += arg.end()
        elif symbol is not None:
            if symbol not in SAFE_SYMBOLS:
                return None
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return None
        elif ord(char) < 32 and char not in "\n\t":
            return None
    if depth or lr:
        return None
    return tex


def text(s):
    """User or engine text for LaTeX: every character escaped, $ included (prose.escape would pass
    $…$ through as mathematics)."""
    from ..prose import escape
    return r"\$".join(escape(part) for part in str(s or "").split("$"))


def _math_or_text(tex, typeset=True):
    tex = " ".join(str(tex).split())
    safe = safe_math(tex) if typeset else None
    if safe is not None:
        return "$\\displaystyle " + safe + "$"
    if not typeset:
        return r"\texttt{" + text(tex) + "}"
    return r"\texttt{" + text(tex) + r"} {\footnotesize(shown as text: it uses commands " \
        r"outside the audit's list of math commands)}"


_REL_TEX = {None: "", "=": "$=$", "<=": r"$\le$", ">=": r"$\ge$", "<": "$<$", ">": "$>$",
            "approx": r"$\approx$", "propto": r"$\propto$", "substitute": r"$\Rightarrow$"}
_MARK_TEX = {"start": r"$\cdot$", "valid": r"\textcolor{ok}{$\checkmark$}", "invalid": r"\textcolor{bad}{$\boldsymbol{\times}$}",
             "ill-formed": r"\textcolor{bad}{$\boldsymbol{\times}$}", "undecided": r"\textcolor{open}{?}",
             "unparsed": r"\textcolor{open}{?}"}


def latex(path, results, typeset=True):
    """A LaTeX document for [(chain, [AuditStep])] of the document at ``path``: the author's
    own lines, a verdict mark on each, and under the first wrong step of each chain what the
    engine found.  ``typeset=False`` shows every step as text (the fallback when TeX
    rejects a step that passed the checks of safe_math, e.g. a \\frac without arguments)."""
    ok = all(s.ok for _, steps in results for s in steps)
    macros = "\n".join(rf"\providecommand{{\{k}}}{{{v}}}" for k, v in PREAMBLE_MACROS.items())
    out = [r"\documentclass[11pt]{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{lmodern}",
           r"\usepackage[margin=2cm]{geometry}", r"\usepackage{amsmath,amssymb,bm,xcolor,longtable,array}",
           r"\definecolor{ok}{rgb}{0,0.5,0}\definecolor{bad}{rgb}{0.75,0,0}\definecolor{open}{rgb}{0.7,0.45,0}",
           macros, r"\setlength{\parindent}{0pt}", r"\begin{document}",
           r"{\Large Audit of \texttt{" + text(path) + r"}}\par\medskip",
           "Every step was checked by derive against the last well-formed step before it. "
           + (r"\textbf{Every step holds.}" if ok else r"\textbf{Not every step holds.}") + r"\par\bigskip"]
    for number, (_, steps) in enumerate(results, 1):
        wrong = first_wrong(steps)
        out += [r"\section*{Chain " + str(number) + "}",
                r"\begin{longtable}{@{}c r c >{\raggedright\arraybackslash}p{0.62\textwidth} l@{}}",
                r" & line & & step & verdict \\ \hline"]
        for s in steps:
            out.append(" & ".join([_MARK_TEX[s.kind], str(s.line or ""), _REL_TEX.get(s.relation, text(s.relation)),
                                   _math_or_text(s.tex, typeset), text(s.kind)]) + r" \\[2pt]")
        out.append(r"\end{longtable}")
        if wrong is not None:
            bad = steps[wrong]
            out.append(r"\noindent\fcolorbox{bad}{white}{\parbox{0.95\textwidth}{\textbf{First wrong step: "
                       + str(wrong) + "}" + (f" (line {bad.line})" if bad.line else "") + " --- "
                       + text(bad.kind) + ": " + text(bad.message) + "}}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
