"""Sequences given by a first value and a step, for induction and for evaluation at a size.

``recurrence("m", t, first=0, base=0, step=lambda m, l: beta * m + (1 - beta) * g)`` is the
term m_t of the sequence m_0 = 0, m_{l+1} = step(m_l, l).  Grounded at a size it is iterated
from its first value; an "induction" step proves a closed form for every t (derive.checkers.induction).
"""
import sympy as sp
from sympy.core.symbol import Str

from .errors import ProblemError, ShapeMismatch


class Recurrence(sp.Expr):
    """r_n for the sequence r_first = base, r_{l+1} = step(r_l, l)."""

    is_commutative = True

    def __new__(cls, name, n, first, base, step, prev, index):
        return super().__new__(cls, Str(name), *map(sp.sympify, (n, first, base, step, prev, index)))

    name = property(lambda self: self.args[0].name)
    var = property(lambda self: self.args[1])
    first = property(lambda self: self.args[2])
    base = property(lambda self: self.args[3])
    step = property(lambda self: self.args[4])
    prev = property(lambda self: self.args[5])
    index = property(lambda self: self.args[6])

    def _derive_ground(self, g):
        n, first = g.dim(self.var), g.dim(self.first)
        if n < first:
            raise ShapeMismatch(f"{self.name}_{n} lies before the first term {self.name}_{first}")
        value = g.scalar(self.base)
        for l in range(first, n):
            value = g.scalar(self.step.xreplace({self.prev: value, self.index: l}))
        return value

    def _derive_latex(self, printer):
        r, l = self.name, printer._print(self.index)
        step = self.step.xreplace({self.prev: sp.Symbol(f"{r}_{{{l}}}")})
        return (f"{r}_{{{printer._print(self.var)}}},\\ \\text{{where }} {r}_{{{printer._print(self.first)}}} = "
                f"{printer._print(self.base)},\\ {r}_{{{l} + 1}} = {printer._print(step)}")


def recurrence(name, n, first, base, step):
    """The term ``name``_n of the sequence with ``name``_first = base and
    ``name``_{l+1} = step(``name``_l, l) (``step`` a function of the previous term and l)."""
    if not callable(step):
        raise ProblemError("the step of a recurrence is a function: step=lambda r, l: ...")
    prev = sp.Symbol(name)
    index = sp.Symbol("l", integer=True, nonnegative=True)
    return Recurrence(name, n, first, base, sp.sympify(step(prev, index)), prev, index)
