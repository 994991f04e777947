"""Find and load problem files: by name from problems/, or by path from anywhere."""
import difflib
import traceback
from pathlib import Path

from .derivation import Derivation
from .errors import DeriveError, InvalidVariant, ProblemError
from .homework import Homework
from .params import BadParam, defaults

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


class UnknownName(DeriveError):
    """A name that is neither a problem in problems/ nor an existing file."""


def names():
    """Every problem and homework file in problems/."""
    return sorted(p.stem for p in PROBLEMS.glob("*.py") if not p.name.startswith("_"))


def derivation_names():
    return [n for n in names() if not is_homework(n)]


def homework_names():
    return [n for n in names() if is_homework(n)]


def resolve(target):
    path = Path(target)
    if target.endswith(".py") or path.is_file():
        if not path.is_file():
            raise UnknownName(f"no such problem file: {target}")
        return path
    candidate = PROBLEMS / f"{target}.py"
    if candidate.is_file():
        return candidate
    close = difflib.get_close_matches(target, names(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(names())}"
    raise UnknownName(f"unknown derivation {target!r}{hint}")


def _line_in(path, tb):
    frames = [f for f in traceback.extract_tb(tb) if Path(f.filename).resolve() == path.resolve()]
    return frames[-1].lineno if frames else None


def load_namespace(path):
    """Execute a problem file; any error becomes a ProblemError naming file and line."""
    path = Path(path)
    source = path.read_text(encoding="utf-8")
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ProblemError(f"syntax error: {exc.msg}", str(path), exc.lineno) from None
    namespace = {"__file__": str(path), "__name__": f"derive_problem_{path.stem}"}
    try:
        exec(code, namespace)
    except ProblemError as exc:
        raise exc.located(str(path), _line_in(path, exc.__traceback__)) from None
    except Exception as exc:  # the author's code failed: a broken problem file
        raise ProblemError(f"{type(exc).__name__}: {exc}", str(path), _line_in(path, exc.__traceback__)) from None
    return namespace


_CACHE = {}


def module(target):
    """(path, namespace) of a problem or homework file, executed once per process."""
    path = resolve(target)
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = (path, load_namespace(path))
    return _CACHE[key]


def is_homework(target):
    return isinstance(module(target)[1].get("HOMEWORK"), Homework)


def params_of(target):
    """The declared parameters of a problem file ([] when it has none)."""
    return list(module(target)[1].get("PARAMS", []))


def build(target, values):
    """A variant of a parameterised problem, built from ``values`` over its defaults."""
    path, namespace = module(target)
    if "build" not in namespace or "PARAMS" not in namespace:
        raise BadParam(f"{path.stem} has no parameters to set")
    full = {**defaults(namespace["PARAMS"]), **values}
    try:
        derivation = namespace["build"](**full)
    except (InvalidVariant, BadParam):
        raise
    except ProblemError as exc:
        raise exc.located(str(path), _line_in(path, exc.__traceback__)) from None
    except Exception as exc:
        raise ProblemError(f"{type(exc).__name__}: {exc}", str(path), _line_in(path, exc.__traceback__)) from None
    derivation.filename = str(path)
    return derivation


def load(target):
    """The Derivation a problem file (name or path) builds."""
    path, namespace = module(target)
    derivation = namespace.get("DERIVATION")
    if not isinstance(derivation, Derivation):
        raise ProblemError("the file must bind DERIVATION to a derive.Derivation", str(path))
    derivation.filename = str(path)
    return derivation


def load_homework(target):
    path, namespace = module(target)
    homework = namespace.get("HOMEWORK")
    if not isinstance(homework, Homework):
        raise ProblemError("the file must bind HOMEWORK to a derive.Homework", str(path))
    for item in homework.items:
        if item.problem:
            resolve(item.problem)
    return homework


def derivations(target):
    """Every derivation a name stands for: one, or a homework's problems in order."""
    if is_homework(target):
        return [load(p) for p in load_homework(target).problems()]
    return [load(target)]
