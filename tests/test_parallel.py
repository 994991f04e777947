"""Parallel checking: the same reports as in-process, in the order asked for."""
import json

from click.testing import CliRunner

from derive import loader, parallel
from derive.checking import check
from derive.cli import main
from derive.verdicts import Label

NAMES = ["filter_recovery", "dropout_least_squares", "cnn_shapes", "transpose_convolution"]


def _square(x):
    return x * x


def _timed_out(name):
    """A check with a tiny time limit, run in a worker: SIGALRM must still fire there."""
    return check(loader.load(name), timeout=1e-4, cache=False)


def test_results_keep_their_order():
    assert parallel.run(_square, range(20), 2) == [x * x for x in range(20)]


def test_workers_give_the_same_verdicts_as_one_process():
    one = parallel.check_all(NAMES, 20261122, 1)
    two = parallel.check_all(NAMES, 20261122, 2)
    assert [d.name for d, _ in two] == NAMES
    labels = lambda rs: [[v.label for v in r.verdicts] for _, r in rs]  # noqa: E731
    assert labels(one) == labels(two)


def test_time_limit_works_inside_workers():
    reports = parallel.run(_timed_out, ["dropout_tikhonov", "gaussian_noise_tikhonov"], 2)
    assert any(v.label is Label.UNDECIDED for r in reports for v in r.verdicts)


def test_cli_check_with_jobs_in_order_and_marks_reused_verdicts():
    runner = CliRunner()
    first = runner.invoke(main, ["check", "-j", "2", "--json", *NAMES])
    assert first.exit_code == 0, first.output
    doc = json.loads(first.output)
    assert [d["name"] for d in doc["derivations"]] == NAMES
    again = json.loads(runner.invoke(main, ["check", "-j", "1", "--json", *NAMES]).output)
    assert all(s["cached"] for d in again["derivations"] for s in d["steps"])
    fresh = json.loads(runner.invoke(main, ["--no-cache", "check", "--json", *NAMES]).output)
    assert not any(s["cached"] for d in fresh["derivations"] for s in d["steps"])
    assert runner.invoke(main, ["cache", "clear"]).exit_code == 0


def test_variant_batches_are_the_same_with_workers():
    from derive.variants import drawn
    one = drawn("fir_response", 5, 4, jobs=1)
    two = drawn("fir_response", 5, 4, jobs=2)
    assert [v for v, _, _ in one] == [v for v, _, _ in two]
    assert all(r.ok for _, _, r in two)


def test_a_steps_verdict_does_not_depend_on_the_steps_checked_before_it():
    """Parts may be checked in different workers: checking each part alone gives the verdicts
    (labels and evidence, random points included) of checking the whole derivation at once."""
    from derive import loader
    from derive.checking import check_steps
    d = loader.load("mup_spectral_bounds")
    whole = check_steps(d, cache=False)
    alone = [v for k in reversed(range(len(d.parts))) for v in check_steps(d, cache=False, parts=(k,))]
    alone.sort(key=lambda v: v.index)
    assert [(v.index, v.label, v.evidence()) for v in alone] == [(v.index, v.label, v.evidence()) for v in whole]


def test_a_long_derivation_is_split_into_two_tasks_of_parts():
    from derive import loader
    d = loader.load("mup_spectral_bounds")
    tasks = parallel._tasks(d, 2, share=0)
    halves = [p for h, p in tasks if h == "steps"]
    assert len(halves) == 2 and sorted(halves[0] + halves[1]) == list(range(len(d.parts)))
    assert parallel._tasks(d, 1, share=0) == [("steps", None), ("crosschecks", None)]
