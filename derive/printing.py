"""LaTeX for derive's objects: sympy's printer, fixed where it misleads a reader.

Fixes: brackets around Hadamard products and sums inside products ((R∘X)w, not R∘Xw),
(A∘B)^T for Aᵀ∘Bᵀ, norms as ‖·‖, 𝔼 with its subscript, diag(·), ^\\top for transposes.
"""
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter


# a subscript that is a word, printed upright (d_{\mathrm{in}}); any other (x_{ij}, x_{ijk}) is indices
_WORD_SUBSCRIPT = re.compile(r"_\{(in|out|flat|conv|pool|fc|max|min|avg|tot|eff|rms|RMS|old|new|train|test)\}$")
_MEMBER = re.compile(r"^([A-Za-z]+)_?\{?(\d+)\}?$")


def _indexed_family(terms):
    """The terms c·h1, c·h2, ... of one family of numbered symbols, in the order of the numbers;
    None for any other sum."""
    keyed = []
    for t in terms:
        coeff, rest = t.as_coeff_Mul()
        m = _MEMBER.match(rest.name) if isinstance(rest, sp.Symbol) else None
        if m is None:
            return None
        keyed.append((m.group(1), int(m.group(2)), t))
    if len(keyed) < 2 or len({k[0] for k in keyed}) != 1:
        return None
    return [t for _, _, t in sorted(keyed, key=lambda k: k[1])]


class DerivePrinter(LatexPrinter):
    printmethod = "_derive_latex"

    def __init__(self, settings=None):
        super().__init__({"mat_symbol_style": "plain", "mul_symbol": None, **(settings or {})})

    def _print(self, expr, **kwargs):
        # sympy's own objects print through their _latex hook (π, i, ∞, γ), which a custom
        # printmethod would otherwise bypass
        if not hasattr(expr, self.printmethod) and callable(getattr(expr, "_latex", None)) \
                and not isinstance(expr, type):
            return expr._latex(self, **kwargs)
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr, style="plain"):
        # a subscript that is a word (d_in, C_out, n_flat) is upright, as in d_{\mathrm{in}};
        # indices (x_ij, h_1) stay italic
        out = super()._print_Symbol(expr, style)
        return _WORD_SUBSCRIPT.sub(lambda m: "_{\\mathrm{" + m.group(1) + "}}", out)

    # -- helpers ------------------------------------------------------------------
    def _bracket(self, e):
        return r"\left(" + self._print(e) + r"\right)"

    def _matrix_factor(self, e):
        if isinstance(e, sp.HadamardProduct) and all(isinstance(a, sp.Transpose) for a in e.args):
            return self._print(e)
        if isinstance(e, (sp.MatAdd, sp.HadamardProduct)) or (
                isinstance(e, sp.MatMul) and e.args and not getattr(e.args[0], "is_Matrix", True)):
            return self._bracket(e)
        return self._print(e)

    def _scalar_factor(self, c):
        if c.is_Add:
            return self._bracket(c)
        return self._print(c)

    def _as_ordered_terms(self, expr, order=None):
        # as on paper: n - k + 1 rather than sympy's -k + n + 1 (positive terms first, the
        # constant last unless it is the only positive term: 1 - p); a combination of h_1, h_2,
        # h_3 in the order of the indices
        terms = super()._as_ordered_terms(expr, order)
        family = _indexed_family(terms)
        if family:
            return family
        ordered = sorted(terms, key=lambda t: bool(t.could_extract_minus_sign()))
        if constant_last(ordered):  # n - k + 1, not n + 1 - k
            return [t for t in ordered if not t.is_Number] + [t for t in ordered if t.is_Number]
        return ordered

    # -- matrices -----------------------------------------------------------------
    def _print_Transpose(self, e):
        arg = e.arg
        if isinstance(arg, sp.MatrixSymbol) or type(arg).__name__ in ("SqNorm", "Diag", "MatExpectation"):
            return self._print(arg) + r"^{\top}"
        return self._bracket(arg) + r"^{\top}"

    def _print_MatMul(self, e):
        coeff, mats = e.as_coeff_matrices()
        out = [self._matrix_factor(m) for m in mats]
        if coeff == 1:
            return " ".join(out)
        if coeff == -1:
            return "- " + " ".join(out)
        if coeff.could_extract_minus_sign():
            return "- " + self._scalar_factor(-coeff) + " " + " ".join(out)
        return self._scalar_factor(coeff) + " " + " ".join(out)

    def _print_MatAdd(self, e):
        terms = sorted(e.args, key=_term_order)
        out = self._print(terms[0])
        for t in terms[1:]:
            s = self._print(t)
            out += " " + s if s.startswith("-") else " + " + s
        return out

    def _print_HadamardProduct(self, e):
        args = e.args
        if all(isinstance(a, sp.Transpose) for a in args):
            return r"\left(" + r" \circ ".join(self._matrix_factor(a.arg) for a in args) + r"\right)^{\top}"
        return r" \circ ".join(self._matrix_factor(a) for a in args)

    def _print_Inverse(self, e):
        base = self._print(e.arg) if isinstance(e.arg, sp.MatrixSymbol) else self._bracket(e.arg)
        return base + "^{-1}"

    def _print_MatPow(self, e):
        base = self._print(e.base) if isinstance(e.base, sp.MatrixSymbol) else self._bracket(e.base)
        return base + "^{" + self._print(e.exp) + "}"

    def _print_Identity(self, e):
        return r"I_{" + self._print(e.rows) + "}"

    def _print_SqNorm(self, e):
        return r"\left\| " + self._print(e.arg) + r" \right\|_2^2"

    def _print_Diag(self, e):
        return r"\operatorname{diag}(" + self._print(e.arg) + ")"

    def _print_DiagPow(self, e):
        exp = f"{e.exp.p}/{e.exp.q}" if e.exp.is_Rational and not e.exp.is_Integer else self._print(e.exp)
        return self._print(e.base) + "^{" + exp + "}"

    def _expectation(self, e, op):
        sub = ", ".join(self._print(o) for o in e.over)
        return op + "_{" + sub + r"}\left[ " + self._print(e.inner) + r" \right]"

    def _print_MatExpectation(self, e):
        return self._expectation(e, r"\mathbb{E}")

    def _print_Expectation(self, e):
        return self._expectation(e, r"\mathbb{E}")

    def _print_Variance(self, e):
        return self._expectation(e, r"\operatorname{Var}")

    def _print_MatrixBase(self, e):
        # fractions in a vector or matrix at full size, rows spaced apart: \tfrac inside a
        # matrix is script-sized and the rows touch (hw5's least-squares vectors)
        out = super()._print_MatrixBase(e)
        if r"\tfrac{" in out or r"\frac{" in out:
            out = out.replace(r"\tfrac{", r"\dfrac{").replace(r"\frac{", r"\dfrac{").replace("\\\\", r"\\[3pt]")
        return out

    def _print_Rational(self, e):
        if e.q != 1 and abs(e.p) < 100 and e.q < 100:
            sign = "- " if e.p < 0 else ""
            return sign + r"\tfrac{" + str(abs(e.p)) + "}{" + str(e.q) + "}"
        return super()._print_Rational(e)


def _matrix_factors(e):
    if isinstance(e, sp.MatrixSymbol) or type(e).__name__ == "SqNorm":
        return 1  # a norm reads as one factor, whatever is inside
    return sum(_matrix_factors(a) for a in e.args)


def _term_order(term):
    # sympy sorts sums canonically (-pXw + y, w^T..w before y^T y); a reader expects the
    # expansion order y^T y - 2 w^T X^T y + w^T X^T X w: terms with fewer matrix factors
    # first, then positive before negative, unit coefficients first.  Display order only.
    factors = _matrix_factors(term)
    coeff = term.as_coeff_mmul()[0] if isinstance(term, sp.MatMul) else sp.S.One
    return (factors, bool(coeff.could_extract_minus_sign()), coeff not in (1, -1))


def constant_last(terms):
    """Whether a sum's constant goes last, as on paper: n - k + 1, but 1 - p (the constant is the
    only positive term)."""
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    return len(positive) > 1 and any(t.is_Number for t in positive)


def inside_brackets(printer, expr):
    """``expr`` as the argument of a function printed with its own brackets (relu(.), roll(.),
    GAP(.)): an object that brackets itself (``_bare_latex``) is printed without its own pair."""
    bare = getattr(expr, "_bare_latex", None)
    return bare(printer) if callable(bare) else printer._print(expr)


def latex(expr, **settings):
    """LaTeX for one expression, with derive's fixes."""
    return DerivePrinter(settings).doprint(expr)



# -- mathematics inside prose (verdict texts: $...$ spans are typeset, the rest escaped) ----------
def formula(expr, **settings):
    """``expr`` as an inline formula for prose: ``$...$`` around its LaTeX."""
    return "$" + latex(expr, **settings) + "$"


def _symbol(name):
    return name if isinstance(name, sp.Basic) else sp.Symbol(str(name))


def _value(value):
    return value if isinstance(value, sp.Basic) else sp.sympify(value)


_RANGE = re.compile(r"^(-?\d+)\.\.(-?\d+)$")  # a grid axis 1..8
_SET = re.compile(r"^\{(-?\d+(?:,\s*-?\d+)*)\}$")  # a grid axis {1,2,4}


def _size_value(value):
    """(LaTeX, is a set) of one size: 3; a grid axis 1..8 as {1, …, 8}; {1,2,4} as a set."""
    text = str(value).strip()
    m = _RANGE.match(text)
    if m:
        return rf"\{{{m.group(1)}, \dots, {m.group(2)}\}}", True
    m = _SET.match(text)
    if m:
        return r"\{" + ", ".join(x.strip() for x in m.group(1).split(",")) + r"\}", True
    return latex(_value(value)), False


def sizes_math(sizes):
    """Sizes (dicts dimension → value) as prose: ``$(n, d) = (4, 3)$, $(3, 4)$`` (one formula per
    further size, so a long list breaks between sizes), ``$n = 4$, $5$`` for one dimension, W ∈ {1, …, 8}, K ∈ {1, …, 4} (in LaTeX) for a grid; an
    empty string for no sizes."""
    sizes = [dict(s) for s in sizes]
    if not sizes:
        return ""
    names = list(sizes[0])
    if any(list(s) != names for s in sizes):  # sizes over different dimensions: one formula each
        return ", ".join(sizes_math([s]) for s in sizes)
    keys = [latex(_symbol(k)) for k in names]
    rows = [[_size_value(s[k]) for k in names] for s in sizes]
    if any(is_set for row in rows for _, is_set in row):
        if len(sizes) > 1:
            return ", ".join(sizes_math([s]) for s in sizes)
        return "$" + r",\ ".join(rf"{k} \in {t}" if is_set else f"{k} = {t}" for k, (t, is_set) in zip(keys, rows[0])) + "$"
    # one formula per size after the first, so that a long list breaks between sizes
    if len(names) == 1:
        return f"${keys[0]} = {rows[0][0][0]}$" + "".join(f", ${r[0][0]}$" for r in rows[1:])
    tuples = ["(" + ", ".join(t for t, _ in r) + ")" for r in rows]
    return "$(" + ", ".join(keys) + f") = {tuples[0]}$" + "".join(f", ${t}$" for t in tuples[1:])


def assignments_math(values):
    """Values of quantities (dict symbol → value) as a formula: ``$w_{1} = \\tfrac{110}{101}, w_{2} = ...$``."""
    return "$" + ", ".join(f"{latex(_symbol(k))} = {latex(_value(v))}" for k, v in values.items()) + "$"
