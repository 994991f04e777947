"""A PDF build starts from the auxiliary files of the last successful build of the same name
(kept in the cache): one pdflatex run instead of two, the same document, and a seed that
breaks LaTeX is never the reason a build fails."""
import json
import os

import pytest

from conftest import HAS_TEX
from derive import cache
from derive.pdf import publish

pytestmark = pytest.mark.skipif(not HAS_TEX and not os.environ.get("CI"),
                                reason="TeX not installed (CI installs it and never skips)")

DOC = r"""\documentclass{article}
\begin{document}
\tableofcontents
\section{First}\label{first}
See Section~\ref{second} on page~\pageref{second}.
\section{Second}\label{second}
Back to Section~\ref{first}.
\end{document}
"""


@pytest.fixture
def store(tmp_path):
    previous = cache.active_cache()
    cache.use(cache.VerdictCache(tmp_path / "cache"))
    yield tmp_path / "cache" / "latex"
    cache.use(previous)


def pdf_text(path):
    import subprocess
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_second_build_starts_from_the_first(store, tmp_path):
    first = publish(tmp_path / "a", "doc", DOC, pdf=True)[-1]
    kept = json.loads((store / "doc.json").read_text())
    assert {"doc.aux", "doc.toc", "doc.fdb_latexmk"} <= set(kept)
    second = publish(tmp_path / "b", "doc", DOC, pdf=True)[-1]
    assert pdf_text(first) == pdf_text(second)
    assert "Second" in pdf_text(second) and "??" not in pdf_text(second)


def test_a_seed_from_another_document_still_gives_right_references(store, tmp_path):
    publish(tmp_path / "a", "doc", DOC, pdf=True)
    other = DOC.replace(r"\section{First}", r"\section{Zeroth}\label{zeroth}\newpage\section{First}")
    seeded = publish(tmp_path / "b", "doc", other, pdf=True)[-1]
    cache.use(None)  # from scratch, for comparison
    scratch = publish(tmp_path / "c", "doc", other, pdf=True)[-1]
    assert pdf_text(seeded) == pdf_text(scratch)


def test_a_broken_seed_is_dropped_not_reported(store, tmp_path):
    store.mkdir(parents=True)
    (store / "doc.json").write_text(json.dumps({"doc.aux": "\\undefinedcontrolsequence\n\\relax"}))
    pdf = publish(tmp_path / "a", "doc", DOC, pdf=True)[-1]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "\\undefinedcontrolsequence" not in (store / "doc.json").read_text()  # replaced by a good state


def test_an_unreadable_seed_is_ignored(store, tmp_path):
    store.mkdir(parents=True)
    (store / "doc.json").write_text("{not json")
    assert publish(tmp_path / "a", "doc", DOC, pdf=True)[-1].read_bytes().startswith(b"%PDF")


def test_no_cache_keeps_nothing(tmp_path):
    previous = cache.active_cache()
    cache.use(None)
    try:
        publish(tmp_path / "a", "doc", DOC, pdf=True)
    finally:
        cache.use(previous)
    assert not (tmp_path / "cache").exists()
