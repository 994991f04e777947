"""newton_schulz_cost (HW4 Q1(a)-(b)): costs priced from the printed multiplication order,
the rewrite checked with a non-square matrix, and the usual slips rejected."""
import numpy as np
import pytest
import sympy as sp

from conftest import assert_rejected, load
from derive import Identity, Rational, ShapeMismatch
from derive.checking import check
from derive.costs import Cost, Flops, cost_of, grouped, ordered
from derive.verdicts import Label


@pytest.fixture(scope="module")
def ns():
    d = load("newton_schulz_cost")
    s = {str(x.obj): x.obj for x in d.declared}
    return d, s


def test_verifies_with_the_reference_costs(ns):
    d, s = ns
    report = check(d)
    assert report.ok and not report.findings
    c, do, di = s["c"], s["d_out"], s["d_in"]
    assert sp.expand(d.parts[0].result - 2 * c * do**2 * di) == 0
    assert sp.expand(d.parts[2].result - 2 * c * di**2 * do) == 0


def test_cost_steps_are_proved_and_the_identity_is_checked_at_nonsquare_sizes(ns):
    report = check(ns[0])
    for v in report.verdicts:
        if v.relation == "cost":
            assert v.label is Label.PROVED
        else:
            assert v.label is Label.PROVED or (v.label is Label.EXACT and any(
                s[ns[1]["d_out"]] != s[ns[1]["d_in"]] and min(s.values()) >= 2 for s in v.sizes))


def test_the_engine_prices_the_printed_order(ns):
    _, s = ns
    c, do, di, W = s["c"], s["d_out"], s["d_in"], s["W"]
    left_first = ordered(W, W.T, W)  # (W Wᵀ) W
    right_first = ordered(W, grouped(W.T * W))  # W (Wᵀ W)
    assert sp.expand(cost_of(left_first, c) - 2 * c * do**2 * di) == 0
    assert sp.expand(cost_of(right_first, c) - 2 * c * di**2 * do) == 0


def counted_cost(do, di, order):
    """Independent count: multiply-adds of each numpy matmul performed, c = 1."""
    total = 0
    W = np.random.default_rng(1).normal(size=(do, di))

    def mm(a, b):
        nonlocal total
        total += a.shape[0] * a.shape[1] * b.shape[1]
        return a @ b
    if order == "as written":
        out = 0.5 * mm(3 * np.eye(do) - mm(W, W.T), W)
    else:
        out = 0.5 * (3 * W - mm(W, mm(W.T, W)))
    return total, out


@pytest.mark.parametrize("do, di", [(7, 3), (3, 7), (4, 4), (9, 2)])
def test_results_match_an_independent_numpy_count(ns, do, di):
    d, s = ns
    at = {s["d_out"]: do, s["d_in"]: di, s["c"]: 1}
    (ca, va), (cb, vb) = counted_cost(do, di, "as written"), counted_cost(do, di, "reordered")
    assert ca == d.parts[0].result.xreplace(at) and cb == d.parts[2].result.xreplace(at)
    assert np.allclose(va, vb)


# -- wrong variants ---------------------------------------------------------------------------------
def test_swapped_dimensions_in_the_cost_are_rejected(ns):
    d, s = ns
    v = assert_rejected(d, 3, 2 * s["c"] * s["d_in"] ** 2 * s["d_out"])
    assert v.counterexample.size["d_out"] != v.counterexample.size["d_in"]


def test_counting_one_product_is_rejected(ns):
    d, s = ns
    assert_rejected(d, 3, s["c"] * s["d_out"] ** 2 * s["d_in"])


def test_a_product_priced_with_a_dropped_factor_is_rejected(ns):
    d, s = ns
    c, do, di = s["c"], s["d_out"], s["d_in"]
    assert_rejected(d, 2, Flops(c, do, di, 1) + Flops(c, do, do, di))


def test_pricing_wtw_as_wwt_is_rejected(ns):
    d, s = ns
    c, do, di, W = s["c"], s["d_out"], s["d_in"], s["W"]
    assert_rejected(d, 8, Cost(W * W.T, c) + Flops(c, do, di, di))


def test_the_cheap_cost_claimed_for_the_order_as_written_is_rejected(ns):
    d, s = ns
    c, W = s["c"], s["W"]
    # without the brackets W Wᵀ W is evaluated left to right: no saving
    assert_rejected(d, 8, Cost(ordered(Rational(1, 2), 3 * W - W * W.T * W), c))


def test_dropping_the_three_is_rejected(ns):
    d, s = ns
    W = s["W"]
    v = assert_rejected(d, 5, ordered(Rational(1, 2), W - W * W.T * W))
    assert v.counterexample.size and "W" in v.counterexample.values


def test_wtw_in_place_of_wwt_is_a_shape_error_for_nonsquare_w(ns):
    d, s = ns
    W, do = s["W"], s["d_out"]
    with pytest.raises(ShapeMismatch):
        d.with_step(5, ordered(Rational(1, 2), 3 * Identity(do) - W.T * W, W))


def test_transposed_order_is_rejected_for_a_square_matrix(ns):
    # with d_out = d_in the shapes fit, yet (3I - WᵀW)W ≠ (3I - WWᵀ)W: matrices are not scalars
    d, s = ns
    sq = d.specialized({s["d_in"]: s["d_out"]})
    W = sq.symbol_table()["W"]
    v = assert_rejected(sq, 5, ordered(Rational(1, 2), 3 * W - W.T * W * W))
    assert v.counterexample.size["d_out"] >= 2
