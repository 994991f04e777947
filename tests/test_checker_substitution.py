"""The substitute checker: a table of valid and invalid substitution steps."""
from functools import partial

import pytest
import sympy as sp
from conftest import verdict_of

from derive import Derivation, ProblemError, hadamard, sqnorm
from derive.changes import change_variables, specialise
from derive.verdicts import Label

D0 = Derivation("subst", "Substitutions", "test", "Table of substitution steps.")
n, d = D0.dims("n d")
p = D0.scalars("p", "probability")
c = D0.scalars("c", "positive")
s, t = D0.scalars("s t")
X = D0.matrix("X", n, d)
y = D0.vector("y", n)
u, v, w, wt = (D0.vector(name, d) for name in ("u", "v", "w", "wtilde"))
G, A = D0.matrix("Gamma", d, d), D0.matrix("A", d, d)
Xt = D0.define("Xtilde", X * G.I)


def two_steps(before, helper, replace, after):
    """A fresh derivation: ``before``, then ``after`` by a substitution step."""
    D = Derivation("subst", "Substitutions", "test", "Table of substitution steps.")
    D.declared = list(D0.declared)
    D.definition(before)
    helper(D, replace, after)
    D.result(after)
    return D


CHANGE, SPEC = change_variables, specialise
VALID = [
    ("rescale weights", sqnorm(y - p * X * wt), CHANGE, {wt: w / p}, sqnorm(y - X * w), Label.EXACT),
    ("inverse matrix", sqnorm(G * w), CHANGE, {w: G.I * v}, sqnorm(v), Label.EXACT),
    ("inverse matrix inside a fit", sqnorm(y - X * w), CHANGE, {w: G.I * v}, sqnorm(y - X * G.I * v), Label.EXACT),
    ("scalar change", t**2 + t, CHANGE, {t: 2 * s}, 4 * s**2 + 2 * s, Label.PROVED),
    ("specialise a matrix", X * G.I, SPEC, {G: c * A}, X * A.I / c, Label.EXACT),
    ("specialise to a singular value is fine", sqnorm(A * w), SPEC, {A: sp.ZeroMatrix(d, d)},
     sp.ZeroMatrix(1, 1), Label.EXACT),
]

WRONG = [  # each must fail with a counterexample
    ("w = w~/p instead of p w~", sqnorm(y - p * X * wt), CHANGE, {wt: p * w}, sqnorm(y - X * w)),
    ("lost 1/p inside the penalty", p * sqnorm(A * wt), CHANGE, {wt: w / p}, p * sqnorm(A * w)),
    ("transposed inverse", sqnorm(y - X * w), CHANGE, {w: G.I * v}, sqnorm(y - X * G.T.I * v)),
    ("lambda = p", sqnorm(y - X * w) + sqnorm(G * w), CHANGE, {w: G.I * v}, sqnorm(y - Xt * v) + p * sqnorm(v)),
    ("substituted G v for G^-1 v", sqnorm(G * w), CHANGE, {w: G * v}, sqnorm(v)),
    ("specialise with the wrong power", X * G.I, SPEC, {G: c * A}, c * X * A.I),
    ("singular change of variables", sqnorm(w), partial(CHANGE, variable=v), {w: u * u.T * v},
     sqnorm(u * u.T * v)),
]

STRUCTURAL = [  # fail for what the step is, not at a point
    ("old variable absent", sqnorm(y - X * w), CHANGE, {wt: w / p}, sqnorm(y - X * w / p)),
    ("old variable left over", sqnorm(y - X * w) + sqnorm(wt), CHANGE, {wt: v / p}, sqnorm(y - X * w) + sqnorm(wt)),
    ("no fresh variable", sqnorm(wt) + sqnorm(w), CHANGE, {wt: w / p}, (1 + 1 / p**2) * sqnorm(w)),
    ("named variable is not fresh", sqnorm(wt) + sqnorm(w), partial(CHANGE, variable=w), {wt: w / p},
     (1 + 1 / p**2) * sqnorm(w)),
]

UNDECIDED = [
    ("non-linear change", sqnorm(w), CHANGE, {w: hadamard(v, v)}, sqnorm(hadamard(v, v))),
    ("hidden in a named definition", sqnorm(y - Xt * v) + sqnorm(G * v), SPEC, {G: c * A},
     sqnorm(y - Xt * v) + c**2 * sqnorm(A * v)),
]


def _ids(table):
    return [row[0] for row in table]


@pytest.mark.parametrize("name, before, helper, replace, after, label", VALID, ids=_ids(VALID))
def test_valid_substitution_verifies(name, before, helper, replace, after, label):
    verdict = verdict_of(two_steps(before, helper, replace, after), 1)
    # a label may come out stronger than the table's (a proof at general size), never weaker
    assert verdict.label.strength <= label.strength and verdict.ok, (verdict.detail, verdict.counterexample)
    if helper is CHANGE:
        assert "non-singular" in verdict.detail


@pytest.mark.parametrize("name, before, helper, replace, after", WRONG, ids=_ids(WRONG))
def test_wrong_substitution_fails_with_counterexample(name, before, helper, replace, after):
    verdict = verdict_of(two_steps(before, helper, replace, after), 1)
    assert verdict.label is Label.FAILED
    assert verdict.counterexample is not None and verdict.counterexample.describe()


@pytest.mark.parametrize("name, before, helper, replace, after", STRUCTURAL, ids=_ids(STRUCTURAL))
def test_malformed_substitution_fails(name, before, helper, replace, after):
    verdict = verdict_of(two_steps(before, helper, replace, after), 1)
    assert verdict.label is Label.FAILED and verdict.detail


@pytest.mark.parametrize("name, before, helper, replace, after", UNDECIDED, ids=_ids(UNDECIDED))
def test_unsupported_substitution_is_undecided(name, before, helper, replace, after):
    assert verdict_of(two_steps(before, helper, replace, after), 1).label is Label.UNDECIDED


@pytest.mark.parametrize("replace", [{X * w: y}, {w: y}, {}, [(w, v)]],
                         ids=["not a symbol", "shape mismatch", "empty", "not a dict"])
def test_never_valid_substitution_is_a_problem_error(replace):
    with pytest.raises(ProblemError):
        two_steps(sqnorm(w), CHANGE, replace, sqnorm(v))


def test_ambiguous_new_variable_must_be_named():
    D = two_steps(sqnorm(w), CHANGE, {w: u * u.T * v}, sqnorm(u * u.T * v))
    with pytest.raises(ProblemError, match="variable="):
        verdict_of(D, 1)


def test_substitution_is_printed_in_the_justification():
    D = two_steps(sqnorm(y - p * X * wt), CHANGE, {wt: w / p}, sqnorm(y - X * w))
    assert D.steps[1].why.startswith(r"put $\tilde{w} = \frac{1}{p} w$")
