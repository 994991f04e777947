"""The pipeline as data: load → check → document → compile, each stage alone and the whole."""
import pytest

from derive import pipeline
from derive.contract import BrokenInput, Failed


def test_stages_of_one_derivation(tmp_path):
    request = pipeline.Request("filter_recovery", out=str(tmp_path))
    job = pipeline.load(request)
    assert job.kind == "derivation" and job.report is None
    job = pipeline.check(job, request)
    assert job.report.ok and pipeline.verified(job)
    tex = pipeline.document(job, request)
    assert r"\begin{document}" in tex
    written = pipeline.compile_document(request, job.stem, tex)
    assert [p.name for p in written] == ["filter_recovery.tex"]


def test_render_reads_top_to_bottom(tmp_path):
    rendered = pipeline.render(pipeline.Request("filter_recovery", out=str(tmp_path)))
    assert rendered.ok and [p.name for p in rendered.written] == ["filter_recovery.tex"]


def test_an_answer_key_is_one_job_with_every_problem_checked(tmp_path):
    request = pipeline.Request("hw4", out=str(tmp_path))
    job = pipeline.check(pipeline.load(request), request)
    assert job.kind == "homework" and all(r is None or r.ok for _, _, r in job.entries)


@pytest.mark.parametrize("fields", [dict(params=("x=1",), seed=3), dict(variants=2), dict(name="hw4", seed=1)])
def test_bad_requests_are_broken_input(tmp_path, fields):
    request = pipeline.Request(**{"name": "filter_recovery", "out": str(tmp_path), **fields})
    with pytest.raises(BrokenInput):
        pipeline.render(request)


def test_an_unverified_chain_is_refused(tmp_path, monkeypatch):
    job = pipeline.check(pipeline.load(pipeline.Request("filter_recovery")), pipeline.Request("filter_recovery"))
    job.report.verdicts[0].label = type(job.report.verdicts[0].label).FAILED
    with pytest.raises(Failed, match="not verified"):
        pipeline.refuse_unverified(job, pipeline.Request("filter_recovery", out=str(tmp_path)))
