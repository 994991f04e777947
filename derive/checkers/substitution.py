"""Substitution steps: the checker applies the stated substitution to the previous
expression itself (xreplace, then sympy's sound matrix rules via doit) and compares the
outcome with the new step (compare()).

A change of variables must also be invertible: the new variable must be fresh, and the map
new ↦ old is grounded at each size, its Jacobian must not depend on the new variable
(a linear map; others are undecided) and its determinant must not reduce to zero.
"""
import sympy as sp

from ..changes import CHANGE, SPECIALISE, new_variable, validated
# private helpers of comparison.py: the same points and counterexample format as compare()
from ..comparison import _counterexample, _entries, _inverts, _is_zero_number, _point, compare
from ..errors import ProblemError, Unsupported
from ..grounding import needs_sizes
from ..printing import formula, latex, sizes_math
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker

register_rule("change-of-variables", "write the old variable as an invertible function of a new one "
              "and substitute it everywhere", ("substitute",))
register_rule("specialise", "an identity that holds for every value of a quantity holds for the "
              "particular value the problem fixes", ("substitute",))
register_rule("scale-into-norm", r"$a^2 \|v\|^2 = \|a v\|^2$ for a scalar $a \ge 0$")
register_rule("name-matrix", "give a recurring product of matrices its own name")

JACOBIAN_TRIES = 4

METHODS = {
    Label.PROVED: "the previous step with the substitution applied; difference reduced to 0 at general size",
    Label.EXACT: "the previous step with the substitution applied, grounded with symbolic entries; "
                 "difference reduced to 0 by expand/cancel",
    Label.RANDOM: "the previous step with the substitution applied, evaluated in exact rationals at "
                  "random points (symbolic reduction incomplete)",
    Label.FAILED: "the previous step with the substitution applied differs from this step",
}


def refute(ctx, left, right, salt):
    """A counterexample from one exact readable point per size, or None (inconclusive).

    compare() reduces symbolically before it evaluates; with inverses of symbolic matrices
    that takes seconds, while one exact point refutes a wrong step at once.  A non-zero
    exact difference at a point of the domain is proof; undefined values are skipped."""
    if _inverts(left, ctx.derivation) or _inverts(right, ctx.derivation):
        return None  # compare() evaluates these at exact points before any symbolic inversion
    sized = needs_sizes(left, ctx.derivation) or needs_sizes(right, ctx.derivation)
    rng = ctx.rng(salt + 104729)
    for size in ctx.sizes if sized else [{}]:
        g = ctx.grounder(size)
        gl, gr = g.ground(left), g.ground(right)
        el, er = _entries(gl), _entries(gr)
        if len(el) != len(er):
            return None
        diffs = [a - b for a, b in zip(el, er)]
        values = _point(ctx, g, set().union(*(x.free_symbols for x in diffs)), rng, True)
        at = [x.xreplace(values) for x in diffs]
        if any(x.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for x in at):
            continue
        if not all(_is_zero_number(x) for x in at):
            return _counterexample(ctx, g, size, gl, gr, values), (ctx.sizes if sized else [])
    return None


def _named_inside(expr, sym, definitions, seen=()):
    """Whether sym occurs inside a named definition used by expr (where xreplace cannot reach)."""
    for m in expr.atoms(sp.MatrixSymbol):
        if m in definitions and m not in seen:
            body = definitions[m]
            if body.has(sym) or _named_inside(body, sym, definitions, seen + (m,)):
                return True
    return False


def _verdict(step, label, method, **kw):
    return Verdict(step.index, "substitute", label, method, **kw)


def _jacobian(ctx, step, old, new, var):
    """(label, detail, counterexample): is var ↦ new an invertible linear map at every size?

    The Jacobian must be free of var (linear map); its determinant, a rational function of
    the other quantities, is shown not to vanish identically by one exact rational point
    where it is non-zero."""
    sized = getattr(var, "is_Matrix", False)
    rng = ctx.rng(step.index + 7919)
    seen = []
    for size in (ctx.sizes if sized else [{}]):
        g = ctx.grounder(size)
        image = g.ground(new)
        image = sp.Matrix(image) if isinstance(image, sp.MatrixBase) else sp.Matrix([image])
        xs = list(g.ground(var)) if sized else [var]
        if len(xs) != len(image):
            raise Unsupported(f"{old} and {var} have different numbers of entries")
        jac = image.jacobian(xs)
        if any(e.has(*xs) for e in jac):
            raise Unsupported(f"{old} = {new} is not linear in {var}; only linear changes of variables "
                              "are checked for invertibility")
        params = sorted(set().union(*(e.free_symbols for e in jac)), key=str)
        for _ in range(JACOBIAN_TRIES):
            point = {s: ctx.domain_of(s).sample(rng, False) for s in params}
            det = jac.xreplace(point).det()
            if det.is_Rational and det != 0:
                break
        else:
            shown = {str(s): str(v) for s, v in point.items()}
            cx = Counterexample({str(k): v for k, v in size.items()}, shown, f"det = {det}",
                                "a non-zero determinant",
                                f"the Jacobian of {old} = {new} with respect to {var} is singular at "
                                f"{JACOBIAN_TRIES} random points: the substitution is not invertible")
            return Label.FAILED, "", cx
        if size:
            seen.append(size)
    return (Label.EXACT if sized else Label.PROVED,
            f"the Jacobian of ${latex(old)} = {latex(new)}$ in {formula(var)} is non-singular at an exact random "
            f"point {'of each size ' + sizes_math(seen) if seen else '(general size)'}, so its determinant is not "
            "identically zero",
            None)


@checker("substitute")
def check_substitution(prev, step, ctx):
    replace = validated(step.options.get("replace"))
    kind = step.options.get("kind", CHANGE)
    if kind not in (CHANGE, SPECIALISE):
        raise ProblemError(f"unknown substitution kind {kind!r}; use {CHANGE!r} or {SPECIALISE!r}")
    definitions = ctx.derivation.definitions
    for old in replace:
        for expr, where in ((prev.expr, "the previous step"), (step.expr, "this step")):
            if _named_inside(expr, old, definitions):
                raise Unsupported(f"{old} occurs inside a named definition in {where}; write it out "
                                  "before substituting")
        if not prev.expr.has(old):
            return _verdict(step, Label.FAILED, "structural check",
                            detail=f"{formula(old)} does not occur in the previous step: nothing to substitute")
        if step.expr.has(old):
            return _verdict(step, Label.FAILED, "structural check",
                            detail=f"{formula(old)} still occurs after it was substituted")
    # doit() applies sympy's matrix-expression rules (associativity, A A^{-1} = I, scalars to the
    # front): sound rewrites that keep the grounded difference small enough to reduce quickly
    substituted = prev.expr.xreplace(replace).doit()
    refuted = refute(ctx, substituted, step.expr, step.index)
    if refuted:
        return _verdict(step, Label.FAILED, METHODS[Label.FAILED], sizes=refuted[1], counterexample=refuted[0])
    label, cx, sizes, points = compare(ctx, substituted, step.expr, salt=step.index)
    if label is Label.FAILED:
        return _verdict(step, label, METHODS[label], sizes=sizes, counterexample=cx)
    method, detail = METHODS[label], ""
    if kind == CHANGE:
        known = prev.expr.atoms(sp.MatrixSymbol) | prev.expr.free_symbols | set(ctx.derivation.dimensions)
        for old, new in replace.items():
            var = new_variable(old, new, known, definitions, step.options.get("variable"))
            if var is None:
                return _verdict(step, Label.FAILED, "structural check",
                                detail=f"a change of variables writes {formula(old)} in terms of a new variable of "
                                       f"the same shape, absent from the previous step; {formula(new)} has none")
            jlabel, jdetail, jcx = _jacobian(ctx, step, old, new, var)
            if jlabel is Label.FAILED:
                return _verdict(step, jlabel, "Jacobian of the substitution", sizes=sizes, counterexample=jcx)
            if jlabel.strength > label.strength:
                label, sizes = jlabel, sizes or ctx.sizes
            detail = "; ".join(filter(None, [detail, jdetail]))
        method += "; the substitution is linear in the new variable with a non-zero Jacobian determinant"
    return _verdict(step, label, method, sizes=sizes, seed=ctx.seed if points else None, points=points,
                    detail=detail)
