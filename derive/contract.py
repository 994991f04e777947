"""The error contract of every command: exit codes, the one-line error, the JSON document.

Exit codes: 0 every step verified; 1 a step failed or was undecided (or a document was refused
or did not compile); 2 bad usage, a broken problem file or the environment (TeX missing, output
not writable); 130 interrupted.  Under ``--json`` every outcome, errors included, is one JSON
document on stdout following ``schema/report.schema.json`` (``SCHEMA`` / ``SCHEMA_VERSION``).
"""
import json
from pathlib import Path

import click

from .errors import DeriveError, ProblemError

SCHEMA = "derive-report"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "report.schema.json"

OK, FAILED, BROKEN, INTERRUPTED = 0, 1, 2, 130


class BrokenInput(click.ClickException):
    """Bad usage or a broken problem file: exit 2.  ``details`` carry data for the CLI to show
    (an answer key's per-problem statuses, files written before the failure)."""
    exit_code = BROKEN
    kind = "broken-input"

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


class Failed(click.ClickException):
    """Something did not verify (or a document did not compile): exit 1."""
    exit_code = FAILED
    kind = "not-verified"

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


def _one_line(text, limit=2000):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def error_info(exc):
    """(exit code, error object) for an exception that ended a command."""
    from .loader import UnknownName
    from .params import BadParam
    from .pdf import OutputError, TexMissing
    file = line = None
    if isinstance(exc, (KeyboardInterrupt, click.Abort)):
        code, kind, message = INTERRUPTED, "interrupted", "interrupted"
    elif isinstance(exc, click.ClickException):
        code = exc.exit_code
        kind = getattr(exc, "kind", "usage")
        message = exc.format_message()
    elif isinstance(exc, ProblemError):
        code, kind, message = BROKEN, "broken-problem", exc.message
        file, line = exc.filename, exc.lineno
    elif isinstance(exc, (TexMissing, OutputError)):
        code, kind, message = BROKEN, "environment", str(exc)
    elif isinstance(exc, BadParam):
        code, kind, message = BROKEN, "usage", str(exc)
    elif isinstance(exc, UnknownName):
        code, kind, message = BROKEN, "unknown-problem", str(exc)
    elif isinstance(exc, DeriveError):
        code, kind, message = BROKEN, "broken-input", str(exc)
    elif isinstance(exc, OSError):
        code, kind = BROKEN, "environment"
        message = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    else:
        code, kind = BROKEN, "internal"
        message = f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"
    return code, {"kind": kind, "message": _one_line(message), "file": file, "line": line}


def error_line(error):
    """The one stderr line for an error object: ``Error: FILE:LINE: message``."""
    where = ""
    if error.get("file"):
        where = f"{error['file']}:{error['line']}: " if error.get("line") else f"{error['file']}: "
    return f"Error: {where}{error['message']}"


def document(command, exit_code, error=None, **fields):
    """The one JSON document of a command run (see the schema)."""
    return {"schema": SCHEMA, "version": SCHEMA_VERSION, "command": command,
            "ok": exit_code == OK, "exit_code": exit_code, "error": error, **fields}


def dumps(doc):
    """Deterministic JSON text of a document."""
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str)


def schema():
    """The JSON Schema of every --json document."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
