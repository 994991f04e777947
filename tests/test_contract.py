"""The error contract of every command (README "Error contract"): exit codes 0/1/2/130, one
line on stderr naming file and line, one JSON document under --json following the shipped
schema, isolation of broken problem files, byte-identical output for the same inputs."""
import json
import os
import signal
import subprocess
import sys
import textwrap

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import loader
from derive.cli import main
from derive.contract import schema

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
WRONG = GOOD.replace("D.eq(a**2 * y.T * y", "D.eq(2 * a**2 * y.T * y")


@pytest.fixture
def runner():
    return CliRunner()


def write(tmp_path, text, name="problem.py", mode="w"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def valid_document(text):
    doc = json.loads(text)
    jsonschema.validate(doc, schema())
    return doc


BROKEN_FILES = {
    "syntax": "from derive import Derivation\nD = Derivation('b', 't'\n",
    "non-utf8": b"\xff\xfe not utf-8 \x80\n",
    "exit": "raise SystemExit(3)\n",
    "no-derivation": "x = 1\n",
    "tuple-step": GOOD.replace('D.eq(a**2 * y.T * y, "algebra", "pull out the scalar")',
                               'D.eq((a, a), "algebra", "a tuple")'),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
def test_broken_problem_is_exit_2_one_line_no_traceback(runner, tmp_path, kind):
    path = write(tmp_path, BROKEN_FILES[kind])
    result = runner.invoke(main, ["check", path])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") <= 2  # one error line (and click's usage, if any)
    assert "Error:" in result.output


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
def test_broken_problem_under_json_is_one_document(runner, tmp_path, kind):
    path = write(tmp_path, BROKEN_FILES[kind])
    result = runner.invoke(main, ["check", "--json", path])
    assert result.exit_code == 2
    doc = valid_document(result.stdout)
    assert doc["exit_code"] == 2 and not doc["ok"]
    assert doc["error"]["kind"] in ("broken-problem", "broken-input", "unknown-problem")


def test_verified_and_failed_documents_follow_the_schema(runner, tmp_path):
    ok = runner.invoke(main, ["check", "--json", write(tmp_path, GOOD)])
    assert ok.exit_code == 0
    assert valid_document(ok.stdout)["ok"]
    bad = runner.invoke(main, ["check", "--json", write(tmp_path, WRONG, "wrong.py")])
    assert bad.exit_code == 1
    doc = valid_document(bad.stdout)
    assert doc["exit_code"] == 1 and doc["error"] is None
    assert doc["derivations"][0]["steps"][0]["counterexample"]


def test_unknown_name_and_bad_usage_under_json(runner):
    unknown = runner.invoke(main, ["check", "--json", "no_such_problem"])
    assert unknown.exit_code == 2
    assert valid_document(unknown.stdout)["error"]["kind"] == "unknown-problem"
    usage = runner.invoke(main, ["check", "--json", "--seed", str(10**300), "dropout_tikhonov"])
    assert usage.exit_code == 2
    assert valid_document(usage.stdout)["error"]["kind"] == "usage"


def test_a_bare_name_is_never_a_path(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, GOOD, "hostname")
    result = runner.invoke(main, ["check", "hostname"])
    assert result.exit_code == 2 and "unknown derivation" in result.output


def test_isolation_broken_file_among_good_ones(runner, tmp_path):
    good, broken = write(tmp_path, GOOD), write(tmp_path, BROKEN_FILES["syntax"], "broken.py")
    result = runner.invoke(main, ["check", "--json", good, broken])
    assert result.exit_code == 2
    doc = valid_document(result.stdout)
    assert [d["name"] for d in doc["derivations"]] == ["tiny"] and doc["derivations"][0]["ok"]
    assert doc["broken"][0]["target"] == broken and doc["broken"][0]["error"]["line"] == 2
    text = runner.invoke(main, ["check", good, broken])
    assert "tiny: verified" in text.output and "BROKEN" in text.output


def test_unusable_out_is_exit_2(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for out in (str(blocker / "below"), "/proc/self"):
        result = runner.invoke(main, ["render", "filter_recovery", "--out", out])
        assert result.exit_code == 2, (out, result.output)
        assert "Traceback" not in result.output and "Error:" in result.output


def test_same_inputs_give_byte_identical_tex(runner, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert runner.invoke(main, ["--no-cache", "render", "dropout_tikhonov", "--out", str(out)]).exit_code == 0
    assert (a / "dropout_tikhonov.tex").read_bytes() == (b / "dropout_tikhonov.tex").read_bytes()
    timed = runner.invoke(main, ["render", "dropout_tikhonov", "--timings", "--out", str(tmp_path / "t")])
    assert timed.exit_code == 0 and "Time (s)" in (tmp_path / "t" / "dropout_tikhonov.tex").read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130(tmp_path, jobs):
    # started as the console script is, told when the imports are done; Ctrl-C at a terminal
    # reaches the whole process group, workers included: one line, exit 130
    code = ("import sys; import derive.cli as cli; print('ready', file=sys.stderr, flush=True); "
            f"sys.argv = ['derive', '--no-cache', 'check', '--all', '-j', '{jobs}']; cli.main()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stderr.readline().strip() == "ready"
    import time
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "Error: interrupted"


def test_debug_shows_the_traceback(runner, tmp_path, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr("derive.parallel.check_all", boom)
    plain = runner.invoke(main, ["check", write(tmp_path, GOOD)])
    assert plain.exit_code == 2 and "internal error" in plain.output and "Traceback" not in plain.output
    debug = runner.invoke(main, ["--debug", "check", write(tmp_path, GOOD)])
    assert isinstance(debug.exception, RuntimeError)


# -- fuzz: --param values and problem files are data; the contract holds for any of them ----
_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(st.text(max_size=60))
def test_fuzz_param_values(tmp_path_factory, value):
    out = tmp_path_factory.mktemp("p")
    result = CliRunner().invoke(main, ["render", "filter_recovery", "--param", f"output={value}", "--out", str(out)])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


_PIECES = st.sampled_from([GOOD, WRONG, "x = (", "DERIVATION = 3\n", "import os\n", "D.eq(\n", "\x00", "é 漢字 🙂\n",
                           "from derive import Derivation\n", "1/0\n"])


@_FUZZ
@given(st.lists(_PIECES, max_size=3))
def test_fuzz_problem_files(tmp_path_factory, pieces):
    path = tmp_path_factory.mktemp("f") / "fuzzed.py"
    path.write_text("".join(pieces), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--json", str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    valid_document(result.stdout)


def test_answer_key_with_a_broken_problem_checks_the_rest(runner, tmp_path):
    broken = write(tmp_path, BROKEN_FILES["syntax"], "broken.py")
    key = write(tmp_path, textwrap.dedent(f'''
        from derive import Homework, derivation
        HOMEWORK = Homework(name="key", title="A key", course="Test",
                            items=[derivation("Q1", "filter_recovery"), derivation("Q2", {broken!r})])
    '''), "key.py")
    result = runner.invoke(main, ["render", key, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "filter_recovery: verified" in result.output and "BROKEN" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.tex")) if (tmp_path / "out").exists() else True


@pytest.mark.parametrize("name", loader.derivation_names())
def test_the_seed_reaches_every_cross_check(name):
    from derive.checking import check
    report = check(loader.load(name), seed=4242)
    assert report.ok
    assert all(v.seed in (None, 4242) for v in report.extras), [(v.detail, v.seed) for v in report.extras]
