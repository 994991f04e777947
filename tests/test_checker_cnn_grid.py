"""The grid checker: a count defined by enumeration against a formula, at every grid point."""
import pytest
import sympy as sp
from conftest import verdict_of

from derive import Derivation, ProblemError
from derive.cnn import ConvLayer, FloorDiv, ParamCount, Plus, ReceptiveField, Times, WindowCount, conv_size
from derive.verdicts import Label

W, K, S, F, C, L = sp.symbols("W K S F C L", integer=True, positive=True)
P = sp.Symbol("P", nonnegative=True)
WIDTH = {W: range(1, 9), K: range(1, 5), P: range(0, 3), S: range(1, 4)}
LAYER = {C: range(1, 4), F: (1, 2, 4), K: range(1, 4)}
FIELD = {L: range(1, 7), K: range(1, 6)}


def _step(before, after, grid, where=None):
    D = Derivation("t", "t", "test", "test")
    D.definition(before)
    D.step(after, "grid", "count-window-positions", grid=grid, where=where)
    D.result(after)
    return verdict_of(D, 1)


VALID = [
    ("conv output width", WindowCount(W, K, P, S), conv_size(W, K, P, S), WIDTH, K <= W + 2 * P),
    ("pool output width", WindowCount(W, K, 0, S), conv_size(W, K, 0, S), WIDTH, K <= W),
    ("conv parameters", ParamCount(ConvLayer(C, F, K, bias=True)), Plus(Times(F, K, K, C), F), LAYER, None),
    ("receptive field", ReceptiveField(L, K), Plus(Times(L, Plus(K, -1)), 1), FIELD, None),
]

INVALID = [
    ("padding not doubled", WindowCount(W, K, P, S), Plus(FloorDiv(Plus(W, -K, P), S), 1), WIDTH, K <= W + 2 * P),
    ("missing + 1", WindowCount(W, K, P, S), FloorDiv(Plus(W, -K, Times(2, P)), S), WIDTH, K <= W + 2 * P),
    ("ceiling for floor", WindowCount(W, K, P, S), sp.ceiling((W - K + 2 * P) / S) + 1, WIDTH, K <= W + 2 * P),
    ("formula outside its condition", WindowCount(W, K, P, S), conv_size(W, K, P, S), WIDTH, None),
    ("biases forgotten", ParamCount(ConvLayer(C, F, K, bias=True)), Times(F, K, K, C), LAYER, None),
    ("K where K^2 belongs", ParamCount(ConvLayer(C, F, K)), Times(F, K, C), LAYER, None),
    ("receptive field L K", ReceptiveField(L, K), L * K, FIELD, None),
]


@pytest.mark.parametrize("name, before, after, grid, where", VALID, ids=[v[0] for v in VALID])
def test_valid_counts_are_checked_exactly_on_the_grid(name, before, after, grid, where):
    v = _step(before, after, grid, where)
    assert v.label is Label.EXACT, (v.label, v.detail)
    assert v.points >= 27 and v.sizes


@pytest.mark.parametrize("name, before, after, grid, where", INVALID, ids=[v[0] for v in INVALID])
def test_wrong_formulas_fail_with_the_grid_point(name, before, after, grid, where):
    v = _step(before, after, grid, where)
    assert v.label is Label.FAILED
    assert v.counterexample is not None and v.counterexample.size
    assert v.counterexample.lhs != v.counterexample.rhs


def test_a_grid_too_small_is_a_broken_problem_file():
    with pytest.raises(ProblemError):
        _step(WindowCount(W, K, P, S), conv_size(W, K, P, S), {W: (1, 2), K: range(1, 4), P: (0, 1, 2),
                                                               S: (1, 2, 3)})


def test_a_size_left_off_the_grid_is_undecided():
    v = _step(WindowCount(W, K, P, S), conv_size(W, K, P, S), {W: range(1, 9), K: range(1, 5), P: range(0, 3)})
    assert v.label is Label.UNDECIDED


def test_an_empty_grid_is_undecided():
    v = _step(WindowCount(W, K, P, S), conv_size(W, K, P, S), WIDTH, K > W + 2 * P + 100)
    assert v.label is Label.UNDECIDED
