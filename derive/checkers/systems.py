"""Systems of equations: a step restates the system with exactly the same solution set."""
import sympy as sp

from ..errors import Unsupported
from ..grounding import Grounder
from ..printing import assignments_math
from ..rules import register_rule
from ..signals import Equations
from ..verdicts import Counterexample, Label, Verdict
from . import checker

register_rule("set-up-system", "write each output entry from the definition of the operation", ("<=>",))
register_rule("matrix-form", "collect the coefficients of the unknowns into a matrix", ("<=>",))
register_rule("gaussian-elimination", "solve the linear system (unique: its matrix is invertible)", ("<=>",))


def _equations(expr, derivation):
    if not isinstance(expr, Equations):
        raise Unsupported("an equivalence step needs a system of equations (derive.signals.Equations)")
    g = Grounder(derivation, {})
    lhs, rhs = g.ground(expr.lhs), g.ground(expr.rhs)
    lhs = list(lhs) if isinstance(lhs, sp.MatrixBase) else [lhs]
    rhs = list(rhs) if isinstance(rhs, sp.MatrixBase) else [rhs]
    if len(lhs) != len(rhs):
        raise Unsupported("the two sides of the system have different sizes")
    return [sp.expand(a - b) for a, b in zip(lhs, rhs)]


def solutions(equations, unknowns):
    for e in equations:
        if not all(sp.Poly(e, *unknowns).total_degree() <= 1 for _ in [0]):
            raise Unsupported("only linear systems are decided here")
    return sp.linsolve(equations, *unknowns)


@checker("<=>")
def check_equivalent(prev, step, ctx):
    unknowns = tuple(ctx.derivation.unknowns)
    if not unknowns:
        raise Unsupported("declare the unknowns with D.unknowns(...)")
    before = solutions(_equations(prev.expr, ctx.derivation), unknowns)
    after = solutions(_equations(step.expr, ctx.derivation), unknowns)
    if before == after:
        return Verdict(step.index, "<=>", Label.PROVED,
                       f"both systems have {_show_math(before, unknowns)} (exact linsolve)")
    cx = Counterexample({}, {"solutions before": _show(before, unknowns)}, _show(before, unknowns),
                        _show(after, unknowns), "the two systems have different solution sets")
    return Verdict(step.index, "<=>", Label.FAILED, "solution sets compared by exact linsolve",
                   counterexample=cx)


def _show(solset, unknowns):
    sols = list(solset)
    if not sols:
        return "no solution"
    return " or ".join("(" + ", ".join(f"{u}={v}" for u, v in zip(unknowns, s)) + ")" for s in sols)


def _show_math(solset, unknowns):
    """The solution set for prose: "the same solutions, $h_{1} = 2, h_{2} = -1$", or "no solution"."""
    sols = list(solset)
    if not sols:
        return "no solution"
    return "the same solutions, " + " or ".join(assignments_math(dict(zip(unknowns, s))) for s in sols)
