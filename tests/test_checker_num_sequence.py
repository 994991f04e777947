"""The `sequence` relation: a table of true and false equalities of sequences of n ∈ Z.

False ones fail with a counterexample naming n; what the engine cannot decide is undecided."""
import pytest
import sympy as sp

from conftest import verdict_of
from derive import Derivation
from derive.fir import UnitStep, cases, power, product, signal, ssum, time_index
from derive.verdicts import Label

n = sp.Symbol("n", integer=True)
k = sp.Symbol("k", integer=True)
j = sp.Symbol("j", integer=True)
oo = sp.oo
HALF = sp.Rational(1, 2)


def derivation(prev, step):
    D = Derivation(name="t", title="t", source="", statement="")
    index = time_index(D)
    assert index == n
    pulse = signal(D, "x", n, cases(n, (0, 2, 1)))
    prev, step = (e(pulse) if callable(e) else e for e in (prev, step))
    D.definition(prev)
    D.step(step, "sequence", "simplify-constants")
    D.result(step)
    return D


VALID = [
    ("unit steps multiply to the later one", UnitStep(n) * UnitStep(n - 3), UnitStep(n - 3)),
    ("counting terms", ssum(1, k, 0, n), cases(n, (-oo, -2, ssum(1, k, 0, n)), (0, oo, n + 1))),
    ("an empty sum is 0, not sympy's negative count", ssum(1, k, 0, n - 1), cases(n, (1, oo, n))),
    ("infinite sum of two steps", ssum(product(UnitStep(k), UnitStep(n - k)), k), (n + 1) * UnitStep(n)),
    ("geometric series", ssum(2 ** k, k, 0, n), cases(n, (0, oo, 2 ** (n + 1) - 1))),
    ("decaying tail", ssum(product(power(HALF, n - k), UnitStep(n - k)), k, 0, 2),
     cases(n, (0, 0, 1), (1, 1, sp.Rational(3, 2)), (2, oo, power(HALF, n - 2) * sp.Rational(7, 4)))),
    ("a sum inside a sum", ssum(product(ssum(1, j, 0, 2), UnitStep(n - k)), k, 0, 3),
     cases(n, (0, 3, 3 * (n + 1)), (4, oo, 12))),
    ("a declared signal, shifted", lambda x: x(n - 4), cases(n, (4, 6, 1))),
    ("a signal convolved with a step is a running count",
     lambda x: ssum(product(x(k), UnitStep(n - k)), k), cases(n, (0, 2, n + 1), (3, oo, 3))),
]

INVALID = [
    ("step one too early", UnitStep(n), UnitStep(n - 1), "0"),
    ("one term too few", ssum(1, k, 0, n), cases(n, (0, oo, n)), "0"),
    ("geometric series without the -1", ssum(2 ** k, k, 0, n), cases(n, (0, oo, 2 ** (n + 1))), "0"),
    ("agrees on 0 and 1 only", cases(n, (0, oo, power(HALF, n))), cases(n, (0, oo, 1 / (n + 1))), "2"),
    ("differs far from the origin", cases(n, (1000, 1000, 1)), sp.S.Zero, "1000"),
    ("signal shifted the wrong way", lambda x: x(n + 4), cases(n, (4, 6, 1)), None),
    ("negative side forgotten", ssum(product(UnitStep(k), UnitStep(n - k)), k), n + 1, None),
    ("inner sum one term short", ssum(product(ssum(1, j, 0, 1), UnitStep(n - k)), k, 0, 3),
     cases(n, (0, 3, 3 * (n + 1)), (4, oo, 12)), "0"),
]

UNDECIDED = [
    ("a limit with coefficient 2", ssum(UnitStep(2 * k - n), k, 0, 5), 3 * UnitStep(n)),
    ("a condition that is not linear", UnitStep(n ** 2 - 4), UnitStep(n - 2) + UnitStep(-n - 2)),
]


@pytest.mark.parametrize("name, prev, step", VALID, ids=[c[0] for c in VALID])
def test_true_equalities_are_proved(name, prev, step):
    v = verdict_of(derivation(prev, step), 1)
    assert v.label is Label.PROVED, (v.label, v.detail, v.counterexample)


@pytest.mark.parametrize("name, prev, step, at", INVALID, ids=[c[0] for c in INVALID])
def test_false_equalities_fail_with_a_counterexample(name, prev, step, at):
    v = verdict_of(derivation(prev, step), 1)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert "n" in v.counterexample.values and v.counterexample.lhs != v.counterexample.rhs
    if at is not None:
        assert v.counterexample.values["n"] == at


@pytest.mark.parametrize("name, prev, step", UNDECIDED, ids=[c[0] for c in UNDECIDED])
def test_unsupported_forms_are_undecided_never_passed(name, prev, step):
    v = verdict_of(derivation(prev, step), 1)
    assert v.label is Label.UNDECIDED


def test_a_signal_depending_on_another_symbol_is_refused():
    from derive.errors import ProblemError
    D = Derivation(name="t", title="t", source="", statement="")
    time_index(D)
    with pytest.raises(ProblemError):
        signal(D, "x", n, UnitStep(n - sp.Symbol("a")))
