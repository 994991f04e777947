"""The bound checker and the lemma catalogue: tables of valid and invalid bound steps."""
import numpy as np
import pytest
import sympy as sp
from sympy import OneMatrix, sqrt

from conftest import verdict_of
from derive import Derivation
from derive.lemmas import LEMMAS
from derive import nonzero_vector, unit_rms_vector
from derive.norms import SpectralNormValue, fro, norm, rms, sign, spectral_norm
from derive.verdicts import Label


def _setup():
    D = Derivation("bound_table", "t", "tests", "a bound step")
    m, n = D.dims("m n")
    k = D.scalars("k", "positive")
    A, B = D.matrix("A", m, n), D.matrix("B", m, n)
    v, w = D.vector("v", n), D.vector("w", n)
    x = unit_rms_vector(D, "x", n)
    a, b = nonzero_vector(D, "a", m), nonzero_vector(D, "b", n)
    return D, dict(m=m, n=n, k=k, A=A, B=B, v=v, w=w, x=x, a=a, b=b)


def _verdict(build):
    D, q = _setup()
    prev, step, rule, options = build(**q)
    D.definition(prev, lhs="")
    D.step(step, "<=", rule, **options)
    D.result(step)
    return verdict_of(D, 1)


def _first_unit(size):
    n = size["n"]
    return sp.Matrix([sqrt(n)] + [0] * (n - 1))


VALID = {
    "submultiplicativity": (lambda A, v, **_: (norm(A * v), norm(A) * norm(v), "submultiplicativity", {}),
                            Label.PROVED),
    "inside a positive multiple": (lambda A, x, m, n, **_: (norm(A * x) / sqrt(m * n), norm(A) * norm(x) / sqrt(m * n),
                                                           "submultiplicativity", {}), Label.PROVED),
    "scalar factor inside the norm": (lambda k, A, v, **_: (norm(k * A * v), k * norm(A) * norm(v),
                                                            "submultiplicativity", {}), Label.PROVED),
    "triangle inequality": (lambda A, B, **_: (norm(A + B), norm(A) + norm(B), "triangle-inequality", {}),
                            Label.PROVED),
    "cauchy-schwarz": (lambda v, w, **_: (norm(v.T * w), norm(v) * norm(w), "cauchy-schwarz", {}), Label.PROVED),
    "spectral below frobenius": (lambda A, **_: (norm(A), fro(A), "spectral-le-frobenius", {}), Label.PROVED),
    "equal after rewriting": (lambda A, v, **_: (norm(A * v), norm(A) * norm(v.T), "submultiplicativity", {}),
                              Label.EXACT),
    "attained at a witness": (lambda A, x, m, n, **_: (norm(A * x), norm(A) * norm(x), "submultiplicativity",
                                                       {"witness": {A: OneMatrix(m, n), x: OneMatrix(n, 1)}}),
                              Label.EXACT),
    "attained along a symbolic direction": (lambda a, b, **_: (norm(sign(b) * sign(a).T * a), norm(sign(b) * sign(a).T) * norm(a),
                                                               "submultiplicativity", {"witness": {a: sign(a)}}),
                                            Label.EXACT),
}

INVALID = {
    "reversed": lambda A, v, **_: (norm(A) * norm(v), norm(A * v), "submultiplicativity", {}),
    "bound too small": lambda A, v, **_: (norm(A * v), norm(A) * norm(v) / 4, "submultiplicativity", {}),
    "frobenius below spectral": lambda A, **_: (fro(A), norm(A), "spectral-le-frobenius", {}),
    "decreasing context": lambda A, v, **_: (-norm(A * v), -norm(A) * norm(v), "submultiplicativity", {}),
    "witness not attaining": lambda A, x, m, n, **_: (norm(A * x), norm(A) * norm(x), "submultiplicativity",
                                                      {"witness": {A: OneMatrix(m, n), x: _first_unit}}),
    "witness outside the constraint": lambda A, x, m, n, **_: (norm(A * x), norm(A) * norm(x), "submultiplicativity",
                                                               {"witness": {A: OneMatrix(m, n), x: 2 * OneMatrix(n, 1)}}),
    "valid but not tight": lambda A, x, m, n, **_: (norm(A * x), 2 * norm(A) * norm(x), "submultiplicativity",
                                                    {"witness": {A: OneMatrix(m, n), x: OneMatrix(n, 1)}}),
}

UNDECIDED = {
    "true, but not by the cited lemma": lambda A, v, **_: (norm(A * v), fro(A) * norm(v), "submultiplicativity", {}),
    "nothing for the lemma to act on": lambda k, **_: (k, 2 * k, "triangle-inequality", {}),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_bounds_verify(name):
    build, label = VALID[name]
    verdict = _verdict(build)
    assert verdict.label is label, (verdict.label, verdict.detail, verdict.counterexample)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_bounds_fail_with_a_counterexample(name):
    verdict = _verdict(INVALID[name])
    assert verdict.label is Label.FAILED, (verdict.label, verdict.detail)
    assert verdict.counterexample is not None and verdict.counterexample.describe()


@pytest.mark.parametrize("name", UNDECIDED)
def test_bounds_the_lemma_does_not_give_are_undecided(name):
    verdict = _verdict(UNDECIDED[name])
    assert verdict.label is Label.UNDECIDED and not verdict.ok


def test_a_violated_bound_shows_the_larger_previous_side():
    cx = _verdict(INVALID["reversed"]).counterexample
    assert float(sp.sympify(cx.lhs)) > float(sp.sympify(cx.rhs))
    assert "A" in cx.values


@pytest.mark.parametrize("name", sorted(LEMMAS))
def test_every_lemma_holds_on_random_instances(name):
    lemma, rng = LEMMAS[name], np.random.default_rng(7)
    for _ in range(200):
        lhs, rhs = lemma.sample(rng)
        if lemma.relation == "<=":
            assert lhs <= rhs + 1e-9 * max(1.0, abs(rhs)), (lhs, rhs)
        else:
            assert abs(lhs - rhs) <= 1e-6 * max(1.0, abs(rhs)), (lhs, rhs)


def test_a_bound_rule_on_an_equality_step_is_a_broken_problem():
    from derive.errors import ProblemError
    D, q = _setup()
    D.definition(norm(q["A"] * q["v"]))
    with pytest.raises(ProblemError):
        D.eq(norm(q["A"]) * norm(q["v"]), "submultiplicativity")


# -- the objects the bound checker evaluates ------------------------------------------------
SPECTRAL_NORMS = [
    ([[3, 0], [0, -4]], 4),
    ([[1, 1], [1, 1]], 2),
    ([[1, 1, 1], [1, 1, 1]], sqrt(6)),
    ([[1, -1], [-1, 1], [1, -1]], sqrt(6)),
    ([[1, 2], [3, 4]], sqrt(15 + sqrt(221))),
    ([[2, 0, 0], [0, -5, 0], [0, 0, 1]], 5),
    ([[1, 2, 2], [2, 1, 2], [2, 2, 1]], 5),
    ([[-3]], 3),
    ([[0, 0], [0, 0]], 0),
    ([[3], [4]], 5),
]


@pytest.mark.parametrize("entries, expected", SPECTRAL_NORMS)
def test_exact_spectral_norms_of_concrete_matrices(entries, expected):
    value = spectral_norm(sp.Matrix(entries))
    assert sp.simplify(value - expected) == 0, value
    assert abs(float(value) - np.linalg.norm(np.array(entries, dtype=float), 2)) < 1e-12


def test_symbolic_spectral_norms_use_only_sound_facts():
    p, q, r, s = sp.symbols("p q r s", real=True)
    rank_one = spectral_norm(sp.Matrix([[p * r, p * s], [q * r, q * s]]))  # rank one: the Frobenius norm
    assert not rank_one.has(SpectralNormValue)
    assert rank_one.xreplace({p: 1, q: 2, r: 2, s: -1}) == 5
    assert isinstance(spectral_norm(sp.Matrix([[p, q], [r, s]])), SpectralNormValue)  # general: left open
    rotation = sp.Matrix([[1 - p**2, -2 * p], [2 * p, 1 - p**2]]) / (1 + p**2)
    assert spectral_norm(rotation) == 1  # orthogonal: MᵀM = I is a projection
    assert spectral_norm(sp.Matrix([[p, q], [r, s]])).xreplace({p: 3, q: 0, r: 0, s: -4}) == 4


LATEX = [
    (lambda A, v, **_: norm(A * v), r"\left\| A v \right\|_2"),
    (lambda v, **_: rms(v), r"\left\| v \right\|_{\mathrm{RMS}}"),
    (lambda A, **_: fro(A), r"\left\| A \right\|_F"),
    (lambda a, b, **_: sign(a) * sign(b).T,
     r"\operatorname{sign}\left(a\right) \operatorname{sign}\left(b\right)^{\top}"),
    (lambda k, A, v, **_: norm(k * A * v), r"\left\| k A v \right\|_2"),
]


@pytest.mark.parametrize("build, expected", LATEX)
def test_norms_print_with_their_brackets(build, expected):
    from derive.printing import latex
    _, q = _setup()
    assert latex(build(**q)) == expected


@pytest.mark.parametrize("build, lemma", [
    (lambda A, v, **_: (norm(A * v), norm(A) * norm(v), "bound-by-a-lemma", {}), "submultiplicativity"),
    (lambda v, w, **_: (norm(v + w), norm(v) + norm(w), "bound-by-a-lemma", {}), "triangle-inequality"),
    (lambda A, k, **_: (k * norm(A), k * fro(A), "bound-by-a-lemma", {}), "spectral-le-frobenius"),
])
def test_bound_by_a_lemma_finds_the_lemma(build, lemma):
    v = _verdict(build)
    assert v.label is Label.PROVED and f"lemma {lemma} (found in the catalogue)" in v.method


def test_bound_by_a_lemma_fails_a_wrong_bound_and_leaves_an_unproved_one_undecided():
    wrong = _verdict(lambda A, **_: (fro(A), norm(A), "bound-by-a-lemma", {}))
    assert wrong.label is Label.FAILED and wrong.counterexample is not None
    open_ = _verdict(lambda v, w, **_: (norm(v + w) ** 2, 2 * norm(v) ** 2 + 2 * norm(w) ** 2, "bound-by-a-lemma", {}))
    assert open_.label is Label.UNDECIDED and "no lemma of the catalogue" in open_.detail
