"""Grounding the calculus objects at one size: entries, the forward map, partial derivatives.

At one size, every entry of a node of the forward map (declared with ``forward``) gets a
placeholder symbol and its formula in the placeholders of the entries it uses: the
computational graph, built once per grounder.  A value is the formula with every placeholder
replaced by its own value.  ∂f/∂v is the exact derivative of f with respect to the entry v,
everything computed from v recomputed and nothing else held fixed: forward mode, each
formula differentiated (sympy.diff) with respect to the placeholders it uses.  It is the
derivative of the declared map, never a formula the author supplied.
"""
import weakref

import sympy as sp

from .errors import ProblemError, Unsupported
from .grounding import Grounder, unroll

_GRAPHS = weakref.WeakKeyDictionary()  # grounder -> its Graph
_AT = weakref.WeakKeyDictionary()  # grounder -> {size: grounder at that size}


def indexed_definitions(derivation):
    """{node symbol: (index symbols, formula)} for nodes declared entry by entry."""
    return {d.obj: tuple(r[0] for r in d.definition.ranges) + (d.definition.expr,)
            for d in derivation.of_kind("definition") if getattr(d.definition, "is_forward_node", False)}


def upstream_gradients(derivation):
    return {b for d in derivation.declared if getattr(d.obj, "is_loss", False) for _, b in d.obj.pairs}


def concrete(grounder, entry):
    """The integer indices of an entry, checked against its shape."""
    idx = []
    for a, bound in zip(entry.indices, entry.base.shape):
        v = sp.sympify(a).xreplace(grounder.size)
        if not v.is_Integer:
            raise Unsupported(f"the index {a} of {entry} is free: claim the formula for every index "
                              f"with over(...), or sum over it")
        top = grounder.dim(bound)
        if not 1 <= v <= top:
            raise ProblemError(f"index {v} of {entry.base.name} is outside 1..{top} at size {grounder.size}")
        idx.append(int(v))
    return tuple(idx)


def _position(idx):
    return idx[0] - 1, idx[1] - 1 if len(idx) > 1 else 0


class _Symbolic(Grounder):
    """Grounds formulas with the entries of defined nodes left as their placeholders."""

    def __init__(self, graph):
        self.__dict__.update(graph.grounder.__dict__)
        self._memo = {}  # its values differ from the grounder's: entries stay placeholders
        self.graph = graph


class Graph:
    """The forward map at one size: placeholders, formulas, values and exact derivatives."""

    def __init__(self, grounder):
        self.grounder = grounder
        self.derivation = grounder.derivation
        self.defs = indexed_definitions(self.derivation)
        self.symbolic = _Symbolic(self)
        self.symbols = {}  # (node, idx) -> placeholder (defined node) or entry symbol (leaf)
        self.owner = {}  # symbol -> (node, idx)
        self.formulas = {}  # placeholder -> formula in other symbols
        self.values = {}  # placeholder -> value
        self.local = {}  # (placeholder, symbol) -> ∂ formula / ∂ symbol
        self.tangents = {}  # (seed, placeholder) -> d placeholder / d seed
        self.below = {}  # node -> nodes computed from it (itself included)
        self.partials = {}  # (f, seed) -> ∂f/∂seed in placeholders
        self.partial_values = {}  # (f, seed) -> its value

    def symbol(self, node, idx):
        key = (node, idx)
        if key not in self.symbols:
            if node in self.defs:
                u = sp.Dummy(f"{node.name}{''.join(map(str, idx))}")
                self.symbols[key], self.owner[u] = u, key
                *syms, formula = self.defs[node]
                expr = unroll(self.grounder, formula.xreplace(dict(zip(syms, map(sp.Integer, idx)))))
                self.formulas[u] = self.symbolic.scalar(expr)
            else:  # a leaf, or a matrix formula (grounded whole: its entries cannot be perturbed)
                s = self.symbolic.ground(node)[_position(idx)]
                self.symbols[key] = s
                if isinstance(s, sp.Symbol):
                    self.owner.setdefault(s, key)
        return self.symbols[key]

    def value(self, expr):
        """expr with every placeholder replaced by its value."""
        subs = {}
        for u in expr.free_symbols & self.formulas.keys():
            if u not in self.values:
                self.values[u] = _compact(self.value(self.formulas[u]))
            subs[u] = self.values[u]
        return expr.xreplace(subs) if subs else expr

    def downstream(self, node):
        if node not in self.below:
            formulas = {**self.derivation.definitions, **{m: f[-1] for m, f in self.defs.items()}}
            found, changed = {node}, True
            while changed:
                changed = False
                for other, formula in formulas.items():
                    if other not in found and formula.atoms(sp.MatrixSymbol) & found:
                        found.add(other)
                        changed = True
            self.below[node] = found
        return self.below[node]

    def slope(self, seed, expr):
        """d expr / d seed, through every placeholder expr uses."""
        return self._through(seed, expr, lambda s: _diff(expr, s))

    def _chain(self, seed, u):
        return self._through(seed, self.formulas[u], lambda s: self._local(u, s))

    def _local(self, u, s):
        if (u, s) not in self.local:
            self.local[(u, s)] = _diff(self.formulas[u], s)
        return self.local[(u, s)]

    def _through(self, seed, expr, partial):
        """Σ_s ∂expr/∂s · ds/dseed over the placeholders s downstream of seed (memoised)."""
        node = self.owner[seed][0]
        total = sp.S.Zero
        for s in expr.free_symbols & self.owner.keys():
            if s == seed:
                rate = sp.S.One
            elif s in self.formulas and self.owner[s][0] in self.downstream(node):
                if (seed, s) not in self.tangents:
                    self.tangents[(seed, s)] = self._chain(seed, s)
                rate = self.tangents[(seed, s)]
            else:
                continue
            if rate != 0:
                total += partial(s) * rate
        return total


def graph(grounder):
    if isinstance(grounder, _Symbolic):
        return grounder.graph
    if grounder not in _GRAPHS:
        _GRAPHS[grounder] = Graph(grounder)
    return _GRAPHS[grounder]


def entry_value(grounder, node, idx):
    """Entry idx (from 1) of a node: its placeholder when building formulas, else its value."""
    g = graph(grounder)
    s = g.symbol(node, idx)
    return s if isinstance(grounder, _Symbolic) else g.value(s)


def ground_indexed(grounder, expr):
    """A scalar formula whose indices are all bound (by sums) or already integers."""
    return grounder.scalar(unroll(grounder, expr))


def ground_loss(grounder, L):
    total = sp.S.Zero
    for node, upstream in L.pairs:
        u = grounder.ground(upstream)
        if u.shape != (grounder.dim(node.shape[0]), grounder.dim(node.shape[1])):
            raise ProblemError(f"the upstream gradient {upstream} must have the shape of {node}")
        rank = len(indexed_definitions(grounder.derivation).get(node, (0, 0))) - 1  # 0: a scalar node
        for a in range(u.rows):
            for b in range(u.cols):
                idx = () if rank == 0 else (a + 1,) if node.shape[1] == 1 else (a + 1, b + 1)
                total += u[a, b] * entry_value(grounder, node, idx)
    return total


def ground_partial(grounder, d):
    """∂f/∂v at one size: the exact derivative of the declared forward map."""
    if isinstance(grounder, _Symbolic):
        raise Unsupported("a derivative inside the forward map")
    v = d.v
    if v.base in upstream_gradients(grounder.derivation):
        raise Unsupported(f"∂/∂{v}: {v.base.name} is an upstream gradient, not a variable of the forward map")
    g = graph(grounder)
    if v.base in grounder.derivation.definitions and v.base not in g.defs:
        raise Unsupported(f"∂/∂{v}: {v.base.name} is a matrix formula; declare it entry by entry "
                          f"with forward(...) to differentiate with respect to its entries")
    seed = g.symbol(v.base, concrete(grounder, v))
    key = (d.f, seed)
    if key not in g.partials:
        g.partials[key] = g.slope(seed, g.symbolic.scalar(d.f))
    if key not in g.partial_values:
        g.partial_values[key] = g.value(g.partials[key])
    return g.partial_values[key]


def grounder_at(grounder, values):
    """A grounder like ``grounder`` with some dimensions set to other values (cached)."""
    dims = set(grounder.derivation.dimensions)
    size = dict(grounder.size)
    size.update({k: v for k, v in values.items() if k in dims})
    key = tuple(sorted((str(k), int(v)) for k, v in size.items()))
    cache = _AT.setdefault(grounder, {})
    if key not in cache:
        cache[key] = Grounder(grounder.derivation, {k: int(v) for k, v in size.items()})
    return cache[key]


def ground_at(grounder, at):
    if isinstance(grounder, _Symbolic):
        raise Unsupported("an evaluation at a value inside the forward map")
    dims = set(grounder.derivation.dimensions)
    sub = grounder_at(grounder, at.values)
    inner = sub.ground(unroll(sub, at.inner))
    others = {k: v for k, v in at.values.items() if k not in dims}
    return inner.xreplace(others) if others else inner


def _diff(expr, s):
    """d expr / d s, term by term over a sum so that terms free of s cost nothing."""
    if expr.is_Add:
        return sp.Add(*[sp.diff(t, s) for t in expr.args if s in t.free_symbols])
    return sp.diff(expr, s)


def _compact(value):
    """Polynomial values expanded once (a batch mean, a variance), so that every later
    expansion of an expression using them starts from a flat sum."""
    return sp.expand(value) if value.is_polynomial() else value
