"""Recover a length-3 filter from a signal and its output (HW5 Q1(b)); numbers are parameters."""
import numpy as np

from derive import (as_matrix, Derivation, Equations, InvalidVariant, Label, Param, Slide, slide, Verdict)
import sympy as sp

PARAMS = [
    Param("signal", "int_list", [1, 4, 0, -2, 3], meaning="the input signal (length 5)",
          check=lambda v: None if len(v) == 5 else "the signal has 5 entries"),
    Param("output", "int_list", [-2, 2, 11], meaning="the observed output (length 3)",
          check=lambda v: None if len(v) == 3 else "the output has 3 entries"),
]


def sample(rng):
    """A signal and the output of a hidden integer filter, so the answer is an integer filter."""
    signal = [rng.randint(-4, 5) for _ in range(5)]
    hidden = [rng.choice([v for v in range(-4, 5) if v]) for _ in range(3)]
    return {"signal": signal, "output": list(slide(as_matrix(signal), as_matrix(hidden)))}


def build(signal, output):
    D = Derivation(
        name="filter_recovery",
        title="Recovering a filter from its input and output",
        source="Homework 5, Q1(b)",
        statement=(
            rf"A length-3 filter $h = (h_1, h_2, h_3)$ is slid over the signal "
            rf"$x = {sp.latex(as_matrix(signal))}$ with no padding and stride 1, under the "
            r"deep-learning convention (the filter is not flipped: $y_i = \sum_k x_{i+k-1} h_k$). "
            rf"The output is $y = {sp.latex(as_matrix(output))}$. Find the filter."
        ),
    )
    h1, h2, h3 = D.unknown("h1 h2 h3", "filter taps")
    x, y, h = as_matrix(signal), as_matrix(output), as_matrix([h1, h2, h3])
    D.assume("convention: cross-correlation (no flip), stride 1, no padding")
    A = sp.ImmutableMatrix(3, 3, lambda i, k: x[0, i + k])
    if A.det() == 0:
        raise InvalidVariant("the system is singular: the filter is not determined")
    D.definition(Equations(Slide(x, h), y), "the output is the signal slid against the filter")
    D.step(Equations(slide(x, h).T, y.T), "<=>", "set-up-system",
           "one equation per output position: the filter's taps meet three consecutive signal entries")
    D.step(Equations(sp.MatMul(A, h.T, evaluate=False), y.T), "<=>", "matrix-form",
           "the coefficients of $h_1, h_2, h_3$ in each equation form the rows of the matrix")
    solution = A.LUsolve(y.T)
    D.step(Equations(h.T, solution), "<=>", "gaussian-elimination",
           rf"the matrix has determinant ${A.det()} \ne 0$, so the solution is unique")
    D.result(Equations(h.T, solution))

    reference = signal == [1, 4, 0, -2, 3] and output == [-2, 2, 11]

    def numpy_check():
        found = np.linalg.solve(np.array(A.tolist(), dtype=float), np.array(output, dtype=float))
        ok = np.allclose(found, np.array(solution.tolist(), dtype=float).ravel(), atol=1e-9)
        hint = " (and the reference key's hint $h_1 = 2$)" if reference else ""
        if reference:
            ok = ok and solution[0] == 2  # the reference's hint, used only as a check
        return Verdict(-1, "cross-check", Label.NUMERIC if ok else Label.FAILED,
                       f"numpy.linalg.solve on the same system{hint}", points=1)
    D.crosscheck("independent numpy solve", numpy_check)
    return D


DERIVATION = build(**{p.name: p.default for p in PARAMS})
