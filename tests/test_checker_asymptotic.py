"""The asymptotic checker: f = Θ(g) as n → ∞ holds exactly when f/g has a finite nonzero limit;
wrong growth rates fail with a counterexample, what sympy cannot decide is undecided."""
import pytest
import sympy as sp

from conftest import verdict_of
from derive import Derivation, ZeroMean
from derive import theta
from derive.mathobjects import Theta
from derive.convolution import per_entry
from derive.errors import ProblemError
from derive.printing import latex
from derive.verdicts import Label


def derivation(f_of, g_of):
    """A two-step chain: f, then Θ(g); f_of and g_of build them from (n, k, s, a)."""
    D = Derivation("growth", "growth", "test", "test")
    n, k = D.dims("n k")
    s = D.scalars("s", "positive")
    a = D.scalars("a", "real")
    D.definition(f_of(n, k, s, a))
    D.step(Theta(g_of(n, k, s, a), n), "asymptotic", "growth-rate")
    D.result(D.steps[-1].expr)
    return D


log, sqrt = sp.log, sp.sqrt

VALID = {
    "std of the filter gradient": (lambda n, k, s, a: (n - k + 1) * s, lambda n, k, s, a: n),
    "variance of the filter gradient": (lambda n, k, s, a: (n - k + 1)**2 * s**2, lambda n, k, s, a: n**2),
    "lower-order term dropped": (lambda n, k, s, a: n**2 + 3 * n, lambda n, k, s, a: n**2),
    "square root term dropped": (lambda n, k, s, a: 3 * n + sqrt(n), lambda n, k, s, a: n),
    "root of a square": (lambda n, k, s, a: sqrt(n**2 + 1), lambda n, k, s, a: n),
    "constant": (lambda n, k, s, a: 5 * s, lambda n, k, s, a: 1),
    "bounded ratio": (lambda n, k, s, a: s * n / (n + 1), lambda n, k, s, a: 1),
    "n log n": (lambda n, k, s, a: n * log(n) + n, lambda n, k, s, a: n * log(n)),
    "fixed positive factor": (lambda n, k, s, a: k * n, lambda n, k, s, a: n),
    "negative but linear": (lambda n, k, s, a: -2 * n, lambda n, k, s, a: n),
}

INVALID = {
    "linear is not quadratic": (lambda n, k, s, a: (n - k + 1) * s, lambda n, k, s, a: n**2),
    "linear is not sqrt": (lambda n, k, s, a: (n - k + 1) * s, lambda n, k, s, a: sqrt(n)),
    "linear is not constant": (lambda n, k, s, a: (n - k + 1) * s, lambda n, k, s, a: 1),
    "quadratic is not linear": (lambda n, k, s, a: n**2, lambda n, k, s, a: n),
    "log is not constant": (lambda n, k, s, a: log(n), lambda n, k, s, a: 1),
    "linear is not n log n": (lambda n, k, s, a: n, lambda n, k, s, a: n * log(n)),
    "exponential is not polynomial": (lambda n, k, s, a: 2**n, lambda n, k, s, a: n**3),
    "vanishes at k = 2": (lambda n, k, s, a: (k - 2) * n, lambda n, k, s, a: n),
    "vanishes at a = 0": (lambda n, k, s, a: a * n, lambda n, k, s, a: n),
    "blows up at k = 3": (lambda n, k, s, a: n / (k - 3), lambda n, k, s, a: n),
}

UNDECIDED = {
    "oscillates": (lambda n, k, s, a: (2 + sp.sin(n)) * n, lambda n, k, s, a: n),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_growth_is_proved(name):
    v = verdict_of(derivation(*VALID[name]), 1)
    assert v.label is Label.PROVED, (v.label, v.detail)
    assert "sympy.limit" in v.method


@pytest.mark.parametrize("name", INVALID)
def test_wrong_growth_fails_with_counterexample(name):
    v = verdict_of(derivation(*INVALID[name]), 1)
    assert v.label is Label.FAILED, (v.label, v.detail)
    assert v.counterexample is not None and v.counterexample.describe()
    assert "its limit is" in v.counterexample.note


def test_parameter_counterexample_names_the_value():
    v = verdict_of(derivation(*INVALID["vanishes at k = 2"]), 1)
    assert v.counterexample.values["k"] == 2
    v = verdict_of(derivation(*INVALID["vanishes at a = 0"]), 1)
    assert v.counterexample.values["a"] == 0


@pytest.mark.parametrize("name", UNDECIDED)
def test_no_limit_is_undecided(name):
    v = verdict_of(derivation(*UNDECIDED[name]), 1)
    assert v.label is Label.UNDECIDED and not v.ok


def test_step_must_state_theta():
    D = Derivation("growth", "growth", "test", "test")
    n = D.dims("n")
    D.definition(3 * n)
    D.step(n, "asymptotic", "growth-rate")
    D.result(n)
    v = verdict_of(D, 1)
    assert v.label is Label.UNDECIDED


def test_per_entry_statement_depending_on_the_entry_is_undecided():
    D = Derivation("growth", "growth", "test", "test")
    n, k = D.dims("n k")
    h, l = sp.symbols("h l", integer=True, positive=True)
    each = per_entry((h, 1, k), (l, 1, k))
    D.definition(each(h * n))
    D.step(theta(n), "asymptotic", "growth-rate")
    D.result(theta(n))
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_per_entry_statement_with_one_value_is_checked():
    D = Derivation("growth", "growth", "test", "test")
    n, k = D.dims("n k")
    h, l = sp.symbols("h l", integer=True, positive=True)
    each = per_entry((h, 1, k), (l, 1, k))
    D.definition(each((n - k + 1) * 2))
    D.step(theta(n), "asymptotic", "growth-rate")
    D.result(theta(n))
    assert verdict_of(D, 1).label is Label.PROVED


def test_theta_needs_its_variable_when_ambiguous():
    n, k = sp.symbols("n k", positive=True)
    with pytest.raises(ProblemError):
        theta(n * k)
    assert theta(n**2).var == n


@pytest.mark.parametrize("expr, text", [(lambda n: theta(n), r"\Theta\left(n\right)"),
                                        (lambda n: theta(sp.sqrt(n)), r"\Theta\left(\sqrt{n}\right)"),
                                        (lambda n: Theta(1, n), r"\Theta\left(1\right)")])
def test_printing(expr, text):
    assert latex(expr(sp.Symbol("n", positive=True))) == text


def test_random_declarations_do_not_matter():
    D = Derivation("growth", "growth", "test", "test")
    n = D.dims("n")
    s = D.scalars("s", "positive")
    D.random("R", n, n, ZeroMean(s**2))
    D.definition(n * s)
    D.step(theta(n), "asymptotic", "growth-rate")
    D.result(theta(n))
    assert verdict_of(D, 1).label is Label.PROVED


def test_unevaluated_sum_is_undecided():
    D = Derivation("growth", "growth", "test", "test")
    n = D.dims("n")
    i = sp.Symbol("i", integer=True, positive=True)
    D.definition(sp.Sum(i, (i, 1, n)))
    D.step(theta(n), "asymptotic", "growth-rate")
    D.result(theta(n))
    assert verdict_of(D, 1).label is Label.UNDECIDED
