"""Constrained matrices: symbols whose every concrete instance satisfies a declared property.

At a size each is grounded on its constraint surface (a parametrisation), so exact checks,
random points and counterexamples all respect the constraint: no entry is zero, RMS norm 1,
orthonormal columns (a Cayley transform), entries summing to one (the last entry is one minus
the others).  ``witness_violation`` says why a proposed value may not stand for the symbol.
"""
import functools

import sympy as sp

from .derivation import Declared
from .errors import ProblemError, Unsupported


def _zero(expr):
    return sp.cancel(sp.together(sp.expand(expr))) == 0


class Constrained(sp.MatrixSymbol):
    """A matrix symbol whose every concrete instance satisfies a declared constraint."""
    constraint_text = ""

    def witness_violation(self, value, grounder):
        """Why ``value`` (a grounded matrix) may not stand for this symbol, or None."""
        raise NotImplementedError


def _entry_symbol(name, i, j, rows, cols, **assumptions):
    index = f"{i + 1}" if cols == 1 else f"{j + 1}" if rows == 1 else f"{i + 1}{j + 1}"
    return sp.Symbol(f"{name}_{index}", real=True, **assumptions)


class NonzeroEntries(Constrained):
    """A matrix none of whose entries is zero (so its sign has ±1 entries)."""
    constraint_text = "no entry is zero"

    def _derive_ground(self, grounder):
        if self not in grounder.entries:
            rows, cols = grounder.dim(self.rows), grounder.dim(self.cols)
            grounder.entries[self] = sp.ImmutableMatrix(
                rows, cols, lambda i, j: _entry_symbol(self.name, i, j, rows, cols, nonzero=True))
        return grounder.entries[self]

    def witness_violation(self, value, grounder):
        if any(e.is_zero is not False for e in value):
            return f"{self.name} must have no zero entry"
        return None


def _stereographic(params):
    s = sum((p ** 2 for p in params), sp.S.Zero)
    return [2 * p / (s + 1) for p in params] + [(s - 1) / (s + 1)]


class UnitRMS(Constrained):
    """A vector with ||x||_RMS = 1, grounded as √n times a rational point of the unit sphere."""
    constraint_text = "RMS norm 1"

    def _derive_ground(self, grounder):
        n = grounder.dim(self.rows)
        params = [sp.Symbol(f"{self.name}~{k + 1}", real=True) for k in range(n - 1)]
        unit = _stereographic(params) if params else [sp.S.One]
        return sp.ImmutableMatrix([[sp.sqrt(n) * u] for u in unit])

    def witness_violation(self, value, grounder):
        n = grounder.dim(self.rows)
        if not _zero(sp.cancel(sum((e ** 2 for e in value), sp.S.Zero)) - n):
            return f"{self.name} must have RMS norm 1"
        return None


@functools.lru_cache(maxsize=None)
def _cayley(name, n):
    """(I - S)(I + S)⁻¹ for a skew-symmetric S of symbols: an orthogonal matrix of rational functions."""
    skew = sp.zeros(n, n)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            k += 1
            a = sp.Symbol(f"{name}~{k}", real=True)
            skew[i, j], skew[j, i] = a, -a
    eye = sp.eye(n)
    numerator = ((eye - skew) * (eye + skew).adjugate()).applyfunc(sp.expand)
    return sp.ImmutableMatrix(numerator / sp.expand((eye + skew).det()))


class OrthonormalColumns(Constrained):
    """A matrix with orthonormal columns (QᵀQ = I), grounded by a Cayley transform."""
    constraint_text = "orthonormal columns"

    def _derive_ground(self, grounder):
        n, r = grounder.dim(self.rows), grounder.dim(self.cols)
        if r > n:
            raise Unsupported(f"{r} orthonormal columns do not fit in dimension {n}")
        rng = getattr(grounder, "numeric_rng", None)
        if rng is not None:  # exact random orthonormal columns: the Cayley transform of a rational skew matrix
            S = sp.zeros(n, n)
            for a in range(n):
                for b in range(a + 1, n):
                    S[a, b] = sp.Rational(rng.randint(-9, 9), rng.randint(1, 9))
                    S[b, a] = -S[a, b]
            eye = sp.eye(n)
            return sp.ImmutableMatrix(((eye - S) * (eye + S).inv())[:, :r])
        return _cayley(self.name, n)[:, :r]

    def witness_violation(self, value, grounder):
        r = grounder.dim(self.cols)
        if not all(_zero(e) for e in (value.T * value - sp.eye(r))):
            return f"{self.name} must have orthonormal columns"
        return None


class Covariance(Constrained):
    """A covariance matrix: symmetric positive semi-definite, grounded as L Lᵀ with L lower
    triangular (every such matrix is one; ``cholesky`` gives the grounded L)."""
    constraint_text = "a covariance: symmetric, positive semi-definite"

    def cholesky(self, grounder):
        store = grounder.__dict__.setdefault("cholesky", {})
        if self not in store:
            n = grounder.dim(self.rows)
            rng = getattr(grounder, "numeric_rng", None)
            if rng is not None:
                entry = lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 9)) if i >= j else sp.S.Zero  # noqa: E731
            else:
                entry = lambda i, j: sp.Symbol(f"{self.name}~{i + 1}{j + 1}", real=True) if i >= j else sp.S.Zero  # noqa: E731
            store[self] = sp.ImmutableMatrix(n, n, entry)
        return store[self]

    def _derive_ground(self, grounder):
        if self not in grounder.entries:  # kept with the entries, so counterexamples show it
            L = self.cholesky(grounder)
            grounder.entries[self] = sp.ImmutableMatrix(L * L.T)
        return grounder.entries[self]

    def witness_violation(self, value, grounder):
        if not all(_zero(e) for e in (value - value.T)):
            return f"{self.name} must be symmetric"
        if sp.Matrix(value).is_positive_semidefinite is False:
            return f"{self.name} must be positive semi-definite"
        return None


def covariance(derivation, name, n, meaning=""):
    """Declare an n×n covariance matrix (symmetric positive semi-definite), e.g. Σ of N(m, Σ)."""
    if not isinstance(name, str):
        raise ProblemError("a covariance matrix is declared by its name")
    if n is None:
        raise ProblemError("a covariance matrix needs its size")
    return _declare(derivation, Covariance(name, n, n), meaning)


def _declare(derivation, obj, meaning):
    text = f"{meaning} ({obj.constraint_text})" if meaning else obj.constraint_text
    derivation.declared.append(Declared(obj, "matrix", meaning=text))
    return obj


def unit_rms_vector(derivation, name, rows, meaning=""):
    """Declare a vector known only to have RMS norm 1."""
    return _declare(derivation, UnitRMS(name, rows, 1), meaning)


def nonzero_matrix(derivation, name, rows, cols=1, meaning=""):
    """Declare a matrix (default: column vector) with no zero entry."""
    return _declare(derivation, NonzeroEntries(name, rows, cols), meaning)


def nonzero_vector(derivation, name, rows, meaning=""):
    """Declare a column vector with no zero entry."""
    return nonzero_matrix(derivation, name, rows, 1, meaning)


def orthonormal_columns(derivation, name, rows, cols, meaning=""):
    """Declare a matrix with orthonormal columns."""
    return _declare(derivation, OrthonormalColumns(name, rows, cols), meaning)


class SumsToOne(Constrained):
    """A vector whose entries add up to one (a label distribution, softmax targets)."""
    constraint_text = "entries sum to one"

    def _derive_ground(self, grounder):
        if self not in grounder.entries:
            n = grounder.dim(self.rows)
            free = [_entry_symbol(self.name, i, 0, n, 1) for i in range(n - 1)]
            grounder.entries[self] = sp.ImmutableMatrix([[e] for e in free + [1 - sum(free, sp.S.Zero)]])
        return grounder.entries[self]

    def witness_violation(self, value, grounder):
        if not _zero(sum(value, sp.S.Zero) - 1):
            return f"the entries of {self.name} must sum to one"
        return None


def sums_to_one(derivation, name, rows, meaning=""):
    """Declare a column vector whose entries sum to one (Σ_i y_i = 1)."""
    if not isinstance(name, str):
        raise ProblemError("a vector is declared by its name")
    return _declare(derivation, SumsToOne(name, rows, 1), meaning)
