"""fir_response (HW4 Q3(a)-(b)): the chain verifies, matches the reference, variants agree with
numpy, and the mistakes people make are rejected with a counterexample naming n."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from conftest import assert_rejected, load
from derive import loader
from derive.checking import check
from derive.fir import cases, plus, power, product, ssum
from derive.variants import drawn
from derive.verdicts import Label

R = sp.Rational(1, 2)


@pytest.fixture(scope="module")
def fir():
    d = load("fir_response")
    n = next(x.obj for x in d.declared if str(x.obj) == "n")
    signals = {type(x.obj).__name__: type(x.obj) for x in d.declared if x.kind == "definition"}
    return d, n, signals


def test_every_step_is_proved_and_the_crosscheck_passes(fir):
    report = check(fir[0])
    assert report.ok and not report.findings
    assert all(v.label is Label.PROVED for v in report.verdicts)


def reference_y(v):
    """The reference's piecewise answer for L = 7, r = 1/2, exactly as it is written there."""
    if v < 0:
        return sp.S.Zero
    if v <= 6:
        return 2 * (1 - R ** (v + 1))
    return R ** (v - 6) * (2 - sp.Rational(1, 64))


def test_result_equals_the_reference_at_every_plotted_n(fir):
    d = fir[0]
    ya, yb = d.parts[0].result, d.parts[1].result
    for v in range(-6, 13):
        assert ya.at(v) == reference_y(v)
        assert yb.at(v) == reference_y(v - 5)


def test_reference_form_is_printed_in_the_last_piece(fir):
    n = fir[1]
    last = fir[0].parts[0].result.pieces[-1]
    assert last[0] == 7 and last[2] == product(power(R, n - 6), plus(2, -sp.Rational(1, 64)))


def test_the_figure_is_generated_from_the_result(fir):
    d = fir[0]
    tex, _ = d.figures[0]
    assert "ycomb" in tex and "(7,0.992188)" in tex and "(12,0.0310059)" in tex


def numpy_response(L, r, delay, ns, horizon=120):
    """Independent of derive: np.convolve of the pulse with r^m for m < horizon."""
    direct = np.convolve(np.ones(L), float(r) ** np.arange(horizon))
    return [direct[v - delay] if 0 <= v - delay < horizon else 0.0 for v in ns]


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variant_verifies_and_agrees_with_numpy(seed):
    (values, d, report), = drawn("fir_response", seed, 1)
    assert report.ok
    L, r, s = values["length"], values["ratio"], values["shift"]
    ns = list(range(-8, 40))
    for part, delay in ((0, 0), (1, s)):
        got = [float(d.parts[part].result.at(v)) for v in ns]
        assert np.allclose(got, numpy_response(L, r, delay, ns), rtol=1e-12, atol=1e-15)


def test_explicit_parameters_build_a_verified_variant():
    d = loader.build("fir_response", {"length": 3, "ratio": Fraction(1, 3), "shift": -2})
    assert check(d).ok
    assert d.parts[1].result.at(-2) == 1 and d.parts[1].result.at(1) == sp.Rational(13, 27)


# -- wrong variants -------------------------------------------------------------------------------
def _sums(n, k, hi_mid):
    return cases(n, (-sp.oo, -1, 0), (0, 6, ssum(power(R, n - k), k, 0, hi_mid)),
                 (7, sp.oo, ssum(power(R, n - k), k, 0, 6)))


def test_upper_limit_off_by_one_is_rejected(fir):
    d, n, _ = fir
    k = sp.Symbol("k", integer=True)
    v = assert_rejected(d, 2, _sums(n, k, n - 1))
    assert v.counterexample.values == {"n": "0"}


def test_dropping_the_unit_step_is_rejected(fir):
    # without u(n - k) the sum is nonzero before the pulse arrives
    d, n, _ = fir
    k = sp.Symbol("k", integer=True)
    v = assert_rejected(d, 1, ssum(power(R, n - k), k, 0, 6))
    assert int(v.counterexample.values["n"]) < 0


def test_not_flipping_the_filter_is_rejected(fir):
    # cross-correlation Σ x(k) h(n + k) instead of convolution
    d, n, sig = fir
    k = sp.Symbol("k", integer=True)
    assert_rejected(d, 1, ssum(product(sig["x"](k), sig["h"](n + k)), k))


def test_wrong_power_in_the_middle_piece_is_rejected(fir):
    d, n, _ = fir
    wrong = cases(n, (-sp.oo, -1, 0), (0, 6, product(2, 1 - power(R, n))),
                  (7, sp.oo, product(power(R, n - 6), plus(2, -sp.Rational(1, 64)))))
    v = assert_rejected(d, 5, wrong)
    assert v.counterexample.values == {"n": "0"}


def test_tail_exponent_off_by_one_is_rejected(fir):
    # (1/2)^(n - 7) for (1/2)^(n - 6): wrong from n = 7 on
    d, n, _ = fir
    wrong = cases(n, (-sp.oo, -1, 0), (0, 6, product(2, 1 - power(R, n + 1))),
                  (7, sp.oo, product(power(R, n - 7), plus(2, -sp.Rational(1, 64)))))
    v = assert_rejected(d, 5, wrong)
    assert v.counterexample.values == {"n": "7"}


def test_wrong_constant_two_minus_one_128th_is_rejected(fir):
    d, n, _ = fir
    wrong = cases(n, (-sp.oo, -1, 0), (0, 6, product(2, 1 - power(R, n + 1))),
                  (7, sp.oo, product(power(R, n - 6), plus(2, -sp.Rational(1, 128)))))
    assert_rejected(d, 5, wrong)


def test_piece_boundary_one_too_late_is_rejected(fir):
    d, n, _ = fir
    wrong = cases(n, (-sp.oo, -1, 0), (0, 7, product(2, 1 - power(R, n + 1))),
                  (8, sp.oo, product(power(R, n - 6), plus(2, -sp.Rational(1, 64)))))
    v = assert_rejected(d, 5, wrong)
    assert v.counterexample.values == {"n": "7"}


def test_shifting_the_wrong_way_is_rejected(fir):
    d, n, sig = fir
    v = assert_rejected(d, 9, sig["y"](n + 5))
    assert v.counterexample.values["n"]


def test_reindexing_without_moving_the_shift_is_rejected(fir):
    d, n, sig = fir
    m = sp.Symbol("m", integer=True)
    assert_rejected(d, 8, ssum(product(sig["x"](m), sig["h"](n - m)), m))
