"""From a checked derivation to LaTeX: plain data in, templates out.

Templates receive strings with the mathematics already printed (printing.py) and the prose
already escaped (prose.py): no maths in templates.
"""
from pathlib import Path

import jinja2
import sympy as sp

from .checkers import SYMBOLS
from .printing import latex
from .prose import escape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment():
    """The one Jinja environment: LaTeX-safe delimiters, undefined variables fail."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix="%%", line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )


def _given(decl):
    o = decl.obj
    if decl.kind == "dimension":
        return None
    if decl.kind == "unknown":
        return {"math": f"{latex(o)} \\in \\mathbb{{R}}", "meaning": escape(decl.meaning or "unknown")}
    if decl.kind == "scalar":
        math = f"{latex(o)} {decl.domain.latex}"
    elif decl.kind == "matrix":
        math = f"{latex(o)} \\in \\mathbb{{R}}^{{{_shape(o)}}}"
    elif decl.kind == "random" and isinstance(o, sp.Symbol):
        math = f"{latex(o)} \\sim {decl.law.latex(latex)}"
    elif decl.kind == "random":
        law = decl.law.latex(latex)
        math = f"{latex(o)} \\in \\mathbb{{R}}^{{{_shape(o)}}},\\ {latex(o)}_{{ij}} \\overset{{\\text{{i.i.d.}}}}{{\\sim}} {law}"
    else:
        math = f"{latex(o)} = {latex(decl.definition)}"
    return {"math": math, "meaning": escape(decl.meaning)}


def _shape(m):
    def dim(v):
        return f"({latex(v)})" if v.is_Add else latex(v)
    rows, cols = m.shape
    return latex(rows) if cols == 1 else f"{dim(rows)} \\times {dim(cols)}"


def _dims(derivation):
    dims = derivation.dimensions
    return ", ".join(latex(d) for d in dims) if dims else ""


def _step(step, verdict, derivation):
    rule = derivation.rule_named(step.rule)
    return {
        "index": step.index,
        "number": step.number,
        "math": latex(step.expr),
        "relation": SYMBOLS.get(step.relation, "="),
        "rule": escape(rule.name),
        "why": escape(step.why or rule.text),
        "verdict": _verdict(verdict) if verdict else None,
    }


def _verdict(v):
    cx = v.counterexample
    return {
        "ok": v.ok,
        "label": escape(v.label.value),
        "evidence": escape(v.evidence()),
        "method": escape(v.method),
        "seconds": f"{v.seconds:.2f}",
        "detail": escape(v.detail),
        "counterexample": escape(cx.describe()) if cx else "",
    }


def _chain_relation(steps):
    """How the start of a chain relates to its end: = unless some step is a bound."""
    relations = {s.relation for s in steps}
    if relations & {"<=", "<"} and not relations & {">=", ">"}:
        return r"\le"
    if relations & {">=", ">"} and not relations & {"<=", "<"}:
        return r"\ge"
    return "="


def context(derivation, report):
    """Plain data for the templates."""
    verdicts = {v.index: v for v in report.verdicts}
    steps = [_step(s, verdicts.get(s.index), derivation) for s in derivation.steps]
    parts = [{"title": escape(q.title), "lhs": q.lhs or "",
              "steps": [steps[s.index] for s in derivation.part_steps(q)],
              "result": latex(q.result) if q.result is not None else "",
              "relation": _chain_relation(derivation.part_steps(q))} for q in derivation.parts]
    return {
        "name": derivation.name,
        "title": escape(derivation.title),
        "source": escape(derivation.source),
        "statement": escape(derivation.statement),
        "dims": _dims(derivation),
        "givens": [g for g in map(_given, derivation.declared) if g],
        "assumptions": [escape(a) for a in derivation.assumptions],
        "steps": steps,
        "parts": parts,
        "notes": [{"kind": k, "text": escape(t)} for k, t in derivation.notes],
        "findings": [escape(f) for f in report.findings],
        "crosschecks": [dict(_verdict(v), name=escape(v.detail)) for v in report.extras],
        "figures": [{"tex": tex, "caption": escape(caption)} for tex, caption in derivation.figures],
        "ok": report.ok,
        "seconds": f"{report.seconds:.2f}",
    }


def render_tex(derivation, report, template="derivation.tex.j2", timings=False):
    """The document of one checked derivation; ``timings`` adds the wall-clock column (off by
    default, so the same inputs and seed give byte-identical .tex)."""
    return environment().get_template(template).render(d=context(derivation, report), timings=timings)


def render_variants(name, seed, variants, timings=False):
    """One document holding several checked variants: [(values, derivation, report)]."""
    items = [{"params": escape(", ".join(f"{k} = {v}" for k, v in values.items())),
              "d": context(der, rep)} for values, der, rep in variants]
    return environment().get_template("variants.tex.j2").render(
        name=escape(name), seed=seed, variants=items, title=items[0]["d"]["title"] if items else "",
        timings=timings)


def render_homework(homework, entries, timings=False):
    """A whole answer key: entries are (item, derivation, report) with None for free text."""
    items = []
    for item, der, rep in entries:
        if der is None:
            items.append({"number": escape(item.number), "title": escape(item.title), "checked": False,
                          "statement": escape(item.statement), "answer": escape(item.answer)})
        else:
            items.append({"number": escape(item.number), "title": escape(der.title), "checked": True,
                          "d": context(der, rep), "steps": len(rep.verdicts), "ok": rep.ok,
                          "seconds": f"{rep.seconds:.2f}"})
    return environment().get_template("homework.tex.j2").render(
        title=escape(homework.title), course=escape(homework.course), items=items,
        ok=all(i["ok"] for i in items if i["checked"]),
        checked=sum(1 for i in items if i["checked"]), unchecked=sum(1 for i in items if not i["checked"]),
        timings=timings)
