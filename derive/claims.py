"""Claims about an object, for `property` steps: "for every j = 1..d, lhs_j = rhs_j".

A claim names its subject (the previous step's object) and an index running over a
dimension.  The property checker grounds it at concrete sizes, for every value of the
index, so a claim is checked like any other step.  Printed from the same object.
"""
from .lazy import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .comparison import Context
from .errors import ProblemError, ShapeMismatch, Unsupported
from .verdicts import Counterexample, Label, Verdict


def index(name):
    """An index symbol for a claim, e.g. the column number j."""
    return sp.Symbol(name, integer=True, positive=True)


class Column(MatrixExpr):
    """Column j of a matrix M, i.e. M e_j (j counted from 1)."""

    def __new__(cls, M, j):
        M, j = sp.sympify(M), sp.sympify(j)
        if not getattr(M, "is_Matrix", False):
            raise ShapeMismatch(f"column(.) needs a matrix, got {M}")
        return super().__new__(cls, M, j)

    @property
    def matrix(self):
        return self.args[0]

    @property
    def j(self):
        return self.args[1]

    @property
    def shape(self):
        return (self.matrix.shape[0], sp.S.One)

    def _derive_ground(self, grounder):
        if not self.j.is_Integer:
            raise Unsupported(f"column {self.j} of {self.matrix} needs a concrete index")
        m = grounder.ground(self.matrix)
        if not 1 <= int(self.j) <= m.cols:
            raise ShapeMismatch(f"column {self.j} of a matrix with {m.cols} columns")
        return sp.ImmutableMatrix(m[:, int(self.j) - 1])

    def _derive_latex(self, printer):
        return printer._matrix_factor(self.matrix) + " e_{" + printer._print(self.j) + "}"


class ForEvery(sp.Basic):
    """The claim "subject satisfies lhs = rhs for every index = 1, ..., upper"."""

    def __new__(cls, subject, idx, upper, lhs, rhs):
        subject, lhs, rhs = sp.sympify(subject), sp.sympify(lhs), sp.sympify(rhs)
        if not (isinstance(idx, sp.Symbol) and idx.is_integer):
            raise ProblemError(f"the index of a claim must be an integer symbol (use index(...)), got {idx}")
        if not lhs.has(subject):
            raise ProblemError(f"the claim {lhs} = {rhs} does not mention its subject {subject}")
        return super().__new__(cls, subject, idx, sp.sympify(upper), lhs, rhs)

    subject = property(lambda self: self.args[0])
    index = property(lambda self: self.args[1])
    upper = property(lambda self: self.args[2])
    lhs = property(lambda self: self.args[3])
    rhs = property(lambda self: self.args[4])

    def at(self, value):
        """(lhs, rhs) with the index set to ``value``."""
        return self.lhs.xreplace({self.index: value}), self.rhs.xreplace({self.index: value})

    def _derive_latex(self, printer):
        # the subject is repeated so that "M = subject, with ..." reads right in a boxed result
        j = printer._print(self.index)
        return (printer._print(self.subject) + r",\ \text{with}\ " + printer._print(self.lhs) + " = "
                + printer._print(self.rhs) + r"\ \text{for}\ " + j + r" = 1, \dots, "
                + printer._print(self.upper))

    def _sympystr(self, printer):
        return (f"{printer._print(self.subject)}: {printer._print(self.lhs)} = {printer._print(self.rhs)} "
                f"for {self.index} = 1..{printer._print(self.upper)}")


def column(M, j):
    """Column j of M (printed M e_j)."""
    return Column(M, j)


def for_every(idx, upper, subject, lhs, rhs):
    """Claim: for every idx = 1..upper, lhs = rhs (lhs mentions subject)."""
    return ForEvery(subject, idx, upper, lhs, rhs)


def claim_numerically(D, compute, part=-1, samples=50, rtol=1e-9):
    """Cross-check of a part's claimed result against an independent numpy computation.

    ``compute(rng)`` returns ({symbol: float}, values of the claim's left side for index
    1, 2, ...); the claim's right side is evaluated at those symbols and compared."""
    def run(seed=None):
        claim = D.parts[part].result
        ctx = Context(D) if seed is None else Context(D, seed)
        rng = np.random.default_rng(ctx.seed)
        worst = 0.0
        for _ in range(samples):
            values, got = compute(rng)
            for k, lhs in enumerate(np.atleast_1d(got), 1):
                rhs = float(claim.rhs.xreplace({claim.index: k}).xreplace(values))
                err = abs(lhs - rhs) / max(1.0, abs(rhs))
                worst = max(worst, err)
                if not err <= rtol:
                    cx = Counterexample({}, {str(s): f"{v:.6g}" for s, v in values.items()},
                                        f"{lhs:.10g}", f"{rhs:.10g}",
                                        f"numpy value of the claim's left side for {claim.index} = {k} "
                                        "vs its stated right side")
                    return Verdict(-1, "cross-check", Label.FAILED, "numpy", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"numpy floats, {samples} random draws, every index: relative error at most "
                       f"{worst:.1e} (tolerance {rtol:g})", seed=ctx.seed, points=samples)
    return run
