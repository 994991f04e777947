"""Backprop through batch norm: wrong variants are rejected with counterexamples, the labels
are what they claim, the reference's slip is caught independently, and the write-up prints
as on paper."""
import pytest
from sympy import KroneckerDelta, Sum
from conftest import verdict_of

from derive import loader
from derive.calculus import At, Lim, formula, indices, over
from derive.checking import check
from derive.finitediff import finite_differences
from derive.printing import latex
from derive.verdicts import Label

NS = loader.load_namespace(loader.resolve("batchnorm_backprop"))
D = NS["DERIVATION"]
n, d, gamma, g, x, sum_g, grad = (NS[k] for k in ("n", "d", "gamma", "g", "x", "sum_g", "grad"))
gammas, dy, X, mu, var, L, Z = (NS[k] for k in ("gammas", "dy", "X", "mu", "var", "L", "Z"))
s, dsum, xsum, partial = NS["s"], NS["dsum"], NS["xsum"], NS["partial"]
i, j, k = indices("i j k")
each_i, each_ij = over((i, n)), over((i, n), (j, d))


def index_of(rule, start=0):
    return next(st.index for st in D.steps[start:] if st.rule == rule)


GRAD = index_of("sum-against-delta")  # (i): γ(g_i - (1/n) Σ g_j)
DELTA = index_of("local-derivatives")  # (i): Σ_j g_j γ(δ_ij - 1/n)
EVAL, LIMIT = index_of("evaluate-at"), index_of("bounded-over-n")
FINAL = index_of("collect")  # (ii): the closed form
CHAIN2 = index_of("chain-rule", LIMIT)  # (ii): the three paths
LOCAL2, LOCAL3 = index_of("local-derivatives", CHAIN2), index_of("local-derivatives", CHAIN2 + 2)


def rejected(index, expr, derivation=D):
    """Replacing step ``index`` fails it (or, for a part's definition, the step after it)."""
    mutant = derivation.with_step(index, expr)
    at = index + 1 if mutant.steps[index].relation == "definition" else index
    v = verdict_of(mutant, at)
    assert v.label is Label.FAILED, (v.label, v.detail)
    assert v.counterexample is not None and v.counterexample.describe()
    return v


MUTANTS = [
    ("missing 1/n", GRAD, each_i(gamma * (g[i] - sum_g))),
    ("1/n^2 for 1/n", GRAD, each_i(gamma * (g[i] - sum_g / n ** 2))),
    ("wrong sign", GRAD, each_i(gamma * (g[i] + sum_g / n))),
    ("missing gamma", GRAD, each_i(g[i] - sum_g / n)),
    ("1/n^2 in the local derivative", DELTA, each_i(Sum(g[j] * gamma * (KroneckerDelta(i, j) - 1 / n ** 2),
                                                        (j, 1, n)))),
    ("value at n = 1 stated as gamma g_1", EVAL, formula(gamma * g[1])),
    ("value at n = 1 stated as gamma g_1, last line", EVAL + 1, gamma * g[1]),
    ("limit taken as if the sum grew like n", LIMIT - 1, Lim(grad, n, grows={sum_g: n})),
    ("the sigma^2 path left out of the chain rule", CHAIN2,
     each_ij(partial(L, Z[i, j]) / s + partial(L, mu[j]) * partial(mu[j], X[i, j]))),
    ("d sigma^2 / d X without its 2", LOCAL2,
     each_ij(gammas[j] * dy[i, j] / s + partial(L, mu[j]) / n + 1 / n * (X[i, j] - mu[j]) * partial(L, var[j]))),
    ("reference (48)-(51): dZ/d sigma^2 without (X_kj - mu_j)", LOCAL3,
     each_ij(gammas[j] * dy[i, j] / s - gammas[j] / (n * s) * dsum
             - (X[i, j] - mu[j]) * gammas[j] / (n * s ** 3) * dsum)),
    ("reference (56): last term without (X_ij - mu_j)", LOCAL3,
     each_ij(gammas[j] * dy[i, j] / s - gammas[j] / (n * s) * dsum - gammas[j] / (n * s ** 3) * xsum)),
    ("reference (57)", FINAL, each_ij(gammas[j] / s * (dy[i, j] - dsum / n - 1 / (n * s ** 2) * xsum))),
    ("variance without epsilon", FINAL,
     each_ij(gammas[j] / s * (dy[i, j] - dsum / n - (X[i, j] - mu[j]) / (n * var[j]) * xsum))),
]


@pytest.mark.parametrize("name, index, expr", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_rejected_with_a_counterexample(name, index, expr):
    rejected(index, expr)


def test_reference_formula_fails_finite_differences_too():
    reference = MUTANTS[-2][2]
    mutant = D.with_step(FINAL, reference)
    part = len(D.parts) - 1  # (ii)
    v = finite_differences(mutant, part=part)()
    assert v.label is Label.FAILED and v.counterexample.describe()
    assert finite_differences(D, part=part)().label is Label.NUMERIC


def test_labels_are_honest():
    report = check(D)
    assert report.ok, [(v.index, v.label.value, v.detail) for v in report.verdicts + report.extras if not v.ok]
    by_index = {v.index: v for v in report.verdicts}
    for v in report.verdicts:
        if v.relation == "derivative":
            assert v.label is Label.EXACT
            assert any(all(m >= 2 for m in size.values()) and len(set(size.values())) > 1 for size in v.sizes)
    assert by_index[LIMIT].label is Label.PROVED and "bounded" in by_index[LIMIT].evidence()
    assert [{str(a): b for a, b in size.items()} for size in by_index[EVAL].sizes] == [{"n": 1}]
    assert all(v.label is Label.NUMERIC for v in report.extras)


def test_the_limit_part_starts_from_the_gradient_of_part_one():
    limit_definition = D.steps[LIMIT - 1].expr
    assert isinstance(limit_definition, Lim) and limit_definition.inner == D.parts[0].result


def test_an_undeclared_bound_leaves_the_limit_undecided():
    mutant = D.with_step(LIMIT - 1, Lim(grad, n))
    assert verdict_of(mutant, LIMIT).label is Label.UNDECIDED


def test_printed_as_on_paper():
    chain = latex(D.steps[1].expr)
    assert chain.index(r"\frac{\partial L}{\partial y_{j}}") < chain.index(r"\frac{\partial y_{j}}{\partial x_{i}}")
    assert latex(D.steps[0].expr) == r"\frac{\partial}{\partial x_{i}} L\left(y_{1}, \dots, y_{n}\right)"
    assert r"\frac{1}{n} \sum_{j=1}^{n} g_{j}" in latex(grad)
    assert r"\sigma^{2}_{j} + \epsilon" in latex(D.result_expr)
    assert r"\mathrm{dy}_{ij}" in latex(D.result_expr)
    assert latex(At(x[i], {n: 1})) == r"\left. x_{i} \right|_{n = 1}"
    assert any(kind == "erratum" and "(57)" in text for kind, text in D.notes)


@pytest.mark.parametrize("obj", [x[i], each_i(x[i]), L.of(NS["y"]), partial(L, x[i]), At(x[i], {n: 1}),
                                 Lim(x[i], n, bounded=[sum_g], grows={g[1]: n}), formula(x[1])])
def test_objects_survive_sympy_rebuilding_them(obj):
    assert obj.func(*obj.args) == obj
    assert obj.xreplace({n: n}) == obj


def test_declared_forward_map_is_the_usual_batch_norm():
    """The declared map, grounded, against a NumPy batch norm written independently."""
    import numpy as np
    from sympy import lambdify
    from derive.grounding import Grounder

    grounder = Grounder(D, {n: 4, d: 3})
    Ys, Xs, gs, bs = (grounder.ground(a.symbol) for a in (NS["Y"], X, gammas, NS["betas"]))
    eps = NS["eps"]
    symbols = [*Xs, *gs, *bs, eps]
    f = lambdify(symbols, Ys, "numpy")
    rng = np.random.default_rng(7)
    Xv, gv, bv, ev = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3), 0.3
    ours = np.asarray(f(*Xv.ravel(), *gv, *bv, ev), dtype=float)
    usual = gv * (Xv - Xv.mean(0)) / np.sqrt(Xv.var(0) + ev) + bv
    assert np.allclose(ours, usual, rtol=1e-12, atol=1e-12)
