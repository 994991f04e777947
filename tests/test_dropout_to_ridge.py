"""dropout_to_ridge: wrong variants (the mistakes people make) are rejected with a counterexample."""
import dataclasses

import numpy as np
import pytest
from conftest import load, verdict_of
from sympy import MatAdd, sqrt

from derive import ShapeMismatch, sqnorm
from derive.changes import minimisers_correspond
from derive.checking import check
from derive.claims import claim_numerically, column, for_every
from derive.verdicts import Label

SUBST_B, SCALE_B, SUBST_C, NAME_C, SPEC_D, CLAIM_D = 1, 2, 4, 5, 7, 8


@pytest.fixture(scope="module")
def ridge():
    d = load("dropout_to_ridge")
    return d, d.symbol_table()


def with_substitution(d, index, replace):
    """A copy whose substitution step states ``replace`` instead (same expression)."""
    other = d.with_step(index, d.steps[index].expr)
    other.steps[index] = dataclasses.replace(other.steps[index], options={**d.steps[index].options, "replace": replace})
    return other


def rejected(d, index, expr):
    """Step ``index`` replaced by ``expr`` fails with a counterexample.  (conftest's
    assert_rejected also checks the next step, which may start the next part.)"""
    v = verdict_of(d.with_step(index, expr), index)
    assert v.label is Label.FAILED, v
    assert v.counterexample is not None and v.counterexample.describe()
    return v


def test_every_step_is_exact_at_nonsquare_sizes(ridge):
    report = check(ridge[0])
    assert report.ok and not report.findings
    for v in report.verdicts:
        assert v.label is Label.PROVED or (v.label is Label.EXACT and any(
            min(s.values()) >= 2 and len(set(s.values())) > 1 for s in v.sizes))


def test_w_equals_wtilde_over_p_is_rejected(ridge):
    d, s = ridge
    v = verdict_of(with_substitution(d, SUBST_B, {s["wtilde"]: s["p"] * s["w"]}), SUBST_B)
    assert v.label is Label.FAILED and v.counterexample.describe()


def test_lost_one_over_p_in_the_penalty_is_rejected(ridge):
    d, s = ridge
    X, y, w, p, Gt = s["X"], s["y"], s["w"], s["p"], s["Gammatilde"]
    rejected(d, SUBST_B, sqnorm(y - X * w) + p * (1 - p) * sqnorm(Gt * w))


@pytest.mark.parametrize("factor", ["(1-p)/p without the root", "sqrt(p/(1-p)) inverted", "sqrt(p(1-p))"])
def test_wrong_scale_of_gamma_is_rejected(ridge, factor):
    d, s = ridge
    X, y, w, p, Gt = s["X"], s["y"], s["w"], s["p"], s["Gammatilde"]
    a = {"(1-p)/p without the root": (1 - p) / p, "sqrt(p/(1-p)) inverted": sqrt(p / (1 - p)),
         "sqrt(p(1-p))": sqrt(p * (1 - p))}[factor]
    rejected(d, SCALE_B, MatAdd(sqnorm(y - X * w), sqnorm(a * Gt * w)))


def test_w_equals_gamma_v_is_rejected(ridge):
    d, s = ridge
    v = verdict_of(with_substitution(d, SUBST_C, {s["w"]: s["Gamma"] * s["v"]}), SUBST_C)
    assert v.label is Label.FAILED and v.counterexample.describe()


def test_transposed_inverse_in_the_data_matrix_is_rejected(ridge):
    d, s = ridge
    X, y, v, G = s["X"], s["y"], s["v"], s["Gamma"]
    rejected(d, SUBST_C, MatAdd(sqnorm(y - X * G.T.I * v), sqnorm(v)))


def test_gamma_inverse_times_x_does_not_even_typecheck(ridge):
    _, s = ridge
    with pytest.raises(ShapeMismatch):
        ridge[0].with_step(NAME_C, MatAdd(sqnorm(s["y"] - s["Gamma"].I * s["X"] * s["v"]), sqnorm(s["v"])))


def test_lambda_equals_p_is_rejected(ridge):
    d, s = ridge
    rejected(d, NAME_C, MatAdd(sqnorm(s["y"] - s["Xtilde"] * s["v"]), s["p"] * sqnorm(s["v"])))


def test_gamma_over_c_is_rejected(ridge):
    d, s = ridge
    v = verdict_of(with_substitution(d, SPEC_D, {s["Gamma"]: s["Gammatilde"] / s["c"]}), SPEC_D)
    assert v.label is Label.FAILED and v.counterexample.describe()


@pytest.mark.parametrize("rhs", ["c", "c**2", "1/c", "1"])
def test_wrong_column_norm_is_rejected(ridge, rhs):
    d, s = ridge
    X, Gt, c, dd = s["X"], s["Gammatilde"], s["c"], s["d"]
    value = {"c": c, "c**2": c**2, "1/c": 1 / c, "1": 1}[rhs]
    claim = d.steps[CLAIM_D].expr
    v = rejected(d, CLAIM_D, for_every(claim.index, dd, X * Gt.I / c, sqnorm(column(X * Gt.I / c, claim.index)),
                                              value))
    assert "j = " in v.counterexample.note


def test_crosschecks_reject_a_wrong_result(ridge):
    d, s = ridge
    X, y, w, p, Gt, wt = s["X"], s["y"], s["w"], s["p"], s["Gammatilde"], s["wtilde"]
    wrong = d.with_step(SCALE_B, MatAdd(sqnorm(y - X * w), sqnorm((1 - p) / p * Gt * w)))
    v = minimisers_correspond(wrong, {wt: w / p}, part=0)()
    assert v.label is Label.FAILED and v.counterexample.describe()
    right = minimisers_correspond(d, {wt: w / p}, part=0)()
    assert right.label is Label.NUMERIC


def test_claim_crosscheck_rejects_the_wrong_constant(ridge):
    d, s = ridge
    claim = d.steps[CLAIM_D].expr
    wrong = d.with_step(CLAIM_D, for_every(claim.index, claim.upper, claim.subject, claim.lhs, s["c"] ** 2))

    def sample(rng):
        Xn, cn = rng.normal(size=(4, 3)), rng.uniform(0.2, 5.0)
        return {s["c"]: cn}, ((Xn / (cn * np.linalg.norm(Xn, axis=0))) ** 2).sum(axis=0)
    assert claim_numerically(wrong, sample, part=2)().label is Label.FAILED
    assert claim_numerically(d, sample, part=2)().label is Label.NUMERIC


def test_reference_convention_gives_norm_c_and_ours_one_over_c():
    # the reference rescales X~ = c X G~^{-1}; we scale Gamma = c G~: reciprocal constants
    rng = np.random.default_rng(5)
    Xn, cn = rng.normal(size=(6, 4)), 2.5
    norms = np.linalg.norm(Xn, axis=0)
    assert np.allclose(np.linalg.norm(cn * Xn / norms, axis=0), cn)
    assert np.allclose(np.linalg.norm(Xn @ np.linalg.inv(cn * np.diag(norms)), axis=0), 1 / cn)
