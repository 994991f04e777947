"""True 2-D convolution of a small image, without and with padding and stride (HW4 Q3(c)-(d))."""
import numpy as np
import sympy as sp

from derive import (as_matrix, Counterexample, Derivation, InvalidVariant, Label, one_window, padded, Param,
                    rotated, Slide, slide, Subsampled, Verdict)

PARAMS = [
    Param("image", "int_matrix", [[5 * i + j + 1 for j in range(5)] for i in range(5)],
          meaning="the input, row by row",
          check=lambda v: None if 3 <= len(v) <= 7 and 3 <= len(v[0]) <= 7 else "the input is 3×3 to 7×7"),
    Param("kernel", "int_matrix", [[-1, -2, -1], [0, 0, 0], [1, 2, 1]], meaning="the filter, row by row",
          check=lambda v: None if len(v) <= 3 and len(v[0]) <= 3 else "the filter is at most 3×3"),
]


def sample(rng):
    rows, cols = rng.choice([(5, 5), (5, 5), (4, 5), (5, 4), (4, 4)])
    kernel = [[rng.randint(-2, 2) for _ in range(3)] for _ in range(3)]
    if not any(v for r in kernel for v in r):
        kernel[0][0] = 1
    return {"image": [[rng.randint(-3, 9) for _ in range(cols)] for _ in range(rows)], "kernel": kernel}


def _evaluate_why(x, k, stride=1):
    text, total = one_window(x, k)
    return (rf"each entry adds a window of the input times the turned kernel; the top-left one is "
            rf"${text} = {sp.latex(total)}$" + (f", and the windows step by {stride}" if stride > 1 else ""))


def build(image, kernel):
    x, h = as_matrix(image), as_matrix(kernel)
    if h.rows > x.rows or h.cols > x.cols:
        raise InvalidVariant("the filter does not fit the input")
    hr, xp = rotated(h), padded(x, 1)
    D = Derivation(
        name="conv2d_signal_processing",
        title="True 2-D convolution with padding and stride",
        source="Homework 4, Q3(c)-(d)",
        statement=(
            rf"Convolve the input $x = {sp.latex(x)}$ with the filter $h = {sp.latex(h)}$ under the "
            r"signal-processing convention: the filter is flipped, "
            r"$(x * h)_{i,j} = \sum_{a,b} x_{a,b}\, h_{i-a,\,j-b}$, so it slides over the input "
            r"turned by $180^\circ$. (c) Use no padding and stride 1. (d) Use zero padding 1 with "
            r"stride 1, and then with stride 2."
        ),
    )
    D.assume(r"$\ast$ is true convolution (kernel flipped), $\star$ is sliding without flipping; "
             r"a subscript gives the stride and the zero padding.")

    c = slide(x, h, 1, 0, True)
    D.definition(Slide(x, h, 1, 0, True), "the convolution, no padding, stride 1",
                 title="(c) No padding, stride 1", lhs="y")
    D.eq(Slide(x, hr, 1, 0, False), "flip-kernel", "slide the filter turned by 180°, without flipping again")
    D.eq(c, "window-sums", _evaluate_why(x, hr))
    D.result(c)

    d1 = slide(x, h, 1, 1, True)
    D.definition(Slide(x, h, 1, 1, True), "the convolution with zero padding 1, stride 1",
                 title="(d) Zero padding 1, stride 1", lhs="y")
    D.eq(Slide(xp, hr, 1, 0, False), "zero-padding",
         "surround the input with one ring of zeros and slide the turned filter over it")
    D.eq(d1, "window-sums", _evaluate_why(xp, hr))
    D.result(d1)

    d2 = slide(x, h, 2, 1, True)
    D.definition(Slide(x, h, 2, 1, True), "the convolution with zero padding 1, stride 2",
                 title="(d) Zero padding 1, stride 2", lhs="y")
    D.eq(Subsampled(Slide(x, h, 1, 1, True), 2), "stride-subsamples",
         "stride 2 computes only the windows that start in rows and columns 1, 3, 5, ...: every other "
         "output of stride 1")
    D.eq(Subsampled(d1, 2), "result-above", "the stride-1 output found above")
    D.eq(d2, "stride-subsamples", "keep rows and columns 1, 3, 5, ...")
    D.result(d2)

    D.crosscheck("numpy: full convolution by its definition, then cropped and subsampled",
                 _numpy_check(image, kernel, [(c, 1, 0), (d1, 1, 1), (d2, 2, 1)]))
    return D


def numpy_convolve(x, h, stride, pad):
    """Independent of derive: y = Σ_{a,b} h[a,b] · (x shifted by (a,b)), the valid part, then the stride."""
    x = np.pad(np.array(x, dtype=np.int64), pad)
    h = np.array(h, dtype=np.int64)
    full = np.zeros((x.shape[0] + h.shape[0] - 1, x.shape[1] + h.shape[1] - 1), dtype=np.int64)
    for a in range(h.shape[0]):
        for b in range(h.shape[1]):
            full[a:a + x.shape[0], b:b + x.shape[1]] += h[a, b] * x
    valid = full[h.shape[0] - 1:x.shape[0], h.shape[1] - 1:x.shape[1]]
    return valid[::stride, ::stride]


def _numpy_check(image, kernel, results):
    def run():
        for result, stride, pad in results:
            want = np.array(result.tolist(), dtype=np.int64)
            got = numpy_convolve(image, kernel, stride, pad)
            if got.shape != want.shape or not (got == want).all():
                cx = Counterexample({}, {"stride": str(stride), "pad": str(pad)}, str(got.tolist()),
                                    str(want.tolist()), "numpy convolution vs the stated result")
                return Verdict(-1, "cross-check", Label.FAILED, "numpy convolution", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       "numpy integer arithmetic: full convolution as a sum of shifted copies of the input "
                       "weighted by the filter, cropped to the valid part and subsampled; equal entry by "
                       "entry in all three parts")
    return run


DERIVATION = build(**{p.name: p.default for p in PARAMS})
