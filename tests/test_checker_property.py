"""The property checker: a table of true and false claims about the previous object."""
import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement  # unexpanded entry, 0-based
from conftest import verdict_of

from derive import Derivation, ProblemError, diag, diag_sqrt, sqnorm
from derive.claims import column, for_every, index
from derive.printing import latex
from derive.verdicts import Label

D0 = Derivation("claims", "Claims", "test", "Table of property steps.")
n, d = D0.dims("n d")
c = D0.scalars("c", "positive")
X = D0.matrix("X", n, d)
A = D0.matrix("A", d, d)
Gt = D0.define("Gammatilde", diag_sqrt(diag(X.T * X)))
j = index("j")
M = X * Gt.I / c


def claim_after(subject, claim):
    D = Derivation("claims", "Claims", "test", "Table of property steps.")
    D.declared = list(D0.declared)
    D.definition(subject)
    D.step(claim, "property", "column-norms")
    D.result(claim)
    return D


def columns_have(subject, rhs, of=None):
    of = subject if of is None else of
    return for_every(j, d, of, sqnorm(column(of, j)), rhs)


TRUE = [
    ("scaled normalised columns", M, columns_have(M, 1 / c**2)),
    ("normalised columns", X * Gt.I, columns_have(X * Gt.I, 1)),
    ("index-dependent right side", X, for_every(j, d, X, sqnorm(column(X, j)), MatrixElement(X.T * X, j - 1, j - 1))),
    ("squared column norm of a scaled matrix", c * X, for_every(j, d, c * X, sqnorm(column(c * X, j)),
                                                                c**2 * MatrixElement(X.T * X, j - 1, j - 1))),
]

FALSE = [  # each must fail with a counterexample
    ("norm c (reference convention read with ours)", M, columns_have(M, c**2)),
    ("norm, not squared norm", M, columns_have(M, 1 / c)),
    ("forgot the constant", M, columns_have(M, 1)),
    ("true for j = 1 only", X, for_every(j, d, X, sqnorm(column(X, j)), MatrixElement(X.T * X, 0, 0))),
    ("claim about another object", M, columns_have(X * Gt.I, 1 / c**2)),
    ("columns of an unnormalised matrix", X, columns_have(X, 1)),
]


def _ids(table):
    return [row[0] for row in table]


@pytest.mark.parametrize("name, subject, claim", TRUE, ids=_ids(TRUE))
def test_true_claim_is_checked_exactly_at_sizes(name, subject, claim):
    verdict = verdict_of(claim_after(subject, claim), 1)
    assert verdict.label is Label.EXACT, (verdict.detail, verdict.counterexample)
    assert any(min(s.values()) >= 2 and len(set(s.values())) > 1 for s in verdict.sizes)


@pytest.mark.parametrize("name, subject, claim", FALSE, ids=_ids(FALSE))
def test_false_claim_fails_with_counterexample(name, subject, claim):
    verdict = verdict_of(claim_after(subject, claim), 1)
    assert verdict.label is Label.FAILED
    assert verdict.counterexample is not None and verdict.counterexample.describe()


def test_counterexample_names_the_failing_index():
    claim = for_every(j, d, X, sqnorm(column(X, j)), MatrixElement(X.T * X, 0, 0))
    cx = verdict_of(claim_after(X, claim), 1).counterexample
    assert "j = 2" in cx.note


def test_a_claim_of_another_kind_is_undecided():
    D = claim_after(X, columns_have(X, sqnorm(column(X, 1))))
    D.steps[1].expr = sp.Eq(c, c + 1)
    assert verdict_of(D, 1).label is Label.UNDECIDED


@pytest.mark.parametrize("make", [
    lambda: for_every(sp.Symbol("k"), d, X, sqnorm(column(X, 1)), 1),  # index not an integer symbol
    lambda: for_every(j, d, A, sqnorm(column(X, j)), 1),  # claim does not mention its subject
], ids=["non-integer index", "subject not mentioned"])
def test_never_valid_claims_are_problem_errors(make):
    with pytest.raises(ProblemError):
        make()


def test_column_out_of_range_is_a_shape_error():
    from derive.grounding import Grounder
    from derive import ShapeMismatch
    with pytest.raises(ShapeMismatch):
        Grounder(D0, {n: 2, d: 2}).ground(column(X, 3))


def test_claim_prints_subject_column_and_range():
    text = latex(columns_have(M, 1 / c**2))
    assert r"e_{j}" in text and r"\dots, d" in text and text.startswith(r"\frac{1}{c} X")
