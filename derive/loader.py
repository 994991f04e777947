"""Find and load problem files: by name from problems/, or by path from anywhere."""
import difflib
import traceback
from pathlib import Path

from .derivation import Derivation
from .errors import DeriveError, ProblemError

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


class UnknownName(DeriveError):
    """A name that is neither a problem in problems/ nor an existing file."""


def names():
    return sorted(p.stem for p in PROBLEMS.glob("*.py") if not p.name.startswith("_"))


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


def load(target):
    """The Derivation a problem file (name or path) builds."""
    path = resolve(target)
    namespace = load_namespace(path)
    derivation = namespace.get("DERIVATION")
    if not isinstance(derivation, Derivation):
        raise ProblemError("the file must bind DERIVATION to a derive.Derivation", str(path))
    derivation.filename = str(path)
    return derivation
