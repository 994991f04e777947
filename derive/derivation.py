"""The model: a derivation's declarations, its chain of steps, its result."""
import copy
import dataclasses
import sys
from dataclasses import dataclass, field

import sympy as sp

from .domains import domain
from .errors import ProblemError
from .rules import RULES, unknown_rule_message
from .shapes import check_shapes


def _caller_line():
    """Line of the problem file that made the current call (first frame outside derive)."""
    frame = sys._getframe(1)
    pkg = __name__.rsplit(".", 1)[0]
    while frame and frame.f_globals.get("__name__", "").startswith(pkg + "."):
        frame = frame.f_back
    return (frame.f_code.co_filename, frame.f_lineno) if frame else (None, None)


@dataclass
class Step:
    expr: object
    relation: str
    rule: str
    why: str
    options: dict = field(default_factory=dict)
    lineno: int | None = None
    index: int = 0  # position in Derivation.steps (part starts included)
    number: int = 0  # the step's number for readers: 1, 2, 3 ... over checked steps; 0 for a part's start

    @property
    def is_matrix(self):
        return getattr(self.expr, "is_Matrix", False)


@dataclass
class Part:
    """One chain of a derivation: from its definition step to its declared result.

    ``derivation.result(...)`` returns it; a later step cites it with ``using=part`` (the part's
    first expression equals its result) or ``using=part.where({A: B})`` (the same with the
    arbitrary quantity A replaced by B everywhere)."""
    title: str
    lhs: str | None
    start: int
    result: object = None

    def where(self, instance):
        """This part's result with declared quantities replaced: ``{A_i: A_1, ...}``."""
        if not isinstance(instance, dict):
            raise ProblemError("where(...) takes a dict {quantity: value}")
        return Citation(self.start, tuple(instance.items()))


@dataclass(frozen=True)
class Citation:
    """A step's use of an earlier part's result (see ``Part.where``): the part starting at step
    ``start``, with the quantities of ``instance`` ((quantity, value) pairs) replaced."""
    start: int
    instance: tuple = ()


@dataclass
class Declared:
    """A declared quantity: symbol, its domain (or shape), and what it means."""
    obj: object
    kind: str  # dimension | scalar | matrix | random | definition
    domain: object = None
    meaning: str = ""
    law: object = None
    definition: object = None


MAX_TIME_LIMIT = 600  # seconds: a step's own time_limit may raise the default (30 s) up to this


class Derivation:
    """One derivation: declarations, the chain, the result. Built by a problem file."""

    def __init__(self, name, title, source, statement, lhs=None):
        self.name, self.title, self.source, self.statement = name, title, source, statement
        self.lhs = lhs  # how the quantity is called on paper, e.g. r"\mathcal{L}(w)"
        self.declared = []
        self.steps = []
        self.parts = []
        self.sizes = None  # None: the engine picks sizes from the dimensions
        self.notes = []  # (kind, text) such as ("erratum", ...)
        self.crosschecks = []  # independent checks of the result
        self.filename = None
        self.assumptions = []  # extra prose givens
        self.unknowns = []  # symbols solved for in systems of equations
        self.figures = []  # (LaTeX produced by code from the derivation's data, caption)
        self.own_rules = {}  # rules this derivation names itself (derive.rules.Rule by name)

    # -- declarations -------------------------------------------------------------
    def dims(self, names):
        out = [sp.Symbol(n, integer=True, positive=True) for n in names.split()]
        for s in out:
            self.declared.append(Declared(s, "dimension", domain("dimension")))
        return out if len(out) > 1 else out[0]

    def scalars(self, names, domain_name="real", meaning=""):
        dom = domain(domain_name)
        out = [sp.Symbol(n, **dict(dom.assumptions)) for n in names.split()]
        for s in out:
            self.declared.append(Declared(s, "scalar", dom, meaning))
        return out if len(out) > 1 else out[0]

    def matrix(self, name, rows, cols, meaning=""):
        m = sp.MatrixSymbol(name, rows, cols)
        self.declared.append(Declared(m, "matrix", meaning=meaning))
        return m

    def vector(self, name, rows, meaning=""):
        return self.matrix(name, rows, 1, meaning)

    def random(self, name, rows, cols, law, meaning=""):
        """A random matrix with i.i.d. entries from ``law``, independent of all else; or a random
        vector with law ``MultivariateNormal(mean, cov)``."""
        m = sp.MatrixSymbol(name, rows, cols)
        self.declared.append(Declared(m, "random", meaning=meaning, law=law))
        return m

    def unknown(self, names, meaning=""):
        """Unknowns of a system of equations (real)."""
        out = [sp.Symbol(n, real=True) for n in names.split()]
        for s in out:
            self.declared.append(Declared(s, "unknown", domain("real"), meaning))
        self.unknowns.extend(out)
        return out if len(out) > 1 else out[0]

    def random_scalars(self, names, law, meaning=""):
        """Random scalars, each from ``law``, independent of each other and all else."""
        out = [sp.Symbol(n, real=True) for n in names.split()]
        for s in out:
            self.declared.append(Declared(s, "random", meaning=meaning, law=law))
        return out if len(out) > 1 else out[0]

    def define(self, name, expr, meaning=""):
        """A named matrix given by a formula (printed by name, expanded when checked)."""
        check_shapes(expr)
        m = sp.MatrixSymbol(name, *expr.shape)
        self.declared.append(Declared(m, "definition", meaning=meaning, definition=expr))
        return m

    def assume(self, text):
        self.assumptions.append(text)

    def erratum(self, text):
        self.notes.append(("erratum", text))

    def figure(self, tex, caption=""):
        """A picture or table as LaTeX, produced by code from the same data the derivation uses."""
        self.figures.append((tex, caption))

    def note(self, text):
        self.notes.append(("note", text))

    def check_sizes(self, *sizes):
        """Override the engine's choice of concrete sizes: dicts {dim: int}.

        Refused (ProblemError) when no size has every dimension ≥ 2, none is non-square, or a
        dimension takes a single value; each step then also needs, on a grid of these sizes, as
        many values of a dimension as its dimension factors require (else it is undecided)."""
        from .sizes import validate_author_sizes
        sizes = [{k: (int(v) if isinstance(v, int) or getattr(v, "is_Integer", False) else v)
                  for k, v in s.items()} for s in sizes]
        validate_author_sizes(sizes, self.dimensions)
        self.sizes = sizes

    # -- the chain ----------------------------------------------------------------
    def definition(self, expr, why="the quantity as defined", title=None, lhs=None):
        """Start a chain (a part) at the problem's definition of a quantity."""
        if self.parts and self.parts[-1].result is None:
            raise ProblemError("declare the result of the previous part before starting another")
        self.parts.append(Part(title or "", lhs if lhs is not None else self.lhs, len(self.steps)))
        return self._add(expr, "definition", "definition", why, {})

    def rule(self, name, text, relations=("=",)):
        """Name a rule of this derivation with a one-line description; steps may then cite it.

        A rule explains a step to the reader; the step is still checked by its relation."""
        from .rules import Rule
        if not isinstance(name, str) or not name or not isinstance(text, str) or not text.strip():
            raise ProblemError("a rule needs a name and a one-line description")
        if name in RULES and RULES[name] != Rule(name, text, tuple(relations)):
            raise ProblemError(f"rule {name!r} is the engine's ({RULES[name].text}); choose another name")
        self.own_rules[name] = Rule(name, text, tuple(relations))
        return name

    def rule_named(self, name):
        """The rule a step cites: this derivation's own, else the engine's catalogue."""
        return self.own_rules.get(name) or RULES.get(name)

    def eq(self, expr, rule, why="", **options):
        """The next step equals the previous one."""
        return self.step(expr, "=", rule, why, **options)

    def step(self, expr, relation, rule, why="", **options):
        if not self.steps:
            raise ProblemError("the chain must start with definition(...)")
        from .checkers import CHECKERS, unknown_relation_message
        if relation not in CHECKERS:
            raise ProblemError(unknown_relation_message(relation))
        known = self.rule_named(rule)
        if known is None:
            raise ProblemError(unknown_rule_message(rule, self.own_rules))
        if relation not in known.relations:
            raise ProblemError(f"rule {rule!r} justifies {', '.join(known.relations)} steps, "
                               f"not {relation!r}")
        if "using" in options:
            options = dict(options, using=self._citations(options["using"], relation))
        limit = options.get("time_limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float))
                                  or not 0 < limit <= MAX_TIME_LIMIT):
            raise ProblemError(f"time_limit is a number of seconds in (0, {MAX_TIME_LIMIT}], got {limit!r}")
        return self._add(expr, relation, rule, why, options)

    def _citations(self, using, relation):
        """``using=`` as a tuple of Citation, each refused (ProblemError) unless it cites a finished
        earlier chain of equalities and replaces only arbitrary quantities by values of their shape."""
        items = list(using) if isinstance(using, (list, tuple)) else [using]
        if relation != "=" or not items:
            raise ProblemError("using=... cites earlier parts in an equality step (eq)")
        declared = {d.obj: d for d in self.declared}
        out = []
        for item in items:
            cite = Citation(item.start) if isinstance(item, Part) else item
            if not isinstance(cite, Citation):
                raise ProblemError(f"using= takes parts (the value of result(...)) or part.where(...), "
                                   f"not {type(item).__name__}")
            part = self.part_at(cite.start)
            if part is None or part.result is None or part is self.parts[-1]:
                raise ProblemError("using= cites an earlier part whose result is declared")
            if any(s.relation not in ("=", "definition") for s in self.part_steps(part)):
                raise ProblemError(f"part {part.title or cite.start!r} is not a chain of equalities; "
                                   "only an equality can be put in place of its left side")
            for old, new in cite.instance:
                d = declared.get(old)
                if d is None or d.kind not in ("matrix", "scalar") or (
                        d.kind == "matrix" and type(old) is not sp.MatrixSymbol):
                    raise ProblemError(f"where(...) replaces arbitrary declared matrices or scalars; {old} is "
                                       "not one (a dimension, definition, random or constrained quantity "
                                       "keeps what the part assumed of it)")
                if d.kind == "matrix" and getattr(new, "shape", None) != old.shape:
                    raise ProblemError(f"where(...): {new} has not the shape {old.shape} of {old}")
                nd = declared.get(new)
                if d.kind == "scalar" and (nd is None or nd.kind != "scalar" or nd.domain != d.domain):
                    raise ProblemError(f"where(...): {old} may be replaced only by a scalar declared with "
                                       f"the same domain, not {new}")
            out.append(cite)
        return tuple(out)

    def _add(self, expr, relation, rule, why, options):
        if isinstance(expr, (tuple, list, set, dict, str, sp.Tuple)):
            raise ProblemError(f"a step is one expression, not a {type(expr).__name__}: {str(expr)[:80]}")
        try:
            expr = sp.sympify(expr)
        except (sp.SympifyError, TypeError, ValueError) as exc:
            raise ProblemError(f"a step must be a sympy expression: {exc}") from None
        check_shapes(expr)
        _, line = _caller_line()
        number = 0 if relation == "definition" else 1 + sum(1 for s in self.steps if s.relation != "definition")
        self.steps.append(Step(expr, relation, rule, why, options, line, len(self.steps), number))
        return expr

    def result(self, expr):
        """The stated result of the current part; its chain must end exactly here.  Returns the
        part, which a later step may cite (``using=``, see Part.where)."""
        if not self.parts:
            raise ProblemError("result(...) before any definition(...)")
        self.parts[-1].result = sp.sympify(expr)
        return self.parts[-1]

    @property
    def result_expr(self):
        return self.parts[-1].result if self.parts else None

    def part_at(self, start):
        """The part whose chain starts at step ``start``, or None."""
        return next((q for q in self.parts if q.start == start), None)

    def written_out(self, expr, rounds=16):
        """``expr`` with every named definition (D.define) replaced by its formula, nested ones too."""
        defs = self.definitions
        for _ in range(rounds):
            if not any(expr.has(name) for name in defs):
                break
            expr = expr.xreplace(defs)
        return expr

    def part_steps(self, part):
        later = [q.start for q in self.parts if q.start > part.start]
        return self.steps[part.start:min(later) if later else len(self.steps)]

    def crosscheck(self, name, func):
        """An independent check of the result not using the chain: func() -> Verdict-like."""
        self.crosschecks.append((name, func))

    # -- queries ------------------------------------------------------------------
    def of_kind(self, kind):
        return [d for d in self.declared if d.kind == kind]

    def symbol_table(self):
        """Every declared quantity by its printed name, e.g. for building wrong variants."""
        return {str(d.obj): d.obj for d in self.declared}

    @property
    def dimensions(self):
        return [d.obj for d in self.of_kind("dimension")]

    @property
    def definitions(self):
        return {d.obj: d.definition for d in self.of_kind("definition")}

    def specialized(self, mapping):
        """A copy with symbols replaced everywhere, e.g. {d: n} for a square X."""
        def rep(e):
            return e.xreplace(mapping) if isinstance(e, sp.Basic) else e
        other = copy.copy(self)
        other.declared = [dataclasses.replace(d, obj=rep(d.obj), definition=rep(d.definition))
                          for d in self.declared if d.obj not in mapping]
        def cites(options):
            if "using" not in options:
                return options
            return dict(options, using=tuple(Citation(c.start, tuple((rep(a), rep(b)) for a, b in c.instance))
                                             for c in options["using"]))
        other.steps = [dataclasses.replace(s, expr=rep(s.expr), options=cites(s.options)) for s in self.steps]
        other.parts = [dataclasses.replace(q, result=rep(q.result)) for q in self.parts]
        return other

    def with_step(self, index, expr):
        """A copy with step ``index`` replaced by ``expr`` (for wrong variants in tests)."""
        other = copy.copy(self)
        other.steps = list(self.steps)
        other.steps[index] = dataclasses.replace(self.steps[index], expr=sp.sympify(expr))
        other.parts = [dataclasses.replace(q) for q in self.parts]
        for q in other.parts:  # a changed last step is also the part's stated result
            if self.part_steps(q)[-1].index == index and q.result == self.steps[index].expr:
                q.result = other.steps[index].expr
        check_shapes(other.steps[index].expr)
        return other
