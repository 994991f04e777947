"""Convolutional networks on paper: output sizes, parameter counts, receptive fields,
transpose convolution as shifted copies of the filter, pooling and its gradient.

Counting objects ground themselves by enumeration at concrete sizes (window positions, the
parameters a layer's forward computation reads, the input pixels an output depends on), so a
formula is checked against a count and never against itself.  ``Plus``, ``Times`` and
``FloorDiv`` are arithmetic that prints in the order written (sympy reorders sums) and grounds
to ordinary sympy arithmetic.
"""
import itertools

from .lazy import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .errors import ProblemError, ShapeMismatch, Unsupported
from .rules import register_rule

for _name, _text, _relations in [
    ("count-window-positions", "count the positions p = 0, 1, 2, ... of the window: the last one ends "
                               "inside the padded input", ("grid", "=")),
    ("count-parameters", "count the weights and biases the layer's forward computation reads",
     ("grid", "=")),
    ("separate-parameters", "stacked layers have separate parameters: their counts add", ("grid", "=")),
    ("window-recurrence", "one more K x K convolution (stride 1) widens the window by K - 1", ("grid",)),
    ("evaluate-numbers", "evaluate the numbers", ("=",)),
    ("shifted-copies", "each input entry scales a copy of the filter shifted by stride times its "
                       "position; overlaps add", ("=",)),
    ("scale-copies", "multiply each copy by its input entry", ("=",)),
    ("add-copies", "add the copies entry by entry", ("=",)),
    ("max-pool-routing", "near a point where each window's maximum is unique, the window's output is that "
                         "one entry, so its gradient goes there only", ("gradient-at", "=")),
    ("average-pool-spreading", "each window's output is the mean of its entries: each entry receives a "
                               "quarter of the window's gradient", ("gradient-at", "=")),
    ("upsample", "write the blockwise gradient out entry by entry", ("=",)),
]:
    register_rule(_name, _text, _relations)


def _ints(g, *args):
    return [g.dim(a) for a in args]


# -- arithmetic printed in the order written ------------------------------------------------

class _Shown(sp.Expr):
    is_commutative = True

    def __new__(cls, *args):
        return super().__new__(cls, *map(sp.sympify, args))


def _term(printer, t, later=True):
    """A term or factor, bracketed where the sum or sign would otherwise run into its neighbours."""
    if isinstance(t, (Plus, sp.Add)) or (later and t.could_extract_minus_sign()):
        return printer._bracket(t)
    return printer._print(t)


class Plus(_Shown):
    """a + b - c, printed in the order given."""

    def _derive_ground(self, g):
        return sp.Add(*(g.scalar(a) for a in self.args))

    def _derive_latex(self, printer):
        first, *rest = self.args
        out = printer._print(first)
        for t in rest:
            out += (" - " + _term(printer, -t, False)) if t.could_extract_minus_sign() else (" + " + printer._print(t))
        return out


class Times(_Shown):
    """a · b · c, printed in the order given."""

    def _derive_ground(self, g):
        return sp.Mul(*(g.scalar(a) for a in self.args))

    def _derive_latex(self, printer):
        return r" \cdot ".join(_term(printer, a, i > 0) for i, a in enumerate(self.args))


class FloorDiv(_Shown):
    """⌊a / b⌋."""

    def _derive_ground(self, g):
        return sp.floor(g.scalar(self.args[0]) / g.scalar(self.args[1]))

    def _derive_latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return r"\left\lfloor \dfrac{" + a + "}{" + b + r"} \right\rfloor"


class Ratio(_Shown):
    """a / b as a displayed fraction (not simplified)."""

    def _derive_ground(self, g):
        return g.scalar(self.args[0]) / g.scalar(self.args[1])

    def _derive_latex(self, printer):
        return r"\frac{" + printer._print(self.args[0]) + "}{" + printer._print(self.args[1]) + "}"


def conv_size(n, k, pad=0, stride=1):
    """⌊(n − k + 2·pad)/stride⌋ + 1, printed as written (a stride of 1 as n − k + 2·pad + 1)."""
    terms = (n, -sp.sympify(k), Times(2, pad)) if pad != 0 else (n, -sp.sympify(k))
    if stride == 1:
        return Plus(*terms, 1)
    return Plus(FloorDiv(Plus(*terms), stride), 1)


# -- counts defined by enumeration ------------------------------------------------------------

class WindowCount(_Shown):
    """#{p ≥ 0 : p·stride + k ≤ n + 2·pad}: the positions of a k-wide window along one axis."""

    def _derive_ground(self, g):
        n, k, pad, stride = _ints(g, *self.args)
        if stride < 1:
            raise ShapeMismatch(f"stride {stride} at size {g.size}")
        return sp.Integer(sum(1 for p in range(n + 2 * pad + 1) if p * stride + k <= n + 2 * pad))

    def _derive_latex(self, printer):
        n, k, pad, stride = self.args
        step = "p" if stride == 1 else (f"{printer._print(stride)}p" if stride.is_Number
                                        else f"p {printer._print(stride)}")
        room = printer._print(n) + ("" if pad == 0 else " + " + printer._print(Times(2, pad)))
        return (r"\#\left\{p \in \mathbb{Z}_{\ge 0} : " + step + " + " + printer._print(k) + r" \le "
                + room + r"\right\}")


class EntryCount(_Shown):
    """The number of entries of an a × b × c array, counted index by index."""

    def _derive_ground(self, g):
        return sp.Integer(sum(1 for _ in itertools.product(*(range(v) for v in _ints(g, *self.args)))))

    def _derive_latex(self, printer):
        return r"\#\text{entries}\left(" + r" \times ".join(printer._print(a) for a in self.args) + r"\right)"


# Layers as data.  The parameter count of a layer is found by running its forward
# computation on an input whose entries depend on nothing, tracking for every value the
# set of parameters it was computed from; the layer's parameters are all those read.

class Layer(sp.Basic):
    def reach(self, g):
        """How far a window reaches beyond one input pixel (the input side needed, minus 1)."""
        raise Unsupported(f"{type(self).__name__} cannot come first in a stack whose parameters are counted")

    def channels_in(self, g):
        raise Unsupported(f"{type(self).__name__} cannot come first in a stack whose parameters are counted")


class ConvLayer(Layer):
    """K×K convolution from C_in to C_out channels; depthwise: output channel c reads input channel c only."""

    def __new__(cls, c_in, c_out, k, bias=False, depthwise=False):
        return super().__new__(cls, *map(sp.sympify, (c_in, c_out, k)), sp.true if bias else sp.false,
                               sp.true if depthwise else sp.false)

    def walk(self, g, x, tag):
        c_in, c_out, k = _ints(g, *self.args[:3])
        bias, depthwise = bool(self.args[3]), bool(self.args[4])
        if depthwise and c_in != c_out:
            raise ShapeMismatch("a depthwise convolution keeps the number of channels")
        if len(x) != c_in:
            raise ShapeMismatch(f"{c_in} input channels expected, got {len(x)}")
        m = len(x[0]) - k + 1
        out = []
        for o in range(c_out):
            reads = [o] if depthwise else range(c_in)
            b = {(tag, "b", o)} if bias else set()
            out.append([[frozenset(b).union(*({(tag, "w", o, c, a, e)} | x[c][i + a][j + e]
                                               for c in reads for a in range(k) for e in range(k)))
                         for j in range(m)] for i in range(m)])
        return out

    def reach(self, g):
        return _ints(g, self.args[2])[0] - 1

    def channels_in(self, g):
        return _ints(g, self.args[0])[0]

    def _derive_latex(self, printer):
        c_in, c_out, k, bias, depthwise = self.args
        kk = printer._print(k)
        name = (r"\mathrm{DW}^{" + printer._print(c_in) + "}" if depthwise
                else r"\mathrm{CONV}^{" + printer._print(c_in) + r" \to " + printer._print(c_out) + "}")
        return name + "_{" + kk + r" \times " + kk + "}" + (r"\text{ with bias}" if bias else "")


class PoolLayer(Layer):
    """k×k max-pooling with stride k: no parameters."""

    def __new__(cls, channels, k):
        return super().__new__(cls, sp.sympify(channels), sp.sympify(k))

    def walk(self, g, x, tag):
        k = _ints(g, self.args[1])[0]
        m = len(x[0]) // k
        return [[[frozenset().union(*(ch[i * k + a][j * k + e] for a in range(k) for e in range(k)))
                  for j in range(m)] for i in range(m)] for ch in x]

    def reach(self, g):
        return _ints(g, self.args[1])[0] - 1

    def channels_in(self, g):
        return _ints(g, self.args[0])[0]

    def _derive_latex(self, printer):
        k = printer._print(self.args[1])
        return r"\mathrm{MAXPOOL}_{" + k + r" \times " + k + "}"


class FlattenLayer(Layer):
    """Reshape an H×W×C array into a vector: no parameters."""

    def __new__(cls, h, w, c):
        return super().__new__(cls, *map(sp.sympify, (h, w, c)))

    def walk(self, g, x, tag):
        return [v for ch in x for row in ch for v in row]

    def reach(self, g):
        return _ints(g, self.args[0])[0] - 1

    def channels_in(self, g):
        return _ints(g, self.args[2])[0]

    def _derive_latex(self, printer):
        return r"\mathrm{FLATTEN}"


class DenseLayer(Layer):
    """Fully connected: n_in inputs to n_out outputs, with a bias per output."""

    def __new__(cls, n_in, n_out, bias=True):
        return super().__new__(cls, sp.sympify(n_in), sp.sympify(n_out), sp.true if bias else sp.false)

    def walk(self, g, x, tag):
        n_in, n_out = _ints(g, *self.args[:2])
        if len(x) != n_in:
            raise ShapeMismatch(f"{n_in} inputs expected, got {len(x)}")
        return [frozenset({(tag, "b", u)} if self.args[2] else set()).union(
            *({(tag, "w", u, i)} | x[i] for i in range(n_in))) for u in range(n_out)]

    def _derive_latex(self, printer):
        return (r"\mathrm{FC}^{" + printer._print(self.args[0]) + r" \to " + printer._print(self.args[1]) + "}"
                + (r"\text{ with bias}" if self.args[2] else ""))


class Stack(Layer):
    """Layers applied one after the other (the first argument first)."""

    def walk(self, g, x, tag):
        for i, layer in enumerate(self.args):
            x = layer.walk(g, x, tag + (i,))
        return x

    def reach(self, g):
        return sum(layer.reach(g) for layer in self.args)

    def channels_in(self, g):
        return self.args[0].channels_in(g)

    def _derive_latex(self, printer):
        return r" \circ ".join(printer._print(a) for a in reversed(self.args))


def _values(x):
    if isinstance(x, frozenset):
        yield x
    else:
        for item in x:
            yield from _values(item)


class ParamCount(_Shown):
    """#θ(layer): how many learnable parameters the layer's forward computation reads."""

    def __new__(cls, layer):
        if not isinstance(layer, Layer):
            raise ProblemError(f"#θ(.) needs a layer, got {layer}")
        return super().__new__(cls, layer)

    def _derive_ground(self, g):
        layer = self.args[0]
        if isinstance(layer, DenseLayer):
            x = [frozenset()] * _ints(g, layer.args[0])[0]
        else:  # the smallest input every window fits in: each parameter is read at least once
            n = layer.reach(g) + 1
            x = [[[frozenset()] * n for _ in range(n)] for _ in range(layer.channels_in(g))]
        return sp.Integer(len(frozenset().union(*_values(layer.walk(g, x, ())))))

    def _derive_latex(self, printer):
        return r"\#\theta\left(" + printer._print(self.args[0]) + r"\right)"


# -- receptive field ------------------------------------------------------------------------------

class ReceptiveField(_Shown):
    """Side of the input square one output pixel of L stacked K×K stride-1 convolutions reads."""

    def _derive_ground(self, g):
        layers, k = _ints(g, *self.args)
        room = 2 + layers * k  # a canvas larger than any window: each layer shifts by less than k
        reads = np.zeros((room, room), dtype=bool)
        reads[0, 0] = True  # the input pixels that one output pixel reads
        for _ in range(layers):  # each pixel read by the layer above reads a k×k block below it
            below = np.zeros_like(reads)
            for a in range(k):
                for b in range(k):
                    below[a:, b:] |= reads[:room - a, :room - b]
            reads = below
        rows, cols = np.nonzero(reads)
        box = reads[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        if reads[-1].any() or reads[:, -1].any() or box.shape[0] != box.shape[1] or not box.all():
            raise Unsupported("the pixels read do not fill a square inside the canvas")
        return sp.Integer(box.shape[0])

    def _derive_latex(self, printer):
        L, k = (printer._print(a) for a in self.args)
        return r"\operatorname{rf}\left(" + L + r" \times \mathrm{CONV}_{" + k + r" \times " + k + r"}\right)"


# -- transpose convolution as shifted copies -----------------------------------------------------

class Superpose(MatrixExpr):
    """c_1 M_1 + c_2 M_2 + ..., printed in order with every coefficient shown."""

    def __new__(cls, *terms):
        terms = [sp.Tuple(sp.sympify(c), sp.ImmutableMatrix(m)) for c, m in terms]
        if len({t[1].shape for t in terms}) != 1:
            raise ShapeMismatch("the copies must all have one shape")
        return super().__new__(cls, *terms)

    @property
    def shape(self):
        return self.args[0][1].shape

    def _derive_ground(self, g):
        return sp.ImmutableMatrix(sum((g.scalar(c) * g.ground(m) for c, m in self.args[1:]),
                                      g.scalar(self.args[0][0]) * g.ground(self.args[0][1])))

    def _derive_latex(self, printer):
        out = ""
        for c, m in self.args:
            neg = c.is_Number and c < 0
            coeff = printer._print(-c if neg else c)
            coeff = printer._bracket(c) if c.is_Add else coeff
            sign = ("-" if neg else "") if not out else (" - " if neg else " + ")
            out += sign + coeff + " " + printer._print(m)
        return out


class MatSum(MatrixExpr):
    """M_1 + M_2 + ..., printed in order."""

    def __new__(cls, *mats):
        mats = [sp.ImmutableMatrix(m) for m in mats]
        if len({m.shape for m in mats}) != 1:
            raise ShapeMismatch("the matrices must all have one shape")
        return super().__new__(cls, *mats)

    @property
    def shape(self):
        return self.args[0].shape

    def _derive_ground(self, g):
        return sp.ImmutableMatrix(sum((g.ground(m) for m in self.args[1:]), g.ground(self.args[0])))

    def total(self):
        return sp.ImmutableMatrix(sum(self.args[1:], self.args[0]))

    def _derive_latex(self, printer):
        return " + ".join(printer._print(m) for m in self.args)


def _placements(x, h, stride):
    """(x_ij, shift (row, col), output shape) for every input entry, row by row."""
    x, h = sp.ImmutableMatrix(x), sp.ImmutableMatrix(h)
    one_d = x.rows == 1 and h.rows == 1
    shape = (1 if one_d else (x.rows - 1) * stride + h.rows, (x.cols - 1) * stride + h.cols)
    for i in range(x.rows):
        for j in range(x.cols):
            yield x[i, j], (0 if one_d else i * stride, j * stride), shape


def placed(h, shift, shape):
    """The filter h written into a zero matrix of ``shape`` with its corner at ``shift``."""
    h = sp.ImmutableMatrix(h)
    out = sp.zeros(*shape)
    out[shift[0]:shift[0] + h.rows, shift[1]:shift[1] + h.cols] = h
    return sp.ImmutableMatrix(out)


def shifted_copies(x, h, stride):
    """Σ_ij x_ij · (h shifted by stride·(i, j)), each copy scaled by its entry (not yet multiplied)."""
    return Superpose(*[(c, placed(h, s, shape)) for c, s, shape in _placements(x, h, stride)])


def scaled_copies(x, h, stride):
    """The same copies with each scale multiplied in."""
    return MatSum(*[c * placed(h, s, shape) for c, s, shape in _placements(x, h, stride)])


# -- pooling and its gradient at a point ------------------------------------------------------------

class _Pool(MatrixExpr):
    op = ""

    def __new__(cls, X, k=2):
        X, k = sp.sympify(X), sp.Integer(k)
        if any(not (sp.sympify(s).is_Integer and s % k == 0) for s in X.shape):
            raise ShapeMismatch(f"{k}×{k} pooling with stride {k} needs a concrete shape divisible by {k}")
        return super().__new__(cls, X, k)

    @property
    def shape(self):
        X, k = self.args
        return X.shape[0] // k, X.shape[1] // k

    def windows(self, g):
        X, k = g.ground(self.args[0]), int(self.args[1])
        return [[[X[i * k + a, j * k + b] for a in range(k) for b in range(k)] for j in range(X.cols // k)]
                for i in range(X.rows // k)]

    def _derive_latex(self, printer):
        k = printer._print(self.args[1])
        return (r"\operatorname{" + self.op + "}_{" + k + r" \times " + k + r"}\left("
                + printer._print(self.args[0]) + r"\right)")


class MaxPool(_Pool):
    """k×k max-pooling with stride k (windows do not overlap)."""
    op = "maxpool"

    def _derive_ground(self, g):
        return sp.ImmutableMatrix([[sp.Max(*w, evaluate=False) for w in row] for row in self.windows(g)])


class AvgPool(_Pool):
    """k×k average pooling with stride k."""
    op = "avgpool"

    def _derive_ground(self, g):
        return sp.ImmutableMatrix([[sp.Add(*w) / len(w) for w in row] for row in self.windows(g)])


class Kron(MatrixExpr):
    """A ⊗ B, the Kronecker product (bracketed when printed)."""

    def __new__(cls, A, B):
        return super().__new__(cls, sp.sympify(A), sp.sympify(B))

    @property
    def shape(self):
        A, B = self.args
        return A.shape[0] * B.shape[0], A.shape[1] * B.shape[1]

    def _derive_ground(self, g):
        return sp.ImmutableMatrix(sp.kronecker_product(*(sp.Matrix(g.ground(a)) for a in self.args)))

    def _derive_latex(self, printer):
        return r"\left(" + printer._print(self.args[0]) + r" \otimes " + printer._print(self.args[1]) + r"\right)"


def argmax_mask(X0, k=2):
    """0/1 matrix marking the largest entry of each k×k window (ValueError on a tie)."""
    X0 = sp.ImmutableMatrix(X0)
    mask = sp.zeros(*X0.shape)
    for i in range(0, X0.rows, k):
        for j in range(0, X0.cols, k):
            cells = [(i + a, j + b) for a in range(k) for b in range(k)]
            top = max(X0[c] for c in cells)
            if sum(X0[c] == top for c in cells) > 1:
                raise ValueError(f"the window at ({i + 1}, {j + 1}) has a tied maximum")
            mask[next(c for c in cells if X0[c] == top)] = 1
    return sp.ImmutableMatrix(mask)


# -- a small network as data: per-layer sizes and counts, and its table ----------------------------

class Network:
    """Layers given as (name, kind, size, k, pad, stride) with kind conv | pool | flatten | fc, applied
    to an input of shape (height, width, channels).  Every quantity the derivation shows comes
    from here: the definitions (counts), the formulas, their values and the table."""

    def __init__(self, shape, layers):
        self.input, self.layers, shapes = tuple(shape), list(layers), [tuple(shape)]
        for name, kind, size, k, pad, stride in self.layers:
            h, w, c = shapes[-1] if len(shapes[-1]) == 3 else (None, None, None)
            if kind == "conv":
                shapes.append(((h - k + 2 * pad) // stride + 1, (w - k + 2 * pad) // stride + 1, size))
            elif kind == "pool":
                shapes.append(((h - k) // stride + 1, (w - k) // stride + 1, c))
            elif kind == "flatten":
                shapes.append((h * w * c,))
            else:
                shapes.append((size,))
            if min(shapes[-1]) < 1:
                raise ShapeMismatch(f"{name} does not fit its input {shapes[-2]}")
        self.shapes = shapes  # the input's, then each layer's output

    def _rows(self, kinds):
        return [(i, layer) for i, layer in enumerate(self.layers) if layer[1] in kinds]

    def feature_maps(self, how):
        """Rows (height, width, channels) of the conv and pool layers: 'defined' (window counts),
        'formula' (⌊(n − k + 2p)/s⌋ + 1) or 'value'."""
        rows = []
        for i, (_, kind, size, k, pad, stride) in self._rows(("conv", "pool")):
            h, w, c = self.shapes[i]
            depth = size if kind == "conv" else c
            make = {"defined": lambda n: WindowCount(n, k, pad, stride),
                    "formula": lambda n: conv_size(n, k, pad, stride),
                    "value": lambda n: (n - k + 2 * pad) // stride + 1}[how]
            rows.append([make(h), make(w), depth])
        return sp.ImmutableMatrix(rows)

    def flattened(self, how):
        (i, _), = self._rows(("flatten",))
        h, w, c = self.shapes[i]
        return {"defined": EntryCount(h, w, c), "formula": Times(h, w, c), "value": sp.Integer(h * w * c)}[how]

    def layer(self, i):
        _, kind, size, k, _, _ = self.layers[i]
        shape = self.shapes[i]
        if kind == "conv":
            return ConvLayer(shape[2], size, k, bias=True)
        if kind == "pool":
            return PoolLayer(shape[2], k)
        if kind == "flatten":
            return FlattenLayer(*shape)
        return DenseLayer(shape[0], size)

    def parameters(self, how):
        """Column of per-layer parameter counts: 'defined' (#θ), 'formula' (F·K·K·C + F, ...) or 'value'."""
        out = []
        for i, (_, kind, size, k, _, _) in enumerate(self.layers):
            fan_in = self.shapes[i][-1]
            if how == "defined":
                out.append(ParamCount(self.layer(i)))
            elif kind not in ("conv", "fc"):
                out.append(sp.Integer(0))
            else:
                weights = (size, k, k, fan_in) if kind == "conv" else (fan_in, size)
                out.append(Plus(Times(*weights), size) if how == "formula"
                           else sp.Integer(sp.Mul(*weights) + size))
        return sp.ImmutableMatrix(out)

    def table(self, maps, flat, params):
        """LaTeX table of every layer's output shape and parameters, from the derivation's results."""
        maps, spatial = iter(maps.tolist()), {i for i, _ in self._rows(("conv", "pool"))}
        h, w, c = self.input
        lines = [r"\begin{tabular}{l l r}", r"\toprule", r"Layer & Output shape & Parameters \\", r"\midrule",
                 rf"INPUT & ${h} \times {w} \times {c}$ & -- \\"]
        for i, (name, kind, size, *_) in enumerate(self.layers):
            if i in spatial:
                shape = r" \times ".join(sp.latex(v) for v in next(maps))
            else:
                shape = sp.latex(flat if kind == "flatten" else size)
            lines.append(rf"{name} & ${shape}$ & {sp.latex(params[i])} \\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        return "\n".join(lines)
