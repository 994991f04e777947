"""Convolution layers on paper: entries x_{i,j} (1-based), index sums, the matrix of entries
[f(h, l)]_{h,l}, cross-correlation X ⋆ K and true convolution X ∗ K (valid, circular or zero
padding), circular shifts roll_{a,b}(X) and the global average GAP(X).

Each object prints itself (``_derive_latex``) and grounds itself (``_derive_ground``) at a
concrete size, so what is printed is what is checked.  Index symbols (i, j, h, l) are bound
by a sum or by a matrix of entries; they are replaced by integers before grounding.
"""
import itertools

from .lazy import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .calculus import over
from .comparison import Context
from .errors import ShapeMismatch, Unsupported
from .grounding import Grounder, memo_ground
from .printing import assignments_math, formula, inside_brackets, latex, sizes_math
from .rules import register_rule
from .verdicts import Counterexample, Label, Verdict

for _name, _text, _relations in [
    ("differentiate-forward-map", "differentiate the forward map entry by entry", ("=",)),
    ("valid-cross-correlation", "recognise a valid cross-correlation (no flip, no padding, stride 1)", ("=",)),
    ("filter-gradient", "the gradient of the filter found above", ("=", "gradient")),
    ("result-of-earlier-part", "a result shown in an earlier part", ("=",)),
    ("sqrt-of-square", r"$\sqrt{a^2} = a$ for $a \ge 0$", ("=",)),
]:
    register_rule(_name, _text, _relations)


def _index_sort_key(term, bound):
    # i + h - 1 and n - k + 1: bound indices first, then positive terms, then negative, constants last
    syms = sorted(term.free_symbols, key=str)
    if not syms:
        return (3, 0, "")
    first = syms[0]
    if first in bound:
        return (0, bound.index(first), "")
    return (2 if term.could_extract_minus_sign() else 1, 0, str(first))


def _print_index(printer, expr):
    """An index or a bound as written on paper: i + h - 1, n - k + 1 (display order only)."""
    expr = sp.sympify(expr)
    if not expr.is_Add:
        return printer._print(expr)
    bound = list(getattr(printer, "_derive_bound", ()))
    terms = sorted(expr.args, key=lambda t: _index_sort_key(t, bound))
    out = ("- " + printer._print(-terms[0])) if terms[0].could_extract_minus_sign() else printer._print(terms[0])
    for t in terms[1:]:
        out += " - " + printer._print(-t) if t.could_extract_minus_sign() else " + " + printer._print(t)
    return out


class Entry(sp.Expr):
    """Entry (i, j) of a matrix expression, counted from 1 as on paper: x_{i,j} for X; of a column
    vector, Entry(v, i) is v_i."""

    is_commutative = True
    is_real = True

    def __new__(cls, matrix, i, j=1):
        if not getattr(matrix, "is_Matrix", False):
            raise ShapeMismatch(f"an entry needs a matrix, got {matrix}")
        return super().__new__(cls, matrix, sp.sympify(i), sp.sympify(j))

    @property
    def matrix(self):
        return self.args[0]

    def _derive_ground(self, g):
        m = g.ground(self.matrix)
        loose = set().union(*(a.free_symbols for a in self.args[1:])) - set(g.size)
        if loose:
            raise Unsupported(f"the index {', '.join(map(str, sorted(loose, key=str)))} of {self.matrix} is "
                              "bound by no sum and no per-entry statement")
        i, j = (g.dim(a) for a in self.args[1:])
        if not (1 <= i <= m.rows and 1 <= j <= m.cols):
            raise ShapeMismatch(f"entry ({i}, {j}) of {self.matrix} lies outside its "
                                f"{m.rows}×{m.cols} shape at size {g.size}")
        return m[i - 1, j - 1]

    def _derive_latex(self, printer):
        name = getattr(self.matrix, "name", None)
        base = printer._deal_with_super_sub(name.lower()) if name else printer._bracket(self.matrix)
        # an entry of a column vector shows its one index: v_i
        indices = self.args[1:2] if self.matrix.shape[1] == 1 and self.args[2] == 1 else self.args[1:]
        return base + "_{" + ",\\,".join(_print_index(printer, a) for a in indices) + "}"


def indexer(matrix):
    """A function (i, j) -> entry (i, j) of ``matrix``, counted from 1."""
    return lambda i, j: Entry(matrix, i, j)


class _IndexOperation:
    """A finite sum or product over integer indices, grounded by combining its terms at a
    concrete size (``_combine``), printed with the bounds as written."""
    _command = r"\sum"

    def _derive_ground(self, g):
        ranges = []
        for var, lo, hi in self.limits:
            ranges.append((var, range(g.dim(lo), g.dim(hi) + 1)))
        terms = [g.scalar(self.function.xreplace({var: sp.Integer(v) for (var, _), v in zip(ranges, values)}))
                 for values in itertools.product(*(r for _, r in ranges))]
        return self._combine(terms)

    def _derive_latex(self, printer):
        limits, op = self.limits, self._command
        if all(lim[1:] == limits[0][1:] for lim in limits):
            names = ",".join(printer._print(lim[0]) for lim in limits)
            head = (op + "_{" + names + "=" + _print_index(printer, limits[0][1]) + "}^{"
                    + _print_index(printer, limits[0][2]) + "}")
        else:
            head = " ".join(op + "_{" + printer._print(v) + "=" + _print_index(printer, a) + "}^{"
                            + _print_index(printer, b) + "}" for v, a, b in limits)
        outer = getattr(printer, "_derive_bound", ())
        printer._derive_bound = tuple(outer) + tuple(lim[0] for lim in limits)
        try:
            body = self.function
            text = printer._bracket(body) if body.is_Add else printer._print(body)
        finally:
            printer._derive_bound = outer
        return head + " " + text


class IndexSum(_IndexOperation, sp.Sum):
    """A finite sum over integer indices, grounded by adding its terms at a concrete size."""

    @staticmethod
    def _combine(terms):
        return sp.Add(*terms)


class IndexProduct(_IndexOperation, sp.Product):
    """A finite product over integer indices, grounded by multiplying its terms at a concrete size."""
    _command = r"\prod"

    @staticmethod
    def _combine(terms):
        return sp.Mul(*terms)


def isum(body, *limits):
    """Σ over integer indices, each limit (index, first, last), bounds included."""
    return IndexSum(body, *limits)


def iprod(body, *limits):
    """Π over integer indices, each limit (index, first, last), bounds included."""
    return IndexProduct(body, *limits)


class Entries(MatrixExpr):
    """The matrix whose entry (h, l) is body(h, l): [body]_{h,l}, indices from 1."""

    def __new__(cls, body, rows_limit, cols_limit):
        rows_limit, cols_limit = sp.Tuple(*rows_limit), sp.Tuple(*cols_limit)
        for lim in (rows_limit, cols_limit):
            if len(lim) != 3 or lim[1] != 1:
                raise ShapeMismatch(f"a matrix of entries takes (index, 1, size), got {tuple(lim)}")
        body = sp.sympify(body)
        if getattr(body, "is_Matrix", False):
            raise ShapeMismatch("the entries of a matrix of entries must be scalars")
        return super().__new__(cls, body, rows_limit, cols_limit)

    @property
    def body(self):
        return self.args[0]

    @property
    def indices(self):
        return self.args[1][0], self.args[2][0]

    @property
    def shape(self):
        return self.args[1][2], self.args[2][2]

    @memo_ground
    def _derive_ground(self, g):
        rows, cols = g.dim(self.shape[0]), g.dim(self.shape[1])
        r, c = self.indices
        return sp.ImmutableMatrix(rows, cols, lambda a, b: g.scalar(
            self.body.xreplace({r: sp.Integer(a + 1), c: sp.Integer(b + 1)})))

    def _derive_latex(self, printer):
        r, c = self.indices
        if self.shape[0] == self.shape[1]:
            sub = printer._print(r) + "," + printer._print(c) + "=1}^{" + _print_index(printer, self.shape[0])
        else:
            sub = (printer._print(r) + "," + printer._print(c) + "}^{" + _print_index(printer, self.shape[0])
                   + r"\times " + _print_index(printer, self.shape[1]))
        return r"\left[ " + printer._print(self.body) + r" \right]_{" + sub + "}"

    def _derive_as_scalar(self):
        """The body when it does not depend on the indices (the same value in every entry)."""
        return None if self.body.free_symbols & set(self.indices) else self.body


def entries(body, rows_limit, cols_limit):
    """[body]_{h,l}: the matrix with entry (h, l) = body, limits (h, 1, rows), (l, 1, cols)."""
    return Entries(body, rows_limit, cols_limit)


def per_entry(rows_limit, cols_limit):
    """A wrapper marking a scalar formula in h, l as holding for every entry (h, l): the same
    claim as ``over((h, rows), (l, cols))`` (derive.calculus), written with sum-style limits
    (h, 1, rows), (l, 1, cols)."""
    ranges = []
    for lim in (rows_limit, cols_limit):
        lim = tuple(lim)
        if len(lim) != 3 or lim[1] != 1:
            raise ShapeMismatch(f"a per-entry statement takes (index, 1, size), got {lim}")
        ranges.append((lim[0], lim[2]))
    return over(*ranges)


class _Correlation(MatrixExpr):
    """Valid 2-D correlation of A (r×c) with a filter K (p×q): an (r−p+1)×(c−q+1) matrix."""

    flip = False
    symbol = r"\star"

    def __new__(cls, A, K):
        A, K = sp.sympify(A), sp.sympify(K)
        if not (getattr(A, "is_Matrix", False) and getattr(K, "is_Matrix", False)):
            raise ShapeMismatch(f"{cls.__name__} needs two matrices, got {A} and {K}")
        for a, b in zip(A.shape, K.shape):
            diff = sp.sympify(a - b)  # explicit matrices have int shapes
            if diff.is_negative:
                raise ShapeMismatch(f"the filter {K} ({K.shape[0]}×{K.shape[1]}) is larger than "
                                    f"{A} ({A.shape[0]}×{A.shape[1]})")
        return super().__new__(cls, A, K)

    @property
    def shape(self):
        A, K = self.args
        return A.shape[0] - K.shape[0] + 1, A.shape[1] - K.shape[1] + 1

    @memo_ground
    def _derive_ground(self, g):
        A, K = (g.ground(a) for a in self.args)
        p, q = K.shape
        rows, cols = A.rows - p + 1, A.cols - q + 1
        if rows < 1 or cols < 1:
            raise ShapeMismatch(f"filter {K.shape} larger than input {A.shape} at size {g.size}")
        if self.flip:
            K = sp.ImmutableMatrix(p, q, lambda a, b: K[p - 1 - a, q - 1 - b])
        return sp.ImmutableMatrix(rows, cols, lambda i, j: sum(
            A[i + a, j + b] * K[a, b] for a in range(p) for b in range(q)))

    def _derive_latex(self, printer):
        # always bracketed: sympy's MatMul printer would give the ambiguous  η X ⋆ dY
        return r"\left(" + self._bare_latex(printer) + r"\right)"

    def _bare_latex(self, printer):
        A, K = self.args
        return printer._print(A) + " " + self.symbol + " " + printer._print(K)


class CrossCorr(_Correlation):
    """X ⋆ K: (X ⋆ K)_{ij} = Σ_{h,l} x_{i+h−1, j+l−1} k_{h,l} (what deep learning calls convolution)."""


class Conv(_Correlation):
    """X ∗ K, true convolution: the filter flipped in both directions before sliding."""

    flip = True
    symbol = r"\ast"


class _SameCorrelation(_Correlation):
    """Stride-1 correlation of A (r×c) with K (p×q), padded so that the output is r×c, as
    PyTorch's padding="same": ⌊(p−1)/2⌋ rows of padding above and the rest below, likewise
    columns.  ``circular``: the padding wraps around (A on a torus); otherwise it is zeros."""

    circular = True

    @property
    def shape(self):
        return self.args[0].shape

    @memo_ground
    def _derive_ground(self, g):
        A, K = (g.ground(a) for a in self.args)
        p, q = K.shape
        r, c = A.shape
        if self.flip:
            K = sp.ImmutableMatrix(p, q, lambda a, b: K[p - 1 - a, q - 1 - b])
        top, left = (p - 1) // 2, (q - 1) // 2

        def at(i, j):
            if self.circular:
                return A[i % r, j % c]
            return A[i, j] if 0 <= i < r and 0 <= j < c else 0
        return sp.ImmutableMatrix(r, c, lambda i, j: sum(
            at(i + a - top, j + b - left) * K[a, b] for a in range(p) for b in range(q)))


class CircularCrossCorr(_SameCorrelation):
    """X ⋆_circ K: (X ⋆_circ K)_{ij} = Σ_{h,l} x_{[i+h−1−⌊(p−1)/2⌋], [j+l−1−⌊(q−1)/2⌋]} k_{h,l},
    indices from 1, reduced mod the size of X (circular padding, stride 1, output the size of X)."""

    symbol = r"\star_{\mathrm{circ}}"


class ZeroPadCrossCorr(_SameCorrelation):
    """X ⋆_zero K: the same windows as X ⋆_circ K, with zeros outside X instead of wrapping around."""

    circular = False
    symbol = r"\star_{\mathrm{zero}}"


class CircularConv(_SameCorrelation):
    """X ∗_circ K: circular true convolution (the filter flipped), output the size of X."""

    flip = True
    symbol = r"\ast_{\mathrm{circ}}"


class ZeroPadConv(_SameCorrelation):
    """X ∗_zero K: true convolution with zero padding to the size of X."""

    flip, circular = True, False
    symbol = r"\ast_{\mathrm{zero}}"


_PADDINGS = {"valid": (CrossCorr, Conv), "circular": (CircularCrossCorr, CircularConv),
             "zeros": (ZeroPadCrossCorr, ZeroPadConv)}


def _padded_class(padding, flip):
    if padding not in _PADDINGS:
        raise ShapeMismatch(f"padding is one of {', '.join(map(repr, _PADDINGS))}, not {padding!r}")
    return _PADDINGS[padding][flip]


def xcorr(A, K, padding="valid"):
    """Cross-correlation A ⋆ K, stride 1, no flip: ``padding="valid"`` (no padding, the default),
    ``"circular"`` (wrap around, output the size of A) or ``"zeros"`` (zero padding to the size of A)."""
    return _padded_class(padding, False)(A, K)


def conv(A, K, padding="valid"):
    """True convolution A ∗ K (filter flipped), stride 1; ``padding`` as for ``xcorr``."""
    return _padded_class(padding, True)(A, K)


# -- circular shifts and global averages -------------------------------------------------

def _shift_amount(g, a):
    v = sp.sympify(a).xreplace(g.size)
    if not v.is_Integer:
        raise Unsupported(f"the shift {a} is not a concrete integer at size {g.size}")
    return int(v)


class Roll(MatrixExpr):
    """roll_{a,b}(A): A shifted circularly by a rows down and b columns right (numpy's
    np.roll(A, (a, b), axis=(0, 1))): entry (i, j) is a_{[i−a], [j−b]}, indices reduced mod the size.
    The shifts are integers, symbolic (a dimension) or concrete, negative allowed."""

    def __new__(cls, A, a, b):
        A, a, b = sp.sympify(A), sp.sympify(a), sp.sympify(b)
        if not getattr(A, "is_Matrix", False):
            raise ShapeMismatch(f"roll(.) shifts a matrix, not {A}")
        for v in (a, b):
            if v.is_integer is False or getattr(v, "is_Matrix", False):
                raise ShapeMismatch(f"a shift is an integer, not {v}")
        return super().__new__(cls, A, a, b)

    @property
    def shape(self):
        return self.args[0].shape

    @memo_ground
    def _derive_ground(self, g):
        A = g.ground(self.args[0])
        a, b = (_shift_amount(g, v) for v in self.args[1:])
        r, c = A.shape
        return sp.ImmutableMatrix(r, c, lambda i, j: A[(i - a) % r, (j - b) % c])

    def _derive_latex(self, printer):
        A, a, b = self.args
        return (r"\operatorname{roll}_{" + _print_index(printer, a) + "," + _print_index(printer, b) + r"}\left("
                + inside_brackets(printer, A) + r"\right)")


def roll(A, a, b):
    """A shifted circularly by a rows and b columns (np.roll(A, (a, b), axis=(0, 1)))."""
    return Roll(A, a, b)


class GlobalAverage(sp.Expr):
    """GAP(M): the mean of the entries of M (global average pooling of one feature map)."""

    is_commutative = True
    is_real = True

    def __new__(cls, M):
        M = sp.sympify(M)
        if not getattr(M, "is_Matrix", False):
            raise ShapeMismatch(f"a global average needs a matrix, got {M}")
        return super().__new__(cls, M)

    def _derive_ground(self, g):
        m = g.ground(self.args[0])
        # the mean kept as (1/(rows·cols))·(sum): sympy would distribute the number over a sum
        # of thousands of symbolic terms at once, and again in every product with it
        total = sp.Add(*m)
        if total.is_number:
            return total / (m.rows * m.cols)
        return sp.Mul(sp.Rational(1, m.rows * m.cols), total, evaluate=False)

    def _derive_latex(self, printer):
        return r"\operatorname{GAP}\left(" + inside_brackets(printer, self.args[0]) + r"\right)"


def global_average(M):
    """GAP(M) = (1/(rows·cols)) Σ_{i,j} m_{i,j}, the mean of the entries of M."""
    return GlobalAverage(M)


for _name, _text in [
    ("circular-shift-commutes", "a circular correlation commutes with a circular shift of its input: "
                                "xcorr(roll X, K) = roll xcorr(X, K)"),
    ("entrywise-commutes-with-shift", "an entrywise function commutes with a shift: f(roll M) = roll f(M)"),
    ("mean-under-permutation", "the mean of the entries does not depend on their order: GAP(roll M) = GAP(M)"),
    ("shift-is-linear", "a circular shift of a sum is the sum of the shifted terms: "
                        "roll A + roll B = roll(A + B)"),
]:
    register_rule(_name, _text, ("=",))


# -- independent cross-checks (numpy; neither the chain nor the moment routine) ----------

def _forward(X, w):
    """y_ij = Σ_{h,l} x_{i+h−1, j+l−1} w_{h,l} for a batch of inputs X (N×n×n), one filter w (k×k)."""
    k = w.shape[0]
    m = X.shape[1] - k + 1
    return sum(w[h, l] * X[:, h:h + m, l:l + m] for h in range(k) for l in range(k))


def _gradient_by_differences(X, dY, k):
    """dw_{h,l} = L(E_hl) − L(0) for L(w) = Σ dY ∘ (X ⋆ w): exact because L is linear in w."""
    loss = lambda w: (dY * _forward(X, w)).sum(axis=(1, 2))  # noqa: E731
    at_zero = loss(np.zeros((k, k)))
    out = np.empty((X.shape[0], k, k))
    for h in range(k):
        for l in range(k):
            basis = np.zeros((k, k))
            basis[h, l] = 1.0
            out[:, h, l] = loss(basis) - at_zero
    return out


def _part_result(derivation, title):
    for q in derivation.parts:
        if q.title == title:
            return q.result
    raise ValueError(f"no part titled {title!r}")


def _law_variance(derivation, matrix):
    for d in derivation.of_kind("random"):
        if d.obj == matrix:
            return d.law.variance
    raise ValueError(f"{matrix} is not declared random")


def _grounded_claim(derivation, claim, size, values):
    """The stated result evaluated at one size: a matrix (or a scalar) of floats."""
    g = Grounder(derivation, size)
    value = g.ground(claim)
    if isinstance(value, sp.MatrixBase):
        return np.array(value.xreplace(values).evalf(), dtype=float)
    return float(sp.sympify(value).xreplace(values))


def filter_gradient_monte_carlo(derivation, X, dY, mean_part, variance_part, sizes,
                                samples=40_000, sigmas=5.0):
    """Sample X (uniform) and dY (random signs) with the declared variances, compute dw from
    the forward map alone, and compare the sample mean and variance of every entry with the
    stated results of the two parts.  Returns a cross-check function."""
    def run(seed=None):  # check passes its seed (None: the default)
        ctx = Context(derivation) if seed is None else Context(derivation, seed)
        rng = ctx.rng(11)
        sx2, sg2 = _law_variance(derivation, X), _law_variance(derivation, dY)
        values = {}
        for s in sorted(sx2.free_symbols | sg2.free_symbols, key=str):
            while values.get(s, 1) == 1:  # a parameter equal to 1 would hide a dropped factor
                values[s] = ctx.domain_of(s).sample(rng, True)
        sx, sg = (float(sp.sqrt(v.xreplace(values))) for v in (sx2, sg2))
        gen = np.random.default_rng(ctx.seed)
        worst = 0.0
        for size in sizes:
            n_, m_ = int(X.shape[0].xreplace(size)), int(dY.shape[0].xreplace(size))
            k_ = n_ - m_ + 1
            Xs = gen.uniform(-np.sqrt(3) * sx, np.sqrt(3) * sx, (samples, n_, n_))
            dYs = sg * gen.choice([-1.0, 1.0], (samples, m_, m_))
            dw = _gradient_by_differences(Xs, dYs, k_)
            mean, var = dw.mean(axis=0), dw.var(axis=0, ddof=1)
            se_mean = np.sqrt(var / samples)
            se_var = np.sqrt(np.maximum(((dw - mean) ** 4).mean(axis=0) - var ** 2, 0) / samples)
            claims = [(_grounded_claim(derivation, _part_result(derivation, mean_part), size, values), mean, se_mean,
                       "mean"),
                      (_grounded_claim(derivation, _part_result(derivation, variance_part), size, values), var, se_var,
                       "variance")]
            for claim, est, se, what in claims:
                dev = np.abs(est - claim) / se
                worst = max(worst, float(dev.max()))
                if dev.max() > sigmas:
                    h, l = np.unravel_index(dev.argmax(), dev.shape)
                    cx = Counterexample(dict(size), {str(s): str(v) for s, v in values.items()},
                                        f"{est[h, l]:.6g}", f"{np.broadcast_to(claim, est.shape)[h, l]:.6g}",
                                        f"Monte Carlo {what} of dw_{h + 1},{l + 1} ({samples} samples, s.e. "
                                        f"{se[h, l]:.2g}) vs the stated result")
                    return Verdict(-1, "cross-check", Label.FAILED, f"Monte Carlo {what}", counterexample=cx)
        laws = f"{formula(X)} uniform, {formula(dY)} random signs" + (f", {assignments_math(values)}" if values else "")
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"Monte Carlo at {sizes_math(sizes)}, {samples} samples each ({laws}); $dw$ from the forward "
                       f"map by exact differences; sample mean and variance of every entry within {sigmas:g} "
                       f"standard errors of the stated results (largest deviation {worst:.2f})",
                       seed=ctx.seed, points=samples)
    return run


def filter_gradient_differences(derivation, X, dY, part, sizes, tol=1e-9):
    """Compare the stated gradient of one part with differences of the forward map at random
    float matrices, at each size.  Returns a cross-check function."""
    def run(seed=None):  # check passes its seed (None: the default)
        ctx = Context(derivation) if seed is None else Context(derivation, seed)
        gen = np.random.default_rng(ctx.seed)
        worst = 0.0
        for size in sizes:
            n_, m_ = int(X.shape[0].xreplace(size)), int(dY.shape[0].xreplace(size))
            k_ = n_ - m_ + 1
            Xv, dYv = gen.normal(size=(1, n_, n_)), gen.normal(size=(1, m_, m_))
            expected = _gradient_by_differences(Xv, dYv, k_)[0]
            g = Grounder(derivation, size)
            g.random = {}
            claim = g.ground(_part_result(derivation, part))
            point = {s: v for mat, arr in ((X, Xv[0]), (dY, dYv[0])) for s, v in zip(g.matrix_of(mat), arr.flat)}
            stated = np.array(claim.xreplace(point).evalf(), dtype=float)
            same_shape = stated.shape == expected.shape
            err = float(np.abs(stated - expected).max() / max(1.0, np.abs(expected).max())) if same_shape else np.inf
            worst = max(worst, err)
            if err > tol:
                cx = Counterexample(dict(size), {"X": np.array2string(Xv[0], precision=3),
                                                 "dY": np.array2string(dYv[0], precision=3)},
                                    np.array2string(expected, precision=4), np.array2string(stated, precision=4),
                                    "differences of the forward map vs the stated gradient")
                return Verdict(-1, "cross-check", Label.FAILED, "forward-map differences", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"$dw$ from differences of $L(w) = \\sum_{{i,j}} {latex(dY)}_{{i,j}} \\, "
                       f"({latex(X)} \\star w)_{{i,j}}$ (numpy, exact up to rounding since $L$ is linear in $w$) at "
                       f"random normal {formula(X)}, {formula(dY)}; {sizes_math(sizes)}; largest relative error "
                       f"{worst:.1e} (tolerance {tol:g})", seed=ctx.seed, points=len(sizes))
    return run
