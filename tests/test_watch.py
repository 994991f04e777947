"""derive watch: a pass per save, only changed steps checked, one line for a broken file."""
import os
import shutil

from click.testing import CliRunner

from derive import cache, loader
from derive.cli import main
from derive.watch import watch


def _touch_later(path, text):
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_watch_rechecks_only_what_changed_and_survives_a_broken_save(tmp_path):
    cache.use(cache.VerdictCache())
    try:
        problem = tmp_path / "mine.py"
        shutil.copy(loader.resolve("dropout_tikhonov"), problem)
        good = problem.read_text(encoding="utf-8")
        events = watch(str(problem), out=tmp_path / "out", poll=0.01)
        first = next(events)
        assert first.report.ok and first.rechecked == len(first.report.verdicts)
        assert (tmp_path / "out" / "dropout_tikhonov.tex").is_file()
        _touch_later(problem, good + "\n# a comment changes no step\n")
        second = next(events)
        assert second.report.ok and second.rechecked == 0
        _touch_later(problem, good + "\nthis is not python (\n")
        broken = next(events)
        assert broken.report is None and broken.error
        _touch_later(problem, good)
        assert next(events).report.ok
    finally:
        cache.use(None)


def test_cli_watch_runs_a_bounded_number_of_looks(tmp_path):
    result = CliRunner().invoke(main, ["watch", "filter_recovery", "--out", str(tmp_path), "--iterations", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "filter_recovery.tex").is_file()


def test_ctrl_c_stops_with_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield
    monkeypatch.setattr("derive.watch.watch", interrupted)
    result = CliRunner().invoke(main, ["watch", "filter_recovery"])
    assert result.exit_code == 130


def test_unknown_name_is_exit_2():
    assert CliRunner().invoke(main, ["watch", "no_such_problem"]).exit_code == 2
