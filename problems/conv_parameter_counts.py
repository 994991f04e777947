"""Learnable parameters of a traditional and a depthwise separable convolution (HW5 Q3(a)-(b))."""
import numpy as np
import sympy as sp

from derive import (ConvLayer, Derivation, Label, Param, ParamCount, Plus, Ratio, Stack, Times, Verdict)


def _between(lo, hi):
    return lambda v: None if lo <= v <= hi else f"between {lo} and {hi}"


PARAMS = [
    Param("c_in", "int", 3, check=_between(1, 4), meaning="input channels"),
    Param("c_out", "int", 4, check=_between(1, 8), meaning="output channels"),
    Param("kernel", "int", 3, check=_between(1, 4), meaning="kernel size K (the kernel is K×K)"),
]


def sample(rng):
    return {"c_in": rng.randint(1, 3), "c_out": rng.randint(2, 5), "kernel": rng.choice([2, 3])}


def build(c_in, c_out, kernel):
    D = Derivation(
        name="conv_parameter_counts",
        title="Parameters of a traditional and a depthwise separable convolution",
        source="Homework 5, Q3(a)-(b)",
        statement=(
            rf"An image with {c_in} channels (of any resolution) enters a convolutional layer with "
            rf"${kernel} \times {kernel}$ kernels and {c_out} output channels. (a) How many learnable weights "
            r"does a traditional convolution have? (b) A depthwise separable convolution first convolves "
            r"each input channel with its own kernel (depthwise: as many output channels as input channels, "
            r"no cross-talk), then mixes the channels with a $1 \times 1$ convolution (pointwise). How many "
            r"weights does it have? Count in general first, ignoring biases, then with the numbers, and "
            r"finally with one bias per output channel."
        ),
    )
    Ci, Co, K = D.dims("C_in C_out K")
    D.check_sizes({})  # every "=" step below is either scalar or between concrete numbers
    grid = {Ci: range(1, 4), Co: (1, 2, 4), K: range(1, 4)}
    conv, dw, pw = ConvLayer(Ci, Co, K), ConvLayer(Ci, Ci, K, depthwise=True), ConvLayer(Ci, Co, 1)
    D.assume(r"$\#\theta(\cdot)$ counts the weights and biases that the layer's forward computation reads; "
             r"$\mathrm{DW}$ is a depthwise convolution, $g \circ f$ applies $f$ first")

    D.definition(ParamCount(conv), title="(a) Traditional convolution, in general", lhs=r"N_{\mathrm{conv}}")
    D.step(Times(Co, Ci, K, K), "grid", "count-parameters",
           r"every output channel has a $K \times K$ kernel for each input channel", grid=grid)
    D.result(Times(Co, Ci, K, K))

    separable = Stack(dw, pw)
    D.definition(ParamCount(separable), title="(b) Depthwise separable convolution, in general",
                 lhs=r"N_{\mathrm{sep}}")
    D.step(Plus(ParamCount(dw), ParamCount(pw)), "grid", "separate-parameters",
           "the depthwise and the pointwise convolution have their own weights", grid=grid)
    D.step(Plus(Times(Ci, K, K), Times(Co, Ci, 1, 1)), "grid", "count-parameters",
           r"a depthwise kernel reads one channel only; the pointwise step is a $1 \times 1$ convolution",
           grid=grid)
    D.eq(Ci * (K**2 + Co), "algebra")
    D.result(Ci * (K**2 + Co))

    D.definition(Ratio(ParamCount(separable), ParamCount(conv)), title="(b) The saving",
                 lhs=r"N_{\mathrm{sep}} / N_{\mathrm{conv}}")
    D.step(Ratio(Ci * (K**2 + Co), Times(Co, Ci, K, K)), "grid", "count-parameters", "the two counts above",
           grid=grid)
    D.eq(1 / Co + 1 / K**2, "algebra")
    D.result(1 / Co + 1 / K**2)

    a, b, c = c_in, c_out, kernel
    small_conv, small_dw, small_pw = ConvLayer(a, b, c), ConvLayer(a, a, c, depthwise=True), ConvLayer(a, b, 1)
    counts = sp.ImmutableMatrix([ParamCount(small_conv), ParamCount(Stack(small_dw, small_pw))])
    D.definition(counts, title="With the numbers, weights only",
                 lhs=r"\begin{bmatrix} N_{\mathrm{conv}} \\ N_{\mathrm{sep}} \end{bmatrix}")
    D.eq(sp.ImmutableMatrix([Times(b, a, c, c), Plus(Times(a, c, c), Times(b, a, 1, 1))]), "count-parameters",
         rf"the general counts with $C_{{in}} = {a}$, $C_{{out}} = {b}$, $K = {c}$")
    D.eq(sp.ImmutableMatrix([Times(b, a, c, c), Plus(a * c * c, b * a)]), "evaluate-numbers")
    weights = sp.ImmutableMatrix([b * a * c * c, a * c * c + b * a])
    D.eq(weights, "evaluate-numbers")
    D.result(weights)

    biased = sp.ImmutableMatrix([
        ParamCount(ConvLayer(a, b, c, bias=True)),
        ParamCount(Stack(small_dw, ConvLayer(a, b, 1, bias=True))),
        ParamCount(Stack(ConvLayer(a, a, c, bias=True, depthwise=True), ConvLayer(a, b, 1, bias=True)))])
    D.definition(biased, title="With one bias per output channel", lhs=r"\begin{bmatrix} N_{\mathrm{conv}} "
                 r"\\ N_{\mathrm{sep}},\ \text{pointwise biases} \\ N_{\mathrm{sep}},\ \text{both biased} \end{bmatrix}")
    D.eq(sp.ImmutableMatrix([Plus(b * a * c * c, b), Plus(a * c * c + b * a, b), Plus(a * c * c + b * a, a, b)]),
         "count-parameters", "the weights found above, plus one bias per output channel of each biased layer")
    total = sp.ImmutableMatrix([b * a * c * c + b, a * c * c + b * a + b, a * c * c + b * a + a + b])
    D.eq(total, "evaluate-numbers")
    D.result(total)
    D.note(r"The depthwise biases can be left out: the pointwise convolution is linear, so it turns them into "
           r"one constant per output channel, which the pointwise biases already provide.")

    D.crosscheck("numpy layers: parameter arrays and the rank of the Jacobian",
                 lambda seed: _numpy_counts(a, b, c, weights, total, seed))
    return D


# -- independent check: numpy layers, parameters stored as arrays ---------------------------------

def _conv(x, w, depthwise=False):
    """Valid cross-correlation of x (batch, C, n, n) with a stack of kernels w (P, C_out, C_in, k, k),
    or depthwise w (P, C, k, k): one output per kernel set."""
    k = w.shape[-1]
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    spec = "bcijhl,pchl->pbcij" if depthwise else "bcijhl,pochl->pboij"
    return np.einsum(spec, win, w, optimize=True)


def _layer(kind, c_in, c_out, k, bias):
    """(parameter array shapes, forward(x, arrays)) of one layer, written from the layer's description."""
    shapes = [{"conv": (c_out, c_in, k, k), "dw": (c_in, k, k), "pw": (c_out, c_in, 1, 1)}[kind]]
    shapes += [(c_in if kind == "dw" else c_out,)] if bias else []

    def forward(x, params):
        y = _conv(x, params[0], depthwise=kind == "dw")
        return y + params[1][:, None, :, None, None] if bias else y
    return shapes, forward


def _rank(a, prime=2_147_483_647):
    """Exact rank of an integer matrix modulo a prime (never above the rank over the rationals),
    by Gaussian elimination on int64 arrays (no floating point, no BLAS)."""
    a = np.asarray(a, dtype=np.int64) % prime
    rank = 0
    for col in range(a.shape[1]):
        below = np.nonzero(a[rank:, col])[0]
        if not below.size:
            continue
        pivot = rank + below[0]
        a[[rank, pivot]] = a[[pivot, rank]]
        a[rank] = a[rank] * pow(int(a[rank, col]), prime - 2, prime) % prime
        others = np.nonzero(a[:, col])[0]
        others = others[others != rank]
        a[others] = (a[others] - np.outer(a[others, col], a[rank]) % prime) % prime
        rank += 1
        if rank == a.shape[0]:
            break
    return rank


def _needed(kind, c_in, c_out, k, bias, rng):
    """(number of parameter entries, rank of the Jacobian of the outputs on a random integer batch)."""
    shapes, forward = _layer(kind, c_in, c_out, k, bias)
    sizes = [int(np.prod(s)) for s in shapes]
    n = k + 1
    x = rng.integers(-9, 10, size=(c_in * k * k // 2 + 3, c_in, n, n)).astype(float)  # 4 windows per image
    basis = np.eye(sum(sizes))  # the outputs are linear in the parameters: one row per basis vector
    parts = np.split(basis, np.cumsum(sizes)[:-1], axis=1)
    rows = forward(x, [q.reshape((-1,) + s) for q, s in zip(parts, shapes)]).reshape(sum(sizes), -1)
    return sum(sizes), _rank(np.rint(rows))


def _numpy_counts(c_in, c_out, k, weights, total, seed=3):
    rng = np.random.default_rng(seed)
    got = {}
    for kind in ("conv", "dw", "pw"):
        for bias in (False, True):
            count, rank = _needed(kind, c_in, c_out, k, bias, rng)
            if count != rank:
                return Verdict(-1, "cross-check", Label.FAILED,
                               f"numpy {kind} layer: {count} parameter entries but the Jacobian has rank {rank}")
            got[kind, bias] = count
    want = [got["conv", False], got["dw", False] + got["pw", False], got["conv", True],
            got["dw", False] + got["pw", True], got["dw", True] + got["pw", True]]
    ok = want == [int(v) for v in list(weights) + list(total)]
    return Verdict(-1, "cross-check", Label.NUMERIC if ok else Label.FAILED,
                   "each layer written in numpy from its description; its parameter arrays hold $N$ entries and the "
                   "Jacobian of its outputs on a random integer batch with respect to them has rank $N$ (exact, modulo "
                   f"a prime) (no redundant parameter); the totals {', '.join(map(str, want))} equal the stated counts",
                   seed=seed, points=6)


DERIVATION = build(**{p.name: p.default for p in PARAMS})
