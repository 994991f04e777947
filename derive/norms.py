"""Norms, signs, gradients and constrained matrices: display-and-check objects for bounds.

Each object prints itself (``_derive_latex``) and grounds itself (``_derive_ground``), so
what is printed is what is checked.  Spectral norms of concrete matrices are exact: the
square root of the largest eigenvalue of AᵀA, found by sympy.  Of a matrix with symbolic
entries they are evaluated only where a sound fact decides them at every value of the
entries (rank at most one: ||A||₂ = ||A||_F; AᵀA a non-zero projection: ||A||₂ = 1);
otherwise they stay an unevaluated ``SpectralNormValue`` that evaluates exactly as soon as
numbers are substituted (random points, witnesses).
"""
import random

from .lazy import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.polys.fields import sfield

from .convolution import Entry
from .errors import ShapeMismatch, Unsupported


def _is_matrix(expr):
    return getattr(expr, "is_Matrix", False)


_PROBE = random.Random(20261122)


def _probe(expr):
    """expr (a scalar or an explicit matrix) at one random rational point, or None at a pole."""
    point = {s: sp.Rational(_PROBE.randint(-97, 97), _PROBE.randint(1, 97)) for s in expr.free_symbols}
    try:
        value = expr.xreplace(point)
    except (ZeroDivisionError, TypeError):
        return None
    return None if value.free_symbols or value.has(sp.zoo, sp.nan) else value


def _field(exprs):
    """The expressions as rational functions over one field (other atoms become generators), or None."""
    try:
        return sfield(list(exprs))
    except (sp.PolynomialError, sp.CoercionFailed, sp.GeneratorsNeeded, ValueError):
        return None


def _zero(expr):
    """True only when expr is identically 0 (a random probe refutes cheaply first)."""
    if expr == 0:
        return True
    value = _probe(expr)
    if value is not None and value.is_zero is False:
        return False
    field = _field([expr])
    if field is not None and field[1][0] == 0:
        return True
    return sp.cancel(sp.together(expr)) == 0


# -- exact spectral norms --------------------------------------------------------------
def _sqrt_sum_squares(M):
    field = _field(M)
    if field is not None:
        total = sum((e ** 2 for e in field[1]), field[0].zero).as_expr()
    else:
        total = sp.cancel(sp.together(sum((e ** 2 for e in M), sp.S.Zero)))
    return sp.sqrt(sp.factor_terms(total))


def _minors(rows):
    for i in range(len(rows)):
        for k in range(i + 1, len(rows)):
            for j in range(len(rows[0])):
                for m in range(j + 1, len(rows[0])):
                    yield rows[i][j] * rows[k][m] - rows[i][m] * rows[k][j]


def _rank_at_most_one(M):
    """Every 2×2 minor vanishes identically, so rank(M) ≤ 1 at every value of the entries."""
    probe = _probe(M)
    if probe is not None and any(m != 0 for m in _minors(probe.tolist())):
        return False
    field = _field(M)
    if field is None:
        return all(_zero(m) for m in _minors(M.tolist()))
    flat = field[1]
    return all(m == 0 for m in _minors([flat[k * M.cols:(k + 1) * M.cols] for k in range(M.rows)]))


def _nonzero_projection(M):
    """MᵀM satisfies (MᵀM)² = MᵀM identically and has a positive integer trace: ||M||₂ = 1."""
    probe = _probe(M)
    if probe is not None and (probe.T * probe) ** 2 != probe.T * probe:
        return False
    field = _field(M)
    if field is None:
        return False
    K, flat = field
    rows = [flat[k * M.cols:(k + 1) * M.cols] for k in range(M.rows)]
    G = [[sum((r[a] * r[b] for r in rows), K.zero) for b in range(M.cols)] for a in range(M.cols)]
    if not all(sum((G[a][k] * G[k][b] for k in range(M.cols)), K.zero) == G[a][b]
               for a in range(M.cols) for b in range(M.cols)):
        return False
    trace = sum((G[a][a] for a in range(M.cols)), K.zero).as_expr()
    return trace.is_Integer and trace > 0


def _numeric_spectral_norm(M):
    G = M.T * M if M.rows >= M.cols else M * M.T
    if G.shape == (2, 2):  # λ_max = (tr + √(tr² − 4 det)) / 2, exactly
        trace, det = G.trace(), G.det()
        return sp.sqrt((trace + sp.sqrt(trace ** 2 - 4 * det)) / 2)
    poly = G.charpoly()
    if all(c.is_Rational for c in poly.all_coeffs()):
        roots = poly.real_roots()
    else:  # algebraic entries: closed-form eigenvalues of a small matrix
        roots = list(G.eigenvals())
    top = max(roots, key=lambda r: sp.re(sp.N(r, 50)))
    return sp.sqrt(top)


_NORMS = {}


def spectral_norm(M):
    """||M||₂ of an explicit matrix: exact number, closed form, or unevaluated."""
    M = sp.ImmutableMatrix(M)
    if M not in _NORMS:
        _NORMS[M] = _spectral_norm(M)
    return _NORMS[M]


def _spectral_norm(M):
    if M.rows < M.cols:  # ||Mᵀ||₂ = ||M||₂: one canonical orientation
        M = M.T
    if M.cols == 1:
        return _sqrt_sum_squares(M)
    if not M.free_symbols:
        return _numeric_spectral_norm(M)
    if _rank_at_most_one(M):
        return _sqrt_sum_squares(M)
    if _nonzero_projection(M):
        return sp.S.One
    return SpectralNormValue(M)


class SpectralNormValue(sp.Expr):
    """||M||₂ of an explicit matrix with symbolic entries; exact once the entries are numbers."""
    is_real = True
    is_nonnegative = True

    def __new__(cls, M):
        M = sp.ImmutableMatrix(M)
        if not M.free_symbols:
            return spectral_norm(M)
        return super().__new__(cls, M)

    @property
    def matrix(self):
        return self.args[0]


# -- norms -----------------------------------------------------------------------------
def _coeff_and_rest(A):
    """(scalar coefficient, matrix part) of a product, so ||cA|| = |c| ||A|| is used soundly."""
    if isinstance(A, sp.MatMul):
        coeff, mats = A.as_coeff_matrices()
        if coeff != 1 and mats:
            return coeff, (mats[0] if len(mats) == 1 else sp.MatMul(*mats))
    return sp.S.One, A


class Norm(sp.Expr):
    """||A||₂: the Euclidean norm of a vector, the spectral norm of a matrix."""
    is_real = True
    is_nonnegative = True

    def __new__(cls, A):
        A = sp.sympify(A)
        if not _is_matrix(A):
            raise ShapeMismatch(f"||.||_2 needs a matrix or vector, got {A}")
        return super().__new__(cls, A)

    @property
    def arg(self):
        return self.args[0]

    def _derive_ground(self, grounder):
        coeff, rest = _coeff_and_rest(self.arg)
        value = spectral_norm(grounder.ground(rest))
        return value if coeff == 1 else sp.Abs(grounder.scalar(coeff)) * value

    def _derive_latex(self, printer):
        return r"\left\| " + printer._print(self.arg) + r" \right\|_2"

    def _sympystr(self, printer):
        return "||" + printer._print(self.arg) + "||_2"


class RMSNorm(sp.Expr):
    """||v||_RMS = ||v||₂ / √n for a vector with n entries."""
    is_real = True
    is_nonnegative = True

    def __new__(cls, v):
        v = sp.sympify(v)
        if not _is_matrix(v) or v.shape[1] != 1:
            raise ShapeMismatch(f"||.||_RMS needs a column vector, got shape {getattr(v, 'shape', '()')}")
        return super().__new__(cls, v)

    @property
    def arg(self):
        return self.args[0]

    def _derive_ground(self, grounder):
        return Norm(self.arg)._derive_ground(grounder) / sp.sqrt(grounder.dim(self.arg.shape[0]))

    def _derive_latex(self, printer):
        return r"\left\| " + printer._print(self.arg) + r" \right\|_{\mathrm{RMS}}"

    def _sympystr(self, printer):
        return "||" + printer._print(self.arg) + "||_RMS"


class FrobeniusNorm(sp.Expr):
    """||A||_F: the square root of the sum of the squared entries."""
    is_real = True
    is_nonnegative = True

    def __new__(cls, A):
        A = sp.sympify(A)
        if not _is_matrix(A):
            raise ShapeMismatch(f"||.||_F needs a matrix, got {A}")
        return super().__new__(cls, A)

    @property
    def arg(self):
        return self.args[0]

    def _derive_ground(self, grounder):
        return _sqrt_sum_squares(grounder.ground(self.arg))

    def _derive_latex(self, printer):
        return r"\left\| " + printer._print(self.arg) + r" \right\|_F"

    def _sympystr(self, printer):
        return "||" + printer._print(self.arg) + "||_F"


# -- sign and gradient -----------------------------------------------------------------
def _sign(e):
    if e.is_Mul:  # sign(ab) = sign(a) sign(b) for real a, b
        return sp.Mul(*[_sign(f) for f in e.args])
    return sp.sign(e)


class Sign(MatrixExpr):
    """sign(A), entrywise."""

    def __new__(cls, A):
        A = sp.sympify(A)
        if not _is_matrix(A):
            raise ShapeMismatch(f"sign(.) here is entrywise on a matrix, got {A}")
        return super().__new__(cls, A)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.args[0].shape

    def _derive_ground(self, grounder):
        return grounder.ground(self.arg).applyfunc(_sign)

    def _eval_transpose(self):
        return SignTransposed(self)

    def _derive_latex(self, printer):
        return r"\operatorname{sign}\left(" + printer._print(self.arg) + r"\right)"


class SignTransposed(sp.Transpose):
    """sign(A)ᵀ, printed without the extra brackets a general transpose needs."""

    def _derive_latex(self, printer):
        return printer._print(self.arg) + r"^{\top}"


# -- entries with a symbolic index -----------------------------------------------------
def entry(v, i):
    """v_i, i counted from 1 (as for_every, indexed and isum count): the entry of any column
    vector expression (derive.convolution.Entry, the one entry-of-an-expression object)."""
    return Entry(v, i, 1)


class EachIndex(sp.Expr):
    """A statement about entry i that holds for every i = 1..n: printed as is, checked at every i."""

    def __new__(cls, expr, index):
        return super().__new__(cls, sp.sympify(expr), index)

    def _derive_ground(self, grounder):
        expr, index = self.args
        parents = {n.matrix for n in sp.preorder_traversal(expr)
                   if isinstance(n, Entry) and index in sp.sympify(n.args[1]).free_symbols}
        if len(parents) != 1:
            raise Unsupported(f"index {index} must index exactly one vector")
        count = grounder.dim(parents.pop().shape[0])
        values = [grounder.scalar(expr.xreplace({index: k})) for k in range(1, count + 1)]
        if not all(_zero(v - values[0]) for v in values[1:]):
            raise Unsupported(f"{expr} depends on {index}")
        return values[0]

    def _derive_latex(self, printer):
        return printer._print(self.args[0])


def each(index, expr):
    """``expr`` (about entry ``index``) holds for every value of the index."""
    return EachIndex(expr, index)


def norm(A):
    return Norm(A)


def rms(v):
    return RMSNorm(v)


def fro(A):
    return FrobeniusNorm(A)


def sign(A):
    return Sign(A)


# -- floating-point helpers for independent cross-checks ------------------------------
def np_spectral_norm(A):
    """Largest singular value, in floating point (numpy's SVD)."""
    return float(np.linalg.norm(np.atleast_2d(A), 2))


def np_unit_rms(rng, n):
    """A random float vector with RMS norm 1."""
    x = rng.standard_normal(n)
    return x * np.sqrt(n) / np.linalg.norm(x)


def float_verdict(method, gap, tolerance, samples, seed, where=None):
    """A cross-check verdict from floating point: ``gap`` is the worst violation observed.

    Numerically checked when gap <= tolerance, failed otherwise (``where`` names the sample).
    """
    from .verdicts import Counterexample, Label, Verdict
    text = f"{method}; {samples} samples, float64, tolerance {tolerance:g}, worst gap {gap:.2e}"
    if gap <= tolerance:
        return Verdict(-1, "cross-check", Label.NUMERIC, text, seed=seed, points=samples)
    cx = Counterexample(dict(where or {}), {}, f"gap {gap:.3g}", f"tolerance {tolerance:g}", "cross-check failed")
    return Verdict(-1, "cross-check", Label.FAILED, text, counterexample=cx)


def rank_one_sign_norms(shapes):
    """Cross-check: every rank-one ±1 matrix s tᵀ of the given shapes has exact ||s tᵀ||₂ = √(mn).

    Exhaustive over all sign patterns, each norm exact (largest eigenvalue of AᵀA by sympy).
    """
    import itertools

    from .verdicts import Counterexample, Label, Verdict

    def run():
        count = 0
        for m, n in shapes:
            for signs in itertools.product((1, -1), repeat=m + n):
                A = sp.Matrix(m, 1, signs[:m]) * sp.Matrix(1, n, signs[m:])
                value = _numeric_spectral_norm(sp.ImmutableMatrix(A))
                count += 1
                if sp.simplify(value - sp.sqrt(m * n)) != 0:
                    return Verdict(-1, "cross-check", Label.FAILED, "exact spectral norms of sign patterns",
                                   counterexample=Counterexample({"rows": m, "cols": n}, {"A": str(A.tolist())},
                                                                 str(value), str(sp.sqrt(m * n))))
        return Verdict(-1, "cross-check", Label.EXACT,
                       f"all {count} rank-one sign patterns: exact largest eigenvalue of $A^{{\\top}} A$ equals "
                       r"$d_{\mathrm{out}} d_{\mathrm{in}}$",
                       sizes=[{"d_out": m, "d_in": n} for m, n in shapes])
    return run
