"""The one matrix gradient: ∇_X f, ∂L/∂X through a forward map, and either at a point.

``grad(f, X)`` is the matrix of ∂f/∂X_ab for a scalar f.  ``grad(Y, X, dY)`` is ∂L/∂X for a
loss that depends on X only through Y(X) with ∂L/∂Y = dY: L = Σ dY∘Y with dY held fixed,
exact for first derivatives.  ``at=X0`` evaluates the gradient at a point; a maximum in the
map is replaced by its argument that is strictly largest there (the piece that holds near
X0; a tie is a kink, never differentiated).  At one size the map is grounded with the
entries of X as free symbols and differentiated exactly (sympy.diff): the derivative of the
declared map, never a formula the author supplied.  Scalar partials ∂f/∂v are
``derive.calculus.partial``.
"""
import sympy as sp
from sympy.core.symbol import Str
from sympy.matrices.expressions.matexpr import MatrixExpr

from .errors import ProblemError, ShapeMismatch, Unsupported
from .grounding import memo_ground

_NONE = sp.Tuple()  # an absent upstream gradient or point


def _is_matrix(expr):
    return getattr(expr, "is_Matrix", False)


def local_piece(expr, point):
    """expr with every Max replaced by its argument that is largest at the point (the piece
    that holds near it); a tie is a kink where the map has no derivative."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [local_piece(a, point) for a in expr.args]
    if isinstance(expr, sp.Max):
        values = [a.xreplace(point) for a in args]
        if not all(v.is_Rational for v in values):
            raise Unsupported("the maximum's arguments are not exact numbers at the point")
        top = max(values)
        if values.count(top) > 1:
            raise Unsupported(f"a maximum is tied at {top} at the point: the map has no derivative there")
        return args[values.index(top)]
    return expr.func(*args)


class Gradient(MatrixExpr):
    """The gradient of a scalar (or of L through Y(X) with ∂L/∂Y given) by a declared matrix."""

    def __new__(cls, output, wrt, upstream=_NONE, at=_NONE, loss="L"):
        output, wrt, upstream, at = (sp.sympify(e) for e in (output, wrt, upstream, at))
        if not isinstance(wrt, sp.MatrixSymbol):
            raise ShapeMismatch(f"a gradient is taken with respect to a declared matrix, got {wrt}")
        if upstream == _NONE:
            if _is_matrix(output) and output.shape != (1, 1):
                raise ShapeMismatch(f"∇_X f needs a scalar f, got shape {output.shape}; for a matrix "
                                    f"map Y(X) give the upstream gradient ∂L/∂Y")
        else:
            if not (_is_matrix(output) and _is_matrix(upstream)):
                raise ShapeMismatch("∂L/∂X through Y(X) needs a matrix map Y and a matrix upstream gradient")
            if upstream.has(wrt):
                raise ProblemError(f"the upstream gradient {upstream} must not depend on {wrt}: it is held fixed")
            if any(sp.simplify(a - b) != 0 for a, b in zip(output.shape, upstream.shape)):
                raise ShapeMismatch(f"the upstream gradient {upstream} ({upstream.shape[0]}×{upstream.shape[1]}) "
                                    f"must have the shape of {output} ({output.shape[0]}×{output.shape[1]})")
        if at != _NONE and (not _is_matrix(at) or any(sp.simplify(a - b) != 0 for a, b in zip(at.shape, wrt.shape))):
            raise ShapeMismatch(f"the point {at} must have the shape of {wrt}")
        return super().__new__(cls, output, wrt, upstream, at, loss if isinstance(loss, Str) else Str(loss))

    output = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])
    upstream = property(lambda self: None if self.args[2] == _NONE else self.args[2])
    at = property(lambda self: None if self.args[3] == _NONE else self.args[3])
    loss = property(lambda self: self.args[4])
    function = output

    @property
    def shape(self):
        return self.wrt.shape

    @memo_ground
    def _derive_ground(self, g):
        X = g.ground(self.wrt)
        if not all(isinstance(s, sp.Symbol) for s in X):
            raise Unsupported(f"{self.wrt} is constrained: its entries are not free variables")
        if self.upstream is None:
            f = g.scalar(self.output)
        else:
            y, u = g.ground(self.output), g.ground(self.upstream)
            if y.shape != u.shape:
                raise ShapeMismatch(f"upstream gradient {u.shape} and output {y.shape} differ at size {g.size}")
            f = sp.expand(sp.Add(*(a * b for a, b in zip(u, y))))
        if self.at is None:
            return X.applyfunc(lambda s: sp.diff(f, s))
        point = dict(zip(X, g.ground(self.at)))
        piece = sp.expand(local_piece(f, point))
        return X.applyfunc(lambda s: sp.diff(piece, s).xreplace(point))

    def _derive_latex(self, printer):
        wrt = printer._print(self.wrt)
        if self.at is not None:
            inner = (printer._print(self.output) if self.upstream is None else r"\left\langle "
                     + printer._print(self.upstream) + ",\\ " + printer._print(self.output) + r" \right\rangle")
            return (r"\left.\frac{\partial}{\partial " + wrt + r"} " + inner + r"\right|_{" + wrt + " = "
                    + printer._print(self.at) + "}")
        if self.upstream is not None:
            return r"\frac{\partial " + printer._deal_with_super_sub(self.loss.name) + r"}{\partial " + wrt + "}"
        return r"\nabla_{" + wrt + r"} \left( " + printer._print(self.output) + r" \right)"


class Jacobian(MatrixExpr):
    """∂y/∂x of a column vector y(x) by a declared column vector x: the matrix of ∂y_i/∂x_j,
    grounded by differentiating the grounded map exactly (sympy's Matrix.jacobian)."""

    def __new__(cls, output, wrt):
        output, wrt = sp.sympify(output), sp.sympify(wrt)
        if not (isinstance(wrt, sp.MatrixSymbol) and wrt.shape[1] == 1):
            raise ShapeMismatch(f"a Jacobian is taken with respect to a declared column vector, got {wrt}")
        if not (_is_matrix(output) and output.shape[1] == 1):
            raise ShapeMismatch(f"a Jacobian is of a column vector map, got {output}")
        return super().__new__(cls, output, wrt)

    output = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])

    @property
    def shape(self):
        return (self.output.shape[0], self.wrt.shape[0])

    @memo_ground
    def _derive_ground(self, g):
        x = g.ground(self.wrt)
        if not all(isinstance(s, sp.Symbol) for s in x):
            raise Unsupported(f"{self.wrt} is constrained: its entries are not free variables")
        return sp.ImmutableMatrix(sp.Matrix(g.ground(self.output)).jacobian(list(x)))

    def _derive_latex(self, printer):
        out = printer._bracket(self.output) if self.output.is_MatAdd else printer._print(self.output)
        return r"\frac{\partial " + out + r"}{\partial " + printer._print(self.wrt) + "}"


def jacobian(y, x):
    """∂y/∂x: the Jacobian of a column vector map y(x) by a declared column vector x (rows: the
    entries of y, columns: those of x)."""
    return Jacobian(y, x)


def grad(f, wrt, upstream=None, at=None, loss="L"):
    """∇_wrt f of a scalar f; with ``upstream`` = ∂L/∂Y, ∂L/∂wrt through the map Y = f; with
    ``at``, the gradient evaluated at that point (``loss`` names L when printed)."""
    return Gradient(f, wrt, _NONE if upstream is None else upstream, _NONE if at is None else at, loss)

