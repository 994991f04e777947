"""dropout_least_squares (HW5 Q5(a), (c)): (110/101, 11/101) without dropout, (11/30, 11/3) with
it by two routes that agree exactly; variants against numpy; wrong variants rejected."""
import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from conftest import assert_rejected, load
from derive import sqnorm
from derive.checking import check
from derive.signals import Equations
from derive.variants import drawn
from derive.verdicts import Label


@pytest.fixture(scope="module")
def dl():
    d = load("dropout_least_squares")
    return d, {str(x.obj): x.obj for x in d.declared}


def solution(part):
    return list(part.result.rhs)


def test_verifies_with_the_reference_numbers(dl):
    d, _ = dl
    report = check(d)
    assert report.ok and not report.findings
    a, general, route1, route2 = d.parts
    assert solution(a) == [sp.Rational(110, 101), sp.Rational(11, 101)]
    assert solution(route1) == solution(route2) == [sp.Rational(11, 30), sp.Rational(11, 3)]


def test_the_reference_augmented_rows_are_used(dl):
    d, _ = dl
    rows = d.definitions[next(k for k in d.definitions if str(k) == "A")]
    assert rows.tolist() == [[20, 2], [20, 0], [0, 2], [0, 0]]


def test_the_singular_ols_formula_is_an_erratum(dl):
    d, _ = dl
    assert any(kind == "erratum" and "determinant $0$" in text for kind, text in d.notes)


def test_general_part_is_checked_at_nonsquare_sizes(dl):
    d, _ = dl
    report = check(d)
    general = [v for v in report.verdicts if v.relation == "="]
    assert len(general) == 3 and all(v.label in (Label.PROVED, Label.EXACT) for v in general)


def numpy_dropout_fit(row, target, keep):
    """Independent of derive: weighted least squares over every keep/drop pattern (inverted dropout)."""
    x, p = np.array(row, float), float(keep)
    pats = np.array(list(itertools.product((1, 0), repeat=len(row))), float)
    weights = np.sqrt(np.prod(np.where(pats == 1, p, 1 - p), axis=1))
    design = pats * x / p
    return np.linalg.lstsq(design * weights[:, None], float(target) * weights, rcond=None)[0]


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variant_verifies_and_agrees_with_numpy(seed):
    (values, d, report), = drawn("dropout_least_squares", seed, 1)
    assert report.ok
    a, _, route1, route2 = d.parts
    assert solution(route1) == solution(route2)
    want = numpy_dropout_fit(values["row"], values["target"], values["keep"])
    assert np.allclose([float(v) for v in solution(route1)], want, rtol=1e-10)
    plain = np.linalg.pinv(np.array([values["row"]], float)) @ np.array([float(values["target"])])
    assert np.allclose([float(v) for v in solution(a)], plain, rtol=1e-10)


def test_keep_probability_other_than_a_half_weights_the_patterns():
    from derive import loader
    d = loader.build("dropout_least_squares", {"keep": Fraction(1, 3)})
    assert check(d).ok
    assert any(str(k) == "P" for k in d.definitions)
    assert np.allclose([float(v) for v in solution(d.parts[2])], numpy_dropout_fit([10, 1], 11, Fraction(1, 3)))


# -- wrong variants ---------------------------------------------------------------------------------
def _w(d):
    return sp.ImmutableMatrix(d.unknowns)


def test_the_ols_numbers_without_the_minimum_norm_are_rejected(dl):
    # 11/10 · (1, 0): also solves x w = 11, but is not the least-norm solution
    d, _ = dl
    v = assert_rejected(d, 2, Equations(_w(d), sp.ImmutableMatrix([sp.Rational(11, 10), 0])))
    assert v.counterexample is not None


def test_no_rescaling_route_answer_is_rejected(dl):
    # forgetting the 1/p scaling (rows (10, 1), (10, 0), (0, 1), (0, 0)) doubles the answer
    d, _ = dl
    assert_rejected(d, 9, Equations(_w(d), sp.ImmutableMatrix([sp.Rational(11, 15), sp.Rational(22, 3)])))


def test_penalty_p_one_minus_p_is_rejected(dl):
    # Q4's coefficient p(1-p) where inverted dropout gives (1-p)/p
    d, s = dl
    X, y, w, p, G = s["X"], s["y"], s["w"], s["p"], s["Gamma"]
    v = assert_rejected(d, 6, sqnorm(y - X * w) + p * (1 - p) * sqnorm(G * w))
    assert v.counterexample.size


def test_shrunk_design_px_is_rejected(dl):
    d, s = dl
    X, y, w, p, G = s["X"], s["y"], s["w"], s["p"], s["Gamma"]
    assert_rejected(d, 6, sqnorm(y - p * X * w) + (1 - p) / p * sqnorm(G * w))


def test_full_gram_instead_of_its_diagonal_is_rejected_in_route_2(dl):
    d, s = dl
    x, t = s["x"], s["y_0"]
    wrong = Equations(sp.MatMul(sp.MatAdd(x.T * x, x.T * x), _w(d), evaluate=False), x.T * t)
    assert_rejected(d, 11, wrong)


def test_solving_route_1_with_a_wrong_entry_is_rejected(dl):
    d, _ = dl
    wrong = Equations(sp.MatMul(sp.ImmutableMatrix([[800, 40], [40, 4]]), _w(d), evaluate=False),
                      sp.ImmutableMatrix([440, 44]))
    assert_rejected(d, 8, wrong)


def test_dropping_the_diagonal_penalty_is_rejected(dl):
    d, s = dl
    X, y, w = s["X"], s["y"], s["w"]
    assert_rejected(d, 6, sqnorm(y - X * w))
