"""The limit checker: a table of limits under declared assumptions, valid and invalid."""
import pytest
from sympy import Sum
from conftest import verdict_of

from derive import Derivation
from derive.calculus import Lim, indexed, indices, over
from derive.verdicts import Label

i, j = indices("i j")
D0 = Derivation("lim", "Limits", "test", "Table of limit steps.")
n = D0.dims("n")
a = D0.scalars("a")
g = indexed(D0.vector("g", n))
S = Sum(g[j], (j, 1, n))
each = over((i, n))


def two_steps(before, after):
    D = Derivation("lim", "Limits", "test", "Table of limit steps.")
    D.declared = list(D0.declared)
    D.definition(before)
    D.step(after, "limit", "bounded-over-n")
    D.result(after)
    return D


VALID = [
    ("bounded sum over n", Lim(each(a * (g[i] - S / n)), n, bounded=[S]), a * g[i]),
    ("no sum at all", Lim(a + a / n, n), a),
    ("rational in n", Lim(a * (n + 1) / n, n), a),
    ("bounded sum squared over n", Lim(S ** 2 / n + g[i], n, bounded=[S]), g[i]),
    ("a sum growing like n, over n squared", Lim(g[i] + S / n ** 2, n, grows={S: n}), g[i]),
]

WRONG = [  # each must fail with a counterexample
    ("wrong value", Lim(each(a * (g[i] - S / n)), n, bounded=[S]), a * g[i] + 1),
    ("the sum grows like n", Lim(each(a * (g[i] - S / n)), n, grows={S: n}), a * g[i]),
    ("divergent", Lim(a * n, n), 0),
    ("scale dropped", Lim(each(a * (g[i] - S / n)), n, bounded=[S]), g[i]),
]

UNDECIDED = [
    ("sum left undeclared", Lim(each(a * (g[i] - S / n)), n), a * g[i]),
    ("not polynomial in the bounded sum", Lim(1 / (n * (1 + S ** 2)), n, bounded=[S]), 0),
    ("entry moving with n", Lim(g[n], n), 0),
]


@pytest.mark.parametrize("name, before, after", VALID, ids=[c[0] for c in VALID])
def test_valid_limits_are_proved(name, before, after):
    v = verdict_of(two_steps(before, after), 1)
    assert v.label is Label.PROVED, (v.label, v.detail, v.counterexample and v.counterexample.describe())


@pytest.mark.parametrize("name, before, after", WRONG, ids=[c[0] for c in WRONG])
def test_wrong_limits_fail_with_counterexample(name, before, after):
    v = verdict_of(two_steps(before, after), 1)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert v.counterexample.describe()


@pytest.mark.parametrize("name, before, after", UNDECIDED, ids=[c[0] for c in UNDECIDED])
def test_unsupported_limits_are_undecided(name, before, after):
    assert verdict_of(two_steps(before, after), 1).label is Label.UNDECIDED


def test_a_limit_step_needs_a_limit_before_it():
    assert verdict_of(two_steps(a + a / n, a), 1).label is Label.UNDECIDED


def test_the_assumption_is_named_in_the_verdict():
    v = verdict_of(two_steps(*VALID[0][1:]), 1)
    assert r"$\sum_{j=1}^{n} g_{j}$ bounded" in v.evidence()
    cx = verdict_of(two_steps(*WRONG[1][1:]), 1).counterexample
    assert "growing like $n$" in cx.note


def test_a_divergent_limit_written_as_infinity_is_proved():
    import sympy as sp
    v = verdict_of(two_steps(Lim((n**2 + 3 * n) / (2 * n + 1), n), sp.oo), 1)
    assert v.label is Label.PROVED
    v = verdict_of(two_steps(Lim(-n**2 + 1, n), -sp.oo), 1)
    assert v.label is Label.PROVED


@pytest.mark.parametrize("inner, value", [("-n**2", "oo"), ("1/n", "oo"), ("n", "-oo")])
def test_a_wrong_infinite_value_fails_with_the_true_limit(inner, value):
    import sympy as sp
    v = verdict_of(two_steps(Lim(sp.sympify(inner, locals={"n": n}), n), sp.sympify(value)), 1)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert "the limit as n" in v.counterexample.note


def test_an_infinite_value_with_bounded_quantities_is_undecided():
    import sympy as sp
    v = verdict_of(two_steps(Lim(n * S, n, bounded=[S]), sp.oo), 1)
    assert v.label is Label.UNDECIDED
