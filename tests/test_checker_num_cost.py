"""The `cost` relation: a table of true and false cost equalities, priced from the written order."""
import pytest
import sympy as sp

from conftest import verdict_of
from derive import Derivation
from derive.costs import Cost, Flops, grouped, ordered
from derive.verdicts import Label

D0 = Derivation(name="t", title="t", source="", statement="")
n, m, p, q = D0.dims("n m p q")
c = D0.scalars("c", "positive")
A, B, C = D0.matrix("A", n, m), D0.matrix("B", m, p), D0.matrix("C", p, q)
S = D0.matrix("S", n, n)


def derivation(prev, step):
    D = Derivation(name="t", title="t", source="", statement="")
    D.declared = list(D0.declared)
    D.definition(prev)
    D.step(step, "cost", "cost-of-product")
    D.result(step)
    return D


VALID = [
    ("one product", Cost(A * B, c), c * n * m * p),
    ("left to right", Cost(A * B * C, c), c * n * m * p + c * n * p * q),
    ("brackets change the order", Cost(ordered(A, grouped(B * C)), c), c * m * p * q + c * n * m * q),
    ("transposes are free", Cost(B.T * A.T, c), Flops(c, p, m, n)),
    ("sums and scalings are free", Cost(3 * S + sp.Rational(1, 2) * S * S, c), c * n**3),
    ("a power is repeated products", Cost(S**3, c), 2 * c * n**3),
    ("one cost split in two", Cost(A * B * C, c), Cost(A * B, c) + Flops(c, n, p, q)),
]

INVALID = [
    ("inner dimension dropped", Cost(A * B, c), c * n * p),
    ("the other order's cost", Cost(A * B * C, c), c * m * p * q + c * n * m * q),
    ("a transpose charged", Cost(A.T * A, c), c * m * n * m + c * n * m),
    ("a square product counted twice", Cost(S * S, c), 2 * c * n**3),
    ("a cube as one product", Cost(S**3, c), c * n**3),
]


@pytest.mark.parametrize("name, prev, step", VALID, ids=[v[0] for v in VALID])
def test_true_costs_are_proved(name, prev, step):
    if prev == step:
        pytest.skip("identical")
    v = verdict_of(derivation(prev, step), 1)
    assert v.label is Label.PROVED, (v.label, v.detail)


@pytest.mark.parametrize("name, prev, step", INVALID, ids=[v[0] for v in INVALID])
def test_false_costs_fail_at_concrete_sizes(name, prev, step):
    v = verdict_of(derivation(prev, step), 1)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert v.counterexample.size and v.counterexample.lhs != v.counterexample.rhs


def test_a_step_without_any_cost_is_undecided():
    v = verdict_of(derivation(c * n, c * (n + 1) - c), 1)
    assert v.label is Label.UNDECIDED


def test_an_unpriced_operation_is_undecided():
    v = verdict_of(derivation(Cost(S.I, c), c * n**3), 1)
    assert v.label is Label.UNDECIDED
