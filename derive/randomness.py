"""Declared distributions and the engine's expectation: expand into a polynomial in the
random entries and replace each monomial by the product of its moments (independence).
The author never states a moment; the distribution object computes it."""
from dataclasses import dataclass

import sympy as sp

from .errors import Unsupported


@dataclass(frozen=True)
class Bernoulli:
    p: sp.Expr

    def moment(self, k):
        return sp.S.One if k == 0 else self.p

    def latex(self, printer):
        return rf"\operatorname{{Bernoulli}}\left({printer(self.p)}\right)"


@dataclass(frozen=True)
class Normal:
    mean: sp.Expr
    variance: sp.Expr

    def moment(self, k):
        # E[(m + s Z)^k] with Z standard normal: odd moments of Z vanish, even ones are (j-1)!!
        m, v = sp.sympify(self.mean), sp.sympify(self.variance)
        return sp.expand(sum(sp.binomial(k, j) * m ** (k - j) * v ** (j // 2) * sp.factorial2(j - 1)
                             for j in range(0, k + 1, 2)))

    def latex(self, printer):
        return rf"\mathcal{{N}}\left({printer(self.mean)}, {printer(self.variance)}\right)"


@dataclass(frozen=True)
class MultivariateNormal:
    """N(mean, cov) for a random column vector: ``cov`` a matrix declared with ``covariance``.
    The vector is grounded as mean + L z, L Lᵀ = cov, z independent standard normals."""
    mean: sp.Basic
    cov: sp.Basic

    def moment(self, k):
        raise Unsupported("a multivariate normal has no moments entry by entry; it is grounded as mean + L z")

    def latex(self, printer):
        return rf"\mathcal{{N}}\left({printer(self.mean)}, {printer(self.cov)}\right)"


@dataclass(frozen=True)
class ZeroMean:
    """Independent, zero mean, given variance; nothing else about the law is known."""
    variance: sp.Expr

    def moment(self, k):
        if k <= 2:
            return (sp.S.One, sp.S.Zero, sp.sympify(self.variance))[k]
        raise Unsupported(f"the {k}-th moment of a zero-mean variable with only its variance declared is unknown")

    def latex(self, printer):
        return rf"\text{{zero mean, variance }} {printer(self.variance)}"


@dataclass(frozen=True)
class Symmetric:
    """Independent, zero mean, symmetric about 0 (z and −z have one law), given variance."""
    variance: sp.Expr

    def moment(self, k):
        if k % 2:
            return sp.S.Zero  # symmetric: every odd moment that exists vanishes
        if k <= 2:
            return sp.S.One if k == 0 else sp.sympify(self.variance)
        raise Unsupported(f"the {k}-th moment of a symmetric variable with only its variance declared is unknown")

    def latex(self, printer):
        return rf"\text{{symmetric about 0, variance }} {printer(self.variance)}"


def _symmetric(law):
    return isinstance(law, Symmetric) or (isinstance(law, Normal) and sp.sympify(law.mean) == 0)


@dataclass(frozen=True)
class _Rectified:
    """The law of relu(z) = max(z, 0) for a symmetric z: E[relu(z)^k] = E[z^k]/2 for even k ≥ 2
    (relu(z)^k + relu(−z)^k = z^k, and z, −z have one law)."""
    law: object

    def moment(self, k):
        if k == 0:
            return sp.S.One
        if k % 2 == 0:
            return self.law.moment(k) / 2
        raise Unsupported(f"E[relu(z)^{k}] needs more of the law of z than its symmetry and moments")


def _rectify(expr, laws):
    """relu(z) = Max(z, 0) of a symmetric random z becomes a random variable of its own."""
    if not any(_symmetric(law) for law in set(laws.values())) or not expr.has(sp.Max):
        return expr, laws  # the common case: nothing to rectify, no second walk of the tree
    found = {m for m in expr.atoms(sp.Max) if len(m.args) == 2 and 0 in m.args}
    if not found:
        return expr, laws
    laws, subs = dict(laws), {}
    for m in found:
        z = next(a for a in m.args if a != 0)
        if z in laws and _symmetric(laws[z]):
            r = sp.Dummy(f"relu_{z}")
            subs[m], laws[r] = r, _Rectified(laws[z])
    expr = expr.xreplace(subs)
    for m, r in subs.items():
        z = next(a for a in m.args if a != 0)
        if z in expr.free_symbols:
            raise Unsupported(f"an expectation with both {z} and relu({z}): they are not independent")
    return expr, laws


def expect(expr, laws):
    """E[expr] where ``laws`` maps each random scalar symbol to its distribution.

    All symbols in ``laws`` are mutually independent and independent of everything else.
    relu(z) of a symmetric z has the moments of its own law (``_Rectified``).
    """
    expr, laws = _rectify(expr, laws)
    free = expr.free_symbols
    rvars = [s for s in laws if s in free]
    if not rvars:
        return expr
    rset = {s: k for k, s in enumerate(sorted(rvars, key=lambda s: s.sort_key()))}  # symbol -> its place in a monomial
    total = []
    for monom, coeff in _terms(expr, rset).items():
        factor, unknown = sp.S.One, None
        for var, k in monom:
            try:
                factor *= laws[var].moment(k)
            except Unsupported as exc:
                if k > 2:
                    raise
                unknown = exc  # unknown, yet finite for k <= 2 (the variance is): a factor 0 still decides
        if factor == 0:
            continue
        if unknown is not None:
            raise unknown
        total.append(coeff * factor)
    return sp.Add(*total)


def _terms(e, rset):
    """e as a sparse polynomial in the random symbols: {((var, power), ...): coefficient}.
    ``rset`` maps each random symbol to its place in a monomial's key.
    Read off the tree (sums merge, products convolve), so nothing is expanded twice."""
    if rset.keys().isdisjoint(e.free_symbols):
        return {(): e}
    if e in rset:
        return {((e, 1),): sp.S.One}
    if isinstance(e, sp.Add):
        out = {}
        for a in e.args:
            _merge(out, _terms(a, rset))
        return {m: c for m, c in out.items() if c != 0}
    if isinstance(e, sp.Mul):
        out = {(): sp.S.One}
        for a in e.args:
            out = _product(out, _terms(a, rset), rset)
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        base, out = _terms(e.base, rset), {(): sp.S.One}
        for _ in range(int(e.exp)):
            out = _product(out, base, rset)
        return out
    check_polynomial(e, [v for v in rset if v in e.free_symbols])
    raise Unsupported("expectation of a function that is not a polynomial in the random entries")


def _merge(out, terms):
    for m, c in terms.items():
        out[m] = out[m] + c if m in out else c


def _product(a, b, order):
    out = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            if not ma or not mb:
                m = ma or mb
            else:
                powers = dict(ma)
                for v, k in mb:
                    powers[v] = powers.get(v, 0) + k
                m = tuple(sorted(powers.items(), key=lambda vk: order[vk[0]]))
            c = ca * cb
            out[m] = out[m] + c if m in out else c
    return {m: c for m, c in out.items() if c != 0}


def check_polynomial(expr, rvars):
    """Raise Unsupported unless expr is a polynomial in rvars."""
    for var in rvars:
        if not expr.is_polynomial(var):
            raise Unsupported(f"expectation of a non-polynomial function of {var}")
