"""Declared constraints are respected by grounding, random points and counterexamples: a step
that needs the constraint passes with it and fails without it."""
import sympy as sp

from conftest import verdict_of
from derive import Derivation, indexed, indices, orthonormal_columns, over, sums_to_one
from derive.grounding import Grounder
from derive.verdicts import Label


def _targets(constrained):
    D = Derivation("c", "c", "test", "test")
    n = D.dims("n")
    i, k = indices("i k")
    y = indexed(sums_to_one(D, "y", n) if constrained else D.vector("y", n))
    q = indexed(D.vector("q", n))
    D.definition(over((i, n))(q[i] * sp.Sum(y[k], (k, 1, n)) - y[i]))
    D.eq(over((i, n))(q[i] - y[i]), "algebra")
    return D, n


def test_a_step_that_needs_the_sum_to_be_one_passes_with_the_constraint():
    D, _ = _targets(True)
    assert verdict_of(D, 1).label is Label.EXACT


def test_the_same_step_fails_without_it():
    D, _ = _targets(False)
    v = verdict_of(D, 1)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_entries_that_sum_to_one_at_every_size():
    D, n = _targets(True)
    y = next(d.obj for d in D.declared if getattr(d.obj, "name", "") == "y")
    for size in (2, 3, 5):
        g = Grounder(D, {n: size})
        value = g.ground(y)
        assert sp.simplify(sum(value) - 1) == 0
        assert y.witness_violation(value, g) is None
        assert y.witness_violation(2 * value, g) is not None


def test_orthonormal_columns_are_orthonormal_when_grounded():
    D = Derivation("c", "c", "test", "test")
    n, r = D.dims("n r")
    U = orthonormal_columns(D, "U", n, r)
    g = Grounder(D, {n: 3, r: 2})
    value = g.ground(U)
    assert (value.T * value).applyfunc(sp.cancel) == sp.eye(2)
