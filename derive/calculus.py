"""Calculus on paper: entries x_i, X_ij counted from 1, statements that hold for every index,
a forward map declared entry by entry, partial derivatives through it, a value at n = 1 and
a limit as n → ∞.

Each object prints itself (``_derive_latex``) and grounds itself (``_derive_ground``, via
backprop.py), so what is printed is what is checked.  Index symbols are bound by a sum or by
``over(...)``; grounding replaces them by integers.
"""
import itertools

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .derivation import Declared
from .domains import domain
from .errors import ProblemError, Unsupported
from .grounding import memo_ground
from .printing import DerivePrinter, constant_last


def indices(names):
    """Index symbols (positive integers): ``i, j, k = indices("i j k")``."""
    out = [sp.Symbol(n, integer=True, positive=True) for n in names.split()]
    return out if len(out) > 1 else out[0]


# -- printing -------------------------------------------------------------------------
class IndexPrinter(DerivePrinter):
    """Formulas with indices as on paper: 1/n before a sum, x_i - μ_j and σ² + ε (positive terms
    first, then a lone entry, then a lone symbol), and in a product the scalars first, then brackets, sums,
    and derivatives with the upstream one first: ∂L/∂y_j ∂y_j/∂x_i."""

    def __init__(self, settings=None):
        super().__init__({**(settings or {}), "long_frac_ratio": 1})

    def _print_Mul(self, expr):
        if not isinstance(expr, sp.Mul) or not expr.is_commutative:
            return super()._print_Mul(expr)
        head, tail = [], []
        for a in expr.args:
            (tail if isinstance(a, (sp.Add, sp.Sum, Partial)) else head).append(a)
        over_only = all(a.is_Pow and a.exp.is_negative for a in head)  # (x - μ)/√(σ² + ε)
        if not tail or (len(tail) == 1 and isinstance(tail[0], sp.Add) and over_only) or (not head and len(tail) == 1):
            return super()._print_Mul(expr)
        tail.sort(key=lambda a: (isinstance(a, Partial), isinstance(a, sp.Sum),
                                 not (isinstance(a, Partial) and isinstance(a.f, Loss))))
        coeff = sp.Mul(*head)
        out = [] if coeff in (1, -1) else [self._print(coeff)]
        for a in tail:
            out.append(r"\left(" + self._print(a) + r"\right)" if isinstance(a, sp.Add) else self._print(a))
        text = " ".join(out)
        if coeff == -1:
            return "- " + text
        return text

    def _print_Add(self, expr, order=None):
        terms = self._as_ordered_terms(expr, order=order)
        number_last = constant_last(terms)  # n - k + 1, as DerivePrinter
        terms = sorted(terms, key=lambda t: (bool(number_last and t.is_Number), t.could_extract_minus_sign(),
                                             isinstance(t, Entry) + 2 * isinstance(t, sp.Symbol)))
        tex = ""
        for number, term in enumerate(terms):
            if number and term.could_extract_minus_sign():
                tex, term = tex + " - ", -term
            elif number:
                tex += " + "
            inner = self._print(term)
            tex += r"\left(" + inner + r"\right)" if self._needs_add_brackets(term) else inner
        return tex


def _printer(printer):
    if isinstance(printer, IndexPrinter):
        return printer
    return IndexPrinter({k: v for k, v in printer._settings.items() if k in IndexPrinter._default_settings})


def _index_tex(printer, idx):
    parts = [printer._print(a) for a in idx]
    return ("" if all(len(p) == 1 for p in parts) else ",").join(parts)


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "mu", "sigma", "lambda", "theta", "tau", "rho",
          "omega", "eta", "nu", "phi", "psi", "xi", "zeta", "kappa", "chi", "pi"}


class Formula(sp.Expr):
    """A scalar formula with index sums, printed as on paper (IndexPrinter)."""

    is_commutative = True

    def __new__(cls, expr):
        return super().__new__(cls, sp.sympify(expr))

    expr = property(lambda self: self.args[0])

    def _derive_latex(self, printer):
        return _printer(printer)._print(self.expr)

    def _sympystr(self, printer):
        return printer._print(self.expr)

    def _derive_ground(self, grounder):
        from .backprop import ground_indexed
        return ground_indexed(grounder, self.expr)


def formula(expr):
    """A scalar formula with index sums (e.g. a value at n = 1), printed as on paper."""
    return Formula(expr)


# -- entries and arrays -----------------------------------------------------------------
class Entry(sp.Expr):
    """Entry of a declared vector or matrix, counted from 1: x_i, X_ij."""

    is_commutative = True

    def __new__(cls, base, *idx):
        if not isinstance(base, sp.MatrixSymbol):
            raise ProblemError(f"an entry needs a declared vector or matrix, got {base}")
        want = 1 if base.shape[1] == 1 else 2
        if len(idx) != want:
            raise ProblemError(f"{base.name} takes {want} index{'es' if want > 1 else ''}, got {len(idx)}")
        return super().__new__(cls, base, *map(sp.sympify, idx))

    base = property(lambda self: self.args[0])
    indices = property(lambda self: self.args[1:])

    def _derive_latex(self, printer):
        name = self.base.name
        base = rf"\mathrm{{{name}}}" if name.isalpha() and len(name) > 1 and name not in _GREEK \
            else printer._print(self.base)
        return base + "_{" + _index_tex(printer, self.indices) + "}"

    def _sympystr(self, printer):
        return self.base.name + "_" + ",".join(printer._print(a) for a in self.indices)

    def _derive_ground(self, grounder):
        from .backprop import concrete, entry_value
        return entry_value(grounder, self.base, concrete(grounder, self))


class ScalarNode(Entry):
    """A scalar node of the forward map (declared with ``forward(..., [])``): printed by its name."""

    def __new__(cls, base):
        return sp.Expr.__new__(cls, base)

    def _derive_latex(self, printer):
        return printer._print(sp.Symbol(self.base.name))

    def _sympystr(self, printer):
        return self.base.name


class Array:
    """A declared vector or matrix whose entries are written x[i] or X[i, j] (from 1)."""

    def __init__(self, symbol):
        self.symbol = symbol

    def __getitem__(self, idx):
        return Entry(self.symbol, *(idx if isinstance(idx, tuple) else (idx,)))

    @property
    def shape(self):
        return self.symbol.shape


def indexed(matrix):
    """``x = indexed(D.vector("x", n))``: then x[i] is the entry x_i."""
    return Array(matrix)


def _symbol_of(a):
    return a.symbol if isinstance(a, Array) else a.base if isinstance(a, ScalarNode) else a


class Entries(MatrixExpr):
    """A formula with free indices, claimed for every index value: the matrix of its values.

    Printed as the formula itself (the part's left-hand side names the entry)."""

    def __new__(cls, expr, *ranges):
        ranges = [sp.Tuple(*r) for r in ranges]
        if not (0 if cls is Defined else 1) <= len(ranges) <= 2:
            raise ProblemError("over(...) takes one or two index ranges such as (i, n), (j, d)")
        return super().__new__(cls, sp.sympify(expr), *ranges)

    expr = property(lambda self: self.args[0])
    ranges = property(lambda self: self.args[1:])

    @property
    def shape(self):
        r = self.ranges
        if not r:
            return (sp.S.One, sp.S.One)
        return (r[0][1], r[1][1] if len(r) > 1 else sp.S.One)

    def _derive_latex(self, printer):
        return _printer(printer)._print(self.expr)

    def _derive_as_scalar(self):
        """The formula when it does not depend on its indices (the same value in every entry)."""
        return None if self.expr.free_symbols & {r[0] for r in self.ranges} else self.expr

    @memo_ground
    def _derive_ground(self, grounder):
        from .backprop import ground_indexed
        syms = [r[0] for r in self.ranges]
        counts = [grounder.dim(r[1]) for r in self.ranges]
        rows, cols = counts[0], counts[1] if len(counts) > 1 else 1
        values = {}
        for at in itertools.product(*(range(1, c + 1) for c in counts)):
            values[at] = ground_indexed(grounder, self.expr.xreplace(dict(zip(syms, map(sp.Integer, at)))))
        return sp.ImmutableMatrix(rows, cols, lambda a, b: values[(a + 1, b + 1)[:len(counts)]])


class Defined(Entries):
    """The definition of a node of the forward map by its entries: y = (formula)_{j=1}^{n}."""

    is_forward_node = True  # how the grounding of the forward map (derive.backprop) finds nodes

    def __new__(cls, node, expr, *ranges):
        obj = Entries.__new__(cls, expr, *ranges)
        obj._args = (node,) + obj._args
        return obj

    node = property(lambda self: self.args[0])
    expr = property(lambda self: self.args[1])
    ranges = property(lambda self: self.args[2:])

    def _derive_latex(self, printer):
        printer = _printer(printer)
        spans = [(printer._print(i), printer._print(top)) for i, top in self.ranges]
        if not spans:
            return printer._print(self.expr)
        if len(spans) == 1:
            sub = spans[0][0] + " = 1}^{" + spans[0][1]
        else:
            sub = r",\ ".join(i + r" = 1, \dots, " + top for i, top in spans)
        return r"\left(" + printer._print(self.expr) + r"\right)_{" + sub + "}"

    def _derive_ground(self, grounder):
        from .backprop import entry_value
        counts = [grounder.dim(top) for _, top in self.ranges]
        if not counts:
            return sp.ImmutableMatrix([[entry_value(grounder, self.node, ())]])
        rows, cols = counts[0], counts[1] if len(counts) > 1 else 1
        one = len(counts) == 1
        return sp.ImmutableMatrix(rows, cols, lambda a, b: entry_value(
            grounder, self.node, (int(a) + 1,) if one else (int(a) + 1, int(b) + 1)))


def over(*ranges):
    """``each = over((i, n), (j, d))``; ``each(expr)`` claims expr for every i ≤ n, j ≤ d."""
    return lambda expr: Entries(expr, *ranges)


def forward(derivation, name, expr, over, meaning=""):
    """Declare a node of the forward map entry by entry: name_{idx} = expr for every idx.

    With no index ranges (``over=[]``) the node is a scalar, used by its name."""
    over = [tuple(r) for r in over]
    if len(over) > 2:
        raise ProblemError(f"a node of the forward map has at most two indices, got {len(over)}")
    rows = over[0][1] if over else sp.S.One
    cols = over[1][1] if len(over) > 1 else sp.S.One
    symbol = sp.MatrixSymbol(name, rows, cols)
    derivation.declared.append(Declared(symbol, "definition", meaning=meaning,
                                        definition=Defined(symbol, expr, *over)))
    return Array(symbol) if over else ScalarNode(symbol)


# -- the loss and its derivatives -----------------------------------------------------------
class Loss(sp.Expr):
    """A scalar loss downstream of the outputs, known through its upstream gradients only.

    When grounded it is modelled as L = Σ_a g_a y_a with symbolic g = ∂L/∂y: exact for first
    derivatives, since only ∂L/∂y enters the chain rule."""

    is_loss = True

    is_commutative = True

    def __new__(cls, name, pairs, shown=()):
        name = name if isinstance(name, sp.Symbol) else sp.Symbol(name)
        pairs = sp.Tuple(*[sp.Tuple(_symbol_of(a), _symbol_of(b)) for a, b in pairs])
        return super().__new__(cls, name, pairs, sp.Tuple(*map(_symbol_of, shown)))

    name = property(lambda self: self.args[0])
    pairs = property(lambda self: tuple(tuple(p) for p in self.args[1]))
    shown = property(lambda self: tuple(self.args[2]))

    def _sympystr(self, printer):
        return self.name.name

    def of(self, *outputs):
        """The same loss, printed as a function of the given outputs: L(y_1, ..., y_n)."""
        return Loss(self.name, self.pairs, outputs)

    def _derive_latex(self, printer):
        name = printer._print(self.name)
        if not self.shown:
            return name
        args = []
        for m in self.shown:
            if m.shape[1] == 1:
                args.append(f"{printer._print(m)}_{{1}}, \\dots, {printer._print(m)}_{{{printer._print(m.shape[0])}}}")
            else:
                args.append(printer._print(m))
        return name + r"\left(" + ", ".join(args) + r"\right)"

    def _derive_ground(self, grounder):
        from .backprop import ground_loss
        return ground_loss(grounder, self)


def loss(derivation, name, upstream, meaning=""):
    """Declare the loss L with its upstream gradients, e.g. ``loss(D, "L", {y: g})``."""
    L = Loss(name, list(upstream.items()))
    derivation.declared.append(Declared(L, "scalar", domain("real"), meaning))
    return L


class Partial(sp.Expr):
    """∂f/∂v of scalars: v one variable (an entry such as x[i] or W[h, l], or a declared
    scalar), f an entry downstream of it, the loss, or any scalar formula.

    Meaning: perturb v alone, recompute everything computed from it, differentiate f."""

    is_commutative = True

    def __new__(cls, f, v):
        f, v = sp.sympify(f), sp.sympify(v)
        if getattr(f, "is_Matrix", False) or getattr(v, "is_Matrix", False):
            raise ProblemError(f"∂f/∂v is a derivative of scalars; for a matrix use grad(...), got ∂({f})/∂({v})")
        if v.is_number or isinstance(v, (sp.Add, sp.Mul, sp.Pow)):
            raise ProblemError(f"∂/∂v needs v to be one variable such as x[i], got {v}")
        return super().__new__(cls, f, v)

    f = property(lambda self: self.args[0])
    v = property(lambda self: self.args[1])

    def _derive_latex(self, printer):
        if isinstance(self.v, Entry):
            printer = _printer(printer)
        f, v = printer._print(self.f), printer._print(self.v)
        if isinstance(self.f, Loss) and self.f.shown:
            return r"\frac{\partial}{\partial " + v + "} " + f
        return r"\frac{\partial " + f + r"}{\partial " + v + "}"

    def _sympystr(self, printer):
        return f"d{printer._print(self.f)}/d{printer._print(self.v)}"

    def _derive_ground(self, grounder):
        if isinstance(self.v, Entry) and isinstance(self.f, (Entry, Loss)):
            from .backprop import ground_partial
            return ground_partial(grounder, self)
        f, v = grounder.scalar(self.f), grounder.scalar(self.v)
        if not isinstance(v, sp.Symbol):
            raise Unsupported(f"∂/∂({self.v}) is not a derivative with respect to one free variable")
        return sp.diff(f, v)


def partial(f, v):
    """∂f/∂v through the declared forward map."""
    return Partial(f, v)


def visible_dims(expr, dims):
    """Dimensions an expression shows (shapes of its arrays, index ranges, formulas), leaving
    out the loss's modelling terms."""
    found, stack = set(), [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, Loss):
            stack.extend(e.shown)
            continue
        if isinstance(e, sp.MatrixSymbol):
            found |= set(e.shape[0].free_symbols | e.shape[1].free_symbols)
            continue
        if isinstance(e, sp.Symbol):
            found.add(e)
        stack.extend(e.args)
    return found & set(dims)


# -- at a value, in the limit -------------------------------------------------------------------
class At(sp.Expr):
    """expr evaluated at given values of dimensions or scalars: (…)|_{n=1}."""

    is_commutative = True

    def __new__(cls, expr, values, at=None):
        if at is not None:  # rebuilt by sympy from its args: (expr, keys, values)
            values = dict(zip(values, at))
        values = {sp.sympify(k): sp.sympify(v) for k, v in values.items()}
        return super().__new__(cls, sp.sympify(expr), sp.Tuple(*values), sp.Tuple(*values.values()))

    inner = property(lambda self: self.args[0])
    values = property(lambda self: dict(zip(self.args[1], self.args[2])))

    def _derive_latex(self, printer):
        printer = _printer(printer)
        at = ", ".join(f"{printer._print(k)} = {printer._print(v)}" for k, v in self.values.items())
        return r"\left. " + printer._print(self.inner) + r" \right|_{" + at + "}"

    def _derive_ground(self, grounder):
        from .backprop import ground_at
        return ground_at(grounder, self)


class Lim(sp.Expr):
    """lim_{n→∞} expr, with what is assumed of the quantities that depend on n.

    ``bounded``: quantities (such as Σ_j g_j) that stay bounded as n grows.
    ``grows``: {quantity: rate}, quantities equal to (a bounded factor) × rate."""

    is_commutative = True

    def __new__(cls, expr, variable, bounded=(), grows=()):
        grows = grows.items() if isinstance(grows, dict) else grows
        return super().__new__(cls, sp.sympify(expr), sp.sympify(variable), sp.Tuple(*bounded),
                               sp.Tuple(*[sp.Tuple(q, r) for q, r in grows]))

    inner = property(lambda self: self.args[0])
    variable = property(lambda self: self.args[1])
    bounded = property(lambda self: tuple(self.args[2]))
    grows = property(lambda self: {q: r for q, r in self.args[3]})

    def _derive_latex(self, printer):
        printer = _printer(printer)
        inner = printer._print(self.inner)
        body = self.inner.expr if isinstance(self.inner, Entries) else self.inner
        if body.is_Add:
            inner = r"\left(" + inner + r"\right)"
        return r"\lim_{" + printer._print(self.variable) + r" \to \infty} " + inner

    def _derive_ground(self, grounder):
        raise Unsupported("a limit has no value at one fixed size: evaluate it with a 'limit' step")


