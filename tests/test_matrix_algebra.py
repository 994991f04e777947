"""Standard matrix algebra and calculus as a course's derivations use them (issue 8, item 5):
determinants, log-determinants and their gradients, nested inverses decided quickly, forms kept
as written, and gradients of matrix functions from the public API. Each true identity passes,
each slip fails with a counterexample."""
import pytest
import sympy as sp

from conftest import verdict_of
from derive import Derivation, forward, grad, indexed, indices, over, partial, sqnorm
from derive.checking import chain_findings
from derive.printing import latex
from derive.verdicts import Label


def _square(D):
    n = D.dims("n")
    return D.matrix("A", n, n)


def det_transpose(D, wrong):
    A = _square(D)
    D.definition(sp.Determinant(A.T))
    D.eq(sp.Determinant(2 * A) if wrong else sp.Determinant(A), "algebra")


def logdet_gradient(D, wrong):
    A = _square(D)
    D.definition(grad(sp.log(sp.Determinant(A)), A))
    D.step(A.inv() if wrong else A.inv().T, "gradient", "gradient-of-bilinear-form")


def woodbury(D, wrong):
    n, k = D.dims("n k")
    A, U, C, V = D.matrix("A", n, n), D.matrix("U", n, k), D.matrix("C", k, k), D.matrix("V", k, n)
    Ai = A.inv()
    D.definition((A + U * C * V).inv())
    D.eq(Ai - Ai * U * (C.inv() + V * Ai * U).inv() * V * (Ai.T if wrong else Ai), "algebra")


def trace_gradient(D, wrong):
    n, d = D.dims("n d")
    A, X = D.matrix("A", n, d), D.matrix("X", n, d)
    D.definition(grad(sp.Trace(A.T * X), X))
    D.step(2 * A if wrong else A, "gradient", "gradient-of-bilinear-form")


def frobenius_gradient(D, wrong):
    n, d = D.dims("n d")
    X = D.matrix("X", n, d)
    D.definition(grad(sp.Trace(X.T * X), X))
    D.step(X if wrong else 2 * X, "gradient", "gradient-of-quadratic-form")


def least_squares_gradient(D, wrong):
    n, d = D.dims("n d")
    X, y, w = D.matrix("X", n, d), D.vector("y", n), D.vector("w", d)
    D.definition(grad(sqnorm(y - X * w), w))
    D.step((2 if wrong else -2) * X.T * (y - X * w), "gradient", "gradient-of-quadratic-form")


def quadratic_form_gradient(D, wrong):
    n = D.dims("n")
    A, x = D.matrix("A", n, n), D.vector("x", n)
    D.definition(grad(x.T * A * x, x))
    D.step(2 * A * x if wrong else (A + A.T) * x, "gradient", "gradient-of-quadratic-form")


def bilinear_form_gradient(D, wrong):
    n, d = D.dims("n d")
    u, v, A = D.vector("u", n), D.vector("v", d), D.matrix("A", n, d)
    D.definition(grad(u.T * A * v, A))
    D.step(u * v.T if not wrong else u * v.T + A * 0 + u * (v.T * 2), "gradient", "gradient-of-bilinear-form")


def log_sum_exp_gradient(D, wrong):
    n = D.dims("n")
    i, k = indices("i k")
    z = indexed(D.vector("z", n))
    f = forward(D, "f", sp.log(sp.Sum(sp.exp(z[k]), (k, 1, n))), [], "log-sum-exp")
    D.definition(over((i, n))(partial(f, z[i])))
    D.step(over((i, n))(sp.exp(z[i]) / sp.Sum(sp.exp(z[k] if not wrong else 2 * z[k]), (k, 1, n))),
           "derivative", "chain-rule")


CASES = [det_transpose, logdet_gradient, woodbury, trace_gradient, frobenius_gradient, least_squares_gradient,
         quadratic_form_gradient, bilinear_form_gradient, log_sum_exp_gradient]


def _build(case, wrong):
    D = Derivation(case.__name__, "t", "test", "test")
    case(D, wrong)
    return D


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_true_identity_passes(case):
    verdict = verdict_of(_build(case, False), 1)
    assert verdict.ok, (verdict.label, verdict.detail)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_slip_fails_with_a_counterexample(case):
    verdict = verdict_of(_build(case, True), 1)
    assert verdict.label is Label.FAILED and verdict.counterexample is not None


def test_woodbury_is_decided_at_exact_random_points():
    # symbolic inversion at a size timed out (30 s); exact random points decide it in about a second
    verdict = verdict_of(_build(woodbury, False), 1)
    assert verdict.label is Label.RANDOM and verdict.sampled and "rational function" in verdict.argument


def test_transposed_product_and_inverse_are_kept_as_written():
    D = Derivation("t", "t", "test", "test")
    n, d = D.dims("n d")
    A, B, S = D.matrix("A", n, d), D.matrix("B", d, n), D.matrix("S", n, n)
    D.definition(sp.Transpose(A * B))
    D.eq(B.T * A.T, "algebra")
    D.result(B.T * A.T)
    D.definition(sp.Transpose(S.inv()))
    D.eq(S.T.inv(), "algebra")
    D.result(S.T.inv())
    assert latex(D.steps[0].expr) == r"\left(A B\right)^{\top}"
    assert latex(D.steps[2].expr) == r"\left(S^{-1}\right)^{\top}"
    assert not chain_findings(D)  # neither is "a repeat of its predecessor"
    assert verdict_of(D, 1).ok and verdict_of(D, 3).ok


def test_inverse_of_a_product_is_kept_as_written():
    from derive import ShapeMismatch, inverse, ordered
    V, M = sp.MatrixSymbol("V", 3, 3), sp.MatrixSymbol("M", 3, 3)
    kept = ordered(inverse(V * M * V.T), V)
    assert kept.args[0] == sp.Inverse(V * M * V.T)  # not (Vᵀ)⁻¹ M⁻¹ V⁻¹ V folded to (Vᵀ)⁻¹ M⁻¹
    assert "V M V^{\\top}" in latex(kept).replace("\\,", " ")
    with pytest.raises(ShapeMismatch):
        inverse(sp.MatrixSymbol("B", 2, 3))


def test_entries_count_from_one_in_every_notation():
    """entry(v, i), indexed(v)[i], column(M, j) and isum all count from 1: mixing them can never
    shift an index by one (a shifted claim would otherwise pass)."""
    from derive import Derivation, column, entry, indexed, indexer
    from derive.grounding import Grounder
    from derive.printing import latex
    D = Derivation(name="entries", title="entries", source="", statement="")
    n = D.dims("n")
    x = D.vector("x", n, "a vector")
    g = Grounder(D, {n: 3})
    first = g.ground(x)[0, 0]
    assert g.scalar(entry(x, 1)) == first
    assert g.scalar(indexed(x)[1]) == first
    assert g.scalar(indexer(x)(1, 1)) == first
    assert g.ground(column(x.T, 1))[0, 0] == first
    j = sp.Symbol("j", integer=True, positive=True)
    assert latex(entry(x, j)) == "x_{j}"


def test_jacobians_of_vector_maps():
    """∂(Ax + b)/∂x = A and ∂(b‖x‖²)/∂x = 2 b xᵀ verify; a transposed or doubled Jacobian fails."""
    from derive import Derivation, jacobian, sqnorm
    from derive.checking import check
    from derive.verdicts import Label
    D = Derivation("jac", "Jacobians", "test", "Jacobians of vector maps.")
    n, m = D.dims("n m")
    A, x, b = D.matrix("A", m, n), D.vector("x", n), D.vector("b", m)
    D.definition(jacobian(A * x + b, x), title="(1)")
    D.eq(A, "algebra")
    D.result(A)
    D.definition(jacobian(b * sqnorm(x), x), title="(2)")
    D.eq(2 * b * x.T, "algebra")
    D.result(2 * b * x.T)
    assert check(D, cache=False).ok
    for wrong in (2 * A, ):
        bad = D.with_step(1, wrong)
        v = check(bad, cache=False).verdicts[0]
        assert v.label is Label.FAILED and v.counterexample is not None
