"""Compile LaTeX to PDF with latexmk (pdflatex), never leaving a stale PDF behind."""
import re
import shutil
import subprocess
from pathlib import Path

from .errors import DeriveError

INSTALL_HINT = ("latexmk/pdflatex not found: install TeX with "
                "`apt-get install texlive-latex-base texlive-latex-recommended latexmk`")


class TexMissing(DeriveError):
    pass


class CompileError(DeriveError):
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


def compile_pdf(tex_path, timeout=300):
    tex_path = Path(tex_path).resolve()
    if not shutil.which("latexmk") or not shutil.which("pdflatex"):
        raise TexMissing(INSTALL_HINT)
    pdf = tex_path.with_suffix(".pdf")
    pdf.unlink(missing_ok=True)
    cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
           "-file-line-error", f"-outdir={tex_path.parent}", tex_path.name]
    try:
        proc = subprocess.run(cmd, cwd=tex_path.parent, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pdf.unlink(missing_ok=True)
        raise CompileError(f"latexmk did not finish within {timeout} s", "") from None
    if proc.returncode != 0 or not pdf.is_file():
        pdf.unlink(missing_ok=True)
        log = tex_path.with_suffix(".log")
        text = log.read_text(errors="replace") if log.is_file() else proc.stdout + proc.stderr
        raise CompileError(f"LaTeX failed on {tex_path.name} (log: {log})", log_excerpt(text))
    return pdf
