"""From one written step to the sympy object a problem file would build.

``Reader(table).parse(tex)`` returns a ``Parsed`` (the expression, and whether the step ends
in ``+ const``) or raises ``Unparsed`` (with the position where reading stopped, or the
undeclared name) or ``IllFormed`` (a product or sum of shapes that do not fit).
Every reading the grammar allows is built; ill-formed ones are dropped, and two different
well-formed readings are refused as ambiguous, never guessed.

Sums, entries and derivatives are the engine's own objects: ``\\sum_{k=1}^{n}`` is
``derive.isum``, ``x_k`` / ``X_{ij}`` is ``derive.calculus.Entry`` (what ``indexed(x)[k]`` gives),
``\\frac{\\partial f}{\\partial v}`` is ``derive.partial`` for a scalar v or an entry, and
``derive.grad`` (the gradient, shaped like v) for a declared vector or matrix v.  A sum or a
derivative operator (``\\sum_k``, ``\\frac{\\partial}{\\partial w}``, ``\\partial_w``, ``\\nabla_w``)
applies to every factor after it in its term, up to the next ``+`` or ``-`` outside brackets.
An index left free (declared in ``indices``) makes the step a claim for every value of it.

``\\prod_{k=1}^{n}`` is ``derive.iprod`` (its terms multiplied at each size); ``\\lim_{n \\to \\infty} f``
(n a declared dimension) is ``derive.calculus.Lim(f, n)``, and n may not appear outside the limit in
the same step.  ``\\frac{d}{dx}`` and ``\\frac{d f}{d x}`` (also with ``\\mathrm{d}``) are read for a declared
scalar x only, as the same ``derive.partial`` as ``\\partial``, and refused when d (or a name starting
with d) is declared; ``\\frac{\\partial^2 f}{\\partial x^2}`` and ``\\frac{\\partial^2 f}{\\partial x \\partial y}``
(and their operator and d forms) are ``partial(partial(f, y), x)``, for scalars and entries (no Hessians).
"""
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from lark.exceptions import UnexpectedInput
from lark import Token
from sympy.matrices.common import NonSquareMatrixError, ShapeError
from sympy.matrices.expressions.matexpr import MatrixElement

from ..calculus import Entry, Lim
from ..convolution import indexer, iprod, isum
from ..errors import DeriveError, ProblemError, ShapeMismatch
from ..gradient import grad, jacobian
from ..calculus import partial
from ..mathobjects import E, Var, diag, hadamard, sqnorm, Diag, DiagPow
from ..norms import Norm, fro, norm
from ..shapes import check_shapes
from .grammar import build_parser
from .normalize import normalize

MAX_READINGS = 64


class Unparsed(DeriveError):
    """The step could not be read; ``position`` is a character offset in the normalised text."""

    def __init__(self, message, position=None):
        super().__init__(message)
        self.position = position


class Ambiguous(Unparsed):
    """One reading of the step is itself a second meaning (an index both summed and free): the
    whole step is refused, even when another reading would be well-formed."""


class _Differential(Unparsed):
    """d read as an undeclared name: the reason a reading failed only when no other reason is known."""


class IllFormed(DeriveError):
    """The step reads, but its shapes do not fit (an undefined product or sum)."""


class _Const:
    """The '+ const' term of a step (removed from the expression, remembered as a flag)."""


@dataclass
class Parsed:
    expr: object
    const: bool = False
    free: tuple = ()  # index symbols left free: the step claims the formula for every value of them


class _Digits:
    """A two-digit subscript written in braces: X_{12} is entry (1, 2) of a matrix, x_{12} entry 12."""

    def __init__(self, text):
        self.text = text


@dataclass
class _DOp:
    """A derivative operator (\\frac{\\partial}{\\partial v}, \\partial_v, \\nabla_v, \\frac{d}{dv},
    \\frac{\\partial^2}{\\partial u \\partial v}) waiting for its argument; ``vars``: outermost first."""
    vars: tuple


def index_symbol(name):
    """The symbol of a summation or free index (an integer; bounds are its only other knowledge)."""
    return sp.Symbol(name, integer=True)


_SUM_HEAD = re.compile(r"\\(?:sum|prod)_(?:([A-Za-z])|\{([^{}=]*)(?:=|\}))")
_LEIBNIZ = re.compile(r"\\frac\{d(?:[ A-Za-z\\^(][^{}_]*)?\}\{d[ A-Za-z\\]")
_RUN = re.compile(r"(?<![\\A-Za-z])[A-Za-z]+(?: [A-Za-z]+)*")


def _segmentations(run, words, limit=2):
    """Up to ``limit`` ways of writing ``run`` (spaces ignored, as TeX does) as declared words."""
    run = run.replace(" ", "")
    ways = {0: [[]]}
    for i in range(1, len(run) + 1):
        found = []
        for w in words:
            if i >= len(w) and run[i - len(w):i] == w and i - len(w) in ways:
                found += [p + [w] for p in ways[i - len(w)]][:limit]
        if found:
            ways[i] = found[:limit]
    return ways.get(len(run), [])


def is_matrix(e):
    return getattr(e, "is_Matrix", False)


def as_scalar(e):
    """A 1×1 matrix used where a scalar is meant (y^T y + 1, \\frac{\\|v\\|^2}{2})."""
    if is_matrix(e):
        if e.shape != (1, 1):
            raise IllFormed(f"a {e.shape[0]}×{e.shape[1]} matrix {e} where a scalar is needed")
        try:
            return e[0, 0]
        except NotImplementedError:  # a node that does not index itself (‖v‖²): its one entry
            return MatrixElement(e, 0, 0)
    return e


def _product(factors):
    out = factors[0]
    for f in factors[1:]:
        if is_matrix(out) and is_matrix(f) and out.shape[1] != f.shape[0] \
                and (out.shape == (1, 1) or f.shape == (1, 1)):
            # a 1×1 quadratic form times a vector is a scalar multiple, as on paper
            out = as_scalar(out) * f if out.shape == (1, 1) else out * as_scalar(f)
        else:
            out = out * f
    return out


def _add(terms):
    if any(is_matrix(t) for t in terms) and not all(is_matrix(t) for t in terms):
        terms = [as_scalar(t) for t in terms]
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _check_ranges(expr, last):
    """An index that runs to n used as an entry of a vector with d entries is ill-formed."""
    for e in expr.atoms(Entry):
        for i, top in zip(e.indices, e.base.shape):
            if i in last and last[i] != top and (last[i] - top).is_number is False:
                raise IllFormed(f"{i} runs to {last[i]}, but {e.base.name} has {top} "
                                f"{'entries' if e.base.shape[1] == 1 else 'rows or columns'} there")


def _one_token(tok, script):
    """An unbraced script is one character or one command in TeX: x^23 is x^2 3, x_12 is x_1 2."""
    text = str(tok)
    if not re.fullmatch(r"[A-Za-z0-9]|\\[A-Za-z]+", text):
        raise Unparsed(f"{script}{text} reads in TeX as {script}{text[0]} followed by {text[1:]}: "
                       f"write {script}{{{text}}}")


class Reader:
    """Reads steps against one symbol table {canonical LaTeX name: sympy object}.

    ``indices``: {letter: (first, last)} declared index ranges (for a bare \\sum_k and free
    indices); ``variables``: the objects a derivative may be taken with respect to."""

    def __init__(self, table, random=(), const_allowed=True, indices=None, variables=None):
        self.table = dict(table)
        self.random = tuple(random)
        self.indices = dict(indices or {})
        self.variables = None if variables is None else set(variables)
        self.identity = "I" not in self.table
        self._text, self._letters = "", set()
        words = [n for n in self.table if re.fullmatch(r"[A-Za-z]+", n)]
        self._words = words + [i for i in self.indices if i not in words] + (["I"] if self.identity else [])
        # a declared name such as x_1 or W_{ij} that is also an entry of a declared x or W
        self._shadowing = [n for n in self.table if self._entry_base(n) is not None]

    def _entry_base(self, name):
        m = re.fullmatch(r"(.+?)_(.+)", name)
        if not m or m.group(1) not in self.table:
            return None
        return m.group(1) if isinstance(self.table[m.group(1)], sp.MatrixSymbol) else None

    # -- the entry point ------------------------------------------------------------
    def parse(self, tex):
        if "T" in self.table and re.search(r"\^\s*\{?\s*T(?![A-Za-z])", tex):
            raise Unparsed("^T is ambiguous here: T is declared, so it could be a power or a transpose; "
                           "write ^\\top")
        text = normalize(tex)
        if not text:
            raise Unparsed("empty step", 0)
        if re.fullmatch(r"([+-]?)\s*\\infty", text):  # a whole step ∞: the value of a divergent limit
            return Parsed(-sp.oo if text.startswith("-") else sp.oo)
        self._refuse_ambiguous_spelling(text)
        letters = self._sum_letters(text)
        self._text, self._letters = text, letters
        parser = _parser(tuple(sorted(self.table)), self.identity, tuple(sorted(set(self.indices) | letters)))
        try:
            tree = parser.parse(text)
        except UnexpectedInput as exc:
            pos = getattr(exc, "pos_in_stream", None)
            if pos is None:
                pos = getattr(exc, "column", 0)
            pos = len(text) if not isinstance(pos, int) or pos < 0 else pos
            near = text[pos:pos + 12] if isinstance(pos, int) else ""
            raise Unparsed(f"cannot read the step at position {pos} (near {near!r})", pos) from None
        values, errors = self._values(tree.children[0])
        found = []
        for v in values:
            try:
                check_shapes(v.expr)
                v = self._free(v)
            except Ambiguous:
                raise
            except ShapeMismatch as exc:
                errors.append(IllFormed(str(exc)))
                continue
            except (Unparsed, IllFormed) as exc:
                errors.append(exc)
                continue
            if not any(v.expr == f.expr and v.const == f.const for f in found):
                self._check_limits(v.expr)
                found.append(v)
        if not found:  # a shape error names what is wrong with the step; prefer it
            shapes = [e for e in errors if isinstance(e, IllFormed)]
            others = [e for e in errors if not isinstance(e, _Differential)]
            raise (shapes or others or errors or [Unparsed("no reading of the step", 0)])[0]
        if len(found) > 1:
            raise Unparsed(f"ambiguous: the step reads both as {found[0].expr} and as {found[1].expr}; "
                           "add brackets")
        return found[0]

    def _refuse_ambiguous_spelling(self, text):
        """Spellings the reader could take two ways are refused before reading, never guessed."""
        m = re.search(r"\\(?:int|max|min|sup|inf|arg|(?:sum|prod)_\{[^{}]*\\in)(?![A-Za-z])", text)
        if m:
            raise Unparsed(f"{m.group(0).split('_')[0]} is not read in audit mode yet"
                           + (" (a sum over a set: write \\sum_{k=1}^{n})" if "_" in m.group(0) else ""),
                           m.start())
        m = _LEIBNIZ.search(text)
        if m and any(w.startswith("d") for w in self._words):
            raise Unparsed("a derivative written with d (\\frac{d f}{d x}) is not read here: d (or a name "
                           "starting with d) is declared, so d could be a dimension (a declared name) or the differential; write "
                           "\\partial", m.start())
        for name in self._shadowing:
            at = text.find(name)
            if at >= 0:
                base = self._entry_base(name)
                raise Unparsed(f"ambiguous: {name} is declared, and it is also an entry of the declared {base}; "
                               "rename one of them", at)
        for m in _RUN.finditer(text):
            ways = _segmentations(m.group(0), self._words)
            if len(ways) > 1:
                a, b = (" ".join(w) for w in ways[:2])
                raise Unparsed(f"ambiguous: {m.group(0)!r} reads as {a} or as {b} (declared names "
                               f"written side by side); use \\cdot or brackets, or rename", m.start())

    def _sum_letters(self, text):
        """The index letters the sums of the step bind (\\sum_k, \\sum_{i,j}, \\sum_{k=1}^{n})."""
        out = set()
        for m in _SUM_HEAD.finditer(text):
            names = [m.group(1)] if m.group(1) else [p.strip() for p in m.group(2).split(",")]
            for name in names:
                if not re.fullmatch(r"[A-Za-z]", name or ""):
                    continue  # not an index letter: the grammar says where reading stops
                if name in self.table:
                    raise Unparsed(f"ambiguous: the sum's index {name} is also a declared name; "
                                   "use another letter", m.start())
                out.add(name)
        return out

    def _free(self, v):
        """The reading with its free indices named: each must have a declared range from 1."""
        letters = set(self.indices) | self._letters
        free = [s for s in v.expr.free_symbols if s.name in letters and s == index_symbol(s.name)]
        if not free:
            return v
        bound = {str(lim[0]): "a sum" if isinstance(node, sp.Sum) else "a product"
                 for node in v.expr.atoms(sp.Sum, sp.Product) for lim in node.limits}
        for s in free:
            if s.name in bound:
                raise Ambiguous(f"ambiguous: {s} is bound by {bound[s.name]} and also used outside it; put its "
                               "terms in brackets, or use another letter")
            if s.name not in self.indices:
                raise Unparsed(f"the index {s} is free, and its range is not declared (indices: {{{s}: [1, n]}})")
        free.sort(key=lambda s: list(self.indices).index(s.name))
        _check_ranges(v.expr, {s: self.indices[s.name][1] for s in free})
        for s in free:
            first, _ = self.indices[s.name]
            if first != 1:
                raise Unparsed(f"the index {s} is free: a claim for every {s} needs its range to start at 1")
        if len(free) > 2:
            raise Unparsed(f"the indices {', '.join(map(str, free))} are free: at most two are read")
        expr = v.expr
        if is_matrix(expr):
            if expr.shape != (1, 1):
                raise IllFormed(f"the index {free[0]} is free (a claim for every {free[0]}), but the step "
                                f"is a {expr.shape[0]}×{expr.shape[1]} matrix, not a scalar")
            expr = expr[0, 0]
        return Parsed(expr, v.const, tuple(free))

    # -- all readings of a subtree ------------------------------------------------------
    def _values(self, node):
        """(list of Parsed readings, list of errors of the readings that failed)."""
        if isinstance(node, Token):
            return [Parsed(node)], []
        if node.data == "_ambig":
            out, errs = [], []
            for child in node.children:
                v, e = self._values(child)
                out.extend(v)
                errs.extend(e)
            return out[:MAX_READINGS], errs
        kids = [self._values(c) for c in node.children]
        errs = [e for _, es in kids for e in es]
        combos = itertools.islice(itertools.product(*[v for v, _ in kids]), MAX_READINGS)
        out = []
        for combo in combos:
            try:
                out.append(self._build(node.data, [c.expr for c in combo], any(c.const for c in combo)))
            except (Unparsed, IllFormed) as exc:
                errs.append(exc)
            except (ShapeError, NonSquareMatrixError, ShapeMismatch, ProblemError) as exc:
                errs.append(IllFormed(str(exc)))
            except (TypeError, ValueError, AttributeError) as exc:
                errs.append(IllFormed(f"undefined operation: {exc}"))
        return out, errs

    def _build(self, rule, args, const):
        method = getattr(self, "_r_" + rule)
        value = method(*args)
        if isinstance(value, Parsed):
            return Parsed(value.expr, value.const or const)
        return Parsed(value, const)

    # -- rules ----------------------------------------------------------------------
    def _r_sum(self, lead, *rest):
        terms, const = [], False
        items = [("+", lead)] + [(str(rest[i]), rest[i + 1]) for i in range(0, len(rest), 2)]
        for sign, term in items:
            if isinstance(term, _Const):
                const = True
                continue
            terms.append(-term if sign == "-" else term)
        if not terms:
            raise Unparsed("a step that is only a constant")
        return Parsed(_add(terms), const)

    def _r_lead(self, *args):
        if len(args) == 2:
            return args[1] if isinstance(args[1], _Const) else (-args[1] if str(args[0]) == "-" else args[1])
        return args[0]

    def _r_product(self, *args):
        factors = [a for a in args if not (isinstance(a, Token) and a.type == "CDOT")]
        if any(isinstance(f, _Const) for f in factors):
            if len(factors) == 1:
                return factors[0]
            raise Unparsed("\\text{const} inside a product")
        return _product(factors)

    def _r_hadamard(self, a, _op, b):
        if not (is_matrix(a) and is_matrix(b)):
            return _product([a, b])
        return hadamard(a, b)

    def _r_transpose(self, a, _top):
        return a.T if is_matrix(a) else a

    def _r_power(self, base, exp):
        exp = sp.sympify(exp) if isinstance(exp, Token) else exp
        exp = as_scalar(exp)
        if isinstance(base, Norm) and exp == 2 and base.arg.shape[1] == 1:
            return sqnorm(base.arg)  # ||v||_2^2, the squared Euclidean norm as the engine writes it
        if is_matrix(base):
            if exp == -1:
                return sp.Inverse(base)
            if isinstance(base, (Diag, DiagPow)):
                return DiagPow(base, exp)
            if exp.is_Integer and exp > 0:
                if base.shape == (1, 1):
                    return as_scalar(base) ** exp
                return sp.MatPow(base, exp)
            raise IllFormed(f"the power {exp} of a general matrix {base}")
        return base ** exp

    def _r_power_bare(self, base, exp):
        _one_token(exp, "^")
        if exp.type == "NAME":  # x^n, 2^\\lambda: the declared object, never a fresh symbol of the same name
            return self._r_power(base, self.table[str(exp)])
        return self._r_power(base, self._integer(exp) if exp.type == "INDEX" else exp)

    def _r_power_fraction(self, base, num, den):
        return self._r_power(base, sp.Rational(int(str(num)), int(str(den))))

    def _r_name(self, tok):
        value = self.table[str(tok)]
        return value

    def _r_number(self, tok):
        text = str(tok)
        return sp.Float(text, 30) if "." in text else sp.Integer(text)

    def _r_frac(self, _f, num, den):
        return _product([num, 1 / as_scalar(den)]) if is_matrix(num) else num / as_scalar(den)

    def _r_sqrt(self, _s, arg):
        return sp.sqrt(as_scalar(arg))

    def _r_function(self, f, arg):
        name = str(f)
        if is_matrix(arg):
            raise IllFormed(f"{name} of the matrix {arg}: only scalars are read")
        return sp.exp(as_scalar(arg)) if name == r"\exp" else sp.log(as_scalar(arg))

    def _r_norm(self, _a, arg, _b, sub):
        """\\|v\\|, \\|v\\|_2: the Euclidean norm, \\|A\\|_2 the spectral norm (derive.norm); \\|A\\|_F the
        Frobenius norm (derive.fro).  A square is a power of the norm (_r_power: \\|v\\|_2^2 is sqnorm(v))."""
        if not is_matrix(arg):
            raise IllFormed(f"the norm of {arg}, which is a scalar: write |{arg}| for its absolute value")
        if sub == "F":
            return fro(arg)
        if sub not in (None, 2):
            raise Unparsed(f"the {sub}-norm is not read in audit mode (only \\|\\cdot\\|_2 and \\|\\cdot\\|_F)")
        if arg.shape[1] == 1 or sub == 2:
            return norm(arg)
        raise Unparsed(f"\\|{arg}\\| of a matrix: write \\|{arg}\\|_2 (spectral) or \\|{arg}\\|_F (Frobenius)")

    def _r_absolute(self, _a, arg, _b):
        """|x| of a scalar (sympy's Abs); |u^T v| of a 1×1 product is its norm (derive.norm)."""
        if is_matrix(arg):
            if arg.shape != (1, 1):
                raise IllFormed(f"|{arg}| of a matrix or vector: write \\|{arg}\\|_2 for its norm")
            return norm(arg)
        return sp.Abs(arg)

    def _r_normsub(self, *sub):
        return sub[0] if sub else None  # 2, 1, ... or "F"

    def _r_nsub(self, n):
        return int(str(n))

    def _r_nsub_frob(self, _f):
        return "F"

    def _r_esub(self, *names):
        return tuple(self.table[str(n)] for n in names)

    def _r_expectation(self, _e, *args):
        over, inner = (args[0], args[1]) if len(args) == 2 else (self.random, args[0])
        if not over:
            raise Unparsed("an expectation, but no random quantity is declared")
        for r in over:
            if r not in self.random:
                raise Unparsed(f"an expectation over {r}, which is not declared random")
        return E(over, inner)

    def _r_variance(self, _v, *args):
        over, inner = (args[0], args[1]) if len(args) == 2 else (self.random, args[0])
        return Var(over, as_scalar(inner))

    def _r_diag(self, _d, arg):
        return diag(arg)

    def _r_trace(self, _t, arg):
        return sp.Trace(arg)

    def _r_identity(self, _i, size):
        if isinstance(size, Token):  # I_d: the subscript is a declared name
            _one_token(size, "_")
            size = self.table[str(size)]
        return sp.Identity(as_scalar(size))

    def _r_const(self, _c):
        return _Const()

    def _r_unknown(self, tok):
        end = getattr(tok, "end_pos", None)
        if isinstance(end, int) and self._text[end:end + 1] == "(":
            raise Unparsed(f"undeclared identifier {tok} before a bracket: a function is not read "
                           f"(only \\exp, \\log, \\ln); if {tok} is a scalar, declare it")
        if tok.type == "DIFF":
            raise _Differential("undeclared identifier d: declare it (as the differential, \\frac{d}{dx} needs x "
                           "to be a declared scalar variable)")
        raise Unparsed(f"undeclared identifier {tok}: declare it (or an alias for it)")

    def _r_unsupported(self, tok):
        raise Unparsed(f"{tok} is not read in audit mode yet")

    def _r_infinity(self, _tok):
        raise Unparsed("\\infty is read only in the head of a limit, \\lim_{n \\to \\infty}, or as a whole "
                       "step (the value of a divergent limit)")

    # -- indices, entries and sums ----------------------------------------------------------
    def _integer(self, part):
        """An index or a bound: a number, an index letter, a dimension, or their sum."""
        if isinstance(part, _Digits):
            return sp.Integer(part.text)
        if not isinstance(part, Token):
            return part
        if part.type == "NUMBER":
            if "." in str(part):
                raise Unparsed(f"the index {part} is not an integer")
            return sp.Integer(str(part))
        if part.type == "INDEX":
            return index_symbol(str(part))
        if part.type == "NAME":
            value = self.table[str(part)]
            if not (isinstance(value, sp.Symbol) and value.is_integer):
                raise Unparsed(f"{part} is used as an index or a bound, but it is not a dimension")
            return value
        raise Unparsed(f"cannot read {part} as an index")

    def _r_iexpr(self, *parts):
        if len(parts) == 1 and isinstance(parts[0], Token) and re.fullmatch(r"[1-9][1-9]", str(parts[0])):
            return _Digits(str(parts[0]))  # X_{12}: entry (1, 2) of a matrix, entry 12 of a vector
        total, sign = sp.S.Zero, 1
        for p in parts:
            if isinstance(p, Token) and p.type == "ADDOP":
                sign = -1 if str(p) == "-" else 1
                continue
            total += sign * self._integer(p)
            sign = 1
        return total

    def _r_ibound(self, part):
        return self._integer(part)

    def _r_isub_one(self, tok):
        return (self._integer(tok),)

    def _r_isub_name(self, tok):
        _one_token(tok, "_")
        return (self._integer(tok),)

    def _r_isub_bare_number(self, tok):
        _one_token(tok, "_")
        return (self._integer(tok),)

    def _r_isub_list(self, *parts):
        if len(parts) == 1 and isinstance(parts[0], _Digits):
            return parts[0]
        return tuple(self._integer(p) for p in parts)

    def _r_isub_pair(self, a, b):
        return (self._integer(a), self._integer(b))

    def _r_entry(self, tok, idx):
        name = str(tok)
        base = self.table[name]
        if not isinstance(base, sp.MatrixSymbol):
            raise Unparsed(f"{name} is a scalar: it has no entries {name}_{{…}} (if {name}_… is a name of "
                           "its own, declare it)")
        two = base.shape[1] != 1
        if isinstance(idx, _Digits):
            idx = tuple(sp.Integer(c) for c in idx.text) if two else (sp.Integer(idx.text),)
        if len(idx) != (2 if two else 1):
            raise IllFormed(f"{name} is {'a matrix: its entries take two indices' if two else 'a vector: its entries take one index'}"
                            f", got {len(idx)} (if {name}_… is a matrix or vector of its own, declare it)")
        for i, top in zip(idx, (base.shape[0], base.shape[1])):
            if i.is_Integer and (i < 1 or (top.is_Integer and i > top)):
                raise IllFormed(f"entry {i} of {name} lies outside 1..{top}")
        return Entry(base, *idx)

    def _r_bracket_entry(self, inner, idx):
        """(X^T y)_k: an entry of a bracketed vector or matrix (derive.indexer)."""
        if not is_matrix(inner) or inner.shape == (1, 1):
            raise IllFormed(f"an entry of {inner}, which is not a vector or a matrix")
        two = inner.shape[1] != 1
        if isinstance(idx, _Digits):
            idx = tuple(sp.Integer(c) for c in idx.text) if two else (sp.Integer(idx.text),)
        if len(idx) != (2 if two else 1):
            raise IllFormed(f"({inner}) takes {2 if two else 1} index{'es' if two else ''}, got {len(idx)}")
        return indexer(inner)(*(idx if two else idx + (sp.S.One,)))

    def _r_index(self, tok):
        return index_symbol(str(tok))

    def _r_sum_declared(self, *toks):
        limits = []
        for t in toks:
            if str(t) not in self.indices:
                raise Unparsed(f"\\sum_{t}: the range of {t} is not declared (indices: {{{t}: [1, n]}}), "
                               f"or write \\sum_{{{t}=1}}^{{n}}")
            limits.append((index_symbol(str(t)),) + tuple(self.indices[str(t)]))
        return limits

    def _r_sum_range(self, tok, first, last):
        return [(index_symbol(str(tok)), first, last)]

    def _r_bigsum(self, _tok, limits, body, what="sum"):
        names = [str(lim[0]) for lim in limits]
        if len(set(names)) < len(names):
            raise Unparsed(f"the {what} binds {names} more than once")
        if isinstance(body, (_Const, _DOp)):
            raise Unparsed(f"\\text{{const}} inside a {what}" if isinstance(body, _Const) else f"a {what} of nothing")
        if is_matrix(body):
            if body.shape != (1, 1):
                raise Unparsed(f"a {what} of matrices ({body.shape[0]}×{body.shape[1]} terms) is not read in audit mode yet")
            body = body[0, 0]
        for inner in body.atoms(sp.Sum, sp.Product):
            bound = {str(v) for v, *_ in inner.limits}
            if bound & set(names):
                raise Unparsed(f"the index {sorted(bound & set(names))[0]} is bound twice (nested sums or "
                               "products over the same letter)")
        for sym, first, last in limits:
            for b in (first, last):
                if not (b.is_integer and b.free_symbols <= {s for s in b.free_symbols if s.is_integer}):
                    raise Unparsed(f"the bound {b} of the {what} over {sym} is not an integer")
        _check_ranges(body, {sym: last for sym, _, last in limits})
        return isum(body, *limits) if what == "sum" else iprod(body, *limits)

    def _r_bigprod(self, tok, limits, body):
        """\\prod_{k=1}^{n} f: derive.iprod over the index range (its terms multiplied at each size)."""
        return self._r_bigsum(tok, limits, body, what="product")

    # -- limits -------------------------------------------------------------------------------
    def _r_limhead(self, tok, _to, *rest):
        if rest and str(rest[0]) == "-":
            raise Unparsed("a limit as n → -∞ is not read: the limit's variable is a dimension")
        value = self.table[str(tok)]
        if not (isinstance(value, sp.Symbol) and value.is_integer):
            raise Unparsed(f"\\lim_{{{tok} \\to \\infty}}: {tok} is not a declared dimension (only limits as a "
                           "dimension grows are read)")
        return value

    def _r_biglim(self, _tok, n, body):
        """\\lim_{n \\to \\infty} f: derive.Lim(f, n), checked by the engine's limit checker."""
        if isinstance(body, (_Const, _DOp)):
            raise Unparsed("\\text{const} inside a limit" if isinstance(body, _Const) else "a limit of nothing")
        if is_matrix(body) and body.shape != (1, 1):
            raise IllFormed(f"the limit of a {body.shape[0]}×{body.shape[1]} matrix: only limits of scalars are read")
        return Lim(as_scalar(body), n)

    def _check_limits(self, expr):
        """A limit's variable is bound by it: n written outside the limit in the same step would make
        \\lim_{n \\to \\infty} 1 + \\frac{1}{n} read as (lim 1) + 1/n; refused, never guessed."""
        lims = [e for e in sp.preorder_traversal(expr) if isinstance(e, Lim)]
        if not lims:
            return
        outside = expr.xreplace({e: sp.Dummy() for e in lims}).free_symbols
        for e in lims:
            if e.variable in outside:
                raise Unparsed(f"ambiguous: {e.variable} is the variable of the limit and also appears outside "
                               "it; put the limit's expression in brackets")
            if any(isinstance(a, Lim) for a in sp.preorder_traversal(e.inner)):
                raise Unparsed("a limit inside a limit is not read")

    # -- derivatives -------------------------------------------------------------------------
    def _r_dvar(self, tok, idx=None):
        name = str(tok)
        value = self._r_entry(tok, idx) if idx is not None else self.table[name]
        base = value.base if isinstance(value, Entry) else value
        if self.variables is not None and base not in self.variables:
            raise Unparsed(f"∂/∂{name}: {name} is not a declared variable (it is a dimension, a definition "
                           "or a formula)")
        if not isinstance(base, (sp.Symbol, sp.MatrixSymbol)):
            raise Unparsed(f"∂/∂{name}: {name} is not a declared variable")
        return value

    def _r_dop(self, *args):
        return _DOp((args[-1],))

    def _r_dmark(self, tok):
        return tok.type  # PARTIAL or DIFF

    def _marks(self, marks, vars_):
        """The differentials of one Leibniz fraction agree; d (a total derivative) is read for a declared
        scalar, where it is the same derivative as ∂."""
        if len(set(marks)) > 1:
            raise Unparsed("a derivative written with both d and \\partial: write one of them")
        if marks[0] == "DIFF":
            for v in vars_:
                if not isinstance(v, sp.Symbol):
                    raise Unparsed(f"d/d{v}: a derivative written with d is read for a declared scalar only; "
                                   f"for {v} write \\partial (or \\nabla)")

    def _order(self, number):
        if str(number) != "2":
            raise Unparsed(f"a derivative of order {number}: only first and second derivatives are read")

    def _r_dop_frac(self, _frac, m1, m2, var):
        self._marks([m1, m2], [var])
        return _DOp((var,))

    def _r_dop_frac2(self, _frac, mark, number, den):
        self._order(number)
        marks, vars_ = den
        self._marks([mark] + marks, vars_)
        return _DOp(tuple(vars_))

    def _r_dden_square(self, mark, var, number):
        self._order(number)
        return [mark], [var, var]

    def _r_dden_mixed(self, m1, v1, m2, v2):
        return [m1, m2], [v1, v2]

    def _r_dapply(self, op, f):
        return self._derivatives(f, op.vars)

    def _r_derivative(self, _frac, m1, f, m2, var):
        self._marks([m1, m2], [var])
        return self._derivative(f, var)

    def _r_derivative2(self, _frac, mark, number, f, den):
        self._order(number)
        marks, vars_ = den
        self._marks([mark] + marks, vars_)
        return self._derivatives(f, tuple(vars_))

    def _derivatives(self, f, vars_):
        """∂²f/∂u∂v = ∂/∂u (∂f/∂v): the innermost (last written) variable first; second derivatives
        are of scalars with respect to scalars or entries (no Hessians)."""
        if len(vars_) > 1 and any(isinstance(v, sp.MatrixSymbol) for v in vars_):
            raise Unparsed("a second derivative with respect to a vector or a matrix (a Hessian) is not read")
        for v in reversed(vars_):
            f = self._derivative(f, v)
        return f

    def _derivative(self, f, v):
        if isinstance(f, (_Const, _DOp)):
            raise Unparsed("a derivative of nothing")
        if is_matrix(f) and f.shape != (1, 1):
            if f.shape[1] == 1 and isinstance(v, sp.MatrixSymbol) and v.shape[1] == 1:
                return jacobian(f, v)  # ∂y/∂x of a vector map by a vector: the Jacobian
            raise IllFormed(f"the derivative of {f}, a {f.shape[0]}×{f.shape[1]} matrix: only derivatives "
                            "and gradients of scalars and Jacobians of column vectors by column vectors are read")
        if isinstance(v, sp.MatrixSymbol):
            return grad(f, v)  # the gradient: shaped like v
        return partial(as_scalar(f), v)


@lru_cache(maxsize=32)
def _parser(names, identity, indices=()):
    return build_parser(names, identity, indices)
