"""dropout_tikhonov: wrong variants are rejected with a counterexample a person can read."""
import pytest
from conftest import assert_rejected, load
from derive import ShapeMismatch, diag, sqnorm
from derive.checking import check
from derive.verdicts import Label


@pytest.fixture(scope="module")
def dropout():
    d = load("dropout_tikhonov")
    ns = d.symbol_table()
    return d, ns


def test_each_step_is_checked_at_nonsquare_sizes_with_n_at_least_2(dropout):
    d, _ = dropout
    for v in check(d).verdicts:
        # proved at general size, or checked exactly at sizes that include n >= 2 and non-square
        assert v.label is Label.PROVED or (v.label is Label.EXACT and any(
            min(s.values()) >= 2 and len(set(s.values())) > 1 for s in v.sizes))


def test_flipped_sign_is_rejected(dropout):
    d, s = dropout
    X, y, w, p, G = s["X"], s["y"], s["w"], s["p"], s["Gamma"]
    v = assert_rejected(d, 6, sqnorm(y + p * X * w) + p * (1 - p) * sqnorm(G * w))
    assert v.counterexample.size and "X" in v.counterexample.values


def test_p_where_p_squared_belongs_is_rejected(dropout):
    d, s = dropout
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    assert_rejected(d, 4, y.T * y - 2 * p * w.T * X.T * y + w.T * (p * X.T * X + p * (1 - p) * diag(X.T * X)) * w)


def test_dropped_term_is_rejected(dropout):
    d, s = dropout
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    assert_rejected(d, 5, y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X.T * X * w)


def test_reference_sign_slip_p2_minus_p_is_rejected(dropout):
    d, s = dropout
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    assert_rejected(d, 5, y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X.T * X * w
                    + (p**2 - p) * w.T * diag(X.T * X) * w)


def test_forgetting_diag_is_valid_only_for_one_feature_and_rejected(dropout):
    d, s = dropout
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    assert_rejected(d, 5, y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X.T * X * w
                    + p * (1 - p) * w.T * X.T * X * w)


def test_confusing_n_and_d_is_valid_only_for_square_x_and_rejected(dropout):
    d, s = dropout
    X, y, w, p, G, n, dd = s["X"], s["y"], s["w"], s["p"], s["Gamma"], s["n"], s["d"]
    v = assert_rejected(d, 6, sqnorm(y - p * X * w) + p * (1 - p) * n / dd * sqnorm(G * w))
    assert v.counterexample.size["n"] != v.counterexample.size["d"]


@pytest.fixture(scope="module")
def square():
    d = load("dropout_tikhonov")
    ns = d.symbol_table()
    sq = d.specialized({ns["d"]: ns["n"]})
    return sq, sq.symbol_table()


def test_square_variant_still_verifies(square):
    assert check(square[0]).ok


def test_transposed_matrix_is_rejected_even_for_square_x(square):
    # X X^T for X^T X: true at n = 1 only
    d, s = square
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    v = assert_rejected(d, 5, y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X * X.T * w
                        + p * (1 - p) * w.T * diag(X.T * X) * w)
    assert v.counterexample.size["n"] >= 2


def test_diag_of_x_xt_is_rejected_for_square_x(square):
    d, s = square
    X, y, w, p = s["X"], s["y"], s["w"], s["p"]
    assert_rejected(d, 5, y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X.T * X * w
                    + p * (1 - p) * w.T * diag(X * X.T) * w)


def test_diag_of_x_xt_is_a_shape_error_for_nonsquare_x(dropout):
    d, s = dropout
    X, w = s["X"], s["w"]
    with pytest.raises(ShapeMismatch):
        d.with_step(5, w.T * diag(X * X.T) * w)


def test_product_of_mismatched_shapes_is_a_shape_error(dropout):
    # sympy accepts X*y for X n×d, y n×1 at symbolic size; derive does not
    d, s = dropout
    X, y = s["X"], s["y"]
    with pytest.raises(ShapeMismatch):
        d.with_step(5, y.T * X * y)


def test_repeating_the_previous_step_fails(dropout):
    d, _ = dropout
    rep = d.with_step(3, d.steps[2].expr)
    v = check(rep).verdicts[2]
    assert v.label is Label.FAILED and "repeats" in v.detail


def test_chain_must_end_at_declared_result(dropout):
    d, s = dropout
    other = d.with_step(6, d.steps[6].expr)
    other.parts[-1].result = sqnorm(s["y"])
    assert check(other).findings == ["the chain does not end at its declared result"]


def test_independent_crosscheck_agrees(dropout):
    report = check(dropout[0])
    assert report.extras and all(v.ok for v in report.extras)


def test_the_reference_keys_two_slips_are_found_by_audit():
    """The erratum's claim, checked: auditing the key's lines (16)-(22) rejects (20) first (X^T X
    dropped) and (21) (the sign); the lines before them hold."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from derive.cli import main
    key = Path(__file__).parent / "data" / "hw5-key-q4a.md"
    result = CliRunner().invoke(main, ["audit", str(key), "--json"])
    assert result.exit_code == 1, result.output
    chain = json.loads(result.output)["chains"][0]
    verdicts = [s["verdict"] for s in chain["steps"]]
    assert verdicts[:4] == ["start", "valid", "valid", "valid"] and verdicts[4] == verdicts[5] == "invalid"
    assert chain["first_wrong"] == 4
