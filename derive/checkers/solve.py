"""Solve-for steps ("solve"): the previous step is a condition on one unknown, this step solves it.

The previous step is a relation (=, <=, <, >=, >) containing the unknown u; this step is
``Eq(u, v)`` for an equation, or ``u <= v`` / ``u >= v`` (strict or not) for an inequality.
u is a declared scalar (its domain bounds the search: positive, nonnegative, real) or any
other expression, such as a norm, treated as one nonnegative unknown when sympy knows it is
nonnegative.  Checked at general size when no matrix is involved, else at every size:
- back-substitution: the condition holds with equality at u = v;
- equation: the numerator of lhs - rhs is a polynomial in u, all its roots are found, and
  exactly one lies in the domain (and is not a pole): v;
- inequality: lhs - rhs is strictly monotone in u (its derivative has a provable sign), so
  the solutions are the points on one side of v; the claim must name that side with the
  same strictness, and v must lie in the domain's closure.
"""
import sympy as sp
from sympy.core.logic import fuzzy_and
from sympy.core.relational import Relational

from ..comparison import reduce_zero
from ..errors import Unsupported
from ..grounding import Grounder, needs_sizes
from ..printing import latex
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker
from .bound import sample_value

register_rule("solve-for", "solve the condition for the unknown in its declared domain", ("solve",))

POINTS = 8
_UPPER = {("inc", False): "<=", ("inc", True): "<", ("dec", False): ">=", ("dec", True): ">"}


class _Fail(Exception):
    def __init__(self, counterexample):
        self.counterexample = counterexample


def _unknown_domain(ctx, u):
    if u in ctx.domains:
        return ctx.domains[u].name, dict(ctx.domains[u].assumptions)
    if u.is_nonnegative:
        return "nonnegative", {"nonnegative": True}
    return "real", {"real": True}


def _in_domain(r, name):
    facts = {"real": lambda: r.is_real, "positive": lambda: r.is_positive, "nonnegative": lambda: r.is_nonnegative,
             "probability": lambda: fuzzy_and([r.is_positive, (1 - r).is_positive])}
    if name not in facts:
        raise Unsupported(f"solving for an unknown in the {name} domain")
    fact = facts[name]()
    if fact is None:
        raise Unsupported(f"cannot decide whether the root {r} lies in the {name} domain")
    return fact


def _cx(ctx, size, sides, t, u, at, note, salt):
    """A counterexample: the condition's two sides at u = ``at`` (other symbols at a readable point)."""
    lhs, rhs = (e.xreplace({t: at}) for e in sides)
    rng = ctx.rng(salt)
    values = {s: sample_value(ctx, s, rng, True) for s in sorted((lhs - rhs).free_symbols | at.free_symbols, key=str)}
    shown = {str(k): str(v) for k, v in values.items()}
    shown[str(u)] = str(sp.nsimplify(at.xreplace(values)))
    lhs, rhs = (sp.simplify(sp.nsimplify(e.xreplace(values))) for e in (lhs, rhs))
    return Counterexample({str(k): v for k, v in size.items()}, shown, str(lhs), str(rhs), note)


def _back_substitute(ctx, size, sides, t, v, u, salt):
    """Label of 'the condition holds with equality at u = v'; raises _Fail with a point otherwise."""
    lhs, rhs = (s.xreplace({t: v}) for s in sides)
    if reduce_zero(lhs - rhs):
        return Label.EXACT
    rng = ctx.rng(salt)
    symbols = sorted((lhs - rhs).free_symbols, key=str)
    for readable in [True] * (POINTS // 2) + [False] * (POINTS // 2):
        values = {s: sample_value(ctx, s, rng, readable) for s in symbols}
        a, b = sp.nsimplify(lhs.xreplace(values)), sp.nsimplify(rhs.xreplace(values))
        if not reduce_zero(sp.radsimp(a - b)):
            shown = {str(k): str(x) for k, x in values.items()}
            shown[str(u)] = str(sp.nsimplify(v.xreplace(values)))
            raise _Fail(Counterexample({str(k): x for k, x in size.items()}, shown,
                                       str(sp.simplify(a)), str(sp.simplify(b)),
                                       "the two sides of the condition at the claimed solution: they differ"))
    return Label.RANDOM


def _solve_equation(ctx, size, sides, t, v, u, domain_name, salt):
    num, den = sp.fraction(sp.cancel(sp.together(sides[0] - sides[1])))
    try:
        poly = sp.Poly(num, t)
    except sp.PolynomialError:
        raise Unsupported(f"the condition is not polynomial in {u}") from None
    if poly.is_zero:
        raise _Fail(_cx(ctx, size, sides, t, u, v + 1, "every value of the unknown satisfies the condition", salt))
    if poly.LC().is_zero is not False:
        raise Unsupported(f"the leading coefficient {poly.LC()} in {u} may vanish")
    if poly.degree() == 1:  # the one root, without sympy's simplify (which imports sympy.physics)
        c1, c0 = poly.all_coeffs()
        roots = {sp.cancel(-c0 / c1): 1}
    else:
        roots = sp.roots(poly)
    if sum(roots.values()) < poly.degree():
        raise Unsupported(f"not every root in {u} of the condition was found")
    inside = [r for r in roots if _in_domain(r, domain_name) and not reduce_zero(den.xreplace({t: r}))]
    others = [r for r in inside if not reduce_zero(r - v)]
    if others:
        raise _Fail(_cx(ctx, size, sides, t, u, others[0],
                        "another value in the domain also satisfies the condition: the solution is not unique", salt))
    if len(inside) == len(others):
        raise _Fail(_cx(ctx, size, sides, t, u, v, f"the claimed value is not in the {domain_name} domain", salt))


def _solve_inequality(ctx, size, sides, t, v, u, domain_name, strict, claimed_op, salt):
    den = sp.fraction(sp.together(sides[0] - sides[1]))[1]
    if den.has(t) and not (den.is_positive or den.is_negative):
        raise Unsupported(f"the condition may have a pole in the domain of {u}")
    slope = sp.diff(sides[0] - sides[1], t)
    if slope.is_positive:
        side = "inc"
    elif slope.is_negative:
        side = "dec"
    else:
        raise Unsupported(f"cannot show the condition is strictly monotone in {u}")
    expected = _UPPER[(side, strict)]
    if claimed_op != expected:
        # a point the claim admits and the condition does not (or the other way round)
        at = v if expected[0] == claimed_op[0] else (v + 1 if expected == "<=" or expected == "<" else v / 2)
        raise _Fail(_cx(ctx, size, sides, t, u, at,
                        f"the solutions are {u} {expected} {v}, not {u} {claimed_op} {v}", salt))
    closure = {"positive": v.is_nonnegative, "nonnegative": v.is_nonnegative,
               "probability": fuzzy_and([v.is_nonnegative, (1 - v).is_nonnegative])}
    fact = closure.get(domain_name, True)
    if fact is None:
        raise Unsupported(f"cannot decide whether {v} lies in the domain of {u}")
    if not fact:
        raise _Fail(_cx(ctx, size, sides, t, u, v, f"{v} lies outside the {domain_name} domain of {u}", salt))


MATRIX_POINTS = 2  # random points per size for a vector or matrix unknown


def _solve_for_matrix(step, ctx, cond, claim, u, v):
    """u a vector or matrix: at each size and at exact random points (every other declared matrix
    and every scalar a random rational in its domain), the condition is a linear system in u's
    entries; it must have exactly one solution, and that solution must be v's value there."""
    if cond.rel_op != "==" or claim.rel_op != "==":
        raise Unsupported("a vector or matrix unknown is solved from an equation, as u = value")
    d = ctx.derivation
    # the size rule for the condition with the solution put in: dimension factors are separated
    sized = ctx.plan(cond.lhs.xreplace({u: v}), cond.rhs.xreplace({u: v}))
    if sized.problem:
        return Verdict(step.index, "solve", Label.UNDECIDED, "exact linear solve at random points",
                       argument=sized.argument, detail=sized.problem)
    sizes, points = sized.exact + sized.sampled, 0
    for k, size in enumerate(sizes):
        for trial in range(MATRIX_POINTS):
            rng = ctx.rng(1009 * step.index + 31 * k + trial)
            g = Grounder(d, size)
            for decl in d.declared:  # known matrices: exact random entries; u keeps its symbols
                m = decl.obj
                if decl.kind == "matrix" and type(m) is sp.MatrixSymbol and m != u:
                    g.entries[m] = sp.ImmutableMatrix(g.dim(m.shape[0]), g.dim(m.shape[1]),
                                                      lambda i, j: ctx.domain_of(None).sample(rng, trial == 0))
            unknowns = list(g.ground(u))
            # scalars get their values before grounding: an inverse is then of numbers only
            # (a symbolic λ in a 9×9 inverse is what made this take minutes)
            scalars = sorted((cond.free_symbols | v.free_symbols) & (set(ctx.domains) - set(d.dimensions)), key=str)
            early = {x: ctx.domain_of(x).sample(rng, trial == 0) for x in scalars}
            lhs, rhs = g.ground(cond.lhs.xreplace(early)), g.ground(cond.rhs.xreplace(early))
            value = g.ground(v.xreplace(early))
            lhs, rhs, value = (x if isinstance(x, sp.MatrixBase) else sp.ImmutableMatrix([[x]]) for x in (lhs, rhs, value))
            if lhs.shape != rhs.shape or value.shape != (g.dim(u.shape[0]), g.dim(u.shape[1])):
                return Verdict(step.index, "solve", Label.FAILED, "shapes", sizes=sizes, counterexample=Counterexample(
                    {str(a): b for a, b in size.items()}, {}, f"{lhs.shape} = {rhs.shape}", f"{u} of shape {value.shape}",
                    "the condition's sides, or the solution and the unknown, have different shapes"))
            free = sorted((lhs.free_symbols | rhs.free_symbols | value.free_symbols) - set(unknowns), key=str)
            point = {**early, **{x: ctx.domain_of(x).sample(rng, trial == 0) for x in free}}
            eqs = [sp.expand((a - b).xreplace(point)) for a, b in zip(lhs, rhs)]
            if any(sp.Poly(e, *unknowns).total_degree() > 1 for e in eqs if e != 0):
                raise Unsupported(f"the condition is not linear in the entries of {u}")
            solved = list(sp.linsolve(eqs, *unknowns))
            shown = {str(a): b for a, b in size.items()}
            shown.update({str(x): val for x, val in point.items()})
            if len(solved) != 1 or any(x.free_symbols & set(unknowns) for x in solved[0]):
                return Verdict(step.index, "solve", Label.FAILED, "exact linear solve at random points", sizes=sizes,
                               counterexample=Counterexample(shown, {}, "no solution" if not solved else "many solutions",
                                                             "one solution", f"the condition does not determine {u}"))
            stated = [sp.cancel(x.xreplace(point)) for x in value]
            if any(not reduce_zero(a - b) for a, b in zip(solved[0], stated)):
                return Verdict(step.index, "solve", Label.FAILED, "exact linear solve at random points", sizes=sizes,
                               counterexample=Counterexample(shown, {}, f"{u} = {list(solved[0])}", f"stated {stated}",
                                                             "the unique solution of the condition differs from the stated one"))
            points += 1
    return Verdict(step.index, "solve", Label.RANDOM,
                   f"at exact random points the condition is a linear system in the entries of ${latex(u)}$ with "
                   "exactly one solution, the stated one", sizes=sizes, argument=sized.argument, seed=ctx.seed,
                   points=points)


@checker("solve")
def check_solve(prev, step, ctx):
    cond, claim = prev.expr, step.expr
    if not isinstance(cond, Relational) or not isinstance(claim, Relational):
        raise Unsupported("a solve step goes from a relation to 'unknown = value' (or <=, >=)")
    if cond.rel_op not in ("==", "<=", "<", ">=", ">"):
        raise Unsupported(f"solving a {cond.rel_op} condition")
    u, v = claim.lhs, claim.rhs
    cond = ctx.derivation.written_out(cond)
    if isinstance(u, sp.MatrixSymbol):
        return _solve_for_matrix(step, ctx, cond, claim, u, v)
    if not cond.has(u) or v.has(u):
        raise Unsupported(f"the condition must contain the unknown {u} and the solution must not")
    domain_name, assumptions = _unknown_domain(ctx, u)
    t = sp.Dummy("u", **assumptions)
    left, right = (cond.lhs.xreplace({u: t}), cond.rhs.xreplace({u: t}))
    if cond.rel_op in (">=", ">"):
        left, right = right, left
    strict = cond.rel_op in ("<", ">")
    if (cond.rel_op == "==") != (claim.rel_op == "=="):
        what = "an equation has a value" if cond.rel_op == "==" else "an inequality has a range"
        return Verdict(step.index, "solve", Label.FAILED, "kind of solution",
                       counterexample=Counterexample({}, {}, str(cond), str(claim), f"{what} as its solution"))
    sized = any(needs_sizes(e, ctx.derivation) for e in (left, right, v))
    sizes = ctx.sizes if sized else [{}]
    worst = Label.EXACT if sized else Label.PROVED
    try:
        for size in sizes:
            g = ctx.grounder(size)
            sides = (g.scalar(left), g.scalar(right))
            value = g.scalar(v)
            label = _back_substitute(ctx, size, sides, t, value, u, step.index)
            if cond.rel_op == "==":
                _solve_equation(ctx, size, sides, t, value, u, domain_name, step.index)
            else:
                _solve_inequality(ctx, size, sides, t, value, u, domain_name, strict, claim.rel_op, step.index)
            if label is Label.RANDOM:
                worst = Label.RANDOM
    except _Fail as fail:
        return Verdict(step.index, "solve", Label.FAILED, "back-substitution and roots in the domain",
                       sizes=sizes if sized else [], counterexample=fail.counterexample)
    kind = "the only root in the domain" if cond.rel_op == "==" else "the boundary of a monotone condition"
    method = f"substituted back; {kind} ({domain_name} ${latex(u)}$)"
    return Verdict(step.index, "solve", worst, method, sizes=sizes if sized else [],
                   seed=ctx.seed if worst is Label.RANDOM else None,
                   points=POINTS * len(sizes) if worst is Label.RANDOM else 0)
