"""Prose for LaTeX: text is escaped (latexcodec plus TeX's special characters), and
``$...$`` spans pass through as mathematics.

Only characters that pdflatex can typeset with the preamble's packages are accepted:
``unprintable(text)`` names the first one that cannot be, so a problem file is refused when it
loads (``loader``), never half-way through a LaTeX run.  Mathematics may contain the non-ASCII
characters latexcodec writes as a math command (Greek letters, ≤, ∑, ...), which are mapped.
"""
import codecs
import re
import unicodedata

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

# characters latexcodec leaves alone, cannot encode, or encodes to something pdflatex rejects
SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    "∘": r"$\circ$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "∞": r"$\infty$", "‖": r"$\|$",
    "ᵀ": r"$^{\top}$", "²": r"$^2$", "³": r"$^3$", "⊙": r"$\odot$", "→": r"$\to$", "∈": r"$\in$",
    "√": r"$\surd$", "≈": r"$\approx$", "∑": r"$\sum$", "∂": r"$\partial$", "⁻": r"$^{-}$", "¹": r"$^1$",
    "𝔼": r"$\mathbb{E}$", "±": r"$\pm$", "×": r"$\times$", "·": r"$\cdot$", "−": "-",
    "¢": r"\textcent{}", "¬": r"$\neg$", "ο": "o", "∌": r"$\not\ni$",
}
# Greek capitals that look like Latin ones have no LaTeX command (latexcodec emits \Alpha etc.)
_LATIN_LOOKALIKES = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX"))
SPECIAL.update(_LATIN_LOOKALIKES)
_MATH = re.compile(r"(\$[^$]*\$)")


def _char_name(ch):
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"


def _text_char(ch):
    """LaTeX for one prose character, or None if pdflatex cannot typeset it."""
    if ch in SPECIAL:
        return SPECIAL[ch]
    if ch in "\n\t" or " " <= ch <= "~":
        return ch  # ASCII: latexcodec and SPECIAL escape it in runs
    if unicodedata.category(ch).startswith("C"):  # control, format, private use, unassigned
        return None
    try:
        return codecs.encode(ch, "ulatex")
    except UnicodeEncodeError:
        return None


def _math_char(ch):
    """LaTeX for one character inside $...$, or None."""
    if " " <= ch <= "~" or ch in "\n\t":
        return ch
    if ch in _LATIN_LOOKALIKES:
        return rf"\mathrm{{{_LATIN_LOOKALIKES[ch]}}}"
    text = _text_char(ch)
    if text and len(text) > 2 and text.startswith("$") and text.endswith("$"):
        return text[1:-1] + " "  # the math command, e.g. \alpha, followed by a space
    return None


def _is_math(part):
    return len(part) > 1 and part.startswith("$") and part.endswith("$")


def unprintable(text):
    """A description of the first character of ``text`` that cannot be typeset, or None."""
    for part in _MATH.split(str(text)):
        convert = _math_char if _is_math(part) else _text_char
        for ch in part:
            if convert(ch) is None:
                return _char_name(ch) + (" in mathematics" if _is_math(part) else "")
    return None


_CODEC_ASCII = frozenset("#%&_~")  # the ASCII characters latexcodec rewrites (outside SPECIAL)


def _encode_run(run):
    """latexcodec's LaTeX for a run of printable characters; plain ASCII it leaves alone is
    returned as it is (the codec costs ~0.1 ms a call, and a key makes thousands)."""
    text = "".join(run)
    if text.isascii() and not _CODEC_ASCII.intersection(text):
        return text
    return codecs.encode(text, "ulatex")


def _escape_text(text):
    out, run = [], []
    for ch in text:
        if ch in SPECIAL or _text_char(ch) is None:
            if run:
                out.append(_encode_run(run))
                run = []
            # engine-made text is never refused: an unprintable character is shown by its code
            out.append(SPECIAL.get(ch) or rf"\texttt{{[U+{ord(ch):04X}]}}")
        else:
            run.append(ch)
    if run:
        out.append(_encode_run(run))
    return "".join(out)


def _escape_math(part):
    if part.isascii():
        return part
    return "".join(_math_char(ch) or rf"\text{{[U+{ord(ch):04X}]}}" for ch in part)


def escape(text):
    """LaTeX for a prose string: everything escaped except $...$ mathematics."""
    if text is None:
        return ""
    return "".join(_escape_math(p) if _is_math(p) else _escape_text(p) for p in _MATH.split(str(text)))
