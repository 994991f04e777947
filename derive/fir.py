"""Discrete-time signals on paper: x(n) given by cases, the unit step u(n), sums over k.

Each object prints itself (``_derive_latex``) with indices written as on paper (n - k, not
-k + n) and is read by derive/sequences.py, which the ``sequence`` relation uses to decide
that two expressions are the same sequence for every integer n.  A signal is declared with
``signal(D, name, n, body)``: its applications x(k), x(n - 5), ... are expanded from ``body``
when checked, and the declaration is printed among the givens.
"""
import sympy as sp

from .derivation import Declared
from .domains import Domain
from .errors import ProblemError
from .printing import DerivePrinter

INTEGERS = Domain("integer", r"\in \mathbb{Z}", (("integer", True),))


def time_index(D, name="n", meaning="time index"):
    """The integer index of the sequences of a derivation (declared, printed among the givens)."""
    n = sp.Symbol(name, integer=True)
    D.declared.append(Declared(n, "scalar", INTEGERS, meaning))
    return n


def summation_index(name):
    """An integer variable bound by a sum (not declared: it does not occur outside the sum)."""
    return sp.Symbol(name, integer=True)


# -- printing ---------------------------------------------------------------------------
class SequencePrinter(DerivePrinter):
    """Indices as on paper: the time index before summation variables before constants
    (n - k - 5); numbers first in a sum (1 - r^{n+1}); products in the order written."""

    def __init__(self, settings=None, bound=()):
        super().__init__(settings)
        self.bound = tuple(bound)

    def _linear_key(self, term):
        syms = term.free_symbols
        if not syms:
            return (2, "")
        name = min(str(s) for s in syms)
        return (1 if syms & set(self.bound) else 0, name)

    def _print_Add(self, expr, order=None):
        terms = list(expr.args)
        if all(t.is_number or (t.as_coeff_Mul()[1].is_Symbol) for t in terms):
            terms.sort(key=self._linear_key)  # an index such as n - k - 5
        elif any(t.is_number for t in terms):
            terms.sort(key=lambda t: not t.is_number)  # 1 - r^{n+1}, 2 - 1/64
        out = ""
        for i, t in enumerate(terms):
            if t.could_extract_minus_sign():
                out += ("- " if i == 0 else " - ") + self._print(-t)
            else:
                out += ("" if i == 0 else " + ") + self._print(t)
        return out

    def _print_Mul(self, expr):
        args = list(expr.args)  # as written (an evaluated product has its coefficient first)
        sign = ""
        if args and args[0] == -1:
            sign, args = "- ", args[1:]
        elif args and args[0].is_Number and args[0].could_extract_minus_sign():
            sign, args = "- ", [-args[0]] + args[1:]
        out = ""
        for i, a in enumerate(args):
            text = self._print(a)
            if a.is_Add:
                text = r"\left(" + text + r"\right)"
            if i:  # x(k)\,h(n - k): a thin space after a function value, a dot before a number
                out += r" \cdot " if a.is_Number else r" \, " if isinstance(args[i - 1], sp.Function) else " "
            out += text
        return sign + out


def printer_for(printer, bound=()):
    """A SequencePrinter with the settings of ``printer`` and the variables bound so far."""
    outer = getattr(printer, "bound", ())
    settings = {k: v for k, v in printer._settings.items() if k in DerivePrinter._default_settings}
    return SequencePrinter(settings, tuple(outer) + tuple(bound))


def _infinity(printer, value):
    if value == sp.oo:
        return r"\infty"
    if value == -sp.oo:
        return r"-\infty"
    return printer._print(value)


# -- objects ----------------------------------------------------------------------------
class UnitStep(sp.Function):
    """u(m): 1 for m >= 0, 0 for m < 0 (m an integer)."""

    nargs = 1

    @classmethod
    def eval(cls, m):
        if m.is_Integer:
            return sp.S.One if m >= 0 else sp.S.Zero
        return None

    def _derive_latex(self, printer):
        return "u(" + printer_for(printer)._print(self.args[0]) + ")"


class SignalValue(sp.Function):
    """x(m) for a declared signal x: one subclass per signal, made by ``signal``."""

    nargs = 1

    def _derive_latex(self, printer):
        name = printer._deal_with_super_sub(type(self).__name__)
        return name + "(" + printer_for(printer)._print(self.args[0]) + ")"


def signal(D, name, n, body, meaning=""):
    """Declare the signal ``name``(n) = body; returns the function to apply, x(k), x(n - 5)."""
    if not (isinstance(n, sp.Symbol) and n.is_integer):
        raise ProblemError(f"a signal is indexed by an integer symbol, got {n}")
    if sp.sympify(body).free_symbols - {n}:
        extra = ", ".join(map(str, sp.sympify(body).free_symbols - {n}))
        raise ProblemError(f"the signal {name}({n}) depends on {extra} besides {n}")
    func = type(name, (SignalValue,), {})
    D.declared.append(Declared(func(n), "definition", meaning=meaning, definition=sp.sympify(body)))
    return func


def signal_definitions(derivation):
    """{signal class: (index symbol, body)} of the signals a derivation declares."""
    return {type(obj): (obj.args[0], body) for obj, body in derivation.definitions.items()
            if isinstance(obj, SignalValue)}


def _bound(value):
    value = sp.sympify(value)
    if value in (sp.oo, -sp.oo) or value.is_Integer:
        return value
    raise ProblemError(f"a piece of a sequence ends at an integer or at ±oo, not {value}")


class Cases(sp.Expr):
    """value_i for lo_i <= m <= hi_i (pieces disjoint, in increasing order), 0 elsewhere."""

    def __new__(cls, m, pieces):
        rows = []
        last = -sp.oo
        for lo, hi, value in pieces:
            lo, hi = _bound(lo), _bound(hi)
            if hi < lo or (last != -sp.oo and lo <= last) or lo == sp.oo or hi == -sp.oo:
                raise ProblemError(f"the pieces of a sequence must be disjoint and in increasing order: "
                                   f"[{lo}, {hi}] after {last}")
            last = hi
            rows.append(sp.Tuple(lo, hi, sp.sympify(value)))
        return super().__new__(cls, sp.sympify(m), sp.Tuple(*rows))

    @property
    def argument(self):
        return self.args[0]

    @property
    def pieces(self):
        return [tuple(row) for row in self.args[1]]

    def covers_all(self):
        pieces = self.pieces
        if not pieces or pieces[0][0] != -sp.oo or pieces[-1][1] != sp.oo:
            return False
        return all(b[0] == a[1] + 1 for a, b in zip(pieces, pieces[1:]))

    def at(self, value):
        """The value at an integer (exact)."""
        if not isinstance(self.argument, sp.Symbol):
            raise ProblemError(f"evaluate the cases of {self.argument} through derive.sequences")
        value = sp.Integer(value)
        for lo, hi, expr in self.pieces:
            if lo <= value <= hi:
                return _evaluated(expr.xreplace({self.argument: value}))
        return sp.S.Zero

    def _condition(self, printer, lo, hi):
        m = printer._print(self.argument)
        if lo == -sp.oo and hi == sp.oo:
            return r"\text{all } " + m
        if lo == -sp.oo:
            return f"{m} < {printer._print(hi + 1)}"
        if hi == sp.oo:
            return rf"{m} \ge {printer._print(lo)}"
        if lo == hi:
            return f"{m} = {printer._print(lo)}"
        return rf"{printer._print(lo)} \le {m} \le {printer._print(hi)}"

    def _derive_latex(self, printer):
        p = printer_for(printer)
        rows = [p._print(value) + r", & " + self._condition(p, lo, hi) for lo, hi, value in self.pieces]
        if not self.covers_all():
            rows.append(r"0, & \text{otherwise}")
        env = "dcases" if self.has(sp.Sum) else "cases"  # sums at display size (mathtools)
        return rf"\begin{{{env}}} " + r" \\ ".join(rows) + rf" \end{{{env}}}"


def cases(m, *pieces):
    """The sequence given piece by piece: cases(n, (lo, hi, value), ...), 0 elsewhere."""
    return Cases(m, pieces)


class SequenceSum(sp.Sum):
    """Σ_{k=lo}^{hi} body, with ±∞ limits printed as such and indices as on paper."""

    def _derive_latex(self, printer):
        (k, lo, hi), = self.limits
        p = printer_for(printer, (k,))
        head = (r"\sum_{" + p._print(k) + "=" + _infinity(p, lo) + "}^{" + _infinity(p, hi) + "}")
        body = self.function
        return head + " " + (r"\left(" + p._print(body) + r"\right)" if body.is_Add else p._print(body))


def ssum(body, k, lo=-sp.oo, hi=sp.oo):
    """Σ_{k=lo}^{hi} body (limits included; ±oo for an infinite sum)."""
    return SequenceSum(body, (k, lo, hi))


def convolve(x, h, n, k):
    """(x ∗ h)(n) = Σ_k x(k) h(n - k): the signal-processing convention, the filter flipped."""
    return ssum(product(x(k), h(n - k)), k)


def product(*factors):
    """A product kept in the order written (evaluated when checked)."""
    return sp.Mul(*factors, evaluate=False)


def power(base, exponent):
    """base^exponent kept as written, e.g. (1/2)^{n-k} (evaluated when checked)."""
    return sp.Pow(sp.sympify(base), sp.sympify(exponent), evaluate=False)


def plus(*terms):
    """A sum kept as written, e.g. 2 - 1/64 (evaluated when checked)."""
    return sp.Add(*terms, evaluate=False)


def _evaluated(e):
    """e with every node rebuilt, so products and powers kept as written are evaluated."""
    if not isinstance(e, sp.Basic) or e.is_Atom:
        return e
    return e.func(*[_evaluated(a) for a in e.args])
