"""The gradient-at checker: exact differentiation of a pooling layer at a point."""
import pytest
import sympy as sp
from conftest import verdict_of

from derive import Derivation
from derive import grad
from derive.cnn import AvgPool, Kron, MaxPool
from derive.verdicts import Label

X0 = sp.ImmutableMatrix([[4, -1, 0, 2], [3, 7, 5, 1]])
TIED = sp.ImmutableMatrix([[4, 4, 0, 2], [3, 1, 5, 1]])
ONES = sp.ImmutableMatrix(sp.ones(2, 2))
MASK = sp.ImmutableMatrix([[0, 0, 0, 0], [0, 1, 1, 0]])


def _step(forward, point, after):
    D = Derivation("t", "t", "test", "test")
    X = D.matrix("X", 2, 4)
    X0 = D.define("X_0", point)
    dY = D.matrix("dY", 1, 2)
    D.definition(grad(forward(X), X, dY, at=X0))
    D.step(after(dY), "gradient-at", "max-pool-routing")
    D.result(after(dY))
    return verdict_of(D, 1)


VALID = [
    ("max routes to the maximum", MaxPool, lambda dY: sp.HadamardProduct(MASK, Kron(dY, ONES))),
    ("average spreads a quarter", AvgPool, lambda dY: sp.MatMul(sp.Rational(1, 4), Kron(dY, ONES))),
]

INVALID = [
    ("max routed to the minimum", MaxPool,
     lambda dY: sp.HadamardProduct(sp.ImmutableMatrix([[0, 1, 1, 0], [0, 0, 0, 0]]), Kron(dY, ONES))),
    ("max copied to the whole window", MaxPool, lambda dY: Kron(dY, ONES)),
    ("max treated as average", MaxPool, lambda dY: sp.MatMul(sp.Rational(1, 4), Kron(dY, ONES))),
    ("average without the quarter", AvgPool, lambda dY: Kron(dY, ONES)),
    ("average halved", AvgPool, lambda dY: sp.MatMul(sp.Rational(1, 2), Kron(dY, ONES))),
]


@pytest.mark.parametrize("name, forward, after", VALID, ids=[v[0] for v in VALID])
def test_pooling_gradients_are_proved(name, forward, after):
    v = _step(forward, X0, after)
    assert v.label is Label.PROVED, (v.label, v.detail)


@pytest.mark.parametrize("name, forward, after", INVALID, ids=[v[0] for v in INVALID])
def test_wrong_gradients_fail_with_values_of_dy(name, forward, after):
    v = _step(forward, X0, after)
    assert v.label is Label.FAILED
    assert "dY" in v.counterexample.values


def test_a_tied_maximum_is_undecided_not_passed():
    v = _step(MaxPool, TIED, lambda dY: sp.HadamardProduct(MASK, Kron(dY, ONES)))
    assert v.label is Label.UNDECIDED and "tied" in v.detail


def test_a_step_that_keeps_the_gradient_is_undecided():
    v = _step(MaxPool, X0, lambda dY: sp.MatMul(2, grad(MaxPool(sp.MatrixSymbol("X", 2, 4)),
                                                          sp.MatrixSymbol("X", 2, 4), dY, at=X0)))
    assert v.label is Label.UNDECIDED
