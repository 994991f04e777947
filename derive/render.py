"""From a checked derivation to a document: plain data in, templates out.

Templates receive strings with the mathematics already printed (printing.py) and the prose
already escaped for the target format: ``context(derivation, report, prose=...)`` is the one
context builder for every format; ``prose`` formats a prose string (with ``$...$`` mathematics)
for LaTeX (prose.escape, the default), Markdown or HTML (web.py).  Mathematics is the same
LaTeX string in every format: no maths in templates.
"""
from fractions import Fraction
from pathlib import Path

import jinja2
import sympy as sp

from .checkers import SYMBOLS
from .printing import latex, sizes_math
from .prose import escape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(fmt="tex"):
    """The Jinja environment of a format's templates; undefined variables fail.  LaTeX
    (``.tex.j2``): LaTeX-safe delimiters, no autoescape (prose is escaped before it arrives).
    Markdown (``.md.j2``) and HTML (``.html.j2``): the usual delimiters, HTML autoescaped (only
    pre-escaped prose is marked safe)."""
    if fmt != "tex":
        from .web import markdown_cell
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True, lstrip_blocks=True,
            autoescape=fmt == "html", undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        env.filters["cell"] = markdown_cell
        return env
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix="%%", line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )


def _given(decl, escape):
    o = decl.obj
    if decl.kind == "dimension":
        return None
    name, group = latex(o), decl.kind in ("unknown", "scalar", "matrix")
    if decl.kind == "unknown":
        return {"name": name, "rest": "\\in \\mathbb{R}", "meaning": escape(decl.meaning or "unknown"), "group": group}
    if decl.kind == "scalar":
        rest = decl.domain.latex
    elif decl.kind == "matrix":
        rest = f"\\in \\mathbb{{R}}^{{{_shape(o)}}}"
    elif decl.kind == "random" and isinstance(o, sp.Symbol):
        rest = f"\\sim {decl.law.latex(latex)}"
    elif decl.kind == "random":
        law = decl.law.latex(latex)
        sub = "i" if o.shape[1] == 1 else "ij"  # a vector's entries carry one index
        rest = f"\\in \\mathbb{{R}}^{{{_shape(o)}}},\\ {name}_{{{sub}}} \\overset{{\\text{{i.i.d.}}}}{{\\sim}} {law}"
    else:
        rest = f"= {latex(decl.definition)}"
    return {"name": name, "rest": rest, "meaning": escape(decl.meaning), "group": group}


def _givens(declared, escape):
    """One bullet per declaration; consecutive ones of the same kind, domain or shape and meaning
    share a bullet (h_1, h_2, h_3 ∈ ℝ: the filter taps)."""
    merged = []
    for g in filter(None, (_given(d, escape) for d in declared)):
        last = merged[-1] if merged else None
        if last and g["group"] and last["group"] and (last["rest"], last["meaning"]) == (g["rest"], g["meaning"]):
            last["names"].append(g["name"])
        else:
            merged.append(dict(g, names=[g["name"]]))
    return [{"math": ", ".join(g["names"]) + " " + g["rest"], "meaning": g["meaning"]} for g in merged]


def _shape(m):
    def dim(v):
        return f"({latex(v)})" if v.is_Add else latex(v)
    rows, cols = m.shape
    return latex(rows) if cols == 1 else f"{dim(rows)} \\times {dim(cols)}"


def _dims(derivation):
    dims = derivation.dimensions
    return ", ".join(latex(d) for d in dims) if dims else ""


def _step(step, verdict, derivation, escape):
    rule = derivation.rule_named(step.rule)
    return {
        "index": step.index,
        "number": step.number,
        "math": latex(step.expr),
        "relation": SYMBOLS.get(step.relation, "="),
        "rule": escape(rule.name),
        "why": escape(step.why or rule.text),
        "verdict": _verdict(verdict, escape) if verdict else None,
    }


def _verdict(v, escape):
    cx = v.counterexample
    how = "; ".join(t for t in (v.argument, v.method) if t)
    return {
        "ok": v.ok,
        "label": escape(v.label.value),
        "short": escape(v.evidence(sizes=sizes_math, argument=False)),  # the argument: a note
        "how": how,  # raw: context() escapes it once, as one of the table's notes
        "mark": "",
        "evidence": escape(v.evidence()),
        "method": escape(v.method),
        "seconds": f"{v.seconds:.2f}",
        "detail": escape(v.detail),
        "counterexample": escape(cx.describe()) if cx else "",
    }


def _chain_relation(steps):
    """How the start of a chain relates to its end: = unless some step is a bound, or the last
    step places it in a growth class (Θ)."""
    relations = {s.relation for s in steps}
    if steps and steps[-1].relation == "asymptotic":  # ... ∈ Θ(n): the box says ∈ too
        return SYMBOLS["asymptotic"]
    if relations & {"<=", "<"} and not relations & {">=", ">"}:
        return r"\le"
    if relations & {">=", ">"} and not relations & {"<=", "<"}:
        return r"\ge"
    return "="


def _boxed(part, steps, first):
    """The boxed result as a statement, never a bare expression: ``lhs rel result``; without a
    named left-hand side, the part's first expression (``first``, as printed) stands in for it;
    a result that is itself a relation (c = 1/sqrt(d), a system h = ...) is boxed as it is;
    "" for a part without a result."""
    if part.result is None:
        return ""
    result = latex(part.result)
    if isinstance(part.result, sp.core.relational.Relational) or type(part.result).__name__ == "Equations":
        return result
    if part.lhs:
        return f"{part.lhs} {_chain_relation(steps)} {result}"
    if steps and steps[0].expr != part.result:
        return f"{first} {_chain_relation(steps)} {result}"
    return result


def _problem(derivation, prose):
    """What the key and the student version both show of a problem: title, source, statement,
    dimensions, given data and assumptions."""
    return {
        "name": derivation.name,
        "title": prose(derivation.title),
        "source": prose(derivation.source),
        "statement": prose(derivation.statement),
        "dims": _dims(derivation),
        "givens": _givens(derivation.declared, prose),
        "assumptions": [prose(a) for a in derivation.assumptions],
    }


def context(derivation, report, prose=escape):
    """Plain data for the templates; ``prose`` formats every piece of prose for the target format
    (LaTeX by default).  Mathematics (``math``, ``lhs``, ``result``, ``dims``) is LaTeX as printed."""
    escape = prose
    verdicts = {v.index: v for v in report.verdicts}
    steps = [_step(s, verdicts.get(s.index), derivation, escape) for s in derivation.steps]
    parts = []
    for q in derivation.parts:
        own = [steps[s.index] for s in derivation.part_steps(q)]
        parts.append({"title": escape(q.title), "lhs": q.lhs or "", "steps": own,
                      "box": _boxed(q, derivation.part_steps(q), own[0]["math"] if own else "")})
    crosschecks = [dict(_verdict(v, escape), name=escape(v.detail)) for v in report.extras]
    first_with = {}  # a long evidence text, said once: later rows with the same text point back to it
    for s in steps:
        v = s["verdict"]
        if v and len(v["short"]) > 60:
            if v["short"] in first_with:
                v["short"] = escape(f"the same evidence as step {first_with[v['short']]}")
            else:
                first_with[v["short"]] = s["number"]
    notes = {}  # one note per distinct argument and method, lettered in table order
    for v in [s["verdict"] for s in steps if s["verdict"]] + crosschecks:
        if v["how"]:
            v["mark"] = notes.setdefault(v["how"], "abcdefghijklmnopqrstuvwxyz"[len(notes) % 26]
                                         + ("" if len(notes) < 26 else str(len(notes) // 26)))
    return {
        **_problem(derivation, escape),
        "evidence_notes": [{"mark": mark, "text": escape(how)} for how, mark in notes.items()],
        "steps": steps,
        "parts": parts,
        "notes": [{"kind": k, "text": escape(t)} for k, t in derivation.notes],
        "findings": [escape(f) for f in report.findings],
        "crosschecks": crosschecks,
        "figures": [{"tex": tex, "caption": escape(caption)} for tex, caption in derivation.figures],
        "ok": report.ok,
        "seconds": f"{report.seconds:.2f}",
    }


FORMATS = ("tex", "md", "html")  # derive render writes NAME.tex, and with --md / --html NAME.md / NAME.html


def _format(fmt):
    """(Jinja environment, prose formatter, extra template variables) of an output format."""
    if fmt == "tex":
        return environment(), escape, {}
    if fmt in ("md", "html"):
        from . import web
        return environment(fmt), web.PROSE[fmt], web.template_globals(fmt)
    raise ValueError(f"unknown output format {fmt!r}; one of {', '.join(FORMATS)}")


def render_derivation(derivation, report, fmt="tex", timings=False, standalone=True):
    """The document of one checked derivation in ``fmt`` (tex, md, html).  ``standalone``
    (HTML only): a whole page with KaTeX inlined; else a fragment (Jupyter typesets its math)."""
    env, prose, extra = _format(fmt)
    return env.get_template(f"derivation.{fmt}.j2").render(
        d=context(derivation, report, prose), timings=timings, standalone=standalone, **extra)


def render_tex(derivation, report, template="derivation.tex.j2", timings=False):
    """The document of one checked derivation; ``timings`` adds the wall-clock column (off by
    default, so the same inputs and seed give byte-identical .tex)."""
    return environment().get_template(template).render(d=context(derivation, report), timings=timings)


def _param_math(v):
    """A parameter's value as mathematics: (1, -3, 2) for a list, a fraction as a fraction."""
    if isinstance(v, (list, tuple)):
        return r"\left(" + ", ".join(_param_math(a) for a in v) + r"\right)"
    if isinstance(v, (int, Fraction, sp.Basic)) and not isinstance(v, bool):
        return latex(sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.sympify(v))
    return None


def _params(values, prose):
    """name = value, ... with numbers and lists as mathematics (minus signs, fractions)."""
    out = []
    for k, v in values.items():
        math = _param_math(v)
        # the value's mathematics goes through the prose formatter too ($...$ becomes each
        # format's math); a value that is not a number stays text, escaped
        out.append(prose(f"{k} $= {math}$") if math is not None else prose(f"{k} = {v}"))
    return prose(", ").join(out)  # in HTML a Markup join: the pieces are escaped already


def render_variants(name, seed, variants, timings=False, fmt="tex", standalone=True, headings=None, subtitle=None):
    """One document holding several checked variants: [(values, derivation, report)].
    ``headings``: one section heading per variant (default "Variant k"); ``subtitle``: the
    line under the title (default: how many variants, the seed, that each was checked)."""
    env, prose, extra = _format(fmt)
    headings = headings or [f"Variant {k}" for k in range(1, len(variants) + 1)]
    items = [{"params": _params(values, prose), "heading": prose(heading),
              "d": context(der, rep, prose)} for heading, (values, der, rep) in zip(headings, variants)]
    ok = all(v["d"]["ok"] for v in items)
    if subtitle is None:
        subtitle = f"{len(items)} variants drawn with seed {seed}; each re-derived and machine-checked"
    return env.get_template(f"variants.{fmt}.j2").render(
        name=prose(name), seed=seed, variants=items, title=items[0]["d"]["title"] if items else "",
        subtitle=prose(subtitle), ok=ok, timings=timings, standalone=standalone, **extra)


def render_homework(homework, entries, timings=False, fmt="tex", standalone=True):
    """A whole answer key: entries are (item, derivation, report) with None for free text."""
    env, escape, extra = _format(fmt)
    items = []
    for item, der, rep in entries:
        if der is None:
            items.append({"number": escape(item.number), "title": escape(item.title), "checked": False,
                          "statement": escape(item.statement), "answer": escape(item.answer),
                          # TikZ made by derive.plots (LaTeX only; Markdown and HTML print a placeholder)
                          "figure": item.figure or "", "caption": escape(item.caption), "key": homework.name})
        else:
            items.append({"number": escape(item.number), "title": escape(der.title), "checked": True,
                          "d": context(der, rep, escape), "steps": len(rep.verdicts), "ok": rep.ok,
                          "seconds": f"{rep.seconds:.2f}"})
    return env.get_template(f"homework.{fmt}.j2").render(
        title=escape(homework.title), course=escape(homework.course), items=items,
        ok=all(i["ok"] for i in items if i["checked"]),
        checked=sum(1 for i in items if i["checked"]), unchecked=sum(1 for i in items if not i["checked"]),
        timings=timings, standalone=standalone, **extra)


# -- student versions ---------------------------------------------------------------------
def questions_context(derivation, prose=escape):
    """What a student version shows of a derivation, and nothing more: statement, given data
    and, per part, its heading and the quantity asked for.  No step, result, note, figure,
    erratum or verdict is in this context, so no template can leak one.  ``space`` is the
    answer space in centimetres, from the length of the part's chain in the key."""
    parts = []
    for q in derivation.parts:
        steps = len(derivation.part_steps(q))
        parts.append({"title": prose(q.title), "lhs": q.lhs or "", "space": min(2 + steps // 2, 7)})
    return {
        **_problem(derivation, prose),
        "parts": parts,
    }


def render_questions(kind, title, sections, fmt="tex", subtitle="", standalone=True):
    """A student version (``--questions-only``): ``sections`` are (heading, params, derivation
    or None, statement) — a derivation's questions, or a discussion item's statement — numbered
    as in the key.  ``kind`` is "derivation", "variants" or "homework"."""
    env, prose, extra = _format(fmt)
    items = []
    for heading, params, derivation, statement in sections:
        items.append({"heading": prose(heading) if heading else "", "params": _params(params, prose) if params else "",
                      "d": questions_context(derivation, prose) if derivation is not None else None,
                      "statement": prose(statement) if derivation is None else ""})
    return env.get_template(f"questions.{fmt}.j2").render(
        kind=kind, title=prose(title), subtitle=prose(subtitle), items=items, standalone=standalone, **extra)
