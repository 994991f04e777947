"""derive: machine-checked derivations rendered to LaTeX and PDF.

A problem file builds one ``Derivation`` with this API and binds it to ``DERIVATION``.
"""
import os

# one BLAS thread: on 2 cores, threaded OpenBLAS made small SVDs 100x slower in cross-checks
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sympy import Identity, Rational, sqrt, symbols, Symbol  # noqa: F401  (re-exported for problem files)

from .derivation import Derivation
from .errors import DeriveError, InvalidVariant, ProblemError, ShapeMismatch, Unsupported
from .homework import Homework, derivation, discussion
from .params import Param
from .verdicts import Counterexample, Label, Verdict
from .mathobjects import E, Var, diag, diag_sqrt, hadamard, relu, sqnorm, theta
from .randomness import Bernoulli, Normal, Symmetric, ZeroMean
from .gradient import grad
from .recurrence import recurrence
from .constraints import nonzero_matrix, nonzero_vector, orthonormal_columns, sums_to_one, unit_rms_vector
from .calculus import At, Lim, formula, forward, indexed, indices, loss, over, partial
from .crosschecks import enumerate_masks, iterate_sequence, monte_carlo
from .finitediff import finite_differences
from .graphs import computational_graph

__all__ = ["Homework", "derivation", "discussion", "Param", "Counterexample", "Label", "Verdict", "InvalidVariant", "Derivation", "DeriveError", "ProblemError", "ShapeMismatch", "Unsupported",
           "E", "Var", "diag", "diag_sqrt", "hadamard", "relu", "sqnorm", "theta",
           "Bernoulli", "Normal", "Symmetric", "ZeroMean", "grad", "partial", "recurrence", "nonzero_matrix", "nonzero_vector", "orthonormal_columns", "sums_to_one",
           "unit_rms_vector", "At", "Lim", "formula", "forward", "indexed", "indices",
           "loss", "over", "finite_differences", "computational_graph", "enumerate_masks", "iterate_sequence", "monte_carlo", "Identity", "Rational", "sqrt", "symbols", "Symbol"]

