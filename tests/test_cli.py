"""The CLI: every exit code, one-line errors naming the file, JSON output."""
import json
import textwrap

import pytest
from click.testing import CliRunner

from derive.cli import main

GOOD = textwrap.dedent('''
    from derive import Derivation, sqnorm
    D = Derivation("tiny", "Tiny", "test", "A tiny derivation.")
    n = D.dims("n")
    a = D.scalars("a")
    y = D.vector("y", n)
    D.definition(sqnorm(a * y))
    D.eq(a**2 * y.T * y, "algebra", "pull out the scalar")
    D.result(a**2 * y.T * y)
    DERIVATION = D
''')


def write(tmp_path, text, name="problem.py"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def runner():
    return CliRunner()


def test_check_verified_exits_0(runner):
    result = runner.invoke(main, ["check", "dropout_tikhonov"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "checked exactly at sizes" in result.output


def test_check_file_outside_problems_dir(runner, tmp_path):
    result = runner.invoke(main, ["check", write(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output


def test_failed_step_exits_1_with_counterexample(runner, tmp_path):
    path = write(tmp_path, GOOD.replace("D.eq(a**2 * y.T * y", "D.eq(2 * a * y.T * y").replace(
        "D.result(a**2 * y.T * y)", "D.result(2 * a * y.T * y)"))
    result = runner.invoke(main, ["check", path])
    assert result.exit_code == 1
    assert "FAILED" in result.output and "counterexample at n=" in result.output


def test_undecided_step_exits_1(runner, tmp_path):
    text = GOOD.replace("from derive import Derivation, sqnorm", "from derive import Derivation, ZeroMean, E, sqnorm")
    text = text.replace("y = D.vector(\"y\", n)", "y = D.vector(\"y\", n)\nr = D.random_scalars(\"r\", ZeroMean(1))")
    text = text.replace("D.definition(sqnorm(a * y))", "D.definition(E(r, r**4))").replace(
        "D.eq(a**2 * y.T * y, \"algebra\", \"pull out the scalar\")", "D.eq(3 * a / a, \"algebra\", \"a guess\")")
    text = text.replace("D.result(a**2 * y.T * y)", "D.result(3 * a / a)")
    result = runner.invoke(main, ["check", write(tmp_path, text)])
    assert result.exit_code == 1, result.output
    assert "UNDECIDED" in result.output


@pytest.mark.parametrize("mutation, words", [
    (lambda t: t.replace("D.dims(\"n\")", "D.dims(\"n\""), "syntax error"),
    (lambda t: t.replace("\"algebra\"", "\"algebro\""), "did you mean 'algebra'"),
    (lambda t: t.replace("D.vector(\"y\", n)", "D.matrix(\"y\", n, n)").replace(
        "sqnorm(a * y)", "sqnorm(a * y * D.vector('v', n+1))"), "ShapeMismatch"),
])
def test_broken_problem_file_exits_2_with_one_line(runner, tmp_path, mutation, words):
    path = write(tmp_path, mutation(GOOD))
    result = runner.invoke(main, ["check", path])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and path in lines[0]
    assert "Traceback" not in result.output


def test_shape_mismatch_names_file_and_line(runner, tmp_path):
    text = GOOD.replace("D.definition(sqnorm(a * y))", "X = D.matrix('X', n, n + 1)\nD.definition(sqnorm(X * y))")
    path = write(tmp_path, text)
    result = runner.invoke(main, ["check", path])
    assert result.exit_code == 2
    assert f"{path}:8:" in result.output and "cannot multiply" in result.output


def test_unknown_name_suggests(runner):
    result = runner.invoke(main, ["check", "dropout_tikonov"])
    assert result.exit_code == 2
    assert "did you mean 'dropout_tikhonov'" in result.output


def test_no_target_is_usage_error(runner):
    assert runner.invoke(main, ["check"]).exit_code == 2


def test_json_document(runner):
    result = runner.invoke(main, ["check", "--json", "dropout_tikhonov", "gaussian_noise_tikhonov"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["ok"] is True
    first = doc["derivations"][0]
    assert first["name"] == "dropout_tikhonov" and first["ok"]
    assert "SqNorm" in first["result"]["str"] and r"\left\|" in first["result"]["latex"]
    step = first["steps"][0]
    assert {"index", "relation", "label", "method", "seconds", "counterexample"} <= set(step)


def test_list_shows_names_and_titles(runner):
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 0
    assert "dropout_tikhonov" in result.output and "Tikhonov" in result.output


def test_render_refuses_failed_derivation(runner, tmp_path):
    path = write(tmp_path, GOOD.replace("D.eq(a**2 * y.T * y", "D.eq(2 * a * y.T * y").replace(
        "D.result(a**2 * y.T * y)", "D.result(2 * a * y.T * y)"))
    out = tmp_path / "out"
    result = runner.invoke(main, ["render", path, "--out", str(out)])
    assert result.exit_code == 1 and "--allow-failed" in result.output
    assert not (out / "tiny.tex").exists()


def test_render_allow_failed_marks_step_red(runner, tmp_path):
    path = write(tmp_path, GOOD.replace("D.eq(a**2 * y.T * y", "D.eq(2 * a * y.T * y").replace(
        "D.result(a**2 * y.T * y)", "D.result(2 * a * y.T * y)"))
    out = tmp_path / "out"
    result = runner.invoke(main, ["render", path, "--out", str(out), "--allow-failed"])
    assert result.exit_code == 1
    tex = (out / "tiny.tex").read_text()
    assert r"\derivefailed{" in tex and "Not verified" in tex


def test_render_tex_only(runner, tmp_path):
    result = runner.invoke(main, ["render", "dropout_tikhonov", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dropout_tikhonov.tex").is_file()


def test_render_without_tex_says_how_to_install(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("derive.pdf.shutil.which", lambda name: None)
    (tmp_path / "dropout_tikhonov.pdf").write_bytes(b"%PDF stale")
    result = runner.invoke(main, ["render", "dropout_tikhonov", "--pdf", "--out", str(tmp_path)])
    assert result.exit_code == 2  # the environment, not the derivation
    assert "apt-get install texlive-latex-base" in result.output
    assert (tmp_path / "dropout_tikhonov.tex").is_file()
    assert not (tmp_path / "dropout_tikhonov.pdf").exists()  # no stale PDF next to the new .tex


def test_json_for_every_derivation_is_valid(runner):
    result = runner.invoke(main, ["check", "--all", "--json"])
    assert result.exit_code == 0, result.output[-2000:]
    doc = json.loads(result.output)
    assert doc["ok"] and all(d["ok"] for d in doc["derivations"])


def test_render_homework_key(runner, tmp_path):
    result = runner.invoke(main, ["render", "hw5", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    tex = (tmp_path / "hw5.tex").read_text()
    assert "Q1(b)" in tex and "Q9(b)" in tex and "Model answer (not machine-checked)" in tex
    assert tex.index("Q1(b)") < tex.index("Q4(a)") < tex.index("Q8")


def test_homework_takes_no_parameters(runner, tmp_path):
    result = runner.invoke(main, ["render", "hw4", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "single problem" in result.output


def test_check_homework_checks_its_problems(runner):
    result = runner.invoke(main, ["check", "hw4"])
    assert result.exit_code == 0, result.output
    assert "mup_spectral_bounds: verified" in result.output


def test_rules_lists_the_catalogue_and_a_derivations_own_rules(runner):
    result = runner.invoke(main, ["rules"])
    assert result.exit_code == 0 and "chain-rule-upstream" in result.output
    own = runner.invoke(main, ["rules", "softmax_jacobian"])
    assert own.exit_code == 0 and "rules of softmax_jacobian" in own.output and "quotient-rule" in own.output
    assert runner.invoke(main, ["rules", "no_such_problem"]).exit_code == 2


def test_an_author_named_rule_needs_a_description_and_a_fresh_name():
    from derive import Derivation, ProblemError
    D = Derivation("r", "r", "test", "test")
    with pytest.raises(ProblemError):
        D.rule("my-rule", "  ")
    with pytest.raises(ProblemError, match="engine"):
        D.rule("algebra", "something else")
    x = D.scalars("x")
    D.definition(x * (x + 1))
    with pytest.raises(ProblemError, match="D.rule"):
        D.eq(x ** 2 + x, "my-rule")
    D.rule("my-rule", "multiply out")
    D.eq(x ** 2 + x, "my-rule")
    assert D.rule_named("my-rule").text == "multiply out"
