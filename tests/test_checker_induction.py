"""The induction checker: a closed form against a recurrence's first value and step."""
import pytest
import sympy as sp
from conftest import verdict_of

from derive import Derivation
from derive.cnn import Plus, Times
from derive.recurrence import Recurrence
from derive.verdicts import Label

L, K = sp.symbols("L K", integer=True, positive=True)
r, l = sp.Symbol("r"), sp.Symbol("l", integer=True, positive=True)
WINDOW = Recurrence("r", L, 1, K, Plus(r, K, -1), r, l)
DOUBLING = Recurrence("r", L, 1, 1, 2 * r, r, l)
SQUARES = Recurrence("r", L, 1, 1, r + 2 * l + 1, r, l)


def _step(before, after):
    D = Derivation("t", "t", "test", "test")
    D.definition(before)
    D.step(after, "induction", "closed-form-by-induction")
    D.result(after)
    return verdict_of(D, 1)


VALID = [
    ("receptive field", WINDOW, Plus(Times(L, Plus(K, -1)), 1)),
    ("same, expanded", WINDOW, L * K - L + 1),
    ("powers of two", DOUBLING, 2 ** (L - 1)),
    ("squares", SQUARES, L ** 2),
]

INVALID = [
    ("L K", WINDOW, L * K, "step"),
    ("L (K - 1)", WINDOW, L * (K - 1), "first"),
    ("L (K - 1) + 2", WINDOW, L * (K - 1) + 2, "first"),
    ("2^L", DOUBLING, 2 ** L, "first"),
    ("L^2 + L - 1", SQUARES, L ** 2 + L - 1, "step"),
]


@pytest.mark.parametrize("name, before, after", VALID, ids=[v[0] for v in VALID])
def test_closed_forms_are_proved(name, before, after):
    assert _step(before, after).label is Label.PROVED


@pytest.mark.parametrize("name, before, after, which", INVALID, ids=[v[0] for v in INVALID])
def test_wrong_closed_forms_fail_with_the_first_term_that_differs(name, before, after, which):
    v = _step(before, after)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert which in v.method
    assert v.counterexample.lhs != v.counterexample.rhs


def test_without_a_recurrence_the_step_is_undecided():
    assert _step(L * K, L * (K - 1) + 1).label is Label.UNDECIDED
