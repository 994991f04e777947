"""Write documents into an output directory: LaTeX compiled by latexmk in a private build
directory, finished files moved into place atomically.

latexmk runs with ``-norc`` (no latexmkrc anywhere is read: a latexmkrc is Perl) and without
shell escape, inside a fresh directory made for this run, so concurrent runs never share files
and a ``latexmkrc`` or stale aux file in ``--out`` is never seen.  Only finished files reach
``--out``, each with ``os.replace``: a failed or interrupted run never leaves a partial .tex or
.pdf, and a failed compile (or missing TeX) removes the previous PDF of that name, so no PDF
ever sits next to a .tex it was not made from.
"""
import json
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


_NOT_STATE = {".tex", ".pdf", ".log", ".fls", ".synctex", ".gz"}


def _warm_start():
    """Where the auxiliary files of earlier builds are kept (the verdict cache's directory), or
    None when the cache is off (``--no-cache``)."""
    from .cache import active_cache
    cache = active_cache()
    return Path(cache.root) / "latex" if cache else None


def _seed(build, store, stem):
    """Put the auxiliary files (.aux, .toc, .out and latexmk's .fdb_latexmk) of the last
    successful build of ``stem`` into ``build``: latexmk then needs one pdflatex run instead of
    two.  They are kept as one file, written at once, so a seed is always one build's state;
    LaTeX reruns until the auxiliary files stop changing, so a seed from another version of the
    document costs a run, never a wrong reference.  True when a seed was used."""
    source = store / f"{stem}.json" if store else None
    try:
        files = json.loads(source.read_text(encoding="utf-8")) if source and source.is_file() else None
        if not isinstance(files, dict):
            return False
        written = False
        for name, text in files.items():
            if isinstance(name, str) and isinstance(text, str) and Path(name).name == name \
                    and name.startswith(stem + ".") and Path(name).suffix not in _NOT_STATE:
                (build / name).write_text(text, encoding="utf-8")
                written = True
        return written
    except (OSError, ValueError):
        return False


def _keep_state(build, store, stem):
    """After a successful build: its auxiliary files become the next build's seed (one file,
    replaced atomically; a failure to store is ignored, it only costs time next run)."""
    if not store:
        return
    try:
        files = {f.name: f.read_text(encoding="utf-8") for f in build.iterdir()
                 if f.is_file() and f.name.startswith(stem + ".") and f.suffix not in _NOT_STATE}
        store.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=store)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(files, handle)
        os.replace(tmp, store / f"{stem}.json")
    except (OSError, UnicodeDecodeError):
        pass


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
        store = _warm_start()
        seeded = _seed(build, store, stem)
        proc = _latexmk(build, tex_out.name, timeout)
        built = build / pdf_out.name
        if seeded and (proc.returncode != 0 or not built.is_file()):  # the seed's fault? build from scratch
            for f in build.iterdir():
                if f.is_file() and f.name != tex_out.name:
                    f.unlink()
            proc = _latexmk(build, tex_out.name, timeout)
        if proc.returncode == 0 and built.is_file():
            _keep_state(build, store, stem)
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
