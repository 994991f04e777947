"""Student versions (--questions-only): statements and given data, numbered as in the key, and
nothing of the solution — no step, result, note, erratum or verdict."""
import re

import pytest

from derive import loader, pipeline

SOLUTION_WORDS = ("Solution", "Verification", "Erratum", "erratum", "boxed", "verified", "machine-checked",
                  "counterexample", "Model answer", "Note.")


def _render(tmp_path, name, fmt="tex", **fields):
    request = pipeline.Request(name, str(tmp_path), questions=True, formats=() if fmt == "tex" else (fmt,), **fields)
    rendered = pipeline.render(request)
    path = next(p for p in rendered.written if p.suffix == f".{fmt}")
    assert path.name.endswith(f"-questions.{fmt}")  # never the key's file
    text = path.read_text(encoding="utf-8")
    return re.sub(r"<(style|script)>.*?</\1>", "", text, flags=re.S)  # the page's CSS and KaTeX are not content


def _key(tmp_path, name, **fields):
    return pipeline.render(pipeline.Request(name, str(tmp_path / "key"), **fields)).written[-1].read_text()


@pytest.mark.parametrize("fmt", ["tex", "md", "html"])
def test_a_derivation_shows_its_questions_and_no_solution(tmp_path, fmt):
    text = _render(tmp_path, "dropout_tikhonov", fmt)
    d = loader.load("dropout_tikhonov")
    assert "Tikhonov penalty" in text and "Given" in text  # the statement and the data
    for word in SOLUTION_WORDS:
        assert word not in text, word
    for step in d.steps[1:]:  # not one step of the chain is printed
        from derive.printing import latex
        assert latex(step.expr) not in text


def test_an_answer_key_keeps_its_numbering_and_drops_every_answer(tmp_path):
    key, questions = _key(tmp_path, "hw4"), _render(tmp_path, "hw4")
    heads = lambda t: re.findall(r"\\section\*\{(Q[^:}]*)", t)  # noqa: E731
    assert heads(questions) == heads(key) and len(heads(key)) >= 6
    parts = lambda t: re.findall(r"\\textbf\{(\([a-z]\)[^}]*)\}", t) or re.findall(r"\\paragraph\{(\([a-z]\)[^}]*)\}", t)  # noqa: E731
    assert parts(questions) == parts(key)
    for word in SOLUTION_WORDS:
        assert word not in questions, word
    hw = loader.load_homework("hw4")
    for item in hw.items:
        if item.problem is None:
            assert item.answer[:40] not in questions  # a discussion item's model answer is not shown


def test_variants_show_their_parameters_and_are_numbered_as_in_the_key(tmp_path):
    text = _render(tmp_path, "fir_response", seed=3, variants=2)
    assert text.count(r"\section*{Variant ") == 2 and "Parameters:" in text
    for word in SOLUTION_WORDS:
        assert word not in text, word


def test_the_student_version_compiles(tmp_path):
    rendered = pipeline.render(pipeline.Request("fir_response", str(tmp_path), pdf=True, questions=True))
    assert any(p.suffix == ".pdf" and p.stat().st_size > 10_000 for p in rendered.written)
