"""Find and load problem files: by name from problems/, or by path from anywhere.

Trust model: a problem file is code, like a test file, and runs only when the user names it.
A bare NAME resolves only among the project's ``problems/``; a file elsewhere must be given as a
path ending in ``.py``; anything else is refused before a byte of it is read.
"""
import contextlib
import difflib
import re
import sys
import traceback
from pathlib import Path

from .derivation import Derivation
from .errors import DeriveError, InvalidVariant, ProblemError
from .homework import Homework
from .params import BadParam, defaults
from .prose import unprintable

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
FOLDERS = (PROBLEMS, PROBLEMS / "extra")  # the homework problems, then derivations beyond them


class UnknownName(DeriveError):
    """A name that is neither a problem in problems/ nor an existing file."""


def names():
    """Every problem and homework file in problems/ and problems/extra/."""
    return sorted(p.stem for folder in FOLDERS for p in folder.glob("*.py") if not p.name.startswith("_"))


def derivation_names():
    return [n for n in names() if not is_homework(n)]


def homework_names():
    return [n for n in names() if is_homework(n)]


_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def resolve(target):
    """The file a target names: NAME from problems/, or a path ending in .py (never anything else)."""
    target = str(target)
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise UnknownName(f"no such problem file: {target}")
        return path
    if not _NAME.fullmatch(target):
        raise UnknownName(f"{target!r} is not a problem name; a problem file elsewhere is given "
                          "as a path ending in .py")
    for folder in FOLDERS:
        candidate = folder / f"{target}.py"
        if candidate.is_file():
            return candidate
    close = difflib.get_close_matches(target, names(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(names())}"
    raise UnknownName(f"unknown derivation {target!r}{hint}")


def _line_in(path, tb):
    frames = [f for f in traceback.extract_tb(tb) if Path(f.filename).resolve() == path.resolve()]
    return frames[-1].lineno if frames else None


def _source(path):
    """The text of a problem file; unreadable or non-UTF-8 files are broken problem files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProblemError(f"cannot read the file: {exc.strerror or exc}", str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ProblemError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded",
                           str(path), line) from None


@contextlib.contextmanager
def _authors_code(path):
    """Run problem-file code: whatever it raises (even exit()) is a ProblemError naming file and
    line; what it prints goes to stderr, so that stdout stays one JSON document."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except (InvalidVariant, BadParam):
        raise
    except ProblemError as exc:
        raise exc.located(str(path), _line_in(path, exc.__traceback__)) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: B036 (SystemExit from the author's code is a broken file too)
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise ProblemError(_one_line(text), str(path), _line_in(path, exc.__traceback__)) from None


def _one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def load_namespace(path):
    """Execute a problem file; any error becomes a ProblemError naming file and line."""
    path = Path(path)
    source = _source(path)
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ProblemError(f"syntax error: {exc.msg}", str(path), exc.lineno) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise ProblemError(f"cannot compile: {_one_line(exc) or type(exc).__name__}", str(path)) from None
    namespace = {"__file__": str(path), "__name__": f"derive_problem_{path.stem}"}
    with _authors_code(path):
        exec(code, namespace)
    return namespace


def _prose(derivation):
    """(what, text, line) for every piece of prose of a derivation that reaches LaTeX."""
    d = derivation
    yield "the title", d.title, None
    yield "the source", d.source, None
    yield "the statement", d.statement, None
    for decl in d.declared:
        yield f"the meaning of {decl.obj}", decl.meaning, None
    for text in d.assumptions:
        yield "an assumption", text, None
    for step in d.steps:
        yield (f"the explanation of step {step.number}" if step.number else "the chain's start"), step.why, step.lineno
    for part in d.parts:
        yield "a part title", part.title, None
    for _, text in d.notes:
        yield "a note", text, None
    for _, caption in d.figures:
        yield "a figure caption", caption, None
    for name, _ in d.crosschecks:
        yield "a cross-check name", name, None


def refuse_unprintable(items, path):
    """ProblemError naming the first character of the prose that LaTeX cannot typeset."""
    for what, text, line in items:
        if text is None:
            continue
        bad = unprintable(text)
        if bad:
            raise ProblemError(f"{what} contains {bad}, which pdflatex cannot typeset; "
                               "write it differently (e.g. as $...$ mathematics or in ASCII)", str(path), line)


_CACHE = {}
_PROSE_CHECKED = {}  # module key -> the derivation whose prose was found printable (checked once)


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
    with _authors_code(path):
        derivation = namespace["build"](**full)
    if not isinstance(derivation, Derivation):
        raise ProblemError("build(...) must return a derive.Derivation", str(path))
    refuse_unprintable(_prose(derivation), path)
    derivation.filename = str(path)
    return derivation


def load(target):
    """The Derivation a problem file (name or path) builds."""
    path, namespace = module(target)
    derivation = namespace.get("DERIVATION")
    if not isinstance(derivation, Derivation):
        raise ProblemError("the file must bind DERIVATION to a derive.Derivation", str(path))
    key = str(path.resolve())
    if _PROSE_CHECKED.get(key) is not derivation:
        refuse_unprintable(_prose(derivation), path)
        _PROSE_CHECKED[key] = derivation
    derivation.filename = str(path)
    return derivation


def load_homework(target):
    path, namespace = module(target)
    homework = namespace.get("HOMEWORK")
    if not isinstance(homework, Homework):
        raise ProblemError("the file must bind HOMEWORK to a derive.Homework", str(path))
    refuse_unprintable([("the title", homework.title, None), ("the course", homework.course, None)]
                       + [(f"item {i.number}", t, None) for i in homework.items
                          for t in (i.number, i.title, i.statement, i.answer, i.caption)], path)
    for item in homework.items:
        if item.problem:
            resolve(item.problem)
    return homework


def members(target):
    """The problem names a target stands for: a homework's problems in order, else itself."""
    if is_homework(target):
        return list(load_homework(target).problems())
    return [target]


def derivations(target):
    """Every derivation a name stands for: one, or a homework's problems in order."""
    if is_homework(target):
        return [load(p) for p in load_homework(target).problems()]
    return [load(target)]
