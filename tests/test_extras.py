"""Derivations beyond the homeworks (problems/extra/): written from the public API only, short,
each with a wrong variant that the engine rejects with a counterexample, and a cross-check that
catches a wrong stated result."""
import ast
import copy
import dataclasses
from pathlib import Path

import pytest
import sympy as sp

import derive
from conftest import assert_rejected, load
from derive.checking import run_crosscheck
from derive.verdicts import Label

EXTRA = Path(__file__).resolve().parent.parent / "problems" / "extra"
FILES = sorted(EXTRA.glob("*.py"))


def test_extras_are_listed():
    assert {f.stem for f in FILES} <= set(derive.loader.derivation_names())
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_extra_uses_public_names_only_and_is_short(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.module in ("derive", "sympy"), f"{path.name} imports from {node.module}"
            if node.module == "derive":
                assert all(a.name in derive.__all__ for a in node.names)
        elif isinstance(node, ast.Import):
            assert all(a.name in ("derive", "sympy") for a in node.names)
    assert len(path.read_text().splitlines()) <= 50


def _named(expr, name):
    return next(s for s in expr.free_symbols | expr.atoms(sp.MatrixSymbol) if getattr(s, "name", "") == name)


def _half_decay(e):
    w, eta, lam = (_named(e, n) for n in ("w", "eta", "lambda"))
    return e + eta * lam / 2 * w  # (1 − ηλ/2) w − η g: half the decay


def _own_index(e):
    i, j = e.ranges[0][0], e.ranges[1][0]
    return e.func(e.expr.xreplace({j: i}), *e.ranges)  # p_i(δ_ij − p_i): the index slipped


def _swapped_keys_values(e):
    K, V = (next(m for m in e.atoms(sp.MatrixSymbol) if m.name == n) for n in ("K", "V"))
    return e.xreplace({K: V, V: K})


def _without_singular_values(e):
    S = next(a for a in e.args if type(a).__name__ == "Diag" and a.shape[0] == a.shape[1])
    return e.func(*[a for a in e.args if a is not S]).doit()


def _outer_transposed(e):
    g, x = (_matrix(e, n) for n in ("g", "x"))
    return x * g.T  # x gᵀ for g xᵀ


def _matrix(e, name):
    return next(m for m in e.atoms(sp.MatrixSymbol) if m.name == name)


def _first_entry_only(claim):
    j = claim.args[1]
    return claim.func(*claim.args[:-1], claim.args[-1].xreplace({j: 1}))  # x_1 g for x_j g: the index lost


MUTANTS = [
    ("softmax_jacobian", 2, _own_index),
    ("layer_norm_backprop", 4, lambda e: e.func(2 * e.expr, *e.ranges)),  # a wrong factor
    ("gaussian_nll_gradient", 1, lambda e: -e),  # a sign
    ("weight_decay_l2", 2, _half_decay),
    ("softmax_cross_entropy", 4, lambda e: e.func(-e.expr, *e.ranges)),  # y − p: the sign
    ("xavier_he_initialisation", 4, lambda e: e.func(2 * e.expr, *e.ranges)),  # the ReLU's half forgotten
    ("adam_bias_correction", 1, lambda e: e.xreplace({_named(e, "t"): _named(e, "t") + 1})),  # off by one step
    ("attention_cost", 2, lambda e: e.xreplace({_named(e, "n"): _named(e, "d"), _named(e, "d"): _named(e, "n")})),
    ("attention_cost", 4, _swapped_keys_values),  # Q (VᵀK): a transposed product
    ("ridge_regression", 3, lambda e: e.func(e.lhs, e.rhs.xreplace({_named(e.rhs, "lambda"): 2 * _named(e.rhs, "lambda")}))),
    ("ridge_regression", 9, _without_singular_values),  # S dropped from V (S² + λI)⁻¹ S Uᵀ y
    ("step_response", 4, lambda e: e.xreplace({_named(e, "n") + 1: _named(e, "n")})),  # (1/2)^n: off by one
    ("step_response", 2, lambda e: e.xreplace({sp.S.Zero: sp.S.One})),  # the k = 0 term lost
    ("linear_layer_gradient", 1, _outer_transposed),
    ("linear_layer_gradient", 3, _first_entry_only),
    ("linear_layer_gradient", 5, lambda e: 2 * e),  # a factor in the spectral norm
    ("linear_layer_gradient", 7, lambda e: e**2),  # the squared Frobenius norm for the norm
]


@pytest.mark.parametrize("name, index, change", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_wrong_variant_is_rejected_with_a_counterexample(name, index, change):
    D = load(name)
    assert_rejected(D, index, change(D.steps[index].expr))


@pytest.mark.parametrize("name", ["softmax_jacobian", "layer_norm_backprop", "gaussian_nll_gradient",
                                  "softmax_cross_entropy", "weight_decay_l2", "adam_bias_correction",
                                  "xavier_he_initialisation", "ridge_regression", "linear_layer_gradient",
                                  "step_response"])
def test_crosscheck_catches_a_wrong_result(name):
    D = copy.copy(load(name))
    part = D.parts[0]
    wrong = dataclasses.replace(part, result=2 * part.result)
    D.parts = [wrong] + D.parts[1:]
    kind = {"adam_bias_correction": derive.iterate_sequence,
            "xavier_he_initialisation": derive.monte_carlo,
            "step_response": lambda D, part: derive.convolution_by_numpy(D, parts=[part])}.get(name, derive.finite_differences)
    verdict = run_crosscheck("cross-check", kind(D, part=0), 1)
    assert verdict.label is Label.FAILED and verdict.counterexample is not None


@pytest.mark.parametrize("part, wrong", [(0, lambda r: 2 * r), (1, lambda r: r.T), (2, lambda r: r + 1)],
                         ids=["cost doubled", "rewrite transposed", "cost off by one"])
def test_counted_costs_catches_a_wrong_result(part, wrong):
    D = copy.copy(load("attention_cost"))
    D.parts = [dataclasses.replace(p, result=wrong(p.result)) if i == part else p for i, p in enumerate(D.parts)]
    n, d = D.dimensions
    verdict = run_crosscheck("cross-check", derive.counted_costs(D, sizes=[{n: 7, d: 3}]), 1)
    assert verdict.label is Label.FAILED and verdict.counterexample is not None
