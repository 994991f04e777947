"""Transpose convolution as a sum of shifted, scaled copies of the filter (HW5 Q1(c)); numbers are parameters."""
import numpy as np
import sympy as sp

from derive import (as_matrix, Derivation, Label, Param, scaled_copies, shifted_copies, TransposeSlide,
                    Verdict)


def _small_matrix(v):
    return None if len(v) <= 4 and len(v[0]) <= 4 else "at most 4×4"


PARAMS = [
    Param("input", "int_matrix", [[-1, 2], [3, 1]], check=_small_matrix, meaning="the 2-D input"),
    Param("filter", "int_matrix", [[1, -1], [0, 1]], check=_small_matrix, meaning="the 2-D filter"),
    Param("stride", "int", 1, check=lambda v: None if 1 <= v <= 3 else "stride 1, 2 or 3",
          meaning="the stride of the 2-D part"),
]


def sample(rng):
    """A small integer input and filter: 2×2 at stride 1, or 3×3 at stride 2 (so that copies overlap)."""
    def draw(rows, cols):
        return [[rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(cols)] for _ in range(rows)]
    stride = rng.choice([1, 1, 2])
    return {"input": draw(2, rng.choice([2, 3])), "filter": draw(stride + 1, stride + 1), "stride": stride}


def build(input, filter, stride):
    X, K = as_matrix(input), as_matrix(filter)
    D = Derivation(
        name="transpose_convolution",
        title="Transpose convolution as shifted copies of the filter",
        source="Homework 5, Q1(c)",
        statement=(
            r"Transpose convolution upsamples a signal: every input entry multiplies a whole copy of the "
            r"filter, the copy is placed at the stride times the entry's position, and where copies overlap "
            r"they are added. The filter is not flipped (the deep-learning convention) and nothing is padded "
            r"away. (i) Write the transpose convolution of $[a, b, c]$ with the filter $[x, y, z]$ at stride 2. "
            rf"(ii) Compute the transpose convolution of $X = {sp.latex(X)}$ with the filter "
            rf"$K = {sp.latex(K)}$ at stride {stride}, with no padding."
        ),
    )
    a, b, c, x, y, z = D.scalars("a b c x y z", "real")
    D.assume(r"convention: the filter is not flipped; a copy of the filter scaled by entry $(i, j)$ (counted "
             r"from 0) starts at row $s i$ and column $s j$ of the output, for stride $s$; overlaps add")

    signal, taps = as_matrix([a, b, c]), as_matrix([x, y, z])
    D.definition(TransposeSlide(signal, taps, 2), "the 1-D transpose convolution at stride 2",
                 title="(i) A 1-D example with symbols", lhs="y")
    D.eq(shifted_copies(signal, taps, 2), "shifted-copies",
         "each entry scales a copy of the filter, the copies start 2 apart; the output has "
         r"$(3 - 1) \cdot 2 + 3 = 7$ entries")
    one_d = scaled_copies(signal, taps, 2).total()
    D.eq(one_d, "add-copies", r"add the copies: the overlapping entries add ($az + bx$, $bz + cx$)")
    D.result(one_d)

    D.definition(TransposeSlide(X, K, stride), rf"the 2-D transpose convolution at stride {stride}",
                 title="(ii) A 2-D example", lhs="Y")
    D.eq(shifted_copies(X, K, stride), "shifted-copies",
         rf"one copy of $K$ per entry of $X$, shifted by {stride} times the entry's row and column")
    D.eq(scaled_copies(X, K, stride), "scale-copies", "multiply each copy by its entry of $X$")
    out = scaled_copies(X, K, stride).total()
    D.eq(out, "add-copies", "add the copies entry by entry")
    D.result(out)

    D.crosscheck("transpose of the strided convolution's matrix (numpy)", lambda seed: _adjoint_check(D, seed))
    return D


def _correlate(image, kernel, stride):
    """Strided valid cross-correlation in numpy (no flip), written independently of derive."""
    kr, kc = kernel.shape
    rows = (image.shape[0] - kr) // stride + 1
    cols = (image.shape[1] - kc) // stride + 1
    return np.array([[np.sum(image[i * stride:i * stride + kr, j * stride:j * stride + kc] * kernel)
                      for j in range(cols)] for i in range(rows)])


def _transpose_by_adjoint(x, kernel, stride, out_shape):
    """C^T x, where C is the matrix of the strided cross-correlation from out_shape-images to x's shape."""
    basis = np.eye(out_shape[0] * out_shape[1])
    C = np.array([_correlate(e.reshape(out_shape), kernel, stride).ravel() for e in basis]).T
    if C.shape[0] != x.size:
        return None
    return (C.T @ x.ravel()).reshape(out_shape)


def _adjoint_check(D, seed=7):
    """Both results equal C^T x for the convolution C that the transpose convolution transposes."""
    (q1, q2) = D.parts
    errors = []
    rng = np.random.default_rng(seed)
    symbols = sp.symbols("a b c x y z", real=True)
    for _ in range(5):  # (i) at random integers
        vals = dict(zip(symbols, rng.integers(-9, 10, 6).tolist()))
        sig = np.array([[vals[s] for s in symbols[:3]]], dtype=float)
        taps = np.array([[vals[s] for s in symbols[3:]]], dtype=float)
        want = _transpose_by_adjoint(sig, taps, 2, (1, 7))
        got = np.array(q1.result.xreplace(vals), dtype=float)
        errors.append(np.abs(want - got).max())
    top = D.steps[q2.start].expr
    X, K, stride = (np.array(top.args[0], dtype=float), np.array(top.args[1], dtype=float), int(top.args[2]))
    got = np.array(q2.result, dtype=float)
    want = _transpose_by_adjoint(X, K, stride, got.shape)
    ok = want is not None and all(e == 0 for e in errors) and np.array_equal(want, got)
    return Verdict(-1, "cross-check", Label.NUMERIC if ok else Label.FAILED,
                   "the matrix $C$ of the strided cross-correlation built column by column in numpy from basis "
                   r"images; $C^{\top} x$ reshaped equals both results (part (i) at 5 random integer points)",
                   seed=seed, points=6)


DERIVATION = build(**{p.name: p.default for p in PARAMS})
