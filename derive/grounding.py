"""Grounding: a step's own sympy object made concrete at one size.

Every matrix symbol becomes an explicit matrix of scalar symbols, every dimension an
integer; expectations are computed from the declared laws.  Nothing is asserted by the
author here: the instance is derived mechanically from the printed object.
"""
import functools
import weakref

import sympy as sp

from .errors import ShapeMismatch, Unsupported


class Singular(Unsupported):
    """A matrix the step inverts is singular where it is grounded."""
from .randomness import MultivariateNormal, Normal, expect

_MEMO = weakref.WeakKeyDictionary()  # grounder -> {expression: grounded value}


def memo_ground(method):
    """Ground an object once per grounder (one size): the same matrix recurs in many entries."""
    @functools.wraps(method)
    def ground(self, g):
        memo = _MEMO.setdefault(g, {})
        if self not in memo:
            memo[self] = method(self, g)
        return memo[self]
    return ground


def value_at(derivation, expr, size):
    """expr's value with each dimension set to an integer (``size``: {dimension: int}) and every
    matrix written out entry by entry: an ImmutableMatrix, or a scalar for a scalar or 1×1 expr."""
    return Grounder(derivation, size).scalar(expr) if not getattr(expr, "is_Matrix", False) or \
        expr.shape == (1, 1) else Grounder(derivation, size).ground(expr)


def _entry_name(base, i, j, rows, cols):
    if cols == 1:
        return f"{base}_{i + 1}"
    if rows == 1:
        return f"{base}_{j + 1}"
    sep = "," if max(rows, cols) > 9 else ""
    return f"{base}_{i + 1}{sep}{j + 1}"


class Grounder:
    """Grounds expressions of one derivation at one size {dimension: int}."""

    def __init__(self, derivation, size):
        self.derivation = derivation
        self.size = {k: sp.Integer(v) for k, v in size.items()}
        self.definitions = derivation.definitions
        self.laws_of = {}  # random matrix symbol -> {entry symbol: law}
        self.entries = {}  # matrix symbol -> explicit matrix
        self.random = {d.obj: d.law for d in derivation.of_kind("random")}
        self.fixed = {}

    def dim(self, value):
        v = sp.sympify(value).xreplace(self.size)
        if not v.is_Integer:
            raise Unsupported(f"dimension {value} is not a concrete integer at size {self.size}")
        if v < 0:
            raise ShapeMismatch(f"dimension {value} is negative at size {self.size}")
        return int(v)

    def matrix_of(self, m):
        if m not in self.entries and isinstance(self.random.get(m), MultivariateNormal):
            self._multivariate_normal(m, self.random[m])
        if m not in self.entries:
            rows, cols = self.dim(m.shape[0]), self.dim(m.shape[1])
            syms = [[sp.Symbol(_entry_name(m.name, i, j, rows, cols), real=True) for j in range(cols)]
                    for i in range(rows)]
            self.entries[m] = sp.ImmutableMatrix(rows, cols, lambda i, j: syms[i][j])
            if m in self.random:
                self.laws_of[m] = {s: self.random[m] for row in syms for s in row}
        return self.entries[m]

    def _multivariate_normal(self, m, law):
        """m = mean + L z with L Lᵀ = cov and z_i independent standard normals."""
        cov = law.cov
        if not hasattr(cov, "cholesky"):
            raise Unsupported(f"the covariance of {m} must be a matrix declared with covariance(...)")
        rows = self.dim(m.shape[0])
        if self.dim(m.shape[1]) != 1 or self.dim(cov.shape[0]) != rows:
            raise ShapeMismatch(f"N(mean, cov) is for a column vector whose size is cov's, not {m}")
        L = cov.cholesky(self)
        mean = self.ground(law.mean)
        if not isinstance(mean, sp.MatrixBase):
            mean = sp.ImmutableMatrix([[mean]] * rows) if mean == 0 else mean
        if getattr(mean, "shape", None) != (rows, 1):
            raise ShapeMismatch(f"the mean of {m} must be a vector of size {rows}")
        z = [sp.Symbol(f"{m.name}~z{i + 1}", real=True) for i in range(rows)]
        self.entries[m] = sp.ImmutableMatrix(mean + L * sp.ImmutableMatrix(z))
        self.laws_of[m] = {s: Normal(0, 1) for s in z}

    def laws(self, over):
        laws = {}
        for m in over:
            if m not in self.random:
                raise Unsupported(f"{m} is not declared random")
            if isinstance(m, sp.Symbol):  # a random scalar
                laws[m] = self.random[m]
                continue
            self.matrix_of(m)
            laws.update(self.laws_of[m])
        return laws

    # -- the walk -----------------------------------------------------------------
    def ground(self, e):
        """An explicit ImmutableMatrix for matrix expressions, a scalar Expr otherwise."""
        memo = self.__dict__.setdefault("_memo", {})
        try:
            return memo[e]
        except (KeyError, TypeError):
            pass
        out = self._ground(e)
        try:
            memo[e] = out
        except TypeError:
            pass
        return out

    def _ground(self, e):
        if e in self.definitions:
            return self.ground(self.definitions[e])
        hook = getattr(type(e), "_derive_ground", None)
        if hook is not None:  # objects defined outside this module ground themselves
            return hook(e, self)
        method = getattr(self, "_ground_" + type(e).__name__, None)
        if method is None:
            for cls in type(e).__mro__[1:]:
                method = getattr(self, "_ground_" + cls.__name__, None)
                if method:
                    break
        if method is not None:
            return method(e)
        if getattr(e, "is_Matrix", False) and not isinstance(e, sp.MatrixBase):
            raise Unsupported(f"the engine cannot ground {type(e).__name__} yet")
        return self._ground_generic(e)

    def scalar(self, e):
        g = self.ground(e)
        if isinstance(g, sp.MatrixBase):
            if g.shape != (1, 1):
                raise ShapeMismatch(f"{e} is a {g.shape[0]}×{g.shape[1]} matrix where a scalar is needed")
            return g[0, 0]
        return g

    def _ground_generic(self, e):
        if isinstance(e, sp.MatrixBase):
            return e.applyfunc(self.scalar)
        if e.is_Atom:
            return e.xreplace(self.size)
        args = [self.scalar(a) if not isinstance(a, (sp.Tuple,)) else a.xreplace(self.size) for a in e.args]
        out = e.func(*args)
        return out.doit() if out.has(sp.Sum, sp.Product) else out

    def _ground_MatrixSymbol(self, e):
        return self.matrix_of(e)

    def _ground_Identity(self, e):
        return sp.ImmutableMatrix(sp.eye(self.dim(e.rows)))

    def _ground_ZeroMatrix(self, e):
        return sp.ImmutableMatrix(sp.zeros(self.dim(e.rows), self.dim(e.cols)))

    def _ground_OneMatrix(self, e):
        return sp.ImmutableMatrix(sp.ones(self.dim(e.rows), self.dim(e.cols)))

    def _ground_Transpose(self, e):
        return self.ground(e.arg).T

    def _ground_MatAdd(self, e):
        parts = [self.ground(a) for a in e.args]
        for p in parts[1:]:
            if p.shape != parts[0].shape:
                raise ShapeMismatch(f"cannot add shapes {parts[0].shape} and {p.shape} in {e}")
        return sp.ImmutableMatrix(sum(parts[1:], parts[0]))

    def _ground_MatMul(self, e):
        coeff, mats = sp.S.One, None
        for a in e.args:
            g = self.ground(a)
            if not isinstance(g, sp.MatrixBase):
                coeff *= g
                continue
            if mats is not None and mats.shape[1] != g.shape[0]:
                raise ShapeMismatch(f"cannot multiply {mats.shape[0]}×{mats.shape[1]} by "
                                    f"{g.shape[0]}×{g.shape[1]} in {e}")
            mats = g if mats is None else mats * g
        return sp.ImmutableMatrix(coeff * mats)

    def _ground_HadamardProduct(self, e):
        parts = [self.ground(a) for a in e.args]
        out = parts[0]
        for p in parts[1:]:
            if p.shape != out.shape:
                raise ShapeMismatch(f"entrywise product of shapes {out.shape} and {p.shape} in {e}")
            out = out.multiply_elementwise(p)
        return sp.ImmutableMatrix(out)

    def _ground_MatPow(self, e):
        base, exp = self.ground(e.base), self.scalar(e.exp)
        if exp.is_Integer:
            return sp.ImmutableMatrix(base ** int(exp))
        raise Unsupported(f"matrix power {exp} of a general matrix")

    def _ground_Inverse(self, e):
        m = self.ground(e.arg)
        if not m.is_square:
            raise ShapeMismatch(f"cannot invert the {m.rows}×{m.cols} matrix {e.arg}")
        if m.det() == 0:
            raise Singular(f"{e.arg} is singular at size {self.size}: its inverse does not exist")
        return sp.ImmutableMatrix(m.inv())

    def _ground_Determinant(self, e):
        m = self.ground(e.arg)
        if not m.is_square:
            raise ShapeMismatch(f"the determinant of the {m.rows}×{m.cols} matrix {e.arg}")
        return m.det()

    def _ground_Trace(self, e):
        return self.ground(e.arg).trace()

    def _ground_MatrixElement(self, e):
        m = self.ground(e.parent)
        i, j = self.dim(e.i), self.dim(e.j)
        if not (i < m.rows and j < m.cols):
            raise ShapeMismatch(f"entry [{i}, {j}] of {e.parent} is outside its {m.rows}×{m.cols} shape "
                                f"at size {self.size}")
        return m[i, j]

    def _ground_Sum(self, e):
        return self.scalar(unroll(self, e))

    def _ground_SqNorm(self, e):
        v = self.ground(e.arg)
        return sp.ImmutableMatrix([[sum(x ** 2 for x in v)]])

    def _ground_Diag(self, e):
        a = self.ground(e.arg)
        return sp.ImmutableMatrix(sp.diag(*[a[i, i] for i in range(a.rows)]))

    def _ground_DiagPow(self, e):
        d, exp = self.ground(e.base), self.scalar(e.exp)
        if not d.is_diagonal():
            raise Unsupported("a fractional power of a non-diagonal matrix")
        return sp.ImmutableMatrix(sp.diag(*[d[i, i] ** exp for i in range(d.rows)]))

    # ``fixed``: values for deterministic entries, put in before integrating (checks at random points)
    def _fix(self, x):
        return x.xreplace(self.fixed) if self.fixed else x

    def _ground_MatExpectation(self, e):
        laws = self.laws(e.over)
        return self.ground(e.inner).applyfunc(lambda x: expect(self._fix(x), laws))

    def _ground_Expectation(self, e):
        return expect(self._fix(self.scalar(e.inner)), self.laws(e.over))

    def _ground_Variance(self, e):
        laws = self.laws(e.over)
        g = self._fix(self.scalar(e.inner))
        return expect(g ** 2, laws) - expect(g, laws) ** 2


def unroll(grounder, e):
    """Write every sum with concrete limits as its terms (index symbols become integers)."""
    if isinstance(e, sp.Sum):
        terms = [e.function]
        for k, lo, hi in e.limits:
            lo, hi = grounder.dim(lo), grounder.dim(hi)
            terms = [t.xreplace({k: sp.Integer(v)}) for t in terms for v in range(lo, hi + 1)]
        return sp.Add(*[unroll(grounder, t) for t in terms])
    if not e.args or isinstance(e, sp.MatrixSymbol):
        return e
    args = [unroll(grounder, a) for a in e.args]
    return e.func(*args) if args != list(e.args) else e


def needs_sizes(expr, derivation):
    """Whether the expression only makes sense at concrete sizes (matrices, symbolic sums)."""
    dims = set(derivation.dimensions)
    if any(getattr(a, "is_Matrix", False) and not isinstance(a, sp.MatrixBase)
           for a in sp.preorder_traversal(expr)):
        return True  # symbolic-size matrices; explicit matrices of numbers need no size
    return bool(expr.free_symbols & dims) and expr.has(sp.Sum, sp.Product, sp.Indexed)


def mentions(expr, classes, definitions):
    """Whether expr contains a node of ``classes``, looking through named definitions."""
    seen, todo = set(), [expr]
    while todo:
        e = todo.pop()
        for node in sp.preorder_traversal(e):
            if isinstance(node, classes):
                return True
            if node in definitions and node not in seen:
                seen.add(node)
                todo.append(definitions[node])
    return False
