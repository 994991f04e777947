"""A random vector x ~ N(m, Σ) with a declared covariance Σ (issue 8, item 5): grounded as
m + L z with L Lᵀ = Σ, so expectations, counterexamples and Monte Carlo all follow the law."""
import sympy as sp

from conftest import verdict_of
from derive import E, Derivation, MultivariateNormal, covariance, monte_carlo
from derive.checking import run_crosscheck
from derive.verdicts import Label


def _quadratic_form(result, cov=None):
    D = Derivation("mvn", "t", "tests", "E of a quadratic form of a Gaussian vector")
    n = D.dims("n")
    A, m = D.matrix("A", n, n), D.vector("m", n)
    S = covariance(D, "Sigma", n) if cov is None else cov(D, n)
    x = D.random("x", n, 1, MultivariateNormal(m, S))
    D.definition(E(x, x.T * A * x))
    D.eq(result(A, m, S), "linearity-of-expectation")
    D.result(result(A, m, S))
    return D


def _true(A, m, S):
    return sp.Trace(A * S) + (m.T * A * m)[0, 0]


def test_expected_quadratic_form_is_trace_plus_mean_term():
    assert verdict_of(_quadratic_form(_true), 1).label is Label.EXACT


def test_a_wrong_coefficient_has_a_counterexample_showing_sigma():
    v = verdict_of(_quadratic_form(lambda A, m, S: sp.Trace(A * S) + 2 * (m.T * A * m)[0, 0]), 1)
    assert v.label is Label.FAILED
    assert "Sigma" in v.counterexample.values  # Σ = L Lᵀ shown as a matrix


def test_the_covariance_is_not_a_general_matrix():
    # tr(A Σ) with Σ replaced by Σᵀ: equal only because Σ is symmetric, which the grounding respects
    assert verdict_of(_quadratic_form(lambda A, m, S: sp.Trace(A * S.T) + (m.T * A * m)[0, 0]), 1).ok


def test_monte_carlo_follows_the_law():
    good = _quadratic_form(_true)
    bad = _quadratic_form(lambda A, m, S: sp.Trace(A * S) + 2 * (m.T * A * m)[0, 0])
    assert run_crosscheck("mc", monte_carlo(good), 1).label is Label.NUMERIC
    assert run_crosscheck("mc", monte_carlo(bad), 1).label is Label.FAILED


def test_covariance_must_be_declared_as_one():
    v = verdict_of(_quadratic_form(_true, cov=lambda D, n: D.matrix("Sigma", n, n)), 1)
    assert v.label is Label.UNDECIDED and "covariance(" in v.detail
