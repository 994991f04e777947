"""Feature shapes, parameter counts and receptive fields of a CNN (HW4 Q4(a)-(c), (e))."""
import numpy as np
from sympy import ImmutableMatrix

from derive import (conv_size, ConvLayer, Derivation, Label, Network, Param, ParamCount, Plus,
                    ReceptiveField, recurrence, Times, value_at, Verdict, WindowCount)


def _between(lo, hi):
    return lambda v: None if lo <= v <= hi else f"between {lo} and {hi}"


PARAMS = [
    Param("size", "int", 28, check=_between(4, 64), meaning="height and width of the input image"),
    Param("channels", "int", 1, check=_between(1, 4), meaning="channels of the input image"),
    Param("filters", "int_list", [10, 10], meaning="filters of the two CONV3 layers",
          check=lambda v: None if len(v) == 2 and all(1 <= f <= 32 for f in v) else "two counts from 1 to 32"),
    Param("classes", "int", 3, check=_between(1, 20), meaning="outputs of the final FC layer"),
]


def sample(rng):
    """Input sizes divisible by 4, so that both poolings halve exactly."""
    return {"size": 4 * rng.randint(2, 12), "channels": rng.choice([1, 1, 3]),
            "filters": [rng.randint(2, 16), rng.randint(2, 16)], "classes": rng.randint(2, 10)}


def network(size, channels, filters, classes):
    f1, f2 = filters
    return Network((size, size, channels), [
        (f"CONV3-{f1}", "conv", f1, 3, 1, 1), ("POOL2", "pool", 0, 2, 0, 2),
        (f"CONV3-{f2}", "conv", f2, 3, 1, 1), ("POOL2", "pool", 0, 2, 0, 2),
        ("FLATTEN", "flatten", 0, 0, 0, 0), (f"FC-{classes}", "fc", classes, 0, 0, 0)])


def build(size, channels, filters, classes):
    net = network(size, channels, filters, classes)
    names = ", ".join(layer[0] for layer in net.layers)
    D = Derivation(
        name="cnn_shapes",
        title="Feature shapes, parameter counts and receptive fields of a CNN",
        source="Homework 4, Q4(a)-(c), (e)",
        statement=(
            r"(a) A convolutional layer with $F$ filters of size $K \times K$, zero padding $P$ and stride $S$ "
            r"acts on a $W \times H \times C$ input. How many weights and biases does it have, and what is the "
            r"shape of its output? (b) What shape does a $K \times K$ max-pooling layer with stride $S$ "
            r"produce? (c) What is the receptive field of $L$ stacked $K \times K$ convolutions with stride 1? "
            rf"(e) The network {names} acts on a ${size} \times {size} \times {channels}$ image; CONV3-$F$ has "
            r"$F$ filters of size $3 \times 3$ with padding 1 and stride 1, POOL2 is $2 \times 2$ max-pooling "
            r"with stride 2, FC-$n$ is fully connected with $n$ outputs. Give each layer's output shape and "
            r"number of parameters."
        ),
    )
    H, W, K, S, F, C, L = D.dims("H W K S F C L")
    P = D.scalars("P", "nonnegative", "zero padding on each side (an integer)")
    D.check_sizes({})  # the general parts are checked on grids; the "=" steps are between numbers
    D.assume(r"$\#\{\dots\}$ counts window positions; $\#\theta(\cdot)$ counts the weights and biases the "
             r"layer's forward computation reads; $\operatorname{rf}(\cdot)$ is the side of the input square "
             r"that one output pixel depends on")

    shape = lambda p, s, depth: ImmutableMatrix([[WindowCount(W, K, p, s), WindowCount(H, K, p, s), depth]])  # noqa: E731
    size = lambda p, s, depth: ImmutableMatrix([[conv_size(W, K, p, s), conv_size(H, K, p, s), depth]])  # noqa: E731
    D.definition(shape(P, S, F), "window positions along the width and the height; one channel per filter",
                 title="(a) Output shape of a convolution", lhs=r"(W_{\mathrm{out}}, H_{\mathrm{out}}, C_{\mathrm{out}})")
    D.step(size(P, S, F), "grid", "count-window-positions",
           r"the window starts at $0, S, 2S, \dots$ and must end inside the padded width $W + 2P$ and height "
           r"$H + 2P$; the depth is $F$, one channel per filter",
           grid={H: range(1, 7), W: range(1, 7), K: range(1, 4), P: range(0, 3), S: range(1, 4)},
           where=(K <= W + 2 * P) & (K <= H + 2 * P))
    D.result(size(P, S, F))

    D.definition(ParamCount(ConvLayer(C, F, K, bias=True)), title="(a) Parameters of a convolution",
                 lhs=r"N_{\mathrm{conv}}")
    D.step(Plus(Times(F, K, K, C), F), "grid", "count-parameters",
           r"each of the $F$ filters has $K \cdot K \cdot C$ weights and one bias",
           grid={C: range(1, 4), F: (1, 2, 4), K: range(1, 4)})
    D.result(Plus(Times(F, K, K, C), F))

    D.definition(shape(0, S, C), "window positions along the width and the height; every channel pooled alone",
                 title="(b) Output shape of max-pooling", lhs=r"(W_{\mathrm{out}}, H_{\mathrm{out}}, C_{\mathrm{out}})")
    D.step(size(0, S, C), "grid", "count-window-positions",
           r"as for a convolution without padding; pooling keeps the $C$ channels and has no parameters",
           grid={H: range(1, 7), W: range(1, 7), K: range(1, 4), S: range(1, 4), C: (1, 2, 3)},
           where=(K <= W) & (K <= H))
    D.result(size(0, S, C))

    D.definition(ReceptiveField(L, K), title="(c) Receptive field of stacked convolutions", lhs=r"r_L")
    D.step(recurrence("r", L, 1, K, lambda r, l: Plus(r, K, -1)), "grid", "window-recurrence",
           r"one convolution reads a $K \times K$ block; a further $K \times K$ convolution on top reads a "
           r"$K \times K$ block around each pixel of the current window, adding $K - 1$ to its side; the "
           r"window on the left is found by propagating it pixel by pixel",
           grid={L: range(1, 7), K: range(1, 6)})
    rf = Plus(Times(L, Plus(K, -1)), 1)
    D.step(rf, "induction", "closed-form-by-induction", r"$1 \cdot (K - 1) + 1 = K$, and adding $K - 1$ to "
           r"$l(K-1) + 1$ gives $(l+1)(K-1) + 1$")
    D.result(rf)

    D.definition(net.feature_maps("formula"), title="(e) Shapes of the feature maps",
                 lhs=r"\text{height, width, channels}", why="the output sizes proved in (a) and (b)")
    maps = net.feature_maps("value")
    D.eq(maps, "evaluate-numbers", r"each row is one layer (CONV, POOL, CONV, POOL): the sizes of (a) and (b) "
                                   r"with that layer's input")
    D.result(maps)

    D.definition(net.flattened("defined"), title="(e) Length after FLATTEN", lhs=r"n_{\mathrm{flat}}")
    D.eq(net.flattened("formula"), "count-parameters", "one entry per pixel and channel of the last map")
    D.eq(net.flattened("value"), "evaluate-numbers")
    D.result(net.flattened("value"))

    D.definition(net.parameters("defined"), title="(e) Parameters per layer", lhs=r"N")
    D.eq(net.parameters("formula"), "count-parameters",
         r"(a) for CONV; pooling and flattening read no parameters; FC has $n_{\mathrm{in}} \cdot n$ weights "
         r"and $n$ biases")
    counts = net.parameters("value")
    D.eq(counts, "evaluate-numbers")
    D.result(counts)

    D.figure(net.table(maps, net.flattened("value"), counts),
             "Each layer of the network with its output shape and number of parameters, from the results above.")
    D.crosscheck("numpy forward pass, parameter arrays and receptive fields", lambda seed: _numpy_check(net, D, seed))
    return D


# -- independent check: the network run in numpy ----------------------------------------------------

def _forward(net, rng):
    """Run the network on a random image; return each layer's output shape and parameter entries."""
    x = rng.normal(size=net.input[::-1])  # channels first
    shapes, counts = [], []
    for _, kind, size, k, pad, stride in net.layers:
        if kind == "conv":
            w, b = rng.normal(size=(size, x.shape[0], k, k)), rng.normal(size=size)
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(1, 2))[:, ::stride, ::stride]
            x = np.einsum("cijhl,fchl->fij", win, w) + b[:, None, None]
            counts.append(w.size + b.size)
        elif kind == "pool":
            c, h, wd = x.shape
            x = x[:, :h - h % k, :wd - wd % k].reshape(c, h // k, k, wd // k, k).max(axis=(2, 4))
            counts.append(0)
        elif kind == "flatten":
            x = x.ravel()
            counts.append(0)
        else:
            w, b = rng.normal(size=(size, x.size)), rng.normal(size=size)
            x = w @ x + b
            counts.append(w.size + b.size)
        shapes.append(x.shape[1:] + x.shape[:1] if x.ndim == 3 else x.shape)
    return shapes, counts


def _receptive_side(layers, k):
    """Side of the nonzero region of ∂y/∂x for one output pixel of `layers` all-ones k×k convolutions."""
    n = layers * k + 2  # room enough: each layer shifts by less than k
    grad = np.zeros((n, n))
    grad[0, 0] = 1.0
    for _ in range(layers):  # back-propagate through a valid k×k convolution with positive weights
        out = np.zeros((n, n))
        for a in range(k):
            for b in range(k):
                out[a:, b:] += grad[:n - a, :n - b]
        grad = out
    rows, cols = np.nonzero(grad)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def _listing(items):
    """a, b and c."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _shapes_text(shapes):
    """Array shapes as mathematics: $28 \\times 28 \\times 10$, ... and $490$."""
    return _listing("$" + r" \times ".join(map(str, shape)) + "$" for shape in shapes)


def _numpy_check(net, D, seed=5):
    shapes, counts = _forward(net, np.random.default_rng(seed))
    maps, flat, params = (D.parts[i].result for i in (4, 5, 6))
    stated = [tuple(int(v) for v in row) for row in maps.tolist()]
    spatial = [s for s, layer in zip(shapes, net.layers) if layer[1] in ("conv", "pool")]
    dims = {str(d): d for d in D.dimensions}
    rf = D.parts[3].result
    sides = {(n, k): int(value_at(D, rf, {dims["L"]: n, dims["K"]: k})) for n in range(1, 5) for k in (2, 3, 5)}
    rf_ok = all(_receptive_side(n, k) == (side, side) for (n, k), side in sides.items())
    ok = (spatial == stated and shapes[-2] == (int(flat),) and counts == [int(v) for v in params] and rf_ok)
    return Verdict(-1, "cross-check", Label.NUMERIC if ok else Label.FAILED,
                   "the network run in numpy on a random image (padding by np.pad, windows by strides, pooling "
                   f"by reshape): output shapes {_shapes_text(shapes)}; parameter arrays of "
                   f"{_listing(map(str, counts))} entries; receptive fields from the support of a back-propagated "
                   r"impulse through all-ones filters ($L = 1, \dots, 4$, $K = 2, 3, 5$)",
                   seed=seed, points=1)


DERIVATION = build(**{p.name: p.default for p in PARAMS})
