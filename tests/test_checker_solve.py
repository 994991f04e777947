"""The solve-for checker: a table of conditions, claimed solutions and the expected verdict."""
import pytest
import sympy as sp
from sympy import Eq, Ge, Le, Lt, OneMatrix, exp, log, sqrt

from conftest import verdict_of
from derive import Derivation
from derive import orthonormal_columns
from derive.norms import norm
from derive.verdicts import Label


def _setup():
    D = Derivation("solve_table", "t", "tests", "a solve step")
    m, n, r = D.dims("m n r")
    D.check_sizes({m: 2, n: 3, r: 1}, {m: 3, n: 2, r: 2})
    c, alpha = D.scalars("c alpha", "positive")
    z = D.scalars("z", "real")
    A = D.matrix("A", m, n)
    U, V = orthonormal_columns(D, "U", m, r), orthonormal_columns(D, "V", n, r)
    return D, dict(m=m, n=n, c=c, alpha=alpha, z=z, t=norm(A), U=U, V=V)


def _verdict(build):
    D, q = _setup()
    cond, claim = build(**q)
    D.definition(cond, lhs="")
    D.step(claim, "solve", "solve-for")
    D.result(claim)
    return verdict_of(D, 1)


VALID = {
    "power of n": (lambda c, n, **_: (Eq(c**2 * n, 1), Eq(c, 1 / sqrt(n))), Label.PROVED),
    "signsgd rate": (lambda alpha, m, n, **_: (Eq(alpha * sqrt(m * n), sqrt(m)), Eq(alpha, 1 / sqrt(n))), Label.PROVED),
    "linear, real unknown": (lambda z, **_: (Eq(2 * z + 1, 5), Eq(z, 2)), Label.PROVED),
    "norm bound": (lambda t, m, **_: (Le(t / sqrt(m), 1), Le(t, sqrt(m))), Label.PROVED),
    "greater-or-equal condition": (lambda c, **_: (Ge(2, c), Le(c, 2)), Label.PROVED),
    "strict condition": (lambda c, **_: (Lt(3 * c, 1), sp.StrictLessThan(c, sp.Rational(1, 3))), Label.PROVED),
    "decreasing condition": (lambda c, **_: (Le(1 / c, 2), Ge(c, sp.Rational(1, 2))), Label.PROVED),
    "orthonormal factor, at sizes": (lambda alpha, m, U, V, **_: (Eq(norm(alpha * U * V.T), sqrt(m)), Eq(alpha, sqrt(m))),
                                     Label.EXACT),
}

INVALID = {
    "wrong power of n": lambda c, n, **_: (Eq(c**2 * n, 1), Eq(c, 1 / n)),
    "negative root in a real domain": lambda z, **_: (Eq(z**2, 4), Eq(z, 2)),
    "every value solves": lambda c, **_: (Eq(c * (c + 1), c**2 + c), Eq(c, 1)),
    "bound not tight": lambda t, m, **_: (Le(t / sqrt(m), 1), Le(t, m)),
    "wrong direction": lambda t, m, **_: (Le(t / sqrt(m), 1), Ge(t, sqrt(m))),
    "a range for an equation": lambda c, n, **_: (Eq(c**2 * n, 1), Le(c, 1 / sqrt(n))),
    "strictness lost": lambda c, **_: (Lt(3 * c, 1), Le(c, sp.Rational(1, 3))),
    "orthonormal factor, wrong rate": lambda alpha, m, U, V, **_: (Eq(norm(alpha * U * V.T), sqrt(m)),
                                                                   Eq(alpha, 1 / sqrt(m))),
}

UNDECIDED = {
    "not polynomial in the unknown": lambda c, **_: (Eq(exp(c), 2), Eq(c, log(2))),
    "not monotone": lambda c, **_: (Le(c**2 - 2 * c, 0), Le(c, 2)),
    "claim not a relation": lambda c, n, **_: (Eq(c**2 * n, 1), 1 / sqrt(n)),
    "a pole inside a real domain": lambda z, **_: (Le(1 / z, 2), Ge(z, sp.Rational(1, 2))),
    "a coefficient that may vanish": lambda z, c, **_: (Eq(z * (c - 1), c - 1), Eq(z, 1)),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_solutions_verify(name):
    build, label = VALID[name]
    verdict = _verdict(build)
    assert verdict.label is label, (verdict.label, verdict.detail, verdict.counterexample)


@pytest.mark.parametrize("name", INVALID)
def test_wrong_solutions_fail_with_a_counterexample(name):
    verdict = _verdict(INVALID[name])
    assert verdict.label is Label.FAILED, (verdict.label, verdict.detail)
    assert verdict.counterexample is not None and verdict.counterexample.describe()


@pytest.mark.parametrize("name", UNDECIDED)
def test_unsupported_conditions_are_undecided(name):
    verdict = _verdict(UNDECIDED[name])
    assert verdict.label is Label.UNDECIDED
    assert not verdict.ok


def test_a_failed_back_substitution_names_a_point():
    verdict = _verdict(INVALID["bound not tight"])
    cx = verdict.counterexample
    assert cx.lhs != cx.rhs and "m" in cx.values


def test_a_condition_with_a_concrete_matrix_is_solved_at_sizes():
    verdict = _verdict(lambda t, m, n, **_: (Le(t / sqrt(m), norm(OneMatrix(m, n)) / sqrt(m * n)), Le(t, sqrt(m))))
    assert verdict.label is Label.EXACT


# -- a vector unknown: the condition is a linear system in its entries -------------------------
def _vector_verdict(condition, claim):
    D = Derivation("solve_vector", "t", "tests", "a vector solve step")
    n, d = D.dims("n d")
    lam = D.scalars("lambda", "positive")
    X, y, w = D.matrix("X", n, d), D.vector("y", n), D.vector("w", d)
    D.definition(condition(X, y, w, lam, d), lhs="")
    D.step(claim(X, y, w, lam, d), "solve", "solve-for")
    D.result(claim(X, y, w, lam, d))
    return verdict_of(D, 1)


def _normal_equations(X, y, w, lam, d):
    return Eq(2 * X.T * (X * w - y) + 2 * lam * w, sp.ZeroMatrix(d, 1))


def test_vector_unknown_solved_at_random_points():
    v = _vector_verdict(_normal_equations, lambda X, y, w, lam, d: Eq(w, (X.T * X + lam * sp.Identity(d)).inv() * X.T * y))
    assert v.label is Label.RANDOM and v.points > 0 and "linear system" in v.method


def test_vector_unknown_wrong_solution_has_a_counterexample():
    v = _vector_verdict(_normal_equations,
                        lambda X, y, w, lam, d: Eq(w, (X.T * X + 2 * lam * sp.Identity(d)).inv() * X.T * y))
    assert v.label is Label.FAILED and v.counterexample is not None


def test_vector_unknown_not_determined_by_the_condition():
    # X w = y with fewer equations than unknowns at some size: no unique solution
    v = _vector_verdict(lambda X, y, w, lam, d: Eq(X.T * X * w, X.T * y),
                        lambda X, y, w, lam, d: Eq(w, (X.T * X).inv() * X.T * y))
    assert v.label in (Label.FAILED, Label.UNDECIDED)
