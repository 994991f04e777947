"""The verdict cache: a step's verdict is reused only when every input of its check is the same.

The key of a step is a hash of everything its checker can read: both expressions (sympy
``srepr``, which includes assumptions), relation, rule and options of both steps, the step's
index (checkers salt their random points with it), the derivation's declarations (domains,
laws, definitions), its sizes and unknowns, the seed, the time limit, a hash of derive's own
source files and the versions of Python, sympy, mpmath and numpy.  Anything that cannot be
written down exactly (a function from a problem file, an object of a class outside sympy and
derive) makes the step *uncacheable*: it is simply checked again.  So an edited step, or an
edit to anything it depends on, can never be served an old verdict.

Entries live under ``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else
``~/.cache/derive``: one JSON file per key, written to a temporary file and moved into
place with ``os.replace`` (atomic, so concurrent runs never see half an entry).  An entry
that cannot be read or rebuilt is ignored (and checked again).
"""
import dataclasses
import enum
import hashlib
import json
import os
import shutil
import sys
import tempfile
import types
from functools import lru_cache
from pathlib import Path

import sympy as sp
from sympy.core.function import UndefinedFunction

from .verdicts import Counterexample, Label, Verdict

FORMAT = 1  # bump when the entry layout changes
PACKAGE = Path(__file__).resolve().parent


class Uncacheable(Exception):
    """An input that cannot be keyed exactly: the step is checked, never looked up."""


def cache_dir():
    """Where entries are stored (the directory need not exist yet)."""
    explicit = os.environ.get("DERIVE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "derive"


def clear():
    """Delete every verdict (returns how many) and the LaTeX builds' auxiliary files (derive.pdf)."""
    root = cache_dir() / "verdicts"
    count = sum(1 for _ in root.rglob("*.json")) if root.is_dir() else 0
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(cache_dir() / "latex", ignore_errors=True)
    return count


@lru_cache(maxsize=1)
def source_hash():
    """Hash of every .py file of derive: any change to the engine invalidates every entry."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _environment():
    import mpmath
    versions = {"python": sys.version, "sympy": sp.__version__, "mpmath": mpmath.__version__}
    try:
        from importlib.metadata import version
        versions["numpy"] = version("numpy")  # without importing numpy
    except Exception:
        versions["numpy"] = None
    return {"format": FORMAT, "derive": source_hash(), **versions}


def _ours(module):
    return module == "derive" or (module or "").startswith(("derive.", "sympy.")) or module == "sympy"


def _basic(expr):
    """srepr of a sympy object, refusing classes from elsewhere and state hidden outside args."""
    extra = []
    for node in sp.preorder_traversal(expr):
        kind = type(node)
        # an undefined function f(x) is all name and arguments; any other class from a
        # problem file could behave in ways its srepr does not show
        if not _ours(kind.__module__) and not isinstance(kind, UndefinedFunction):
            raise Uncacheable(f"{kind.__qualname__} is not a sympy or derive class")
        state = getattr(node, "__dict__", None)  # sympy's own classes keep only caches there
        if state and not (kind.__module__ or "").startswith("sympy"):
            extra.append([kind.__qualname__, canon(state)])
    return ["sympy", sp.srepr(expr), extra]


def canon(obj):
    """A JSON value that determines ``obj`` exactly, or Uncacheable."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return ["int", str(obj)]
    if isinstance(obj, float):
        return ["float", obj.hex()]
    if isinstance(obj, sp.Basic):
        return _basic(obj)
    if isinstance(obj, enum.Enum):
        return ["enum", type(obj).__qualname__, canon(obj.value)]
    if isinstance(obj, range):
        return ["range", obj.start, obj.stop, obj.step]
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__, [canon(x) for x in obj]]
    if isinstance(obj, (set, frozenset)):
        return ["set", sorted((canon(x) for x in obj), key=json.dumps)]
    if isinstance(obj, dict):
        return ["dict", sorted(([canon(k), canon(v)] for k, v in obj.items()), key=json.dumps)]
    kind = type(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, type)):
        # a named function or class of derive/sympy is covered by the source hash and versions;
        # closures and problem-file functions carry state we cannot see
        if _ours(obj.__module__) and not getattr(obj, "__closure__", None) \
                and "<" not in obj.__qualname__:
            return ["callable", obj.__module__, obj.__qualname__]
        raise Uncacheable(f"the function {obj.__qualname__} cannot be keyed")
    if _ours(kind.__module__):
        if dataclasses.is_dataclass(obj):
            fields = {f.name: canon(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
            extra = {k: canon(v) for k, v in vars(obj).items() if k not in fields} \
                if hasattr(obj, "__dict__") else {}
            return ["object", kind.__module__, kind.__qualname__, fields, extra]
        if hasattr(obj, "__dict__") and not hasattr(kind, "__slots__"):
            return ["object", kind.__module__, kind.__qualname__, canon(vars(obj))]
    raise Uncacheable(f"a {kind.__qualname__} cannot be keyed")


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def derivation_key(derivation):
    """The part of every step's key that comes from the derivation as a whole."""
    return _digest({"env": _environment(),
                    "declared": canon(derivation.declared),
                    "sizes": canon(derivation.sizes),
                    "unknowns": canon(derivation.unknowns)})


def _step_inputs(step):
    return {"expr": canon(step.expr), "relation": step.relation, "rule": step.rule,
            "options": canon(step.options)}


def step_key(base, prev, step, seed, timeout, inputs=_step_inputs):
    """The key of one step's check, given ``derivation_key`` of its derivation (``inputs``: a
    step's canonical inputs, e.g. KeyInputs.step, which computes each once)."""
    return _digest({"base": base, "prev": inputs(prev), "step": inputs(step),
                    "index": step.index, "seed": canon(seed), "timeout": canon(float(timeout))})


def crosscheck_key(derivation, name, seed, timeout, keys=None):
    """The key of one cross-check: the derivation as a whole (declarations, every step, every
    stated result), the problem file's own text (the cross-check is code in it), its name, the
    seed and the time limit, besides derive's source and the library versions (``_environment``).
    A derivation built without a file, or with an input ``canon`` refuses, raises Uncacheable.
    ``keys``: the KeyInputs of this check, shared with its steps."""
    keys = keys or KeyInputs(derivation)
    return _digest({"whole": keys.whole(), "crosscheck": name, "seed": canon(seed),
                    "timeout": canon(float(timeout))})


class KeyInputs:
    """The canonical inputs of one derivation's keys, each computed once for one check (the
    derivation does not change while it is checked; nothing is kept beyond that check)."""

    def __init__(self, derivation):
        self.derivation = derivation
        self._base = self._whole = None
        self._steps = {}

    def base(self):
        if self._base is None:
            self._base = derivation_key(self.derivation)
        return self._base

    def step(self, step):
        if step.index not in self._steps:
            self._steps[step.index] = _step_inputs(step)
        return self._steps[step.index]

    def whole(self):
        """Declarations, every step and result, and the problem file's text (for cross-checks)."""
        if self._whole is None:
            d = self.derivation
            path = getattr(d, "filename", None)
            if not path:
                raise Uncacheable("no problem file")
            try:
                text = Path(path).read_bytes()
            except OSError:
                raise Uncacheable("the problem file cannot be read") from None
            self._whole = _digest({"base": self.base(), "file": hashlib.sha256(text).hexdigest(),
                                   "steps": [self.step(s) for s in d.steps],
                                   "results": [canon(q.result) if q.result is not None else None
                                               for q in d.parts]})
        return self._whole


# -- verdicts to and from JSON ------------------------------------------------------

def _from_dict(cls, data, convert):
    """An instance of the dataclass ``cls`` from its ``as_dict()``: every field that is there,
    converted by ``convert[name]`` where given; keys that are not fields (``ok``) are skipped."""
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: convert.get(k, lambda x: x)(v) for k, v in data.items() if k in names}
    return cls(**kwargs)


def counterexample_from_dict(data):
    return _from_dict(Counterexample, data, {})


def verdict_from_dict(data):
    """Rebuild a Verdict from ``Verdict.as_dict()`` (the label by value, the counterexample too)."""
    return _from_dict(Verdict, data, {
        "label": Label,
        "counterexample": lambda cx: counterexample_from_dict(cx) if cx else None})


class VerdictCache:
    """Lookup and storage of verdicts by key; every failure to read is a miss."""

    def __init__(self, root=None):
        self.root = Path(root) if root else cache_dir()
        self.hits = self.misses = 0

    def _path(self, key):
        return self.root / "verdicts" / key[:2] / f"{key}.json"

    def get(self, key):
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("entry under the wrong name")
            verdict = verdict_from_dict(data["verdict"])
        except Exception:  # missing, truncated, corrupt or from another layout: a miss
            self.misses += 1
            return None
        self.hits += 1
        return verdict

    def put(self, key, verdict):
        """Store a verdict atomically; a cache that cannot be written is no error."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"key": key, "verdict": verdict.as_dict()}, out)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass


_ACTIVE = None


def use(cache):
    """Make ``cache`` (a VerdictCache, or None) the one ``check`` uses when given none."""
    global _ACTIVE
    _ACTIVE = cache


def active_cache():
    return _ACTIVE
