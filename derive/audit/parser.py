"""From one written step to the sympy object a problem file would build.

``Reader(table).parse(tex)`` returns a ``Parsed`` (the expression, and whether the step ends
in ``+ const``) or raises ``Unparsed`` (with the position where reading stopped, or the
undeclared name) or ``IllFormed`` (a product or sum of shapes that do not fit).
Every reading the grammar allows is built; ill-formed ones are dropped, and two different
well-formed readings are refused as ambiguous, never guessed.
"""
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from lark.exceptions import UnexpectedInput
from lark import Token
from sympy.matrices.common import NonSquareMatrixError, ShapeError

from ..errors import DeriveError, ShapeMismatch
from ..mathobjects import E, Var, diag, hadamard, sqnorm, Diag, DiagPow
from ..shapes import check_shapes
from .grammar import build_parser
from .normalize import normalize

MAX_READINGS = 64


class Unparsed(DeriveError):
    """The step could not be read; ``position`` is a character offset in the normalised text."""

    def __init__(self, message, position=None):
        super().__init__(message)
        self.position = position


class IllFormed(DeriveError):
    """The step reads, but its shapes do not fit (an undefined product or sum)."""


class _Const:
    """The '+ const' term of a step (removed from the expression, remembered as a flag)."""


@dataclass
class Parsed:
    expr: object
    const: bool = False


def is_matrix(e):
    return getattr(e, "is_Matrix", False)


def as_scalar(e):
    """A 1×1 matrix used where a scalar is meant (y^T y + 1, \\frac{\\|v\\|^2}{2})."""
    if is_matrix(e):
        if e.shape != (1, 1):
            raise IllFormed(f"a {e.shape[0]}×{e.shape[1]} matrix {e} where a scalar is needed")
        return e[0, 0]
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


class Reader:
    """Reads steps against one symbol table {canonical LaTeX name: sympy object}."""

    def __init__(self, table, random=(), const_allowed=True):
        self.table = dict(table)
        self.random = tuple(random)
        self.parser = _parser(tuple(sorted(self.table)), "I" not in self.table)

    # -- the entry point ------------------------------------------------------------
    def parse(self, tex):
        if "T" in self.table and re.search(r"\^\s*\{?\s*T(?![A-Za-z])", tex):
            raise Unparsed("^T is ambiguous here: T is declared, so it could be a power or a transpose; "
                           "write ^\\top")
        text = normalize(tex)
        if not text:
            raise Unparsed("empty step", 0)
        try:
            tree = self.parser.parse(text)
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
            except ShapeMismatch as exc:
                errors.append(IllFormed(str(exc)))
                continue
            if not any(v.expr == f.expr and v.const == f.const for f in found):
                found.append(v)
        if not found:  # a shape error names what is wrong with the step; prefer it
            shapes = [e for e in errors if isinstance(e, IllFormed)]
            raise (shapes or errors)[0]
        if len(found) > 1:
            raise Unparsed(f"ambiguous: the step reads both as {found[0].expr} and as {found[1].expr}; "
                           "add brackets")
        return found[0]

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
            except (ShapeError, NonSquareMatrixError, ShapeMismatch) as exc:
                errs.append(IllFormed(str(exc)))
            except (TypeError, ValueError) as exc:
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
        sub, sup = sub
        if not is_matrix(arg) or arg.shape[1] != 1:
            raise IllFormed(f"the squared norm of {arg}, which is not a column vector")
        if sup != 2 or sub not in (None, 2):
            raise Unparsed("only squared Euclidean norms \\|v\\|_2^2 are read in audit mode yet")
        return sqnorm(arg)

    def _r_normsub(self, *parts):
        found = dict(parts)
        return found.get("sub"), found.get("sup")

    def _r_nsub(self, n):
        return ("sub", int(str(n)))

    def _r_nsup(self, n):
        return ("sup", int(str(n)))

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
            size = self.table[str(size)]
        return sp.Identity(as_scalar(size))

    def _r_const(self, _c):
        return _Const()

    def _r_unknown(self, tok):
        raise Unparsed(f"undeclared identifier {tok}: declare it (or an alias for it)")

    def _r_unsupported(self, tok):
        raise Unparsed(f"{tok} is not read in audit mode yet")


@lru_cache(maxsize=16)
def _parser(names, identity):
    return build_parser(names, identity)
