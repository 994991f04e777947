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
from .mathobjects import E, Var, diag, diag_sqrt, hadamard, inverse, relu, sqnorm, theta
from .randomness import Bernoulli, MultivariateNormal, Normal, Symmetric, ZeroMean
from .gradient import grad, jacobian
from .recurrence import recurrence
from .constraints import covariance, nonzero_matrix, nonzero_vector, orthonormal_columns, sums_to_one, unit_rms_vector
from .calculus import At, Lim, formula, forward, indexed, indices, loss, over, partial
from .crosschecks import convolution_by_numpy, enumerate_masks, iterate_sequence, monte_carlo
from .finitediff import finite_differences
from .graphs import computational_graph
from .grounding import value_at
from .params import BadParam
from .changes import change_variables, minimisers_correspond, specialise
from .claims import claim_numerically, column, for_every, index
from . import checking  # noqa: F401,E402  (derive.checking.check(d) after a plain `import derive`)
from .notebook import install as _install_notebook_display

_install_notebook_display()  # Jupyter: _repr_html_ / _repr_markdown_ (derive/notebook.py)
from .plots import batchnorm_gaussian, gaussian_contours, gaussian_curves, stem_plots

# topic libraries (README, "Libraries"): shape tables and layers of CNNs, discrete signals and
# convolution, FIR filters, norms, operation counts
from .cnn import (AvgPool, ConvLayer, Kron, MaxPool, Network, ParamCount, Plus, Ratio, ReceptiveField, Stack, Times,
                  WindowCount, argmax_mask, conv_size, scaled_copies, shifted_copies)
from .signals import Equations, Slide, TransposeSlide, as_matrix, slide
from .signals import Subsampled, one_window, padded, rotated
from .convolution import (Entry, conv, entries, filter_gradient_differences, filter_gradient_monte_carlo,
                          global_average, indexer, iprod, isum, per_entry, roll, xcorr)
from .fir import UnitStep, cases, convolve, plus, power, product, signal, ssum, summation_index, time_index
from .norms import each, entry, float_verdict, fro, norm, np_spectral_norm, np_unit_rms, rank_one_sign_norms, rms, sign
from .costs import Cost, Flops, cost_of, counted_costs, grouped, ordered

__all__ = ["Homework", "derivation", "discussion", "Param", "Counterexample", "Label", "Verdict", "InvalidVariant", "Derivation", "DeriveError", "ProblemError", "ShapeMismatch", "Unsupported",
           "E", "Var", "diag", "diag_sqrt", "hadamard", "inverse", "relu", "sqnorm", "theta",
           "Bernoulli", "MultivariateNormal", "Normal", "covariance", "Symmetric", "ZeroMean", "grad", "jacobian", "partial", "recurrence", "nonzero_matrix", "nonzero_vector", "orthonormal_columns", "sums_to_one",
           "unit_rms_vector", "At", "Lim", "formula", "forward", "indexed", "indices",
           "loss", "over", "finite_differences", "computational_graph", "convolution_by_numpy", "enumerate_masks", "iterate_sequence", "monte_carlo", "Identity", "Rational", "sqrt", "symbols", "Symbol",
           "value_at", "BadParam", "change_variables", "minimisers_correspond", "specialise",
           "claim_numerically", "column", "for_every", "index", "gaussian_curves", "stem_plots", "batchnorm_gaussian", "gaussian_contours",
           "AvgPool", "ConvLayer", "Kron", "MaxPool", "Network", "ParamCount", "Plus", "Ratio", "ReceptiveField",
           "Stack", "Times", "WindowCount", "argmax_mask", "conv_size", "scaled_copies", "shifted_copies",
           "Equations", "Slide", "TransposeSlide", "as_matrix", "slide", "Subsampled", "one_window", "padded",
           "rotated", "Entry", "entries", "filter_gradient_differences", "filter_gradient_monte_carlo", "indexer",
           "iprod", "isum", "per_entry", "xcorr", "conv", "roll", "global_average", "UnitStep", "cases", "convolve", "plus", "power", "product", "signal",
           "ssum", "summation_index", "time_index", "each", "entry", "float_verdict", "fro", "norm", "np_spectral_norm",
           "np_unit_rms", "rank_one_sign_norms", "rms", "sign", "Cost", "Flops", "cost_of", "counted_costs", "grouped", "ordered"]

