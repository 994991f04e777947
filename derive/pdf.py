"""Write documents into an output directory: LaTeX compiled by latexmk in a private build
directory, finished files moved into place atomically.

latexmk runs with ``-norc`` (no latexmkrc anywhere is read: a latexmkrc is Perl) and without
shell escape, inside a fresh directory made for this run, so concurrent runs never share files
and a ``latexmkrc`` or stale aux file in ``--out`` is never seen.  Only finished files reach
``--out``, each with ``os.replace``: a failed or interrupted run never leaves a partial .tex or
.pdf, and a failed compile (or missing TeX) removes the previous PDF of that name, so no PDF
ever sits next to a .tex it was not made from.
"""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import DeriveError

INSTALL_HINT = ("latexmk/pdflatex not found: install TeX with "
                "`apt-get install texlive-latex-base texlive-latex-recommended latexmk`")


class TexMissing(DeriveError):
    """latexmk or pdflatex is not installed (an environment error: exit 2)."""


class OutputError(DeriveError):
    """The output directory cannot be created or written (an environment error: exit 2)."""


class CompileError(DeriveError):
    """LaTeX failed on a document; ``log_excerpt`` holds the lines saying why."""

    def __init__(self, message, log_excerpt):
        super().__init__(message)
        self.log_excerpt = log_excerpt


_ERROR = re.compile(r"^(!|\S+\.tex:\d+: )")


def log_excerpt(log_text, context=3, limit=40):
    """The lines of a LaTeX log that say what went wrong: each error and a few lines after."""
    lines = log_text.splitlines()
    keep = []
    for i, line in enumerate(lines):
        if _ERROR.match(line):
            keep.extend(lines[i:i + context + 1])
    return "\n".join(keep[:limit])


def _reason(exc):
    return getattr(exc, "strerror", None) or str(exc)


def prepare_out(out_dir):
    """Create ``out_dir`` if needed and make sure files can be written there (else OutputError)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=".derive-", dir=out_dir)
        os.rmdir(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to the output directory {out_dir}: {_reason(exc)}") from None
    return out_dir


def _latexmk(build, tex_name, timeout):
    cmd = ["latexmk", "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
           "-file-line-error", tex_name]
    try:
        return subprocess.run(cmd, cwd=build, capture_output=True, text=True, errors="replace",
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CompileError(f"latexmk did not finish within {timeout} s", "") from None


def publish(out_dir, stem, tex, pdf=False, timeout=300):
    """Write ``stem.tex`` (and, with ``pdf``, ``stem.pdf``) into ``out_dir``; the paths written.

    Raises OutputError, TexMissing or CompileError; in the last two cases the .tex is still
    written (it is complete, and is what the log refers to) and the previous PDF is removed."""
    out_dir = prepare_out(out_dir)
    tex_out, pdf_out = out_dir / f"{stem}.tex", out_dir / f"{stem}.pdf"
    try:
        build = Path(tempfile.mkdtemp(prefix=f".derive-{stem}-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"cannot write to the output directory {out_dir}: {_reason(exc)}") from None
    try:
        (build / tex_out.name).write_text(tex, encoding="utf-8")
        if not pdf:
            os.replace(build / tex_out.name, tex_out)
            return [tex_out]
        pdf_out.unlink(missing_ok=True)  # from here on, no old PDF can outlive this run
        if not shutil.which("latexmk") or not shutil.which("pdflatex"):
            os.replace(build / tex_out.name, tex_out)
            raise TexMissing(INSTALL_HINT)
        proc = _latexmk(build, tex_out.name, timeout)
        built = build / pdf_out.name
        if proc.returncode != 0 or not built.is_file():
            log = build / f"{stem}.log"
            text = log.read_text(errors="replace") if log.is_file() else proc.stdout + proc.stderr
            log_out = out_dir / log.name
            if log.is_file():
                os.replace(log, log_out)
            os.replace(build / tex_out.name, tex_out)
            raise CompileError(f"LaTeX failed on {tex_out} (log: {log_out})", log_excerpt(text))
        os.replace(build / tex_out.name, tex_out)
        os.replace(built, pdf_out)
        return [tex_out, pdf_out]
    except OSError as exc:
        raise OutputError(f"cannot write into {out_dir}: {_reason(exc)}") from None
    finally:
        shutil.rmtree(build, ignore_errors=True)


def compile_pdf(tex_path, timeout=300):
    """Compile an existing .tex file to the PDF next to it (same private-directory rules)."""
    tex_path = Path(tex_path)
    written = publish(tex_path.parent, tex_path.stem, tex_path.read_text(encoding="utf-8"), pdf=True,
                      timeout=timeout)
    return written[-1]
