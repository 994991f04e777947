"""Verified variants as a Moodle quiz: Moodle XML, one question per variant.

``moodle_quiz(name, chosen)`` turns the variants ``derive.variants.drawn`` returns into a
Moodle XML document (``<quiz>``: a ``category`` question, then one question per variant) that
Moodle's question bank imports as it is (Question bank > Import > Moodle XML format).

Why these question types.  A variant's numeric answers (``derive.answers.final_answers``) are
often several numbers: a filter of three taps, a 3 x 2 output map, two statistics.  Moodle's
*Embedded answers (Cloze)* type (``type="cloze"``) holds any number of numeric blanks in one
question, each ``{1:NUMERICAL:=value:tolerance}`` graded on its own with an absolute error margin
and given partial credit, so a question is laid out as the answer key is: a scalar inline, a
system as a labelled list (h_1 = [ ], h_2 = [ ], ...), a matrix as a table of blanks.  A variant
with exactly one numeric entry becomes a plain *Numerical* question (``type="numerical"``), the
native type with the same ``answer`` / ``tolerance`` grading, Moodle's per-answer response
analysis, and no Cloze syntax to parse.  Symbolic answers (formulas in the dimensions) have no
numeric form and are left out of the blanks (they still appear in the general feedback); a
variant with no numeric answer at all is refused (``ProblemError``) rather than written as a
question nobody can answer.

Tolerance rule (Moodle's margins are absolute, so the relative rule is applied here):

* an integer answer has tolerance 0 (Moodle itself adds a 1e-15-sized margin to every
  comparison, so "14" and "14.0" are accepted, "13.99" is not);
* any other answer (a fraction, an algebraic number) has tolerance ``tolerance * |value|``,
  rounded up to three significant figures, with ``tolerance = 0.005`` by default: every answer
  correctly rounded to three significant figures is accepted (its error is at most half a unit
  in the third figure, i.e. at most 0.5 % of the value), two significant figures are not
  (1/3 as 0.33 is off by 1 %).  The question text says "at least three significant figures".

Values and margins are written in fixed-point decimal (never ``1e-05``), the value as the
shortest decimal that reads back as the float of the exact answer.

Question text: the derivation's statement, the variant's parameter values as mathematics, and
its givens, built by ``render.context`` and ``render._params`` with ``web.html_prose`` (text
HTML-escaped, ``$...$`` as ``\\(...\\)`` for Moodle's MathJax filter).  Any ``{`` of the prose
that could open a Cloze blank (``{`` followed by digits and ``:``) is written as ``&#123;``, so
a statement cannot add, remove or alter a blank.  Every HTML text goes into a CDATA section with
``]]>`` split across two sections; characters XML 1.0 forbids are written as ``[U+XXXX]``.
Question names are ``NAME vK HASH`` (K: the variant's position, HASH: 8 hex digits of the
values), unique per variant and stable.  Output is deterministic: the same input gives the same
bytes.
"""
import hashlib
import html
import re
from decimal import ROUND_CEILING, Decimal

import sympy as sp

from . import render, web
from .answers import final_answers
from .errors import ProblemError
from .params import BadParam

DEFAULT_TOLERANCE = 0.005  # relative, for non-integer answers: three significant figures pass
PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (adaptive behaviours)

_CLOZE_OPENER = re.compile(r"\{(?=[0-9]*:)")  # what could start a Cloze blank in prose
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# -- XML pieces ---------------------------------------------------------------------------
def _xml_safe(text):
    """``text`` without the characters XML 1.0 cannot carry (shown by their code point)."""
    return _XML_ILLEGAL.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(text))


def _xml_text(text):
    """Character data for an element (plain text, e.g. a question name)."""
    return html.escape(_xml_safe(text), quote=False)


def _cdata(text):
    """A CDATA section holding ``text``; a ``]]>`` inside is split over two sections."""
    return "<![CDATA[" + _xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text_block(tag, body, fmt="html"):
    return f'    <{tag} format="{fmt}">\n      <text>{_cdata(body)}</text>\n    </{tag}>\n'


# -- numbers ------------------------------------------------------------------------------
def _decimal(d):
    """Fixed-point text of a Decimal: no exponent, no trailing zeros after the point."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _is_integer(entry):
    return bool(sp.sympify(entry).is_integer)


def value_text(entry):
    """The answer as Moodle reads it: an integer exactly, else the shortest decimal of its float."""
    entry = sp.sympify(entry)
    if entry.is_integer:
        return str(int(entry))
    return _decimal(Decimal(repr(float(sp.N(entry, 17)))))


def tolerance_text(entry, tolerance=DEFAULT_TOLERANCE):
    """The absolute error margin of an answer (see the module docstring): 0 for an integer, else
    ``tolerance * |value|`` rounded up to three significant figures."""
    entry = sp.sympify(entry)
    if entry.is_integer or tolerance == 0:
        return "0"
    margin = abs(Decimal(repr(float(sp.N(entry, 17))))) * Decimal(repr(float(tolerance)))  # exact product
    if margin == 0:
        return "0"
    quantum = Decimal(1).scaleb(margin.adjusted() - 2)  # three significant figures
    return _decimal(margin.quantize(quantum, rounding=ROUND_CEILING))


def _check_tolerance(tolerance):
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
        raise BadParam(f"the tolerance is a relative error in [0, 1), got {tolerance!r}")
    return float(tolerance)


# -- one question -------------------------------------------------------------------------
def _html(prose_html):
    """Prose already made HTML, with every possible Cloze opener neutralised."""
    return _CLOZE_OPENER.sub("&#123;", str(prose_html))


def _math(tex):
    return _html(web.html_math(tex))


def variant_name(name, index, values):
    """``NAME vK HASH``: K the position (1-based), HASH 8 hex digits of the values."""
    digest = hashlib.sha256(repr(sorted(values.items(), key=lambda kv: str(kv[0]))).encode()).hexdigest()[:8]
    return f"{name} v{index} {digest}"


def _statement(ctx, values):
    """The problem as given to the student: parameters, statement, givens (HTML)."""
    out = []
    if values:
        out.append(f'<p class="params"><strong>Given data:</strong> {_html(render._params(values, web.html_prose))}</p>')
    out.append(f'<p class="statement">{_html(ctx["statement"])}</p>')
    items = []
    if ctx["dims"]:
        items.append(f"<li>{_math(ctx['dims'])}: dimensions (positive integers)</li>")
    for g in ctx["givens"]:
        items.append(f"<li>{_math(g['math'])}" + (f": {_html(g['meaning'])}" if g["meaning"] else "") + "</li>")
    items.extend(f"<li>{_html(a)}</li>" for a in ctx["assumptions"])
    if items:
        out.append("<p><strong>Given:</strong></p>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    return out


def _blank(counter, entry, tolerance):
    counter[0] += 1
    return f"{{1:NUMERICAL:={value_text(entry)}:{tolerance_text(entry, tolerance)}}}"


def _cloze_answer(answer, counter, tolerance):
    """One numeric answer as blanks: inline (scalar), labelled list (system), table (matrix)."""
    head = f"<h4>{_html(web.html_prose(answer.title))}</h4>" if answer.title else ""
    lhs = answer.lhs
    if answer.names:
        rows = "\n".join(f"<li>{_math(n + ' =')} {_blank(counter, e, tolerance)}</li>"
                         for n, e in zip(answer.names, answer.entries))
        return f"{head}\n<ul class=\"answers\">\n{rows}\n</ul>"
    if len(answer.entries) == 1:
        label = _math(lhs + " =") + " " if lhs else ""
        return f"{head}\n<p>{label}{_blank(counter, answer.entries[0], tolerance)}</p>"
    rows_n, cols_n = answer.shape
    cells = iter(answer.entries)
    rows = "\n".join("<tr>" + "".join(f'<td>{_blank(counter, next(cells), tolerance)}</td>'
                                      for _ in range(cols_n)) + "</tr>" for _ in range(rows_n))
    label = f"<p>{_math(lhs + ' =')}</p>\n" if lhs else ""
    return f'{head}\n{label}<table class="answers" border="1">\n{rows}\n</table>'


def _feedback(answers):
    """The general feedback: every final answer as the key prints it, exact."""
    items = []
    for a in answers:
        title = f"{_html(web.html_prose(a.title))}: " if a.title else ""
        math = f"{a.lhs} = {a.latex}" if a.lhs and a.numeric and not a.names else a.latex
        items.append(f"<li>{title}{_math(math)}" + ("" if a.numeric else " (symbolic; not asked)") + "</li>")
    return "<p><strong>Answers</strong> (machine-checked):</p>\n<ul>\n" + "\n".join(items) + "\n</ul>"


def _question(name, index, values, derivation, report, tolerance):
    answers = final_answers(derivation)
    numeric = [a for a in answers if a.numeric]
    qname = variant_name(name, index, values)
    if not numeric:
        raise ProblemError(f"{name}: variant {index} ({values}) has no numeric answer to put in a quiz "
                           f"(its results are symbolic)")
    ctx = render.context(derivation, report, prose=web.html_prose)
    text = _statement(ctx, values)
    text.append("<p><em>Enter decimal numbers; give non-integers to at least three significant "
                "figures.</em></p>")
    single = len(numeric) == 1 and len(numeric[0].entries) == 1
    if single:
        a = numeric[0]
        head = f"<h4>{_html(web.html_prose(a.title))}</h4>\n" if a.title else ""
        text.append(head + (f"<p>{_math(a.lhs + ' = ?')}</p>" if a.lhs else "<p>Your answer:</p>"))
    else:
        counter = [0]
        text.extend(_cloze_answer(a, counter, tolerance) for a in numeric)
    qtype = "numerical" if single else "cloze"
    out = [f'  <question type="{qtype}">\n',
           f"    <name>\n      <text>{_xml_text(qname)}</text>\n    </name>\n",
           _text_block("questiontext", "\n".join(text) + "\n"),
           _text_block("generalfeedback", _feedback(answers) + "\n")]
    if single:
        entry = numeric[0].entries[0]
        out += ["    <defaultgrade>1</defaultgrade>\n", f"    <penalty>{PENALTY}</penalty>\n",
                "    <hidden>0</hidden>\n",
                '    <answer fraction="100" format="moodle_auto_format">\n'
                f"      <text>{value_text(entry)}</text>\n"
                '      <feedback format="html">\n        <text></text>\n      </feedback>\n'
                f"      <tolerance>{tolerance_text(entry, tolerance)}</tolerance>\n"
                "    </answer>\n",
                "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0</unitpenalty>\n"
                "    <showunits>3</showunits>\n    <unitsleft>0</unitsleft>\n"]
    else:
        out += [f"    <penalty>{PENALTY}</penalty>\n", "    <hidden>0</hidden>\n"]
    out.append("  </question>\n")
    return "".join(out)


# -- the quiz -----------------------------------------------------------------------------
def moodle_quiz(name, chosen, tolerance=DEFAULT_TOLERANCE, category=None):
    """A Moodle XML quiz of verified variants ``chosen`` = [(values, derivation, report)] of
    problem ``name``: a category question (``category``, default ``$course$/top/derive/NAME``)
    and one question per variant, in order.  ``tolerance``: the relative error margin of
    non-integer answers (BadParam outside [0, 1)).  ProblemError if a variant has no numeric
    answer or a variant did not verify."""
    tolerance = _check_tolerance(tolerance)
    if not chosen:
        raise ProblemError(f"{name}: no variants to put in a quiz")
    category = category if category is not None else f"$course$/top/derive/{name}"
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', "<quiz>\n",
           '  <question type="category">\n',
           f"    <category>\n      <text>{_xml_text(category)}</text>\n    </category>\n",
           '    <info format="html">\n'
           f"      <text>{_cdata(html.escape(f'Machine-checked variants of {name}, made by derive.'))}</text>\n"
           "    </info>\n",
           "  </question>\n"]
    for index, (values, derivation, report) in enumerate(chosen, 1):
        if not report.ok:
            raise ProblemError(f"{name}: variant {index} ({values}) did not verify; it is never put in a quiz")
        out.append(_question(name, index, values, derivation, report, tolerance))
    out.append("</quiz>\n")
    return "".join(out)
