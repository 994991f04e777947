"""A normal form of matrix polynomials, for proofs at general size (VERIFICATION.md §3a).

An expression becomes a sum of terms  coefficient × (scalar words) × word,  where a word is a
product of letters (declared matrices, possibly transposed, and opaque nodes such as E[·] or
A ∘ B).  The rewrites are identities at every size: distributivity, (AB)ᵀ = BᵀAᵀ, Aᵀᵀ = A,
I·A = A, a 1×1 product is a scalar (it commutes, and equals its transpose), tr is linear and
cyclic, tr(Wᵀ) = tr(W), tr(I_k) = k, (A⁻¹)ᵀ = (Aᵀ)⁻¹.  Coefficients are commutative sympy
expressions in the scalars and dimensions.  Two expressions whose normal forms agree are
equal at every size; a disagreement proves nothing (the caller then grounds).
"""
import sympy as sp

from .errors import ShapeMismatch

from .mathobjects import Diag, DiagPow, SqNorm

_SYMMETRIC = (Diag, DiagPow, sp.Identity)


def _is_matrix(e):
    return getattr(e, "is_Matrix", False)


class Letter:
    """A factor of a word: a node with its shape, transposed or not."""

    __slots__ = ("node", "transposed", "shape", "key")

    def __init__(self, node, transposed, shape):
        self.node, self.shape = node, shape
        self.transposed = transposed and not isinstance(node, _SYMMETRIC)
        self.key = (sp.srepr(node), self.transposed)

    def T(self):
        if isinstance(self.node, sp.Inverse):  # (A⁻¹)ᵀ = (Aᵀ)⁻¹, with Aᵀ in normal form
            inner = _as_expr(_nf(self.node.arg.T), (self.shape[1], self.shape[0]))
            return Letter(sp.Inverse(inner), False, (self.shape[1], self.shape[0]))
        return Letter(self.node, not self.transposed, (self.shape[1], self.shape[0]))


def _word_T(word):
    return tuple(a.T() for a in reversed(word))


def _word_key(word):
    return tuple(a.key for a in word)


def _scalar_key(word):
    """A 1×1 word equals its transpose: the smaller of the two keys stands for both."""
    return ("w",) + min(_word_key(word), _word_key(_word_T(word)))


def _trace_key(word):
    """tr is cyclic and transpose-invariant: the smallest rotation of W or Wᵀ."""
    keys = []
    for w in (word, _word_T(word)):
        k = _word_key(w)
        keys.extend(k[i:] + k[:i] for i in range(len(k)))
    return ("tr",) + min(keys)


def _split(word):
    """Pull every 1×1 sub-product out of a word: (scalar keys, the word left)."""
    scalars, rest = [], list(word)
    i = 0
    while i < len(rest):
        if rest[i].shape[0] == 1:
            j = next((j for j in range(i, len(rest)) if rest[j].shape[1] == 1), None)
            if j is not None:
                scalars.append(_scalar_key(rest[i:j + 1]))
                del rest[i:j + 1]
                i = 0
                continue
        i += 1
    return scalars, tuple(rest)


# A form: {(sorted scalar keys, word key): (coefficient, word)}; the empty word is I (or 1).
def _term(coeff, word, scalars=()):
    extra, rest = _split(word)
    return {(tuple(sorted(tuple(scalars) + tuple(extra))), _word_key(rest)): (coeff, rest)}


def _merge(out, form):
    for k, (c, w) in form.items():
        out[k] = ((out[k][0] if k in out else sp.S.Zero) + c, w)
    return out


def _add(forms):
    out = {}
    for f in forms:
        _merge(out, f)
    return out


def _mul(left, right):
    out = {}
    for (ks1, _), (c1, w1) in left.items():
        for (ks2, _), (c2, w2) in right.items():
            _merge(out, _term(c1 * c2, w1 + w2, ks1 + ks2))
    return out


ONE = {((), ()): (sp.S.One, ())}


def _nf(e):
    """The form of e: matrix expressions by their rewrites, scalars as coefficients."""
    if _is_matrix(e):
        return _nf_matrix(e)
    if isinstance(e, sp.Trace):
        out = {}
        for (ks, _), (c, w) in _nf(e.arg).items():
            if w:
                _merge(out, {(tuple(sorted(ks + (_trace_key(w),))), ()): (c, ())})
            else:
                _merge(out, {(ks, ()): (c * e.arg.shape[0], ())})  # tr(I_k) = k
        return out
    if _plain(e):
        return {((), ()): (e, ())}
    if isinstance(e, sp.Add):
        return _add([_nf(a) for a in e.args])
    if isinstance(e, sp.Mul):
        out = ONE
        for a in e.args:
            out = _mul(out, _nf(a))
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        out, base = ONE, _nf(e.base)
        for _ in range(int(e.exp)):
            out = _mul(out, base)
        return out
    return {((), ()): (e, ())}  # an opaque scalar: a coefficient equal only to itself


def _plain(e):
    """A commutative scalar with nothing matrix-valued inside."""
    return not any(_is_matrix(a) or isinstance(a, sp.Trace) for a in sp.preorder_traversal(e))


def _letter(e, transposed=False):
    shape = (e.shape[1], e.shape[0]) if transposed else tuple(e.shape)
    return _term(sp.S.One, (Letter(e, transposed, shape),))


def _nf_matrix(e):
    if isinstance(e, sp.MatrixSymbol):
        return _letter(e)
    if isinstance(e, sp.Identity):
        return ONE
    if isinstance(e, sp.ZeroMatrix):
        return {}
    if isinstance(e, SqNorm):
        return _nf(e.arg.T * e.arg)
    if isinstance(e, sp.Transpose):
        out = {}
        for (ks, _), (c, w) in _nf(e.arg).items():
            _merge(out, _term(c, _word_T(w), ks))
        return out
    if isinstance(e, sp.MatAdd):
        return _add([_nf(a) for a in e.args])
    if isinstance(e, sp.MatMul):
        out = ONE
        for a in e.args:
            out = _mul(out, _nf(a))
        return out
    if isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp >= 0:
        out, base = ONE, _nf(e.base)
        for _ in range(int(e.exp)):
            out = _mul(out, base)
        return out
    if isinstance(e, sp.Inverse):
        return _letter(sp.Inverse(_as_expr(_nf(e.arg), e.arg.shape)))
    return _letter(e)  # opaque: equal only to itself


def _as_expr(form, shape):
    """A canonical sympy expression for a form (the key of an inverted matrix)."""
    parts = []
    for (ks, _), (c, w) in sorted(form.items(), key=lambda kv: str(kv[0])):
        c = sp.expand(c)
        if c == 0:
            continue
        if ks:
            c = c * sp.Symbol("scalar words " + str(ks))
        mats = [a.node.T if a.transposed else a.node for a in w] or [sp.Identity(shape[0])]
        parts.append(sp.MatMul(c, *mats))
    return sp.MatAdd(*parts) if parts else sp.ZeroMatrix(*shape)


def _zero(c):
    c = sp.expand(c)
    if c == 0:
        return True
    try:
        return sp.cancel(sp.together(c)) == 0
    except (TypeError, ShapeMismatch):  # sympy rebuilds det(2A) or ||2u|| from a factored argument
        return False  # the object then rejects (2*u as a commutative product): not shown, never a crash


def equal_at_general_size(left, right):
    """True when the normal forms of left and right agree (an identity at every size)."""
    try:
        lf, rf = _nf(left), _nf(right)
    except (TypeError, ValueError, AttributeError, RecursionError):
        return False
    for k in set(lf) | set(rf):
        a = lf[k][0] if k in lf else sp.S.Zero
        b = rf[k][0] if k in rf else sp.S.Zero
        if not _zero(a - b):
            return False
    return True
