"""transpose_convolution (HW5 Q1(c)): reference numbers, variants against numpy, wrong steps rejected."""

import numpy as np
import pytest
import sympy as sp
from conftest import assert_rejected, load

from derive import loader
from derive.checking import check
from derive.cnn import shifted_copies
from derive.signals import as_matrix
from derive.variants import drawn

NAME = "transpose_convolution"


@pytest.fixture(scope="module")
def d():
    return load(NAME)


@pytest.fixture(scope="module")
def s(d):
    return d.symbol_table()


def scatter_add(x, h, stride):
    """Transpose convolution written from its description: each entry adds a scaled copy of h."""
    x, h = np.atleast_2d(x), np.atleast_2d(h)
    rows = 1 if x.shape[0] == 1 and h.shape[0] == 1 else (x.shape[0] - 1) * stride + h.shape[0]
    out = np.zeros((rows, (x.shape[1] - 1) * stride + h.shape[1]))
    for (i, j), v in np.ndenumerate(x):
        r = 0 if rows == 1 else i * stride
        out[r:r + h.shape[0], j * stride:j * stride + h.shape[1]] += v * h
    return out


def test_verifies_and_matches_the_reference(d, s):
    report = check(d)
    assert report.ok, [(v.index, v.label, v.detail) for v in report.verdicts + report.extras if not v.ok]
    a, b, c, x, y, z = (s[n] for n in "abcxyz")
    assert d.parts[0].result == sp.ImmutableMatrix([[a * x, a * y, a * z + b * x, b * y, b * z + c * x, c * y, c * z]])
    assert d.parts[1].result == sp.ImmutableMatrix([[-1, 3, -2], [3, -3, 1], [0, 3, 1]])


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variants_verify_and_match_numpy(seed):
    (values, der, report), = drawn(NAME, seed, 1)
    assert report.ok
    want = scatter_add(np.array(values["input"]), np.array(values["filter"]), values["stride"])
    assert np.array_equal(np.array(der.parts[1].result, dtype=float), want)


def test_fresh_variants_verify():
    # their speed is a benchmark figure (benchmarks/), never a timed test
    for seed in range(3):
        (_, _, report), = drawn(NAME, 100 + seed, 1)
        assert report.ok


def test_stride_2_variant_matches_numpy():
    der = loader.build(NAME, {"input": [[1, -2, 3]], "filter": [[2, 1]], "stride": 2})
    assert check(der).ok
    assert np.array_equal(np.array(der.parts[1].result, dtype=float),
                          scatter_add(np.array([[1, -2, 3]]), np.array([[2, 1]]), 2))


def test_flipped_filter_is_rejected(d, s):
    a, b, c, x, y, z = (s[n] for n in "abcxyz")
    assert_rejected(d, 1, shifted_copies(as_matrix([a, b, c]), as_matrix([z, y, x]), 2))


def test_copies_one_apart_at_stride_2_are_rejected(d, s):
    a, b, c, x, y, z = (s[n] for n in "abcxyz")
    v = assert_rejected(d, 1, shifted_copies(as_matrix([a, b, c]), as_matrix([x, y, z]), 1))
    assert "shape" in v.counterexample.note


def test_overlaps_not_added_are_rejected(d, s):
    a, b, c, x, y, z = (s[n] for n in "abcxyz")
    assert_rejected(d, 2, sp.ImmutableMatrix([[a * x, a * y, a * z, b * y, b * z, c * y, c * z]]))


def test_transposed_input_is_rejected(d):
    assert_rejected(d, 4, shifted_copies(sp.ImmutableMatrix([[-1, 3], [2, 1]]), as_matrix([[1, -1], [0, 1]]), 1))


def test_signal_processing_flip_in_2d_is_rejected(d):
    assert_rejected(d, 4, shifted_copies(as_matrix([[-1, 2], [3, 1]]), as_matrix([[1, 0], [-1, 1]]), 1))


def test_sign_slip_in_the_sum_is_rejected(d):
    assert_rejected(d, 6, sp.ImmutableMatrix([[-1, 3, -2], [3, 3, 1], [0, 3, 1]]))


def test_the_cross_check_fails_on_a_wrong_result(d):
    wrong = d.with_step(6, sp.ImmutableMatrix([[-1, 3, -2], [3, 3, 1], [0, 3, 1]]))
    adjoint_check = loader.module(NAME)[1]["_adjoint_check"]
    assert adjoint_check(d).ok and not adjoint_check(wrong).ok
