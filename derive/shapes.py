"""Shape checking at symbolic size: sympy lets X*y through for X n×d, y n×1."""
import sympy as sp

from .errors import ShapeMismatch


def _shape(e):
    return e.shape if getattr(e, "is_Matrix", False) else None


def _fmt(shape):
    return f"{shape[0]}×{shape[1]}"


def _side_shape(e):
    """The shape of one side of a system: a matrix's, a concrete operation's value, (1, 1) for a scalar."""
    if getattr(e, "is_Matrix", False) or isinstance(e, sp.MatrixBase):
        return tuple(e.shape)
    value = getattr(e, "value", None)
    if callable(value):
        v = value()
        if isinstance(v, sp.MatrixBase):
            return tuple(v.shape)
    return (sp.S.One, sp.S.One)


def check_shapes(expr):
    """Raise ShapeMismatch where a product, sum, Hadamard product or system does not fit."""
    for node in sp.preorder_traversal(expr):
        if type(node).__name__ == "Equations":
            left, right = _side_shape(node.lhs), _side_shape(node.rhs)
            if any(sp.simplify(a - b) != 0 for a, b in zip(left, right)):
                raise ShapeMismatch(f"the two sides of the system {node.lhs} = {node.rhs} have shapes "
                                    f"{_fmt(left)} and {_fmt(right)}")
        if isinstance(node, sp.MatMul):
            mats = [a for a in node.args if _shape(a)]
            for left, right in zip(mats, mats[1:]):
                if sp.simplify(left.shape[1] - right.shape[0]) != 0:
                    raise ShapeMismatch(
                        f"cannot multiply {left} ({_fmt(left.shape)}) by {right} ({_fmt(right.shape)})")
        elif isinstance(node, (sp.MatAdd, sp.HadamardProduct)):
            mats = [a for a in node.args if _shape(a)]
            for other in mats[1:]:
                if any(sp.simplify(a - b) != 0 for a, b in zip(mats[0].shape, other.shape)):
                    op = "add" if isinstance(node, sp.MatAdd) else "take the entrywise product of"
                    raise ShapeMismatch(
                        f"cannot {op} {mats[0]} ({_fmt(mats[0].shape)}) and {other} ({_fmt(other.shape)})")
        elif isinstance(node, (sp.Add,)) and not getattr(node, "is_Matrix", False):
            if any(_shape(a) for a in node.args):
                raise ShapeMismatch(f"cannot add a matrix to a scalar in {node}")
