"""Equality steps that cite an earlier part's result (``D.eq(..., using=part.where({...}))``).

The cited part proved, step by step, that its first expression L equals its last step R.  The
checker replaces the declared quantities of the citation's instance in L and R (every
definition written out first, so that a named map built from a replaced quantity is replaced
too), puts R in place of each occurrence of L in the previous step (or L in place of R), and
compares the outcome with this step.  Identical expressions: the step holds wherever the cited
steps hold, so it gets the weakest of their labels, with their sizes.  Otherwise the outcome is
compared with this step by the equality checker and the weaker label stands.

Nothing is trusted: a cited step that did not verify, a citation whose sides occur nowhere in
the previous step, or a definition that cannot be written out, and the step is checked on its
own like any equality; a rejected step is always rejected by that direct check, so its
counterexample is one of the step itself.  Replacing an arbitrary quantity (a plain matrix, or a
scalar by one of its own domain) keeps the cited identity true: it held for every value."""
from .comparison import compare
from .printing import latex
from .verdicts import Label, Verdict

def cited_steps(derivation, citation):
    """The cited part and its steps after the definition."""
    part = derivation.part_at(citation.start)
    return part, derivation.part_steps(part)[1:]


def part_name(derivation, part):
    number = derivation.parts.index(part) + 1
    return part.title.split(")")[0] + ")" if part.title.startswith("(") else f"part {number}"


def _tuple(items):
    return latex(items[0]) if len(items) == 1 else "(" + ", ".join(latex(x) for x in items) + ")"


def citations_text(derivation, citations):
    """The parts a step cites, in words: ``(4) with $A_i \\mapsto A_1$, then $A_2$, then $A_3$``."""
    groups = []  # (part, keys, [values ...]) with consecutive citations of one part together
    for c in citations:
        part, _ = cited_steps(derivation, c)
        keys = tuple(a for a, _ in c.instance)
        values = tuple(b for _, b in c.instance)
        if groups and groups[-1][0] is part and groups[-1][1] == keys:
            groups[-1][2].append(values)
        else:
            groups.append((part, keys, [values]))
    out = []
    for part, keys, values in groups:
        text = part_name(derivation, part)
        if keys:
            text += f" with ${_tuple(keys)} \\mapsto {_tuple(values[0])}$"
            text += "".join(f", then ${_tuple(v)}$" for v in values[1:])
        out.append(text)
    return "; ".join(out)


def _evidence_sizes(sizes, sampled):
    """The sizes a verdict has evidence at (grounded, then sampled), as a hashable value."""
    key = lambda group: tuple(tuple(sorted((str(k), v) for k, v in s.items())) for s in group)  # noqa: E731
    return key(sizes), key(sampled)


def _direct(plain, prev, step, ctx, why):
    """The step checked on its own by ``plain``, with ``why`` the citation was not used."""
    verdict = plain(prev, step, ctx)
    verdict.detail = "; ".join(filter(None, [verdict.detail, why]))
    return verdict


def check_cited(prev, step, ctx, plain):
    """The verdict of an equality step that cites (``using=``); ``plain(prev, step, ctx)`` is the
    equality checker the step falls back to."""
    d = ctx.derivation
    steps, names = [], []
    for citation in step.options["using"]:
        part, cited = cited_steps(d, citation)
        steps.extend(cited)
        names.append((citation, part))
    verdicts = [ctx.verdicts.get(s.index) for s in steps]
    if not all(v is not None and v.ok for v in verdicts):
        return _direct(plain, prev, step, ctx, "a cited part is not verified, so the step was checked on its own")
    try:
        current = d.written_out(prev.expr)
        for citation, part in names:
            mapping = dict(citation.instance)
            # written out before the replacement (a named map may be built from a replaced quantity)
            # and after it (a value may be a named map)
            left = d.written_out(d.written_out(d.steps[part.start].expr).xreplace(mapping))
            # what the cited chain shows is its first expression = its last step (a declared result
            # the chain does not reach is a chain finding, and never cited)
            right = d.written_out(d.written_out(d.part_steps(part)[-1].expr).xreplace(mapping))
            if current.has(left):
                current = current.xreplace({left: right})
            elif current.has(right):
                current = current.xreplace({right: left})
            else:
                return _direct(plain, prev, step, ctx, f"neither side of {part_name(d, part)} occurs in the previous step, "
                                                "so the step was checked on its own")
        target = d.written_out(step.expr)
    except (ValueError, TypeError, RecursionError):  # a definition that cannot be put in place
        return _direct(plain, prev, step, ctx, "a definition could not be written out, so the step was checked on its own")
    # the step holds wherever every cited step holds: inherited only when the cited steps that are
    # not proved were checked at the same sizes (otherwise the evidence would not combine at a size)
    sized = {_evidence_sizes(v.sizes, v.sampled) for v in verdicts if v.label is not Label.PROVED}
    if len(sized) > 1:
        return _direct(plain, prev, step, ctx, "the cited steps were checked at different sizes, so the step "
                                               "was checked on its own")
    weakest = max(verdicts, key=lambda v: v.label.strength)
    method = (f"the result of {citations_text(d, step.options['using'])}, put in place of its left side "
              "in the previous step")
    if current == target or bool(getattr(current, "dummy_eq", lambda _: False)(target)):
        label, cmp = weakest.label, None
        method += ", gives this step exactly"
    else:
        cmp = compare(ctx, current, target, salt=step.index)
        if not cmp.label.verified or (cmp.label is not Label.PROVED and sized
                                      and {_evidence_sizes(cmp[2], cmp.sampled)} != sized):
            return _direct(plain, prev, step, ctx, "")
        label = max((weakest.label, cmp.label), key=lambda lab: lab.strength)
        method += ", equals this step (" + cmp.label.value + ")"
    if cmp is not None and cmp.label.strength >= weakest.label.strength:
        sizes, points, seed, argument, sampled = cmp[2], cmp[3], ctx.seed if cmp[3] else None, cmp.argument, cmp.sampled
    else:
        v = weakest
        sizes, points, seed, argument, sampled = v.sizes, v.points, v.seed, v.argument, v.sampled
    return Verdict(step.index, "=", label, method, sizes=list(sizes) if label is not Label.PROVED else [],
                   seed=seed if points else None, points=points, argument=argument, sampled=list(sampled),
                   assumptions=sorted({a for v in verdicts for a in v.assumptions}),
                   detail=f"the cited steps: {', '.join(str(s.number) for s in steps)}")
