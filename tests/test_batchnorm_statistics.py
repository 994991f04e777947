"""batchnorm_statistics (HW5 Q9(a)): mean β = 3, standard deviation γ = 1, computed by the
engine from the declared normal law; variants against numpy; the usual slips rejected."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from conftest import assert_rejected, load
from derive import E, Var, sqrt
from derive.checking import check
from derive.variants import drawn
from derive.verdicts import Label


@pytest.fixture(scope="module")
def bn():
    d = load("batchnorm_statistics")
    return d, {str(x.obj): x.obj for x in d.declared}


def test_verifies_with_the_reference_numbers(bn):
    d, _ = bn
    report = check(d)
    assert report.ok and not report.findings
    assert all(v.label is Label.PROVED for v in report.verdicts)
    assert d.parts[0].result == 3 and d.parts[1].result == 1


def test_epsilon_zero_is_stated_and_the_figure_uses_the_results(bn):
    d, _ = bn
    assert any(r"\epsilon = 0" in a for a in d.assumptions)
    tex, _ = d.figures[0]
    assert "addplot" in tex and "(3,0)" in tex


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variant_verifies_and_agrees_with_numpy(seed):
    (values, d, report), = drawn("batchnorm_statistics", seed, 1)
    assert report.ok
    rng = np.random.default_rng(seed)
    xs = rng.normal(float(values["mean"]), float(values["variance"]) ** 0.5, 200_000)
    ys = float(values["gamma"]) * (xs - xs.mean()) / xs.std() + float(values["beta"])  # batch norm, ε = 0
    assert np.isclose(ys.mean(), float(d.parts[0].result), atol=1e-9)
    assert np.isclose(ys.std(), float(d.parts[1].result), rtol=1e-9)


def test_explicit_parameters(bn):
    from derive import loader
    d = loader.build("batchnorm_statistics", {"gamma": Fraction(5, 2), "beta": -1})
    assert check(d).ok and d.parts[0].result == -1 and d.parts[1].result == sp.Rational(5, 2)


# -- wrong variants ---------------------------------------------------------------------------------
def test_output_mean_keeping_the_input_mean_is_rejected(bn):
    # batch norm re-centres: the input mean does not survive into the output
    d, s = bn
    v = assert_rejected(d, 2, s["mu"] + s["beta"])
    assert v.counterexample.values


def test_shift_added_twice_is_rejected(bn):
    d, s = bn
    assert_rejected(d, 2, 2 * s["beta"])


def test_variance_with_gamma_not_squared_is_rejected(bn):
    d, s = bn
    g, sig, eps, x = s["gamma"], s["sigma"], s["epsilon"], s["x"]
    assert_rejected(d, 5, sqrt(g / (sig**2 + eps) * Var(x, x)))


def test_shift_kept_in_the_variance_is_rejected(bn):
    d, s = bn
    g, sig, eps, x, b = s["gamma"], s["sigma"], s["epsilon"], s["x"], s["beta"]
    assert_rejected(d, 5, sqrt(g**2 / (sig**2 + eps) * Var(x, x) + b**2))


def test_standard_deviation_of_the_input_forgotten_is_rejected(bn):
    # γ/sqrt(σ² + ε): Var[x] = σ² left out, true only when σ = 1
    d, s = bn
    assert_rejected(d, 6, s["gamma"] / sqrt(s["sigma"] ** 2 + s["epsilon"]))


def test_variance_for_standard_deviation_is_rejected(bn):
    d, s = bn
    g, sig, eps = s["gamma"], s["sigma"], s["epsilon"]
    assert_rejected(d, 6, g**2 * sig**2 / (sig**2 + eps))


def test_mean_of_the_input_not_subtracted_is_rejected(bn):
    d, s = bn
    g, sig, eps, x, b = s["gamma"], s["sigma"], s["epsilon"], s["x"], s["beta"]
    assert_rejected(d, 1, g * E(x, x) / sqrt(sig**2 + eps) + b)
