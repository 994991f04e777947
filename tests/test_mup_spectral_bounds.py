"""muP spectral bounds (HW4 Q2(b)-(g)): the mistakes people make are rejected with a counterexample."""
import dataclasses

import pytest
import sympy as sp
from sympy import Eq, Le, sqrt

from conftest import assert_rejected, load, verdict_of
from derive import Derivation
from derive.checking import check
from derive.errors import ShapeMismatch
from derive import grad
from derive.norms import EachIndex, norm
from derive.verdicts import Label

NAME = "mup_spectral_bounds"


@pytest.fixture(scope="module")
def D():
    return load(NAME)


def declared(D, name, kind=None):
    found = [d.obj for d in D.declared if str(d.obj) == name and (kind is None or type(d.obj).__name__ == kind)]
    assert len(found) == 1, (name, found)
    return found[0]


def step_of(D, rule, relation, part_title):
    part = next(q for q in D.parts if q.title.startswith(part_title))
    return next(s.index for s in D.part_steps(part) if s.rule == rule and s.relation == relation)


@pytest.fixture(scope="module")
def q(D):
    dims = {str(s): s for s in D.dimensions}
    variance = next(q for q in D.parts if q.title.startswith("(b) Variance")).result
    return dict(d_out=dims["d_out"], d_in=dims["d_in"], r=dims["r"], c=declared(D, "c"), alpha=declared(D, "alpha"),
                beta=declared(D, "beta"), dW=declared(D, r"\Delta W"), W=declared(D, "W"), g=declared(D, "g"),
                x=declared(D, "u", "UnitRMS"), Wbar=declared(D, "Wbar"), var_x=next(iter(variance.atoms(EachIndex))))


def test_the_answer_key_verifies_with_its_cross_checks(D):
    report = check(D)
    assert report.ok, [(v.index, v.label.value, v.detail) for v in report.verdicts + report.extras if not v.ok]
    assert {v.label for v in report.extras} <= {Label.NUMERIC, Label.EXACT}


def test_the_results(D, q):
    results = [part.result for part in D.parts]
    assert Eq(q["c"], 1 / sqrt(q["d_in"])) in results
    assert Le(norm(q["dW"]), sqrt(q["d_out"])) in results
    assert Eq(q["alpha"], 1 / sqrt(q["d_in"])) in results
    assert Eq(q["alpha"], sqrt(q["d_out"])) in results
    assert Eq(q["beta"], 1 / sqrt(q["d_out"])) in results


# -- mutants: (part title, rule, relation, wrong expression) -------------------------------
MUTANTS = {
    "c = 1/d_in (wrong power)": ("(b) Choosing", "solve-for", "solve", lambda q: Eq(q["c"], 1 / q["d_in"])),
    "Var[y_i] with d_out terms": ("(b) Variance", "independent-zero-mean-sum", "=",
                                  lambda q: q["c"]**2 * q["d_out"] * q["var_x"]),
    "Var[y_i] with c instead of c^2": ("(b) Variance", "independent-zero-mean-sum", "=",
                                       lambda q: q["c"] * q["d_in"] * q["var_x"]),
    "||dW||_2 <= d_out (not tight)": ("(c) The largest", "solve-for", "solve", lambda q: Le(norm(q["dW"]), q["d_out"])),
    "alpha = 1/d_in for SignSGD": ("(d) SignSGD learning", "solve-for", "solve", lambda q: Eq(q["alpha"], 1 / q["d_in"])),
    "||sign(g) sign(x)^T||_2 = d_out d_in": ("(d) SignSGD", "norm-of-rank-one", "=",
                                            lambda q: q["alpha"] * q["d_out"] * q["d_in"]),
    "alpha = 1/sqrt(d_out) for Muon": ("(e) Muon learning", "solve-for", "solve", lambda q: Eq(q["alpha"], 1 / sqrt(q["d_out"]))),
    "||U V^T||_2 = sqrt(r) (Frobenius)": ("(e) Muon-style", "orthonormal-polar-factor", "=",
                                          lambda q: q["alpha"] * sqrt(q["r"])),
    "gradient as a row vector (g^T W)": ("(f) Backward", "gradient-of-linear-map", "=", lambda q: q["c"] * q["g"].T * q["W"]),
    "explosion factor sqrt(d_in)": ("(g) An upper bound", "norm-of-sign-vector", "=", lambda q: sqrt(q["d_in"]) * norm(q["g"])),
    "bound of (g) not tight": ("(g) An upper bound", "submultiplicativity", "<=",
                               lambda q: 2 * norm(q["g"]) * norm(q["Wbar"].T) / sqrt(q["d_in"])),
    "stabilising factor 1/sqrt(d_in)": ("(g) Keeping", "solve-for", "solve", lambda q: Eq(q["beta"], 1 / sqrt(q["d_in"]))),
}


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_is_rejected_with_a_counterexample(D, q, name):
    title, rule, relation, wrong = MUTANTS[name]
    index = step_of(D, rule, relation, title)
    assert_rejected(D, index, wrong(q))


def test_witness_that_does_not_attain_the_bound_is_rejected(D, q):
    index = step_of(D, "submultiplicativity", "<=", "(c) An upper bound")
    witness = {**D.steps[index].options["witness"]}
    witness[q["x"]] = lambda size: sp.Matrix([sqrt(size["d_in"])] + [0] * (size["d_in"] - 1))  # √d_in e_1
    mutant = _with_options(D, index, witness=witness)
    verdict = verdict_of(mutant, index)
    assert verdict.label is Label.FAILED and verdict.counterexample.describe()


def test_witness_outside_the_unit_rms_sphere_is_rejected(D, q):
    index = step_of(D, "submultiplicativity", "<=", "(c) An upper bound")
    witness = {**D.steps[index].options["witness"]}
    witness[q["x"]] = 2 * witness[q["x"]]
    verdict = verdict_of(_with_options(D, index, witness=witness), index)
    assert verdict.label is Label.FAILED and verdict.counterexample is not None


def test_gradient_through_w_instead_of_its_transpose(D, q):
    with pytest.raises(ShapeMismatch):  # non-square layer: c W g does not even have a shape
        D.with_step(step_of(D, "gradient-of-linear-map", "=", "(f) Backward"), q["c"] * q["W"] * q["g"])
    S = Derivation("square_layer", "t", "tests", "a square layer")
    d = S.dims("d")
    c = S.scalars("c", "positive")
    W, g, x = S.matrix("W", d, d), S.vector("g", d), S.vector("x", d)
    S.definition(grad(g.T * c * W * x, x))
    S.eq(c * W * g, "gradient-of-linear-map")
    S.result(c * W * g)
    assert_rejected(S, 1, c * W * g)


def test_bound_below_the_truth_fails_on_an_instance(D, q):
    index = step_of(D, "submultiplicativity", "<=", "(c) An upper bound")
    wrong = norm(q["dW"]) * norm(q["x"]) / (q["d_in"] * q["d_out"])
    verdict = verdict_of(_with_options(D.with_step(index, wrong), index, witness=None), index)
    assert verdict.label is Label.FAILED
    assert "the bound fails" in verdict.counterexample.note


def _with_options(D, index, **options):
    other = D.with_step(index, D.steps[index].expr)
    step = other.steps[index]
    other.steps[index] = dataclasses.replace(step, options={**step.options, **options})
    return other


def test_no_step_rests_on_floating_point(D):
    report = check(D)
    assert {v.label for v in report.verdicts} <= {Label.PROVED, Label.EXACT}
