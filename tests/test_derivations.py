"""Every step of every derivation in problems/ verifies; every chain is whole."""
import pytest

from conftest import all_step_params, load, verdict_of
from derive import loader
from derive.checking import check


@pytest.mark.parametrize("name, index", all_step_params())
def test_step_verifies(name, index):
    verdict = verdict_of(load(name), index)
    assert verdict.ok, f"{name} step {index}: {verdict.label.value} {verdict.detail} " \
                       f"{verdict.counterexample.describe() if verdict.counterexample else ''}"


@pytest.mark.parametrize("name", loader.derivation_names())
def test_derivation_verifies_with_crosschecks(name):
    report = check(load(name))
    assert not report.findings
    assert report.ok, [(v.index, v.label.value, v.detail) for v in report.verdicts + report.extras if not v.ok]
