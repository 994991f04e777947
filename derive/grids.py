"""Concrete grids in convolution steps: the kernel turned by 180°, zero padding, and keeping
every s-th output (a stride), each written out so that a step shows what it does.

``Subsampled`` prints itself and grounds itself; the others are plain matrices.
"""
import sympy as sp

from .rules import register_rule

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
