"""Issue 7: each class of false "verified" (or crash) found by the adversarial suite, as a probe.

Every probe is a one-step derivation written with the public API; the test asserts the
verdict kind (or the broken-file error), never wording.
"""
import pytest
import sympy as sp

from derive import Derivation, Label, ProblemError, ShapeMismatch
from derive.checking import check
from derive.calculus import Lim, indexed, indices, over

from conftest import load, verdict_of


def _one_step(before, after, setup=None, relation="=", rule="algebra", **options):
    """A derivation ``before -> after``; ``setup(D)`` declares and returns the quantities."""
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    q = setup(D)
    D.definition(before(q))
    D.step(after(q), relation, rule, **options)
    D.result(after(q))
    return D


def _verdict(D):
    report = check(D)
    assert len(report.verdicts) == 1
    return report.verdicts[0]


def _square(D):
    k = D.dims("k")
    return {"k": k, "A": D.matrix("A", k, k), "B": D.matrix("B", k, k)}


def _rect(D):
    n, d = D.dims("n d")
    return {"n": n, "d": d, "X": D.matrix("X", n, d), "x": D.vector("x", n), "y": D.vector("y", n),
            "A": D.matrix("A", n, n)}


# -- 1. systems of equations compare shapes ------------------------------------------------
def test_system_with_row_against_column_is_a_broken_file():
    from derive.signals import Equations
    d = load("filter_recovery")
    last = d.steps[-1].expr
    with pytest.raises(ShapeMismatch):
        d.with_step(len(d.steps) - 1, Equations(last.lhs.T, last.rhs))


def test_least_squares_row_times_target_is_a_broken_file():
    from derive.signals import Equations
    d = load("dropout_least_squares")
    step = next(s for s in d.steps if s.relation == "<=>")
    lhs, rhs = step.expr.lhs, step.expr.rhs
    with pytest.raises(ShapeMismatch):
        d.with_step(step.index, Equations(lhs, rhs.T))


# -- 2. dimension factors and small-size identities ----------------------------------------
@pytest.mark.parametrize("factor", [lambda n, d: n * d / 6, lambda n, d: (n + d) / 5])
def test_dimension_factor_equal_to_one_at_two_sizes_is_rejected(factor):
    D = _one_step(lambda q: sp.Trace(q["X"].T * q["X"]),
                  lambda q: factor(q["n"], q["d"]) * sp.Trace(q["X"].T * q["X"]), _rect)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_counting_factor_hidden_in_a_trace_is_rejected():
    D = _one_step(lambda q: sp.Trace(sp.Identity(q["n"]) * sp.Trace(sp.Identity(q["d"]))),
                  lambda q: sp.Integer(6), _rect)
    assert _verdict(D).label is Label.FAILED


def _cayley_hamilton_3(A):
    t1, t2, t3 = sp.Trace(A), sp.Trace(A ** 2), sp.Trace(A ** 3)
    e2 = (t1 ** 2 - t2) / 2
    e3 = (t1 ** 3 - 3 * t1 * t2 + 2 * t3) / 6
    return t1 * A ** 2 - e2 * A + e3 * sp.Identity(A.shape[0])


def test_cayley_hamilton_of_3x3_does_not_pass_as_general():
    D = _one_step(lambda q: q["A"] ** 3, lambda q: _cayley_hamilton_3(q["A"]), _square)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_matrix_polynomial_identity_is_proved_at_general_size():
    D = _one_step(lambda q: (q["X"] * q["X"].T + q["A"]) * q["y"],
                  lambda q: q["X"] * (q["X"].T * q["y"]) + q["A"] * q["y"], _rect)
    assert _verdict(D).label is Label.PROVED


def test_one_by_one_products_are_symmetric_at_general_size():
    D = _one_step(lambda q: q["x"].T * q["A"] * q["y"] + q["y"].T * q["y"],
                  lambda q: q["y"].T * q["A"].T * q["x"] + q["y"].T * q["y"], _rect)
    assert _verdict(D).label is Label.PROVED


def test_trace_is_cyclic_at_general_size():
    D = _one_step(lambda q: sp.Trace(q["X"].T * q["A"] * q["X"]),
                  lambda q: sp.Trace(q["A"] * q["X"] * q["X"].T), _rect)
    assert _verdict(D).label is Label.PROVED


def test_transposed_product_is_not_proved():
    D = _one_step(lambda q: q["X"].T * q["A"] * q["x"], lambda q: q["X"].T * q["A"].T * q["x"], _rect)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_grounded_label_states_its_argument():
    from derive import E, Bernoulli, hadamard, sqnorm

    def setup(D):
        n, d = D.dims("n d")
        p = D.scalars("p", "probability")
        X, w = D.matrix("X", n, d), D.vector("w", d)
        R = D.random("R", n, d, Bernoulli(p))
        return {"X": X, "w": w, "R": R, "p": p}
    D = _one_step(lambda q: E(q["R"], hadamard(q["R"], q["X"]) * q["w"]),
                  lambda q: q["p"] * q["X"] * q["w"], setup)
    v = _verdict(D)
    assert v.label is Label.EXACT
    assert v.argument  # which argument the sizes carry is part of the verdict


# -- 3. exact means an exact zero ----------------------------------------------------------
def test_tiny_float_difference_is_not_exact():
    D = _one_step(lambda q: q, lambda q: q + sp.Float(1e-60) * q ** 2, lambda D: D.scalars("t"))
    assert _verdict(D).label is Label.FAILED


def test_floating_point_zero_decision_is_labelled_numeric():
    D = _one_step(lambda q: sp.sin(q) ** 2 + sp.cos(q) ** 2, lambda q: sp.Integer(1), lambda D: D.scalars("t"))
    v = _verdict(D)
    assert v.label in (Label.NUMERIC, Label.PROVED)
    assert v.label is not Label.RANDOM and v.label is not Label.EXACT


# -- 4. random points range over magnitudes and domain edges -------------------------------
def test_points_beyond_every_constant():
    D = _one_step(lambda q: q ** 2, lambda q: sp.Min(q ** 2, sp.Integer(10) ** 13), lambda D: D.scalars("t"))
    assert _verdict(D).label is Label.FAILED


def test_points_near_the_edge_of_a_domain():
    D = _one_step(lambda q: q, lambda q: sp.Min(q, 1 - sp.Rational(1, 10 ** 7)),
                  lambda D: D.scalars("p", "probability"))
    assert _verdict(D).label is Label.FAILED


def test_positive_near_zero():
    D = _one_step(lambda q: q, lambda q: sp.Max(q, sp.Rational(1, 10 ** 9)), lambda D: D.scalars("s", "positive"))
    assert _verdict(D).label is Label.FAILED


# -- 5. author-chosen sizes are validated ---------------------------------------------------
@pytest.mark.parametrize("sizes", [
    [{"n": 1, "d": 1}],
    [{"n": 2, "d": 2}, {"n": 3, "d": 3}],
    [{"n": 1, "d": 2}, {"n": 1, "d": 3}],
    [{"n": 2, "d": 3}],
])
def test_bad_author_sizes_are_refused(sizes):
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n, d = D.dims("n d")
    by_name = {"n": n, "d": d}
    with pytest.raises(ProblemError):
        D.check_sizes(*[{by_name[k]: v for k, v in s.items()} for s in sizes])


def test_good_author_sizes_are_accepted():
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n, d = D.dims("n d")
    D.check_sizes({n: 2, d: 3}, {n: 3, d: 2}, {n: 2, d: 2}, {n: 3, d: 3})


def test_one_by_one_identity_cannot_pass_on_small_author_sizes():
    D = _one_step(lambda q: q["x"].T * q["A"] * q["y"], lambda q: q["y"].T * q["A"] * q["x"], _rect)
    v = _verdict(D)
    assert v.label is Label.FAILED


# -- 6. declared assumptions are checked or shown -------------------------------------------
def _limit_probe(bounded_of):
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n = D.dims("n")
    j = indices("j")
    total = sp.Sum(1, (j, 1, n))
    D.definition(Lim(total / n, n, bounded=[bounded_of(total)]))
    D.step(sp.Integer(0), "limit", "bounded-over-n")
    D.result(sp.Integer(0))
    return D


def test_false_boundedness_assumption_is_caught():
    v = _verdict(_limit_probe(lambda total: total))
    assert v.label is Label.FAILED


def test_limit_assumption_is_shown_in_the_label():
    d = load("batchnorm_backprop")
    report = check(d)
    limits = [v for v in report.verdicts if v.relation == "limit"]
    assert limits and all(v.ok for v in limits)
    assert all(v.assumptions for v in limits)
    assert all("assum" in v.evidence() for v in limits)


# -- 7. no crash: every step gets a verdict -------------------------------------------------
def test_determinant_is_grounded():
    D = _one_step(lambda q: sp.Determinant(q["A"] * q["B"]),
                  lambda q: sp.Determinant(q["A"]) * sp.Determinant(q["B"]), _square)
    assert _verdict(D).ok


def test_wrong_determinant_identity_fails():
    D = _one_step(lambda q: sp.Determinant(q["A"] + q["B"]),
                  lambda q: sp.Determinant(q["A"]) + sp.Determinant(q["B"]), _square)
    assert _verdict(D).label is Label.FAILED


def test_singular_inverse_is_a_verdict_not_a_crash():
    D = _one_step(lambda q: sp.Inverse(q["x"] * q["x"].T), lambda q: sp.Inverse(q["x"] * q["x"].T) * 2, _rect)
    v = _verdict(D)
    assert not v.ok


def test_index_outside_the_declared_range_is_a_broken_file_not_a_crash():
    D = _one_step(lambda q: q["X"][5, 0], lambda q: q["X"][5, 0] * 2, _rect)
    with pytest.raises(ShapeMismatch, match="outside"):  # the CLI reports it on one line, exit 2
        check(D)


def test_unexpected_object_is_a_verdict_not_a_crash():
    class Odd(sp.Expr):
        is_commutative = True

        def _derive_ground(self, grounder):
            raise AttributeError("no such attribute")
    D = _one_step(lambda q: q, lambda q: q + Odd(), lambda D: D.scalars("t"))
    assert not _verdict(D).ok


# -- 8. a sum written outside over(...) -----------------------------------------------------
def test_sum_outside_over_is_decided():
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n = D.dims("n")
    i, j = indices("i j")
    x = indexed(D.vector("x", n))
    each = over((i, n))
    D.definition(each(x[i] - sp.Sum(x[j], (j, 1, n)) / n))
    D.eq(each(x[i]) - sp.Sum(x[j], (j, 1, n)) / n * sp.OneMatrix(n, 1), "algebra")
    D.result(each(x[i]) - sp.Sum(x[j], (j, 1, n)) / n * sp.OneMatrix(n, 1))
    assert _verdict(D).ok


def test_wrong_sum_outside_over_fails():
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n = D.dims("n")
    i, j = indices("i j")
    x = indexed(D.vector("x", n))
    each = over((i, n))
    D.definition(each(x[i] - sp.Sum(x[j], (j, 1, n)) / n))
    D.eq(each(x[i]) - sp.Sum(x[j], (j, 1, n)) / (n + 1) * sp.OneMatrix(n, 1), "algebra")
    D.result(each(x[i]) - sp.Sum(x[j], (j, 1, n)) / (n + 1) * sp.OneMatrix(n, 1))
    assert _verdict(D).label is Label.FAILED


def test_a_scalar_taken_from_a_one_by_one_product(tmp_path):
    """(mᵀAm)[0, 0] is a sum over fresh dummies each time it is written: the chain still ends at
    its declared result, and a wrong factor is caught."""
    from click.testing import CliRunner
    from derive.cli import main
    text = '''
from derive import Derivation
D = Derivation("one", "One", "test", "A scalar from a 1x1 product.")
n = D.dims("n")
A = D.matrix("A", n, n)
m = D.vector("m", n)
D.definition((m.T * A * m)[0, 0])
D.eq((m.T * A.T * m)[0, 0]FACTOR, "algebra", "a 1x1 product equals its transpose")
D.result((m.T * A.T * m)[0, 0]FACTOR)
DERIVATION = D
'''
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(text.replace("FACTOR", ""))
    bad.write_text(text.replace("FACTOR", " * 2"))
    assert CliRunner().invoke(main, ["--no-cache", "check", str(good)]).exit_code == 0
    wrong = CliRunner().invoke(main, ["--no-cache", "check", str(bad)])
    assert wrong.exit_code == 1 and "counterexample" in wrong.output


def test_an_author_sets_a_steps_time_limit(monkeypatch):
    import contextlib
    import derive.checking as checking
    from derive import Derivation, ProblemError
    seen = []

    @contextlib.contextmanager
    def recording(seconds):
        seen.append(seconds)
        yield

    monkeypatch.setattr(checking, "_time_limit", recording)
    D = Derivation("t", "t", "test", "test")
    x = D.scalars("x")
    D.definition(x * (x + 1))
    D.eq(x ** 2 + x, "algebra", time_limit=90)
    D.eq(x * (x + 1), "algebra")
    verdict_of(D, 1), verdict_of(D, 2)
    assert seen == [90, checking.STEP_TIMEOUT]
    for bad in (0, -1, 10_000, "30", True):
        with pytest.raises(ProblemError, match="time_limit"):
            D.eq(x, "algebra", time_limit=bad)


# -- 2b. derivative and gradient steps follow the same size rule ---------------------------
def _mean_loss(D):
    from derive import forward, partial
    n, d = D.dims("n d")
    i = indices("i")
    mu = D.scalars("mu", "real", "a mean")
    x = indexed(D.vector("x", n, "samples"))
    w = D.vector("w", d, "weights")
    ell = forward(D, "ell", sp.Sum((x[i] - mu) ** 2, (i, 1, n)), [], "a loss")
    return {"n": n, "d": d, "mu": mu, "x": x, "i": i, "w": w, "ell": ell, "partial": partial}


def test_derivative_step_with_a_factor_vanishing_at_the_base_sizes_is_rejected():
    """(n - 2)(n - 3)(d - 2)(d - 3) is 0 at (2, 3) and (3, 2): the sizes of the size rule catch it."""
    def wrong(q):
        n, d, mu, x, i = q["n"], q["d"], q["mu"], q["x"], q["i"]
        return 2 * (n + (n - 2) * (n - 3) * (d - 2) * (d - 3)) * mu - 2 * sp.Sum(x[i], (i, 1, n))
    D = _one_step(lambda q: q["partial"](q["ell"], q["mu"]), wrong, _mean_loss, relation="derivative",
                  rule="chain-rule")
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_gradient_step_with_a_factor_vanishing_at_the_base_sizes_is_rejected():
    from derive import grad, sqnorm
    def setup(D):
        n, d = D.dims("n d")
        return {"n": n, "d": d, "X": D.matrix("X", n, d), "w": D.vector("w", d)}
    D = _one_step(lambda q: grad(sqnorm(q["X"] * q["w"]), q["w"]),
                  lambda q: 2 * (1 + (q["n"] - 2) * (q["n"] - 3) * (q["d"] - 2) * (q["d"] - 3)) * q["X"].T * q["X"] * q["w"],
                  setup, relation="gradient", rule="gradient-of-quadratic-form")
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def _vanishing(n, d):
    """1 at both base sizes (n, d) = (2, 3), (3, 2); not 1 at most others."""
    return 1 + (n - 2) * (n - 3) * (d - 2) * (d - 3)


def test_property_claim_with_a_factor_vanishing_at_the_base_sizes_is_rejected():
    from derive import column, for_every, index, sqnorm
    j = index("j")
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n, d = D.dims("n d")
    X = D.matrix("X", n, d)
    D.definition(X)
    claim = for_every(j, d, X, sqnorm(column(X, j)), _vanishing(n, d) * sqnorm(column(X, j)))
    D.step(claim, "property", "column-norms")
    D.result(claim)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_evaluation_with_a_factor_vanishing_in_the_free_dimension_is_rejected():
    from derive import At
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n, d = D.dims("n d")
    a = D.scalars("a", "positive")
    wrong = a * d * (1 + (d - 2) * (d - 3))  # equals a·d at d = 2, 3 only
    D.definition(At(a * n * d, {n: 1}))
    D.step(wrong, "evaluate", "evaluate-at")
    D.result(wrong)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_matrix_solve_with_a_factor_vanishing_at_the_base_sizes_is_rejected():
    from sympy import Eq
    D = Derivation(name="probe", title="probe", source="test", statement="probe")
    n, d = D.dims("n d")
    X, y, w = D.matrix("X", n, d), D.vector("y", n), D.vector("w", d)
    lam = D.scalars("lambda", "positive")
    D.definition(Eq(X.T * X * w + lam * _vanishing(n, d) * w, X.T * y))
    claim = Eq(w, (X.T * X + lam * sp.Identity(d)).inv() * X.T * y)
    D.step(claim, "solve", "solve-for")
    D.result(claim)
    v = _verdict(D)
    assert v.label is Label.FAILED and v.counterexample is not None
