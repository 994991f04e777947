"""What a written derivation's symbols mean: read from YAML front matter (.md), a
``% derive:`` comment block (.tex), a YAML file, or a problem file's own declarations.

The result is a ``Derivation`` with the declarations made through its authoring API
(D.dims, D.scalars, D.matrix, D.vector, D.random, D.define) and a symbol table
{canonical LaTeX name: sympy object} for the parser.  Keys (all optional)::

    given: dropout_tikhonov        # start from a problem file's declarations
    dims: [n, d]                   # or "n d"
    scalars: {p: probability, \\sigma: positive}
    matrices: {X: [n, d]}
    vectors: {y: n, w: d}
    random: {R: {shape: [n, d], law: \\operatorname{Bernoulli}(p)}}
    indices: {k: [1, d], i: n}     # ranges of index letters (i: n means 1..n), for a bare \\sum_k
                                   # and for a free index (the step then holds for every k)
    define: {\\Gamma: \\operatorname{diag}(X^T X)^{1/2}}
    aliases: {\\tilde{\\Gamma}: \\Gamma}
    substitution: {w: \\Gamma^{-1}\\tilde{w}}
    const: w                       # the variable of "+ const" and \\propto
    answer: \\|y - pXw\\|_2^2 + p(1-p)\\|\\Gamma w\\|_2^2
    assume: [\\Gamma \\text{ invertible}]
"""
import re
from dataclasses import dataclass, field

import sympy as sp
import yaml

from ..derivation import Derivation
from ..errors import DeriveError, ProblemError
from ..printing import latex
from ..randomness import Bernoulli, Normal, ZeroMean
from .normalize import normalize
from .parser import IllFormed, Reader, Unparsed

KNOWN_KEYS = {"given", "dims", "scalars", "matrices", "vectors", "random", "define", "aliases",
              "substitution", "const", "answer", "assume", "lhs", "indices", "bounded", "attained"}


class BadDeclarations(DeriveError):
    """Declarations that cannot be used (exit 2)."""


@dataclass
class Declarations:
    derivation: Derivation
    table: dict = field(default_factory=dict)  # canonical LaTeX -> sympy object
    substitutions: dict = field(default_factory=dict)  # {old: new}
    const: object = None  # the variable of "+ const"
    answer: object = None
    indices: dict = field(default_factory=dict)  # index letter -> (first, last)
    bounded: list = field(default_factory=list)  # quantities a limit may take as bounded (the author's assumption)
    attained: dict = field(default_factory=dict)  # step tag -> {matrix: value}: where a bound is claimed attained

    @property
    def random(self):
        return tuple(d.obj for d in self.derivation.of_kind("random"))

    @property
    def variables(self):
        """What a derivative may be taken with respect to: declared scalars, vectors, matrices."""
        return {d.obj for d in self.derivation.declared if d.kind in ("scalar", "matrix", "random", "unknown")}

    def reader(self):
        return Reader(self.table, self.random, indices=self.indices, variables=self.variables)

    def parse(self, tex, what):
        try:
            parsed = self.reader().parse(str(tex))
        except (Unparsed, IllFormed) as exc:
            raise BadDeclarations(f"{what}: {exc}") from None
        if parsed.free:
            raise BadDeclarations(f"{what}: the index {parsed.free[0]} is free here")
        return parsed.expr


def sympy_name(tex):
    r"""A sympy name that prints as the LaTeX: \mu -> mu, \tilde{w} -> wtilde, d_{out} -> d_out."""
    t = normalize(tex)
    t = re.sub(r"\\(tilde|hat|bar|dot)\{\\?([A-Za-z]+)\}", r"\2\1", t)
    t = re.sub(r"[{}]", "", t).replace("\\", "")
    t = re.sub(r"[^A-Za-z0-9_]", "", t)
    if not t:
        raise BadDeclarations(f"cannot name a symbol written {tex!r}")
    return t


def _names(value):
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    raise BadDeclarations(f"expected a list of names, got {value!r}")


def _mapping(spec, key):
    value = spec.get(key) or {}
    if not isinstance(value, dict):
        raise BadDeclarations(f"{key!r} must be a mapping, got {type(value).__name__}")
    return value


def _law(decl, text):
    t = normalize(str(text))
    m = re.fullmatch(r"\\mathcal\{?N\}?\((.*)\)", t)
    args = _split_args(m.group(1)) if m else None
    if m and len(args) == 2:
        return Normal(decl.parse(args[0], "law mean"), decl.parse(args[1], "law variance"))
    m = re.fullmatch(r"(?:Bernoulli|Bern)\((.*)\)", t)
    if m:
        return Bernoulli(decl.parse(m.group(1), "Bernoulli parameter"))
    m = re.fullmatch(r"(?:zeromean|ZeroMean)\((.*)\)", t.replace(" ", "")) or \
        re.fullmatch(r"zeromean,variance(.*)", t.replace(" ", ""))
    if m:
        return ZeroMean(decl.parse(m.group(1), "variance"))
    raise BadDeclarations(f"unknown law {text!r}; use \\mathcal{{N}}(m, v), Bernoulli(p) or ZeroMean(v)")


def _split_args(text):
    depth, parts, cur = 0, [], ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def _shape(decl, value, what):
    items = value if isinstance(value, list) else [value, 1]
    if len(items) != 2:
        raise BadDeclarations(f"the shape of {what} must be [rows, cols]")
    return [decl.parse(v, f"shape of {what}") if isinstance(v, str) else sp.Integer(v) for v in items]


def from_problem(target):
    """Declarations of a problem file (by name or path), printed names as the table."""
    from .. import loader
    try:
        problem = loader.load(target)
    except (loader.UnknownName, ProblemError) as exc:
        raise BadDeclarations(str(exc)) from None
    D = Derivation(f"audit-{problem.name}", problem.title, problem.source, "")
    D.declared = list(problem.declared)
    D.sizes = problem.sizes
    decl = Declarations(D)
    for d in problem.declared:
        decl.table[normalize(latex(d.obj))] = d.obj
    return decl


def from_dict(spec, name="audit"):
    """Declarations from the mapping described in the module docstring."""
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise BadDeclarations("the declarations must be a mapping")
    unknown = set(spec) - KNOWN_KEYS
    if unknown:
        raise BadDeclarations(f"unknown declaration key(s): {', '.join(sorted(unknown))}")
    decl = from_problem(spec["given"]) if spec.get("given") else Declarations(Derivation(name, name, "", ""))
    D = decl.derivation

    def add(tex, obj):
        key = normalize(str(tex))
        if key in decl.table:
            raise BadDeclarations(f"{tex} is declared twice")
        if key in decl.indices:
            raise BadDeclarations(f"{tex} is also declared as an index")
        decl.table[key] = obj
        return obj

    for tex in _names(spec.get("dims", [])):
        add(tex, D.dims(sympy_name(tex)))
    for letter, span in _mapping(spec, "indices").items():
        letter = str(letter)
        if not re.fullmatch(r"[A-Za-z]", letter):
            raise BadDeclarations(f"the index {letter!r} must be one Latin letter")
        if letter in decl.table:
            raise BadDeclarations(f"the index {letter} is also a declared name")
        items = span if isinstance(span, list) else [1, span]
        if len(items) != 2:
            raise BadDeclarations(f"the range of the index {letter} must be [first, last] or last")
        bounds = [decl.parse(str(b), f"range of the index {letter}") for b in items]
        if not all(getattr(b, "is_integer", False) for b in bounds):
            raise BadDeclarations(f"the range of the index {letter} must be integers or dimensions, got {items}")
        decl.indices[letter] = tuple(bounds)
    try:
        for tex, dom in _mapping(spec, "scalars").items():
            add(tex, D.scalars(sympy_name(tex), str(dom)))
        for tex, shape in _mapping(spec, "matrices").items():
            add(tex, D.matrix(sympy_name(tex), *_shape(decl, shape, tex)))
        for tex, rows in _mapping(spec, "vectors").items():
            add(tex, D.vector(sympy_name(tex), decl.parse(str(rows), f"size of {tex}")))
        for tex, info in _mapping(spec, "random").items():
            info = info if isinstance(info, dict) else {"law": info}
            if "shape" in info:
                add(tex, D.random(sympy_name(tex), *_shape(decl, info["shape"], tex), _law(decl, info.get("law"))))
            else:
                add(tex, D.random_scalars(sympy_name(tex), _law(decl, info.get("law"))))
        for tex, body in _mapping(spec, "define").items():
            expr = decl.parse(body, f"definition of {tex}")
            if getattr(expr, "is_Matrix", False):
                add(tex, D.define(sympy_name(tex), expr))
            else:
                add(tex, expr)  # a scalar shorthand: read as its formula
    except ProblemError as exc:
        raise BadDeclarations(str(exc)) from None
    for alias, target in _mapping(spec, "aliases").items():
        key = normalize(str(target))
        if key not in decl.table:
            raise BadDeclarations(f"alias {alias} names {target}, which is not declared")
        add(alias, decl.table[key])
    for old, new in _mapping(spec, "substitution").items():
        key = normalize(str(old))
        if key not in decl.table:
            raise BadDeclarations(f"substitution for {old}, which is not declared")
        decl.substitutions[decl.table[key]] = decl.parse(new, f"substitution for {old}")
    if spec.get("const") is not None:
        key = normalize(str(spec["const"]))
        if key not in decl.table:
            raise BadDeclarations(f"the variable of + const, {spec['const']}, is not declared")
        decl.const = decl.table[key]
    if spec.get("answer") is not None:
        decl.answer = decl.parse(spec["answer"], "answer")
    for text in spec.get("assume", []) or []:
        D.assume(str(text))
    bounded = spec.get("bounded") or []
    if not isinstance(bounded, list):
        raise BadDeclarations(f"'bounded' must be a list of quantities, got {type(bounded).__name__}")
    decl.bounded = [decl.parse(q, f"bounded quantity {q}") for q in bounded]
    for tag, values in _mapping(spec, "attained").items():
        if not isinstance(values, dict) or not values:
            raise BadDeclarations(f"attained: step ({tag}) needs a mapping {{quantity: value}} where the bound is attained")
        witness = {}
        for name, value in values.items():
            obj = decl.table.get(normalize(str(name)))
            if not isinstance(obj, sp.MatrixSymbol):
                raise BadDeclarations(f"attained: ({tag}) gives a value to {name}, which is not a declared vector or matrix")
            witness[obj] = decl.parse(value, f"the value of {name} where ({tag}) is attained")
        decl.attained[str(tag)] = witness
    return decl


def from_yaml(text, name="audit"):
    try:
        spec = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise BadDeclarations(f"the declarations are not valid YAML: {str(exc).splitlines()[0]}") from None
    return from_dict(spec, name)


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def split_front_matter(text):
    """(YAML text or None, the rest, number of lines removed) of a Markdown document."""
    m = _FRONT.match(text)
    if not m:
        return None, text, 0
    return m.group(1), text[m.end():], m.group(0).count("\n")


def tex_block(text):
    """The YAML of a ``% derive:`` comment block (the comment lines after it), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\s*%\s*derive:\s*$", line):
            body = []
            for nxt in lines[i + 1:]:
                m = re.match(r"\s*%(.*)$", nxt)
                if not m:
                    break
                body.append(m.group(1)[1:] if m.group(1).startswith(" ") else m.group(1))
            return "\n".join(body)
    return None
