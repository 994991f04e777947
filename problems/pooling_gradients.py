"""Gradients through 2×2 max-pooling and average pooling at a given input (HW4 Q7(c))."""
import numpy as np
import sympy as sp

from derive import (argmax_mask, AvgPool, BadParam, Derivation, Entry, Kron, Label, MaxPool, Param, Verdict)
from derive import grad


def _input_ok(v):
    if len(v) % 2 or len(v[0]) % 2 or len(v) > 8 or len(v[0]) > 8:
        return "even numbers of rows and columns, at most 8"
    flat = [x for row in v for x in row]
    return None if len(set(flat)) == len(flat) else "the entries must be distinct (each window has one maximum)"


PARAMS = [
    Param("input", "int_matrix", [[2, 7, -1, 4], [5, -3, 8, 0], [-6, 1, 3, 11], [9, -2, 10, 6]],
          check=_input_ok, meaning="the input of the pooling layer (distinct entries)"),
    Param("upstream", "int_matrix", [[1, -2], [3, 4]], meaning="a numeric upstream gradient dL/dY"),
]


def sample(rng):
    rows, cols = rng.choice([(4, 4), (4, 4), (4, 6), (6, 4)])
    values = rng.sample(range(-20, 21), rows * cols)
    return {"input": [values[i * cols:(i + 1) * cols] for i in range(rows)],
            "upstream": [[rng.choice([-3, -2, -1, 1, 2, 3, 4]) for _ in range(cols // 2)] for _ in range(rows // 2)]}


def build(input, upstream):
    X0v, Gv = sp.ImmutableMatrix(input), sp.ImmutableMatrix(upstream)
    if _input_ok(input):
        raise BadParam(f"--param input: {_input_ok(input)}")
    if Gv.shape != (X0v.rows // 2, X0v.cols // 2):
        raise BadParam(f"--param upstream: a {X0v.rows}×{X0v.cols} input needs a "
                       f"{X0v.rows // 2}×{X0v.cols // 2} upstream gradient")
    D = Derivation(
        name="pooling_gradients",
        title="Gradients through max-pooling and average pooling",
        source="Homework 4, Q7(c)",
        statement=(
            r"A $2 \times 2$ pooling layer with stride 2 maps $X$ to $Y$; each output entry sees its own "
            r"$2 \times 2$ window of $X$. Max-pooling outputs the window's largest entry, average pooling the mean "
            r"of its four entries. Backpropagation delivers $dY = \partial L / \partial Y$. Find "
            rf"$\partial L / \partial X$ for both layers at the input $X_0 = {sp.latex(X0v)}$, first for a general "
            rf"$dY$, then for $dY = G = {sp.latex(Gv)}$."
        ),
    )
    X = D.matrix("X", *X0v.shape, "the input of the pooling layer")
    X0 = D.define("X_0", X0v, "the point where the gradient is taken; its entries are distinct")
    dY = D.matrix("dY", *Gv.shape, r"the upstream gradient $\partial L / \partial Y$, any values")
    G = D.define("G", Gv, "a numeric upstream gradient")
    D.assume(r"$\partial L / \partial X$ at $X_0$ is the gradient there of "
             r"$\langle dY, Y(X) \rangle = \sum_{i,j} dy_{i,j}\, y_{i,j}(X)$, since $L$ depends on $X$ only "
             r"through $Y$ (exact for first derivatives)")
    mask, ones = argmax_mask(X0v), sp.ImmutableMatrix(sp.ones(2, 2))
    dy = lambda a, b: Entry(dY, a // 2 + 1, b // 2 + 1)  # noqa: E731  (entry of dY over input entry (a, b))
    lhs = r"\frac{\partial L}{\partial X}\Big|_{X_0}"

    D.definition(grad(MaxPool(X), X, dY, at=X0), title="Max-pooling", lhs=lhs)
    D.step(sp.HadamardProduct(mask, Kron(dY, ones)), "gradient-at", "max-pool-routing",
           r"the mask marks each window's unique maximum at $X_0$ (boxed in the figure below); near $X_0$ each "
           r"$y_{i,j}$ equals that one entry, so $dy_{i,j}$ goes to it and the other three entries get 0")
    routed = sp.ImmutableMatrix(*X0v.shape, lambda a, b: mask[a, b] * dy(a, b))
    D.eq(routed, "upsample", r"$dY \otimes \mathbf{1}$ copies $dy_{i,j}$ over window $(i, j)$; the mask keeps "
                             "the maximum's place")
    D.result(routed)

    D.definition(grad(AvgPool(X), X, dY, at=X0), title="Average pooling", lhs=lhs)
    D.step(sp.MatMul(sp.Rational(1, 4), Kron(dY, ones)), "gradient-at", "average-pool-spreading",
           r"$y_{i,j}$ is the mean of its window, linear in each of the four entries with weight $\tfrac14$")
    spread = sp.MatMul(sp.Rational(1, 4), sp.ImmutableMatrix(*X0v.shape, dy), evaluate=False)
    D.eq(spread, "upsample", r"write $dY \otimes \mathbf{1}$ out entry by entry")
    D.result(spread)

    numeric_max = sp.ImmutableMatrix(mask.multiply_elementwise(sp.kronecker_product(Gv, ones)))
    D.definition(grad(MaxPool(X), X, G, at=X0), title="With the numbers: max-pooling", lhs=lhs)
    D.step(numeric_max, "gradient-at", "max-pool-routing", r"the routing found above with $dY = G$")
    D.result(numeric_max)

    numeric_avg = sp.MatMul(sp.Rational(1, 4), sp.ImmutableMatrix(sp.kronecker_product(Gv, ones)), evaluate=False)
    D.definition(grad(AvgPool(X), X, G, at=X0), title="With the numbers: average pooling", lhs=lhs)
    D.step(numeric_avg, "gradient-at", "average-pool-spreading", r"a quarter of $G$ over each window")
    D.result(numeric_avg)

    D.figure(_figure(X0v, mask, numeric_max), "Windows separated by lines; each window's maximum (boxed) "
                                              "receives that window's gradient under max-pooling.")
    D.crosscheck("central differences of numpy pooling", lambda seed: _differences(D, X0v, Gv, seed))
    return D


def _figure(X0, mask, grad):
    def array(m, boxed):
        cols = "|".join(["rr"] * (m.cols // 2))
        rows = []
        for a in range(m.rows):
            cells = [rf"\boxed{{{sp.latex(m[a, b])}}}" if boxed and mask[a, b] else sp.latex(m[a, b])
                     for b in range(m.cols)]
            rows.append(" & ".join(cells) + r" \\" + (r" \hline" if a % 2 and a < m.rows - 1 else ""))
        return r"\left[\begin{array}{" + cols + "}" + "\n".join(rows) + r"\end{array}\right]"
    return (rf"$X_0 = {array(X0, True)} \qquad \dfrac{{\partial L}}{{\partial X}}\Big|_{{X_0,\ dY = G}} = "
            rf"{array(grad, False)}$")


# -- independent check: pooling written in numpy, gradients by central differences ------------------

def _pool(x, how):
    r, c = x.shape
    windows = x.reshape(r // 2, 2, c // 2, 2)
    return windows.max(axis=(1, 3)) if how == "max" else windows.mean(axis=(1, 3))


def _numeric_gradient(x0, up, how, eps=1e-3):
    """Central differences of L(X) = sum(up * pool(X)); exact up to rounding where pool is linear
    (the entries are integers, so a step of 1e-3 changes no window's maximum)."""
    grad = np.zeros_like(x0)
    for idx in np.ndindex(*x0.shape):
        e = np.zeros_like(x0)
        e[idx] = eps
        grad[idx] = (np.sum(up * _pool(x0 + e, how)) - np.sum(up * _pool(x0 - e, how))) / (2 * eps)
    return grad


def _differences(D, X0, G, seed=11):
    x0, g = np.array(X0.tolist(), dtype=float), np.array(G.tolist(), dtype=float)
    rng = np.random.default_rng(seed)
    dY = next(d.obj for d in D.declared if str(d.obj) == "dY")
    worst = 0.0
    for part, how, up in [(0, "max", None), (1, "avg", None), (2, "max", g), (3, "avg", g)]:
        result = D.parts[part].result
        if up is None:  # the general results, at a random upstream gradient
            up = rng.integers(-9, 10, size=g.shape).astype(float)
            values = {Entry(dY, i + 1, j + 1): up[i, j] for i in range(up.shape[0]) for j in range(up.shape[1])}
            result = result.xreplace(values)
        stated = np.array(sp.ImmutableMatrix(result.doit()).tolist(), dtype=float)
        worst = max(worst, float(np.abs(stated - _numeric_gradient(x0, up, how)).max()))
    ok = worst < 1e-6
    return Verdict(-1, "cross-check", Label.NUMERIC if ok else Label.FAILED,
                   r"pooling written in numpy (reshape, max/mean), gradient of $L = \sum_{i,j} dY_{i,j}\, "
                   r"\operatorname{pool}(X)_{i,j}$ by central differences with step 1e-3 at $X_0$, for $dY = G$ and "
                   f"a random integer $dY$; largest error {worst:.1e} (tolerance 1e-6)", seed=seed, points=4)


DERIVATION = build(**{p.name: p.default for p in PARAMS})
