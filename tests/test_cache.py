"""The verdict cache: reuse only on identical inputs; an edited step is re-checked and fails."""
import json
from pathlib import Path

import pytest
import sympy as sp

from derive import cache as cache_mod, loader
from derive.cache import VerdictCache, canon, verdict_from_dict, Uncacheable
from derive.checking import check
from derive.verdicts import Label


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path))
    return VerdictCache()


def test_warm_check_reuses_every_verdict(store):
    d = loader.load("dropout_tikhonov")
    cold = check(d, cache=store)
    warm = check(d, cache=store)
    assert cold.ok and warm.ok
    assert not any(v.cached for v in cold.verdicts)
    assert all(v.cached for v in warm.verdicts)
    assert [v.as_dict() | {"seconds": 0} for v in cold.verdicts] == \
        [v.as_dict() | {"seconds": 0} for v in warm.verdicts]


def test_an_edited_step_is_rechecked_and_fails(store):
    d = loader.load("dropout_tikhonov")
    assert check(d, cache=store).ok
    index = 2
    wrong = d.with_step(index, 2 * d.steps[index].expr)
    report = check(wrong, cache=store)
    by_index = {v.index: v for v in report.verdicts}
    # the edited step and the one after it (whose previous side changed) are checked again
    rechecked = {i for i, v in by_index.items() if not v.cached}
    assert rechecked == {index, index + 1}
    assert by_index[index].label is Label.FAILED
    assert all(v.cached and v.ok for i, v in by_index.items() if i not in rechecked)
    assert not report.ok


def test_seed_and_time_limit_are_part_of_the_key(store):
    d = loader.load("dropout_tikhonov")
    check(d, cache=store)
    assert not any(v.cached for v in check(d, seed=7, cache=store).verdicts)
    assert not any(v.cached for v in check(d, timeout=29.0, cache=store).verdicts)


def test_corrupt_entries_are_ignored(store, tmp_path):
    d = loader.load("dropout_tikhonov")
    check(d, cache=store)
    entries = list(tmp_path.rglob("*.json"))
    assert entries
    for e in entries:
        e.write_text("{not json", encoding="utf-8")
    again = check(d, cache=store)
    assert again.ok and not any(v.cached for v in again.verdicts)


def test_an_entry_under_another_key_is_ignored(store, tmp_path):
    d = loader.load("dropout_tikhonov")
    check(d, cache=store)
    entries = sorted(tmp_path.rglob("*.json"))
    first, second = entries[0], entries[1]
    first.write_text(second.read_text(encoding="utf-8"), encoding="utf-8")
    report = check(d, cache=store)
    assert sum(not v.cached for v in report.verdicts + report.extras) >= 1


def test_no_cache_means_nothing_is_stored(store, tmp_path):
    check(loader.load("dropout_tikhonov"), cache=False)
    assert not list(tmp_path.rglob("*.json"))


def test_clear_removes_entries(store, tmp_path):
    check(loader.load("dropout_tikhonov"), cache=store)
    assert cache_mod.clear() > 0
    assert not list(tmp_path.rglob("*.json"))


def test_verdicts_round_trip_through_json(store):
    d = loader.load("dropout_tikhonov")
    wrong = d.with_step(2, 3 * d.steps[2].expr)
    for v in check(wrong, cache=False).verdicts:
        back = verdict_from_dict(json.loads(json.dumps(v.as_dict())))
        assert back.as_dict() == v.as_dict()


def test_what_cannot_be_keyed_is_refused():
    with pytest.raises(Uncacheable):
        canon({"where": lambda x: x})

    class Opaque(sp.Function):  # a class from outside sympy and derive
        pass
    with pytest.raises(Uncacheable):
        canon(Opaque(sp.Symbol("x")))
    assert canon(sp.Symbol("p", positive=True)) != canon(sp.Symbol("p"))
    assert canon(sp.Function("f")(sp.Symbol("x")))  # an undefined function is its name


def test_cross_checks_are_reused_only_while_the_problem_file_is_unchanged(store, tmp_path):
    """A cross-check is code in the problem file: its verdict is reused while the derivation,
    the file's text and the seed are unchanged, and checked again after any edit of the file."""
    d = loader.load("dropout_tikhonov")
    copy = tmp_path / "copy.py"
    copy.write_text(Path(d.filename).read_text(encoding="utf-8"), encoding="utf-8")
    d.filename = str(copy)
    first = check(d, cache=store)
    assert first.extras and not any(v.cached for v in first.extras)
    again = check(d, cache=store)
    assert all(v.cached for v in again.extras) and [v.label for v in again.extras] == [v.label for v in first.extras]
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert not any(v.cached for v in check(d, cache=store).extras)
    assert not any(v.cached for v in check(d, cache=store, seed=7).extras)
