"""The lemma catalogue: named facts about norms that a step may cite.

A bound lemma (relation "<=") says which sub-expression it bounds and by what; the bound
checker applies it to the previous step and compares the outcome with the new step, so a
citation is never trusted.  An equality lemma (relation "=") only names the fact for the
reader: the equality checker checks such a step on its own.  Every lemma carries a
floating-point sampler of one random instance, so the catalogue itself is tested
(tests/test_checker_bound.py).
"""
from collections.abc import Callable
from dataclasses import dataclass

from .lazy import numpy as np
import sympy as sp

from .norms import FrobeniusNorm, Norm
from .rules import register_rule


@dataclass(frozen=True)
class Lemma:
    name: str
    text: str
    relation: str  # "<=": the lemma bounds from above; "=": an identity
    bounds: Callable | None  # node -> upper bounds of that node this lemma licenses
    sample: Callable  # numpy Generator -> (lhs, rhs) of one random instance


LEMMAS = {}


def lemma(name, text, relation, sample, bounds=None):
    LEMMAS[name] = Lemma(name, text, relation, bounds, sample)
    register_rule(name, text, (relation,))
    return LEMMAS[name]


# -- how bound lemmas rewrite ------------------------------------------------------------
def _product(mats):
    return mats[0] if len(mats) == 1 else sp.MatMul(*mats)


def _factors(node):
    """(|c|, [matrices]) of ||c M1 ... Mk||, or None when node is not such a norm."""
    if not isinstance(node, Norm) or not isinstance(node.arg, sp.MatMul):
        return None
    coeff, mats = node.arg.as_coeff_matrices()
    return sp.Abs(coeff), list(mats)


def _submultiplicative(node):
    found = _factors(node)
    if not found or len(found[1]) < 2:
        return []
    scale, mats = found
    return [scale * Norm(_product(mats[:k])) * Norm(_product(mats[k:])) for k in range(1, len(mats))]


def _triangle(node):
    if isinstance(node, Norm) and isinstance(node.arg, sp.MatAdd):
        return [sp.Add(*[Norm(a) for a in node.arg.args])]
    return []


def _cauchy_schwarz(node):
    found = _factors(node)
    if not found or len(found[1]) != 2:
        return []
    scale, (u, v) = found
    if isinstance(u, sp.Transpose) and u.arg.shape[1] == 1 and v.shape[1] == 1:
        return [scale * Norm(u.arg) * Norm(v)]
    return []


def _spectral_frobenius(node):
    return [FrobeniusNorm(node.arg)] if isinstance(node, Norm) else []


# -- floating-point samplers ------------------------------------------------------------
def _two(A):
    return float(np.linalg.norm(np.atleast_2d(A), 2))


def _shape(rng):
    return tuple(int(k) for k in rng.integers(1, 6, size=3))


def _sample_submult(rng):
    m, n, k = _shape(rng)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((n, k))
    return _two(A @ B), _two(A) * _two(B)


def _sample_triangle(rng):
    m, n, _ = _shape(rng)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    return _two(A + B), _two(A) + _two(B)


def _sample_cs(rng):
    n = _shape(rng)[0]
    u, v = rng.standard_normal(n), rng.standard_normal(n)
    return abs(float(u @ v)), float(np.linalg.norm(u) * np.linalg.norm(v))


def _sample_fro(rng):
    m, n, _ = _shape(rng)
    A = rng.standard_normal((m, n))
    return _two(A), float(np.linalg.norm(A))


def _sample_rank_one(rng):
    m, n, _ = _shape(rng)
    u, v = rng.standard_normal(m), rng.standard_normal(n)
    return _two(np.outer(u, v)), float(np.linalg.norm(u) * np.linalg.norm(v))


def _sample_homogeneity(rng):
    m, n, _ = _shape(rng)
    A, c = rng.standard_normal((m, n)), float(rng.standard_normal())
    return _two(c * A), abs(c) * _two(A)


def _sample_transpose(rng):
    m, n, _ = _shape(rng)
    A = rng.standard_normal((m, n))
    return _two(A.T), _two(A)


def _sample_rms(rng):
    n = _shape(rng)[0]
    v = rng.standard_normal(n)
    return float(np.sqrt(np.mean(v ** 2))), float(np.linalg.norm(v) / np.sqrt(n))


def _sample_sign_product(rng):
    m, n, _ = _shape(rng)
    u, v = rng.standard_normal(m), rng.standard_normal(n)
    return np.abs(np.sign(np.outer(u, v)) - np.outer(np.sign(u), np.sign(v))).max(), 0.0


def _sample_sign_vector(rng):
    n = _shape(rng)[0]
    return float(np.linalg.norm(np.sign(rng.standard_normal(n)))), float(np.sqrt(n))


def _sample_polar(rng):
    m, n, r = _shape(rng)
    r = min(r, m, n)
    G = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    return _two(U[:, :r] @ Vt[:r]), 1.0


def _sample_gradient(rng):
    m, n, _ = _shape(rng)
    A, g, x, h = rng.standard_normal((m, n)), rng.standard_normal(m), rng.standard_normal(n), 1e-6
    numeric = np.array([(g @ A @ (x + h * e) - g @ A @ (x - h * e)) / (2 * h) for e in np.eye(n)])
    return float(np.abs(numeric - A.T @ g).max()), 0.0


for _name, _text, _rel, _sample, _bounds in [
    ("submultiplicativity", r"the operator norm is submultiplicative: $\|AB\|_2 \le \|A\|_2 \|B\|_2$ "
     r"(with $B = x$ a vector: $\|Ax\|_2 \le \|A\|_2 \|x\|_2$)", "<=", _sample_submult, _submultiplicative),
    ("triangle-inequality", r"$\|A + B\|_2 \le \|A\|_2 + \|B\|_2$", "<=", _sample_triangle, _triangle),
    ("cauchy-schwarz", r"$|u^\top v| \le \|u\|_2 \|v\|_2$", "<=", _sample_cs, _cauchy_schwarz),
    ("spectral-le-frobenius", r"$\|A\|_2 \le \|A\|_F$: the largest singular value is at most the root of "
     r"the sum of all squared singular values", "<=", _sample_fro, _spectral_frobenius),
    ("norm-of-rank-one", r"$\|u v^\top\|_2 = \|u\|_2 \|v\|_2$: a rank-one matrix has one non-zero "
     r"singular value", "=", _sample_rank_one, None),
    ("norm-homogeneity", r"$\|cA\|_2 = |c|\,\|A\|_2$", "=", _sample_homogeneity, None),
    ("norm-of-transpose", r"$\|A^\top\|_2 = \|A\|_2$: $A$ and $A^\top$ have the same singular values",
     "=", _sample_transpose, None),
    ("rms-norm", r"$\|v\|_{\mathrm{RMS}} = \|v\|_2 / \sqrt{n}$ for $v \in \mathbb{R}^n$", "=", _sample_rms, None),
    ("sign-of-product", r"$\operatorname{sign}(ab) = \operatorname{sign}(a)\operatorname{sign}(b)$, so "
     r"$\operatorname{sign}(u v^\top) = \operatorname{sign}(u)\operatorname{sign}(v)^\top$", "=",
     _sample_sign_product, None),
    ("norm-of-sign-vector", r"a vector of $n$ entries $\pm 1$ has $\|s\|_2 = \sqrt{n}$", "=",
     _sample_sign_vector, None),
    ("orthonormal-polar-factor", r"$\|U V^\top\|_2 = 1$ when $U$, $V$ have orthonormal columns: "
     r"$(UV^\top)^\top UV^\top = VV^\top$ is an orthogonal projection", "=", _sample_polar, None),
    ("gradient-of-linear-map", r"$\nabla_x (g^\top A x) = A^\top g$ and $\nabla_A (g^\top A x) = g x^\top$",
     "=", _sample_gradient, None),
]:
    lemma(_name, _text, _rel, _sample, _bounds)


ANY_LEMMA = "bound-by-a-lemma"
register_rule(ANY_LEMMA, "a bound that one lemma of the catalogue gives; the engine finds which", ("<=",))


def bounds_of(name):
    """The bound lemma called ``name``, or None."""
    found = LEMMAS.get(name)
    return found if found is not None and found.relation == "<=" else None


def bound_lemmas():
    """Every bound lemma of the catalogue, in the order they were declared."""
    return [x for x in LEMMAS.values() if x.relation == "<="]


for _name, _text in [
    ("zero-mean-variance", r"$\operatorname{Var}[z] = \mathbb{E}[z^2]$ when $\mathbb{E}[z] = 0$"),
    ("independent-zero-mean-sum", r"$\mathbb{E}[(\sum_j a_j b_j)^2] = \sum_j \mathbb{E}[a_j^2]\,\mathbb{E}[b_j^2]$ "
     r"when all $a_j, b_j$ are independent and the $a_j$ have mean zero: the cross terms vanish"),
]:
    register_rule(_name, _text)
