"""The evaluate checker: expressions at a value, (…)|_{n=1}, against their stated values."""
import pytest
import sympy as sp
from sympy import Add, Sum
from conftest import verdict_of

from derive import Derivation, ProblemError
from derive.calculus import At, formula, forward, indexed, indices, loss, over, partial
from derive.verdicts import Label

i, j, k = indices("i j k")
D0 = Derivation("ev", "Evaluations", "test", "Table of evaluation steps.")
n = D0.dims("n")
a = D0.scalars("a")
x, g = indexed(D0.vector("x", n)), indexed(D0.vector("g", n))
y = forward(D0, "y", a * (x[j] - Sum(x[k], (k, 1, n)) / n), [(j, n)])
L = loss(D0, "L", {y: g})
each = over((i, n))
S = Sum(g[j], (j, 1, n))


def two_steps(before, after):
    D = Derivation("ev", "Evaluations", "test", "Table of evaluation steps.")
    D.declared = list(D0.declared)
    D.definition(before)
    D.step(after, "evaluate", "evaluate-at")
    D.result(after)
    return D


VALID = [
    ("gradient of a batch of one", At(each(partial(L.of(y), x[i])), {n: 1}), 0),
    ("formula at n = 1", At(each(a * (g[i] - S / n)), {n: 1}), formula(a * Add(g[1], -g[1], evaluate=False))),
    ("a sum at n = 2", At(S, {n: 2}), g[1] + g[2]),
    ("gradient at n = 2", At(each(partial(L.of(y), x[i])), {n: 2}), each(a * (g[i] - (g[1] + g[2]) / 2))),
    ("a scalar set to a value", At(a * g[1] + a, {a: 2}), 2 * g[1] + 2),
]

WRONG = [  # each must fail with a counterexample
    ("value at n = 1 taken as a g_1", At(each(partial(L.of(y), x[i])), {n: 1}), a * g[1]),
    ("a sum at n = 2 missing a term", At(S, {n: 2}), g[1]),
    ("gradient at n = 2 with 1/n^2", At(each(partial(L.of(y), x[i])), {n: 2}), each(a * (g[i] - (g[1] + g[2]) / 4))),
    ("a scalar set to the wrong value", At(a * g[1], {a: 2}), 3 * g[1]),
]


@pytest.mark.parametrize("name, before, after", VALID, ids=[c[0] for c in VALID])
def test_valid_evaluations_verify_at_the_value(name, before, after):
    v = verdict_of(two_steps(before, after), 1)
    assert v.label is Label.EXACT, (v.label, v.detail, v.counterexample and v.counterexample.describe())
    values = before.values
    assert all(s[k] == values[k] for s in v.sizes for k in values if k in s)


@pytest.mark.parametrize("name, before, after", WRONG, ids=[c[0] for c in WRONG])
def test_wrong_evaluations_fail_with_counterexample(name, before, after):
    v = verdict_of(two_steps(before, after), 1)
    assert v.label is Label.FAILED and v.counterexample is not None
    assert v.counterexample.describe()


def test_the_size_reported_is_the_value():
    v = verdict_of(two_steps(*VALID[0][1:]), 1)
    assert [{str(k): s for k, s in size.items()} for size in v.sizes] == [{"n": 1}]


def test_an_evaluation_needs_a_value_before_it():
    assert verdict_of(two_steps(a * g[1], a * g[1] + 0 * a + 1), 1).label is Label.UNDECIDED


def test_a_dimension_must_be_set_to_a_positive_integer():
    with pytest.raises(ProblemError):
        verdict_of(two_steps(At(S, {n: 0}), 0), 1)


def test_relu_moments_of_a_symmetric_variable():
    from derive.randomness import Normal, Symmetric, ZeroMean, expect
    from derive.errors import Unsupported
    z, w = sp.symbols("z w", real=True)
    q = sp.Symbol("q", positive=True)
    assert expect(sp.Max(z, 0) ** 2, {z: Symmetric(q)}) == q / 2
    assert expect(sp.Max(z, 0) ** 2, {z: Normal(0, q)}) == q / 2
    assert expect(w * sp.Max(z, 0), {z: Symmetric(q), w: ZeroMean(1)}) == 0  # a mean-0 factor decides
    for expr, laws in [(sp.Max(z, 0), {z: Symmetric(q)}),  # E[relu(z)] is not fixed by symmetry
                       (sp.Max(z, 0) ** 2, {z: ZeroMean(q)}),  # not declared symmetric
                       (z * sp.Max(z, 0), {z: Symmetric(q)}),  # not independent
                       (w * sp.Max(z, 0) ** 3, {z: Symmetric(q), w: ZeroMean(1)})]:  # may be infinite
        with pytest.raises(Unsupported):
            expect(expr, laws)
