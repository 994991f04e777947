"""Rosters: one deterministic, verified variant per student; documents, student versions and an
answer sheet; the CLI's contract for bad rosters and missing secrets."""
import csv
import io
import json

from click.testing import CliRunner

from derive.cli import main
from derive.roster import Student, read_roster, student_seed

ROSTER = "id,name\ns001,Ada Lovelace\ns002,=HYPERLINK(\"x\")\nbob@x.edu,O'Brien & {\\input{/etc/passwd}} $x$ 100%\n"


def _run(args, env=None):
    return CliRunner().invoke(main, args, env=env or {}, catch_exceptions=False)


def _roster(tmp_path, text=ROSTER, name="students.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_seeds_depend_on_secret_problem_and_student():
    s = student_seed("secret", "filter_recovery", "s001")
    assert s == student_seed("secret", "filter_recovery", "s001") and 0 <= s < 2**63
    assert len({s, student_seed("other", "filter_recovery", "s001"), student_seed("secret", "fir_response", "s001"),
                student_seed("secret", "filter_recovery", "s002")}) == 4


def test_a_roster_gives_each_student_the_same_verified_variant_every_time(tmp_path):
    roster = _roster(tmp_path)
    env = {"DERIVE_ROSTER_SECRET": "course-secret"}
    first = _run(["variants", "filter_recovery", "--roster", roster, "--out", str(tmp_path / "a")], env)
    again = _run(["variants", "filter_recovery", "--roster", roster, "--out", str(tmp_path / "b"), "-j", "1"], env)
    assert first.exit_code == 0 and again.exit_code == 0, first.output
    sheet = (tmp_path / "a" / "answers.csv").read_text()
    assert sheet == (tmp_path / "b" / "answers.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert [r["student_id"] for r in rows] == ["s001", "s002", "bob@x.edu"]
    assert rows[1]["name"].startswith("'=")  # a spreadsheet never runs a cell
    for row in rows:
        assert int(row["seed"]) == student_seed("course-secret", "filter_recovery", row["student_id"])
        assert set(json.loads(row["parameters"])) == {"signal", "output"}
        assert len(row["answer 1: h_{1}, h_{2}, h_{3}"].split("; ")) == 3
    key = (tmp_path / "a" / "filter_recovery-roster.tex").read_text()
    questions = (tmp_path / "a" / "filter_recovery-roster-questions.tex").read_text()
    assert key.count(r"\section*{") == 3 and questions.count(r"\section*{") == 3
    assert r"\input{/etc/passwd}" not in key and r"\input{/etc/passwd}" not in questions  # a name is text
    assert "Verification" in key and "Verification" not in questions


def test_one_pdf_per_student_compiles(tmp_path):
    roster = _roster(tmp_path, "id\ns1\ns 2\n")
    result = _run(["variants", "filter_recovery", "--roster", roster, "--secret", "x", "--per-student", "--pdf",
                   "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "o").glob("*.pdf"))
    assert len(names) == 4 and "s1.pdf" in names and "s1-questions.pdf" in names


def test_batches_beyond_fifty_and_a_moodle_quiz(tmp_path):
    result = _run(["variants", "filter_recovery", "--seed", "5", "--count", "55", "--out", str(tmp_path / "v"),
                   "--moodle", str(tmp_path / "quiz.xml")])
    assert result.exit_code == 0, result.output
    assert "55 variant(s)" in result.output
    assert (tmp_path / "quiz.xml").read_text().count('<question type="cloze">') == 55
    assert len((tmp_path / "v" / "answers.csv").read_text().splitlines()) == 56


def test_bad_rosters_and_requests_are_one_line_errors_with_exit_2(tmp_path):
    cases = [
        (["--roster", _roster(tmp_path)], {"DERIVE_ROSTER_SECRET": None}, "course secret"),
        (["--roster", _roster(tmp_path, "id\na\na\n", "dup.csv"), "--secret", "x"], {}, "also on line 2"),
        (["--roster", str(tmp_path / "missing.csv"), "--secret", "x"], {}, "cannot read"),
        (["--roster", _roster(tmp_path, "id\n", "empty.csv"), "--secret", "x"], {}, "at least one student"),
        (["--seed", "1"], {}, "--count"),
        (["--seed", "1", "--count", "2", "--per-student"], {}, "--per-student needs --roster"),
    ]
    for args, env, words in cases:
        result = CliRunner().invoke(main, ["variants", "filter_recovery", *args], env=env)
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, (args, result.output)
    quiz = CliRunner().invoke(main, ["variants", "fir_response", "--seed", "1", "--count", "2",
                                     "--out", str(tmp_path / "f"), "--moodle", str(tmp_path / "q.xml")])
    assert quiz.exit_code == 2 and "no numeric answer" in quiz.output
    assert not (tmp_path / "f").exists()  # nothing written when the quiz cannot be made


def test_roster_columns_are_found_by_name(tmp_path):
    path = _roster(tmp_path, "Name,SIS ID\nAda,17\nBob,18\n")
    assert read_roster(path) == [Student("17", "Ada"), Student("18", "Bob")]
    assert Student("a/b c").slug.startswith("a_b_c-")
