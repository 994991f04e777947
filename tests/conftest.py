"""Shared test helpers: loading problems, checking steps, asserting rejections."""
import shutil

import pytest

from derive import loader
from derive.checking import check, check_step
from derive.comparison import Context
from derive.verdicts import Label

HAS_TEX = bool(shutil.which("latexmk") and shutil.which("pdflatex"))


def load(name):
    return loader.load(name)


def step_ids(name):
    d = load(name)
    return [(name, i) for i in range(1, len(d.steps)) if d.steps[i].relation != "definition"]


def all_step_params():
    return [pytest.param(n, i, id=f"{n}-{i}") for n in loader.derivation_names() for n, i in step_ids(n)]


def verdict_of(derivation, index):
    """The verdict of one step of a derivation (checked alone, against its predecessor)."""
    ctx = Context(derivation)
    return check_step(derivation.steps[index - 1], derivation.steps[index], ctx)


def assert_rejected(derivation, index, expr):
    """Replacing step ``index`` by ``expr`` must fail that step with a readable counterexample."""
    mutant = derivation.with_step(index, expr)
    verdicts = [verdict_of(mutant, i) for i in (index, index + 1)
                if i < len(mutant.steps) and mutant.steps[i].relation != "definition"]
    failed = [v for v in verdicts if v.label is Label.FAILED]
    assert failed, f"mutant of step {index} was not rejected: {[v.label for v in verdicts]}"
    assert all(v.counterexample is not None for v in failed), "rejected without a counterexample"
    assert failed[0].counterexample.describe()
    return failed[0]


__all__ = ["HAS_TEX", "load", "all_step_params", "verdict_of", "assert_rejected", "check"]


@pytest.fixture(autouse=True)
def _own_verdict_cache(tmp_path, monkeypatch):
    """Each test gets an empty verdict cache of its own (never the user's ~/.cache/derive)."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "derive-cache"))
