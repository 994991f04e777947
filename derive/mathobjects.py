"""Display-and-check objects that sympy lacks: norms, expectations, diag(.), Hadamard.

Each object is a real sympy node: the printer shows it (printing.py) and the grounder
evaluates it (grounding.py), so what is printed is what is checked.
"""
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .errors import ProblemError
from .printing import inside_brackets


def _is_matrix(expr):
    return getattr(expr, "is_Matrix", False)


class SqNorm(MatrixExpr):
    """Squared Euclidean norm of a column vector, as a 1x1 matrix: ||v||_2^2."""

    def __new__(cls, v):
        v = sp.sympify(v)
        if not _is_matrix(v) or v.shape[1] != 1:
            from .errors import ShapeMismatch
            raise ShapeMismatch(f"||.||^2 needs a column vector, got shape {getattr(v, 'shape', '()')}")
        return super().__new__(cls, v)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return (sp.S.One, sp.S.One)

    def _eval_transpose(self):
        return self


class Diag(MatrixExpr):
    """diag(A): the square matrix A with its off-diagonal entries set to zero."""

    def __new__(cls, A):
        A = sp.sympify(A)
        if not _is_matrix(A) or A.shape[0] != A.shape[1]:
            from .errors import ShapeMismatch
            raise ShapeMismatch(f"diag(.) needs a square matrix, got shape {getattr(A, 'shape', '()')}")
        return super().__new__(cls, A)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.args[0].shape

    def _eval_transpose(self):
        return self


class DiagPow(MatrixExpr):
    """D^e for a diagonal matrix D, entrywise on the diagonal (e.g. diag(X^T X)^{1/2})."""

    def __new__(cls, D, exponent):
        return super().__new__(cls, sp.sympify(D), sp.sympify(exponent))

    @property
    def base(self):
        return self.args[0]

    @property
    def exp(self):
        return self.args[1]

    @property
    def shape(self):
        return self.args[0].shape

    def _eval_transpose(self):
        return self


class MatExpectation(MatrixExpr):
    """E_R[M] for a matrix-valued M: the matrix of entrywise expectations."""

    def __new__(cls, inner, over):
        return super().__new__(cls, sp.sympify(inner), sp.Tuple(*over))

    @property
    def inner(self):
        return self.args[0]

    @property
    def over(self):
        return tuple(self.args[1])

    @property
    def shape(self):
        return self.args[0].shape

    def _eval_transpose(self):
        return MatExpectation(self.inner.T, self.over)


class Expectation(sp.Expr):
    """E_R[s] for a scalar s."""

    def __new__(cls, inner, over):
        return super().__new__(cls, sp.sympify(inner), sp.Tuple(*over))

    inner = MatExpectation.inner
    over = MatExpectation.over


class Variance(sp.Expr):
    """Var_R[s] for a scalar s."""

    def __new__(cls, inner, over):
        return super().__new__(cls, sp.sympify(inner), sp.Tuple(*over))

    inner = MatExpectation.inner
    over = MatExpectation.over


def _as_tuple(over):
    return tuple(over) if isinstance(over, (tuple, list)) else (over,)


def E(over, inner):
    """Expectation of ``inner`` over the random quantities ``over``."""
    inner = sp.sympify(inner)
    over = _as_tuple(over)
    if _is_matrix(inner):
        return MatExpectation(inner, over)
    return Expectation(inner, over)


def Var(over, inner):
    """Variance of the scalar ``inner`` over the random quantities ``over``."""
    return Variance(inner, _as_tuple(over))


def hadamard(A, B):
    """Entrywise product A ∘ B (shapes checked)."""
    if A.shape != B.shape:
        from .errors import ShapeMismatch
        raise ShapeMismatch(f"A ∘ B needs equal shapes, got {A.shape} and {B.shape}")
    return sp.HadamardProduct(A, B)


def inverse(A):
    """A⁻¹ kept as written.  sympy's ``A.inv()`` of a product distributes at once —
    (V M Vᵀ).inv() becomes (Vᵀ)⁻¹ M⁻¹ V⁻¹ — so the printed step would not be the authored one."""
    if not getattr(A, "is_Matrix", False) or A.shape[0] != A.shape[1]:
        from .errors import ShapeMismatch
        raise ShapeMismatch(f"only a square matrix has an inverse, not {A} of shape {getattr(A, 'shape', '()')}")
    return sp.Inverse(A)


def sqnorm(v):
    """||v||_2^2 of a column vector."""
    return SqNorm(v)


def diag(A):
    """diag(A) of a square matrix."""
    return Diag(A)


def diag_sqrt(D):
    """D^{1/2} of a diagonal matrix (e.g. Γ = diag(XᵀX)^{1/2})."""
    return DiagPow(D, sp.Rational(1, 2))


# -- growth classes ---------------------------------------------------------------
class Theta(sp.Expr):
    """Θ(g(n)) as n → ∞: the growth class of g in the variable n."""

    def __new__(cls, growth, var):
        growth, var = sp.sympify(growth), sp.sympify(var)
        if not isinstance(var, sp.Symbol):
            raise ProblemError(f"Θ(.) needs a variable, got {var}")
        if getattr(growth, "is_Matrix", False):
            raise ProblemError("Θ(.) of a matrix")
        return super().__new__(cls, growth, var)

    growth = property(lambda self: self.args[0])
    var = property(lambda self: self.args[1])

    def _derive_latex(self, printer):
        return r"\Theta\left(" + printer._print(self.growth) + r"\right)"


def theta(growth, var=None):
    """Θ(growth) as ``var`` → ∞ (``var`` may be left out when growth has one symbol)."""
    growth = sp.sympify(growth)
    if var is None:
        free = sorted(growth.free_symbols, key=str)
        if len(free) != 1:
            raise ProblemError(f"say which variable grows in Θ({growth})")
        var = free[0]
    return Theta(growth, var)


# -- elementwise nonlinearities ------------------------------------------------------------
class Relu(MatrixExpr):
    """relu(M) = max(M, 0) entry by entry."""

    def __new__(cls, arg):
        return super().__new__(cls, sp.sympify(arg))

    @property
    def shape(self):
        return self.args[0].shape

    def _derive_ground(self, grounder):
        return grounder.ground(self.args[0]).applyfunc(_relu_entry)

    def _derive_latex(self, printer):
        return r"\operatorname{relu}\left(" + inside_brackets(printer, self.args[0]) + r"\right)"


def _relu_entry(e):
    """max(e, 0) of one grounded entry.  A symbolic entry is kept unevaluated: sympy's Max
    would spend milliseconds per entry on factor_terms only to return the same Max(e, 0)
    (structurally equal, so the zero test sees the same expression); numbers evaluate."""
    return sp.Max(e, 0) if e.is_number else sp.Max(e, 0, evaluate=False)


def relu(x):
    """max(x, 0): entry by entry for a matrix. The expectation of relu(z)^2 for a symmetric
    random z is computed from the law (E[z^2]/2); odd powers need more than symmetry."""
    x = sp.sympify(x)
    return Relu(x) if _is_matrix(x) else sp.Max(x, 0)
