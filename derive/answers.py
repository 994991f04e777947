"""A derivation's final answers as data: for answer sheets, LMS quizzes and grading.

Each part of a derivation ends in a stated result (``Derivation.result``).  A result that is a
number, a matrix of numbers, or a system ``unknowns = numbers`` (``Equations``) is a *numeric
answer*: its entries are exact rationals (or exact algebraic numbers), listed in reading order
(row by row).  A symbolic result (a formula in the dimensions) is an answer too, but not a
numeric one: an answer sheet prints its LaTeX, a numeric quiz leaves it out.
"""
from dataclasses import dataclass

import sympy as sp

from .printing import latex


@dataclass(frozen=True)
class Answer:
    """One part's final answer.

    ``title``: the part's title ("(c) No padding, stride 1"); ``lhs``: the answered quantity
    as LaTeX, or None; ``latex``: the result as printed in the key; ``entries``: the exact
    numbers in reading order (one for a scalar), or None for a symbolic result; ``shape``:
    (rows, columns) of a matrix result, (1, 1) for a scalar; ``names``: LaTeX of each entry's
    unknown for a system (h_1, h_2, ...), else None."""
    title: str
    lhs: str | None
    latex: str
    entries: tuple | None
    shape: tuple
    names: tuple | None = None

    @property
    def numeric(self):
        return self.entries is not None

    def floats(self):
        """The entries as floats (for tolerances and CSV cells)."""
        return tuple(float(sp.N(e, 17)) for e in self.entries)


def _numbers(expr):
    """The exact entries of a number or a matrix of numbers, else None."""
    if isinstance(expr, sp.MatrixBase):  # explicit entries; a matrix expression is symbolic
        cells = [expr[i, j] for i in range(expr.shape[0]) for j in range(expr.shape[1])]
        nums = [_numbers(c)[0] for c in cells]
        if any(n is None for n in nums):
            return None, None
        return tuple(n[0] for n in nums), tuple(int(s) for s in expr.shape)
    if getattr(expr, "is_Matrix", False):  # a product like 1/4 [..] of explicit matrices: its value
        if expr.free_symbols or not all(isinstance(s, (int, sp.Integer)) for s in expr.shape):
            return None, None
        try:
            explicit = expr.as_explicit()
        except (NotImplementedError, TypeError, ValueError, AttributeError):
            return None, None
        return _numbers(explicit) if isinstance(explicit, sp.MatrixBase) else (None, None)
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Expr) and expr.is_number and expr.is_real:
        return (expr,), (1, 1)
    return None, None


def final_answers(derivation):
    """[Answer] for each part of ``derivation`` that states a result, in the order of the parts."""
    out = []
    for part in derivation.parts:
        result = part.result
        if result is None:
            continue
        names = None
        target = result
        if type(result).__name__ == "Equations":  # unknowns = values: the values are the answer
            unknowns, target = result.args[0], result.args[1]
            if isinstance(unknowns, sp.MatrixBase):
                names = tuple(latex(u) for u in unknowns)
        entries, shape = _numbers(target)
        if entries is None:
            names = None
            shape = tuple(int(s) for s in result.shape) if getattr(result, "is_Matrix", False) \
                and all(getattr(s, "is_Integer", False) or isinstance(s, int) for s in result.shape) else (1, 1)
        elif names is not None and len(names) != len(entries):
            names = None
        out.append(Answer(part.title, part.lhs, latex(result), entries, shape, names))
    return out
