"""conv2d_signal_processing (HW4 Q3(c)-(d)): the reference's matrices, variants against scipy,
and wrong variants (no flip, wrong padding, wrong subsampling) rejected with a counterexample."""
import numpy as np
import pytest
import sympy as sp
from scipy.signal import convolve2d

from conftest import assert_rejected, load
from derive import loader
from derive.checking import check
from derive.errors import InvalidVariant
from derive.signals import Subsampled, padded, rotated
from derive.signals import Slide, as_matrix
from derive.variants import drawn

C = [[-40] * 3] * 3
D1 = [[-19, -28, -32, -36, -29]] + [[-30, -40, -40, -40, -30]] * 3 + [[49, 68, 72, 76, 59]]
D2 = [[-19, -32, -29], [-30, -40, -30], [49, 72, 59]]
X = as_matrix([[5 * i + j + 1 for j in range(5)] for i in range(5)])
H = as_matrix([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])


@pytest.fixture(scope="module")
def conv():
    return load("conv2d_signal_processing")


def test_verifies_and_matches_the_reference(conv):
    report = check(conv)
    assert report.ok and not report.findings
    assert [q.result.tolist() for q in conv.parts] == [C, D1, D2]


def scipy_reference(image, kernel, stride, pad):
    """Independent of derive: scipy's true 2-D convolution of the zero-padded input, valid part."""
    out = convolve2d(np.pad(np.array(image), pad), np.array(kernel), mode="valid")
    return out[::stride, ::stride].tolist()


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variant_verifies_and_agrees_with_scipy(seed):
    (values, d, report), = drawn("conv2d_signal_processing", seed, 1)
    assert report.ok
    got = [q.result.tolist() for q in d.parts]
    want = [scipy_reference(values["image"], values["kernel"], s, p) for s, p in ((1, 0), (1, 1), (2, 1))]
    assert got == want


def test_a_filter_larger_than_the_input_is_an_invalid_variant():
    with pytest.raises(InvalidVariant):
        loader.build("conv2d_signal_processing", {"image": [[1, 2], [3, 4]], "kernel": [[1, 2, 3]] * 3})


def test_cross_correlation_instead_of_convolution_is_rejected(conv):
    # forgetting the flip: the Sobel filter turned by 180° changes sign, every entry +40
    v = assert_rejected(conv, 1, Slide(X, H, 1, 0, False))
    assert "-40" in v.counterexample.lhs and "40" in v.counterexample.rhs


def test_flipping_only_the_rows_is_rejected_for_an_asymmetric_filter(conv):
    d = loader.build("conv2d_signal_processing", {"kernel": [[1, 2, 0], [0, 0, 0], [0, 0, -1]]})
    h = as_matrix([[1, 2, 0], [0, 0, 0], [0, 0, -1]])
    rows_only = sp.ImmutableMatrix(3, 3, lambda i, j: h[2 - i, j])
    assert_rejected(d, 1, Slide(X, rows_only, 1, 0, False))


def test_the_reference_matrix_with_a_wrong_corner_is_rejected(conv):
    wrong = [row[:] for row in D1]
    wrong[0][0] = -20
    v = assert_rejected(conv, 5, sp.ImmutableMatrix(wrong))
    assert v.counterexample.lhs != v.counterexample.rhs


def test_padding_two_rings_is_rejected(conv):
    assert_rejected(conv, 4, Slide(padded(X, 2), rotated(H), 1, 0, False))


def test_subsampling_from_the_second_row_is_rejected(conv):
    d1 = sp.ImmutableMatrix(D1)
    assert_rejected(conv, 9, sp.ImmutableMatrix(d1[1::2, 1::2]))


def test_stride_taken_as_cropping_is_rejected(conv):
    # "stride 2" misread as the top-left 3×3 block of the stride-1 output
    assert_rejected(conv, 9, sp.ImmutableMatrix(sp.ImmutableMatrix(D1)[:3, :3]))


def test_stride_two_without_padding_is_a_shape_mismatch_counterexample(conv):
    v = assert_rejected(conv, 7, Subsampled(Slide(X, H, 1, 0, True), 2))
    assert "matrix" in v.counterexample.lhs
