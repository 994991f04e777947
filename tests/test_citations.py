"""Citing an earlier part's result (``using=part.where({...})``): the step gets the cited steps'
label only when the cited steps verified and the citation, applied by the engine, gives the step;
a wrong step is still rejected with a counterexample of its own; bad citations are refused."""
import dataclasses

import pytest

from conftest import assert_rejected, load
from derive import Derivation, orthonormal_columns, relu, roll
from derive.cache import VerdictCache
from derive.checking import check
from derive.errors import ProblemError
from derive.verdicts import Label


def two_parts(wrong_lemma=False):
    """(1) relu(roll(A) + B) = relu(B + roll(A)) for arbitrary A, B (a sum commutes); (2) uses it with A ↦ C, B ↦ E."""
    D = Derivation("cite", "Citing a part", "test", "A test of citations.")
    n, m, a, b = D.dims("n m a b")
    A, B, C, E = (D.matrix(x, n, m) for x in "ABCE")
    F = D.matrix("F", m, n)
    D.definition(relu(roll(A, a, b)), title="(1) ReLU commutes with a shift")
    D.eq(roll(relu(A), a, b) if not wrong_lemma else roll(relu(A), b, a), "entrywise-commutes-with-shift")
    lemma = D.result(roll(relu(A), a, b) if not wrong_lemma else roll(relu(A), b, a))
    D.definition(F * relu(roll(C, a, b)), title="(2) A product")
    D.eq(F * roll(relu(C), a, b), "entrywise-commutes-with-shift", "by (1)", using=lemma.where({A: C}))
    D.result(F * roll(relu(C), a, b))
    return D, lemma, (A, B, C, E, F, a, b)


def test_a_citing_step_gets_the_cited_label():
    D, _, _ = two_parts()
    report = check(D, cache=False)
    assert report.ok
    cited, citing = report.verdicts
    assert citing.label is cited.label and citing.sizes == cited.sizes
    assert "the result of (1) with $A \\mapsto C$" in citing.method
    assert "gives this step exactly" in citing.method


def test_a_wrong_citing_step_is_rejected_with_its_own_counterexample():
    D, _, (A, B, C, E, F, a, b) = two_parts()
    v = assert_rejected(D, 3, F * roll(relu(E), a, b))
    assert "the result of" not in v.method  # the direct check of the step, not of the citation


def test_a_cited_part_that_fails_is_not_used():
    D, _, _ = two_parts(wrong_lemma=True)
    report = check(D, cache=False)
    cited, citing = report.verdicts
    assert cited.label is Label.FAILED and not report.ok
    # the citing step is true on its own: checked directly, saying why
    assert citing.ok and "checked on its own" in citing.detail


def test_a_citation_whose_sides_do_not_occur_is_checked_directly():
    D, lemma, (A, B, C, E, F, a, b) = two_parts()
    D.definition(F * (C + E), title="(3) u")
    D.eq(F * C + F * E, "distribute", using=lemma.where({A: C}))
    D.result(F * C + F * E)
    citing = check(D, cache=False).verdicts[-1]
    assert citing.ok and "neither side of (1) occurs" in citing.detail


@pytest.mark.parametrize("bad", ["dimension", "definition", "constrained", "shape", "current part",
                                 "not a part", "bound", "inequality step"])
def test_bad_citations_are_refused(bad):
    D = Derivation("cite", "Citing a part", "test", "s")
    n, m = D.dims("n m")
    A, B = D.matrix("A", n, m), D.matrix("B", m, n)
    Q = orthonormal_columns(D, "Q", n, m)
    S = D.define("S", A + A, "twice A")
    D.definition(relu(A + A), title="(1) t")
    D.eq(relu(2 * A), "algebra")
    lemma = D.result(relu(2 * A))
    D.definition(Q.T * Q, title="(2) u")
    instance = {"dimension": {n: m}, "definition": {S: A}, "constrained": {Q: A}, "shape": {A: B}}
    with pytest.raises(ProblemError):
        if bad in instance:
            D.eq(Q.T * Q + 0 * A.T * A, "algebra", using=lemma.where(instance[bad]))
        elif bad == "current part":
            D.eq(Q.T * Q + 0 * A.T * A, "algebra", using=D.parts[-1])
        elif bad == "not a part":
            D.eq(Q.T * Q + 0 * A.T * A, "algebra", using=A)
        elif bad == "inequality step":
            D.step(Q.T * Q + 0 * A.T * A, "<=", "algebra", using=lemma)
        else:
            D2 = Derivation("cite", "c", "t", "s")
            k = D2.dims("k")
            x = D2.scalars("x", "positive")
            D2.definition(x + 1, title="(1) bound")
            D2.step(x + 2, "<=", "triangle-inequality")
            lemma2 = D2.result(x + 2)
            D2.definition(x + 1 + k, title="(2) v")
            D2.eq(x + k + 1 + 0, "algebra", using=lemma2)


def test_citing_steps_in_translation_invariance_are_exact_and_cheap():
    d = load("translation_invariance")
    report = check(d, cache=False)
    citing = [v for v, s in zip(report.verdicts, [s for s in d.steps if s.relation != "definition"])
              if s.options.get("using")]
    assert len(citing) == 8 and all(v.label is Label.EXACT and "the result of" in v.method for v in citing)
    assert all(v.seconds < 0.5 for v in citing)


def test_a_citing_step_is_never_reused_from_the_cache():
    D, _, _ = two_parts()
    store = VerdictCache()
    first = check(D, cache=store)
    again = check(D, cache=store)
    assert [v.label for v in first.verdicts] == [v.label for v in again.verdicts]
    assert again.verdicts[0].cached and not again.verdicts[1].cached
    # the cited step changed: its new (failed) verdict is what the citing step sees
    wrong, _, _ = two_parts(wrong_lemma=True)
    report = check(wrong, cache=store)
    assert report.verdicts[0].label is Label.FAILED and "checked on its own" in report.verdicts[1].detail


def test_cited_steps_checked_at_different_sizes_are_not_combined():
    """The step holds wherever every cited step holds: with evidence at different sizes there is
    no size where all of it applies, so the step is checked on its own."""
    from derive.checking import check_step
    from derive.comparison import Context
    D = Derivation("cite", "Citing two parts", "test", "s")
    n, m, a, b = D.dims("n m a b")
    A, B, F = D.matrix("A", n, m), D.matrix("B", n, m), D.matrix("F", m, n)
    lemmas = []
    for X in (A, B):
        D.definition(relu(roll(X, a, b)), title=f"({len(lemmas) + 1}) t")
        D.eq(roll(relu(X), a, b), "entrywise-commutes-with-shift")
        lemmas.append(D.result(roll(relu(X), a, b)))
    D.definition(F * relu(roll(A, a, b)) + F * relu(roll(B, a, b)), title="(3) u")
    D.eq(F * roll(relu(A), a, b) + F * roll(relu(B), a, b), "entrywise-commutes-with-shift", using=lemmas)
    D.result(F * roll(relu(A), a, b) + F * roll(relu(B), a, b))
    ctx = Context(D)
    together = check_step(D.steps[4], D.steps[5], ctx)
    assert together.label is Label.EXACT and "the result of (1); (2)" in together.method
    ctx = Context(D)
    first = check_step(D.steps[0], D.steps[1], ctx)
    ctx.verdicts[1] = first
    ctx.verdicts[3] = dataclasses.replace(first, sizes=first.sizes[:1])  # as if (2) were checked at fewer sizes
    alone = check_step(D.steps[4], D.steps[5], ctx)
    assert alone.ok and "different sizes" in alone.detail and "the result of" not in alone.method
