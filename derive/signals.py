"""Concrete signals and filters: 1-D/2-D convolution with an explicit, printed convention, and the concrete
grids of convolution steps (the kernel turned by 180°, zero padding, every s-th output kept).

``flip=False`` is the deep-learning convention (cross-correlation, Homework 5 and HW4 Q7);
``flip=True`` the signal-processing one (the kernel is flipped, HW4 Q3).  Stride and zero
padding are arguments of the object, so they are printed and checked with it.
"""
import sympy as sp

from .rules import register_rule


def as_matrix(values):
    """A row vector for a flat list, a matrix for a list of rows."""
    if values and isinstance(values[0], (list, tuple)):
        return sp.ImmutableMatrix(values)
    return sp.ImmutableMatrix([list(values)])


def _pad(x, pad):
    if not pad:
        return x
    rows, cols = x.shape
    one_d = rows == 1
    out = sp.zeros(rows if one_d else rows + 2 * pad, cols + 2 * pad)
    for i in range(rows):
        for j in range(cols):
            out[i if one_d else i + pad, j + pad] = x[i, j]
    return sp.ImmutableMatrix(out)


def slide(x, h, stride=1, pad=0, flip=False):
    """Valid sliding-window products of x with h (after zero padding), as a matrix."""
    x, h = _pad(sp.ImmutableMatrix(x), pad), sp.ImmutableMatrix(h)
    if flip:
        h = sp.ImmutableMatrix(h.rows, h.cols, lambda i, j: h[h.rows - 1 - i, h.cols - 1 - j])
    out_r = (x.rows - h.rows) // stride + 1
    out_c = (x.cols - h.cols) // stride + 1
    if out_r < 1 or out_c < 1:
        raise ValueError(f"a {h.rows}×{h.cols} filter does not fit a {x.rows}×{x.cols} input")
    return sp.ImmutableMatrix(out_r, out_c, lambda r, c: sum(
        x[r * stride + a, c * stride + b] * h[a, b] for a in range(h.rows) for b in range(h.cols)))


def transpose_slide(x, h, stride=1):
    """Transpose convolution (no flip, no padding): each input entry scales a shifted copy of h."""
    x, h = sp.ImmutableMatrix(x), sp.ImmutableMatrix(h)
    one_d = x.rows == 1 and h.rows == 1
    rows = 1 if one_d else (x.rows - 1) * stride + h.rows
    cols = (x.cols - 1) * stride + h.cols
    out = sp.zeros(rows, cols)
    for i in range(x.rows):
        for j in range(x.cols):
            for a in range(h.rows):
                for b in range(h.cols):
                    out[(0 if one_d else i * stride) + a, j * stride + b] += x[i, j] * h[a, b]
    return sp.ImmutableMatrix(out)


class Slide(sp.Expr):
    """x ⋆ h (no flip) or x ∗ h (flipped kernel), with stride and padding."""

    def __new__(cls, x, h, stride=1, pad=0, flip=False):
        return super().__new__(cls, sp.ImmutableMatrix(x), sp.ImmutableMatrix(h),
                               sp.Integer(stride), sp.Integer(pad), sp.true if flip else sp.false)

    is_Matrix = False

    def value(self):
        x, h, s, p, f = self.args
        return slide(x, h, int(s), int(p), bool(f))

    def _derive_ground(self, grounder):
        return self.value()

    def _derive_latex(self, printer):
        x, h, s, p, f = self.args
        op = r"\ast" if f else r"\star"
        opts = []
        if s != 1:
            opts.append(rf"\text{{stride }}{s}")
        if p != 0:
            opts.append(rf"\text{{pad }}{p}")
        sub = ("_{" + r",\ ".join(opts) + "}") if opts else ""
        return f"{printer._print(x)} {op}{sub} {printer._print(h)}"


class TransposeSlide(sp.Expr):
    """Transpose convolution of x with h at a stride (no padding, no flip)."""

    def __new__(cls, x, h, stride=1):
        return super().__new__(cls, sp.ImmutableMatrix(x), sp.ImmutableMatrix(h), sp.Integer(stride))

    def value(self):
        x, h, s = self.args
        return transpose_slide(x, h, int(s))

    def _derive_ground(self, grounder):
        return self.value()

    def _derive_latex(self, printer):
        x, h, s = self.args
        return rf"{printer._print(x)} \circledast^{{\top}}_{{\text{{stride }}{s}}} {printer._print(h)}"


class Equations(sp.Basic):
    """A system lhs = rhs (entrywise, for matrices), e.g. A h = y."""

    def __new__(cls, lhs, rhs):
        return super().__new__(cls, sp.sympify(lhs), sp.sympify(rhs))

    @property
    def lhs(self):
        return self.args[0]

    @property
    def rhs(self):
        return self.args[1]

    def _derive_latex(self, printer):
        return f"{printer._print(self.lhs)} = {printer._print(self.rhs)}"


# -- concrete grids: the kernel turned by 180°, zero padding, every s-th output (a stride), each
#    written out so that a step shows what it does; Subsampled prints and grounds itself
for _name, _text in [
    ("flip-kernel", "convolution slides the kernel turned by 180°: x ∗ h = x ⋆ rot180(h)"),
    ("zero-padding", "padding surrounds the input with rings of zeros; then no padding is needed"),
    ("stride-subsamples", "a stride s keeps every s-th window of the stride-1 output, from the first"),
    ("window-sums", "each output entry is the sum of a window of the input times the kernel"),
    ("result-above", "the result found in the previous part"),
]:
    register_rule(_name, _text, ("=",))


def rotated(h):
    """h turned by 180° (rows and columns reversed)."""
    h = sp.ImmutableMatrix(h)
    return sp.ImmutableMatrix(h.rows, h.cols, lambda i, j: h[h.rows - 1 - i, h.cols - 1 - j])


def padded(x, pad):
    """x inside ``pad`` rings of zeros."""
    x = sp.ImmutableMatrix(x)
    return sp.ImmutableMatrix(x.rows + 2 * pad, x.cols + 2 * pad, lambda i, j: (
        x[i - pad, j - pad] if pad <= i < x.rows + pad and pad <= j < x.cols + pad else 0))


class Subsampled(sp.Expr):
    """(M)↓s: rows and columns 1, 1 + s, 1 + 2s, ... of the matrix M."""

    is_Matrix = False

    def __new__(cls, M, step):
        return super().__new__(cls, sp.sympify(M), sp.Integer(step))

    def _derive_ground(self, grounder):
        m = grounder.ground(self.args[0])
        s = int(self.args[1])
        return sp.ImmutableMatrix(m[::s, ::s])

    def _derive_latex(self, printer):
        inner = self.args[0]
        text = printer._print(inner)
        if not isinstance(inner, sp.MatrixBase):
            text = r"\left(" + text + r"\right)"
        return text + r"_{\downarrow " + printer._print(self.args[1]) + "}"


def one_window(x, h, row=0, col=0):
    """The products of one window as LaTeX ("1 + 2 \\cdot 2 + 3 - 11 - ..."), and their sum."""
    x, h = sp.ImmutableMatrix(x), sp.ImmutableMatrix(h)
    terms = [(h[a, b], x[row + a, col + b]) for a in range(h.rows) for b in range(h.cols) if h[a, b] != 0]
    text = ""
    for i, (w, v) in enumerate(terms):
        value = str(v) if v >= 0 else f"({v})"
        mag = value if abs(w) == 1 else f"{abs(w)} \\cdot {value}"
        text += (("-" if w < 0 else "") if i == 0 else (" - " if w < 0 else " + ")) + mag
    return text or "0", sum((w * v for w, v in terms), sp.S.Zero)
