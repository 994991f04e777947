"""Parameters, seeded variants and answer keys, through the API and the CLI."""
import numpy as np
import pytest
from click.testing import CliRunner

from derive import loader
from derive.cli import main
from derive.params import BadParam, Param, parse_assignments
from derive.variants import drawn, variant


@pytest.mark.parametrize("kind, text, value", [
    ("int", "3", 3), ("int_list", "[1, 2, 3]", [1, 2, 3]), ("int_list", "(1, -2)", [1, -2]),
    ("int_matrix", "[[1, 2], [3, 4]]", [[1, 2], [3, 4]]), ("rational", "1/3", __import__("fractions").Fraction(1, 3)),
])
def test_param_values_parse(kind, text, value):
    assert Param("v", kind, None).parse(text) == value


@pytest.mark.parametrize("kind, text", [
    ("int", "3.5"), ("int", "__import__('os').system('true')"), ("int_list", "[1, 'a']"),
    ("int_matrix", "[[1, 2], [3]]"), ("int_list", "[]"), ("int", "True"),
])
def test_malformed_param_values_are_rejected(kind, text):
    with pytest.raises(BadParam):
        Param("v", kind, None).parse(text)


def test_unknown_parameter_name():
    with pytest.raises(BadParam, match="unknown parameter"):
        parse_assignments([Param("signal", "int_list", [1])], ["sigal=[1]"])


def test_filter_recovery_default_matches_reference():
    d, report = variant("filter_recovery", {})
    assert report.ok
    assert list(d.result_expr.rhs) == [2, -1, 3]


@pytest.mark.parametrize("seed", range(20))
def test_filter_recovery_seeds_verify_and_match_numpy(seed):
    [(values, d, report)] = drawn("filter_recovery", seed, 1)
    assert report.ok
    x, y = values["signal"], values["output"]
    A = np.array([[x[i + k] for k in range(3)] for i in range(3)], dtype=float)
    assert np.allclose(np.linalg.solve(A, np.array(y, dtype=float)),
                       np.array([float(v) for v in d.result_expr.rhs]))


def test_wrong_solution_step_is_rejected():
    from derive.signals import Equations
    from conftest import assert_rejected
    d = loader.load("filter_recovery")
    h = d.steps[3].expr.lhs
    import sympy as sp
    assert_rejected(d, 3, Equations(h, sp.ImmutableMatrix([2, 1, 3])))


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_param_override(runner, tmp_path):
    result = runner.invoke(main, ["render", "filter_recovery", "--param", "output=[-2, 2, 12]", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    first = sorted(tmp_path.glob("filter_recovery-param-*.tex"))
    assert len(first) == 1
    again = runner.invoke(main, ["render", "filter_recovery", "--param", "output=[-2, 2, 13]", "--out", str(tmp_path)])
    assert again.exit_code in (0, 1), again.output
    if again.exit_code == 0:  # other values, another file: variants never overwrite each other
        assert len(list(tmp_path.glob("filter_recovery-param-*.tex"))) == 2


@pytest.mark.parametrize("args, words", [
    (["--param", "output=[1,2"], "cannot read"),
    (["--param", "output=__import__('os')"], "cannot read"),
    (["--param", "nope=1"], "unknown parameter"),
    (["--param", "output"], "NAME=VALUE"),
    (["--variants", "2"], "--variants needs --seed"),
])
def test_cli_bad_param_exits_2(runner, tmp_path, args, words):
    result = runner.invoke(main, ["render", "filter_recovery", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


def test_cli_variants_document(runner, tmp_path):
    result = runner.invoke(main, ["render", "filter_recovery", "--seed", "5", "--variants", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    tex = (tmp_path / "filter_recovery-seed5-x3.tex").read_text()
    assert tex.count(r"\section*{Variant") == 3


def test_cli_seed_is_reproducible(runner, tmp_path):
    a = runner.invoke(main, ["render", "filter_recovery", "--seed", "9", "--out", str(tmp_path / "a")])
    b = runner.invoke(main, ["render", "filter_recovery", "--seed", "9", "--out", str(tmp_path / "b")])
    assert a.exit_code == b.exit_code == 0
    ta = (tmp_path / "a" / "filter_recovery-seed9.tex").read_text()
    tb = (tmp_path / "b" / "filter_recovery-seed9.tex").read_text()
    assert ta.split(r"\subsection*{Verification}")[0] == tb.split(r"\subsection*{Verification}")[0]


SLIPS_AT_3 = '''
from derive import Derivation, Param

PARAMS = [Param("a", "int", 1, sample=lambda rng: rng.randint(1, 6))]


def build(a):
    D = Derivation(name="slips", title="t", source="test", statement="s")
    x = D.scalars("x")
    D.definition((x + 1) * (x + a))
    claimed = x ** 2 + (a + 1) * x + (a if a != 3 else a + 1)  # a slip for a = 3 only
    D.eq(claimed, "algebra")
    D.result(claimed)
    return D


DERIVATION = build(1)
'''


def test_a_failing_variant_is_reported_and_the_batch_goes_on(runner, tmp_path):
    problem = tmp_path / "slips.py"
    problem.write_text(SLIPS_AT_3)
    result = runner.invoke(main, ["render", str(problem), "--seed", "1", "--variants", "6", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "variant {'a': 3}: NOT VERIFIED" in result.output
    assert sum(line.startswith("variant") and line.endswith(": verified") for line in result.output.splitlines()) == 5
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())  # no document with a hole
