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


def test_random_entries_do_not_depend_on_the_grounders_made_before():
    """A grounder's random entries are salted by its size, not by how many grounders the
    context made before: a step's points are the same whichever steps were checked first."""
    from derive import loader
    from derive.comparison import Context
    d = loader.load("dropout_tikhonov")
    n, dd = d.dimensions
    first, later = Context(d), Context(d)
    later.grounder({n: 3, dd: 3}, numeric="prefill")
    a, b = ({n: 2, dd: 3} for _ in range(2))
    assert first.grounder(a, numeric="prefill").entries == later.grounder(b, numeric="prefill").entries
