"""Where batch normalization puts the data: mean β and standard deviation γ (HW5 Q9(a))."""
import math
from fractions import Fraction

import numpy as np
import sympy as sp

from derive import (Counterexample, Derivation, E, gaussian_curves, Label, Normal, Param, specialise, sqrt,
                    Var, Verdict)

PARAMS = [
    Param("mean", "rational", Fraction(3, 2), meaning="the mean of the input"),
    Param("variance", "rational", Fraction(4, 25), meaning="the variance of the input",
          check=lambda v: None if v > 0 else "the variance is positive"),
    Param("gamma", "rational", 1, meaning="the scale of the layer",
          check=lambda v: None if v > 0 else "γ > 0 here (for γ < 0 the standard deviation is |γ|)"),
    Param("beta", "rational", 3, meaning="the shift of the layer"),
]
EPS_IN_PRACTICE = 1e-5


def sample(rng):
    return {"mean": Fraction(rng.randint(-6, 10), 2), "variance": rng.choice([Fraction(1, 4), Fraction(4, 25),
                                                                            Fraction(9, 16), 1, 4]),
            "gamma": rng.choice([Fraction(1, 2), 1, 2, 3]), "beta": rng.randint(-2, 5)}


def _num(v):
    return sp.Rational(v.numerator, v.denominator)


def build(mean, variance, gamma, beta):
    m0, v0, g0, b0 = map(_num, (mean, variance, gamma, beta))
    D = Derivation(
        name="batchnorm_statistics",
        title="Where batch normalization puts the data",
        source="Homework 5, Q9(a)",
        statement=(
            rf"One-dimensional inputs $x$ follow roughly $\mathcal{{N}}({sp.latex(m0)}, {sp.latex(v0)})$. "
            r"A batch-normalization layer standardises each input with the batch mean $\mu_B$ and "
            r"variance $\sigma_B^2$ and then scales and shifts it: "
            r"$y = \gamma (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon} + \beta$, here with "
            rf"$\gamma = {sp.latex(g0)}$ and $\beta = {sp.latex(b0)}$. The batch is very large. What do the "
            r"outputs look like: where is their mean, and what is their standard deviation?"
        ),
    )
    D.rule("variance-of-affine-map", "Var[a x + b] = a^2 Var[x]: a shift does not spread, a scale a "
           "spreads by |a|")
    D.rule("declared-moments-of-x", "the mean and variance of the declared law of x")
    mu = D.scalars("mu", "real", "the mean of the input")
    sigma = D.scalars("sigma", "positive", "the standard deviation of the input")
    gam = D.scalars("gamma", "positive", "the scale of the layer")
    bet = D.scalars("beta", "real", "the shift of the layer")
    eps = D.scalars("epsilon", "nonnegative", "the small constant that keeps the division safe")
    x = D.random_scalars("x", Normal(mu, sigma**2), "one input")
    D.assume(r"The batch is very large, so its mean and variance are those of the law of $x$: "
             r"$\mu_B = \mu$, $\sigma_B^2 = \sigma^2$ (law of large numbers).")
    eps_effect = math.sqrt(float(v0) / (float(v0) + EPS_IN_PRACTICE))
    D.assume(rf"As the answer key does, the end takes $\epsilon = 0$; the value used in practice, "
             rf"$\epsilon = 10^{{-5}}$, would multiply the standard deviation by "
             rf"$\sigma/\sqrt{{\sigma^2 + \epsilon}} = {eps_effect:.6f}$ here.")
    y = gam * (x - mu) / sqrt(sigma**2 + eps) + bet

    D.definition(E(x, y), "the mean of the output", title="(a) The mean of the output", lhs=r"\mathbb{E}[y]")
    D.eq(gam * (E(x, x) - mu) / sqrt(sigma**2 + eps) + bet, "linearity-of-expectation",
         r"$\gamma$, $\mu$, $\sigma$, $\epsilon$ and $\beta$ are constants")
    D.eq(bet, "declared-moments-of-x", r"$\mathbb{E}[x] = \mu$, so the bracket vanishes")
    specialise(D, {bet: b0}, b0, "the given shift")
    D.result(b0)

    D.definition(sqrt(Var(x, y)), "the standard deviation of the output",
                 title="(a) The standard deviation of the output", lhs=r"\operatorname{sd}[y]")
    D.eq(sqrt(gam**2 / (sigma**2 + eps) * Var(x, x)), "variance-of-affine-map",
         r"$y$ is $x$ times $\gamma/\sqrt{\sigma^2 + \epsilon}$, plus a constant")
    D.eq(gam * sigma / sqrt(sigma**2 + eps), "declared-moments-of-x", r"$\operatorname{Var}[x] = \sigma^2$ and "
                                                                       r"$\gamma, \sigma > 0$")
    specialise(D, {eps: 0}, gam, r"as the key does; then $\sigma/\sigma = 1$")
    specialise(D, {gam: g0}, g0, "the given scale")
    D.result(g0)

    D.note(rf"So the outputs follow $\mathcal{{N}}({sp.latex(b0)}, {sp.latex(g0**2)})$: an affine map of a "
           rf"Gaussian is Gaussian. Whatever the input's mean and spread (here ${sp.latex(m0)}$ and "
           rf"${sp.latex(sqrt(v0))}$), the output is centred at $\beta = {sp.latex(b0)}$ with standard "
           rf"deviation $\gamma = {sp.latex(g0)}$.")
    sd0 = sqrt(v0)
    lo = float(min(m0 - 4 * sd0, b0 - 4 * g0))
    hi = float(max(m0 + 4 * sd0, b0 + 4 * g0))
    D.figure(gaussian_curves([(rf"input $\mathcal{{N}}({sp.latex(m0)}, {sp.latex(v0)})$", m0, sd0, "gray"),
                              (rf"output, mean $\beta = {sp.latex(b0)}$, sd $\gamma = {sp.latex(g0)}$",
                               D.parts[0].result, D.parts[1].result, "blue")], lo, hi),
             "Densities of the input and of the batch-normalised output, drawn from the results above "
             "(dashed: the means).")
    D.crosscheck("numpy: batch normalization of a large sampled batch",
                 _monte_carlo(float(m0), float(v0), float(g0), float(b0), D))
    return D


def _monte_carlo(mean, variance, gamma, beta, D, batch=400_000, sigmas=5.0, seed=20261122):
    """Sample one large batch, normalise it with its own statistics (ε = 0) and with the law's."""
    def run(seed=seed):
        rng = np.random.default_rng(seed)
        xs = rng.normal(mean, math.sqrt(variance), batch)
        mu_b, var_b = xs.mean(), xs.var()
        with_batch = gamma * (xs - mu_b) / math.sqrt(var_b) + beta
        with_law = gamma * (xs - mean) / math.sqrt(variance) + beta
        want_mean, want_sd = float(D.parts[0].result), float(D.parts[1].result)
        se_mean, se_sd = want_sd / math.sqrt(batch), want_sd / math.sqrt(2 * batch)
        checks = [
            ("batch mean vs the law's mean", mu_b, mean, sigmas * math.sqrt(variance / batch)),
            ("batch variance vs the law's", var_b, variance, sigmas * variance * math.sqrt(2 / batch)),
            ("output mean, law statistics", with_law.mean(), want_mean, sigmas * se_mean),
            ("output sd, law statistics", with_law.std(), want_sd, sigmas * se_sd),
            ("output mean, batch statistics", with_batch.mean(), want_mean, 1e-9 * max(1.0, abs(want_mean))),
            ("output sd, batch statistics", with_batch.std(), want_sd, 1e-9 * max(1.0, want_sd)),
        ]
        for what, got, want, tol in checks:
            if not abs(got - want) <= tol:
                cx = Counterexample({}, {"batch": str(batch)}, f"{got:.6g}", f"{want:.6g}", what)
                return Verdict(-1, "cross-check", Label.FAILED, "Monte Carlo", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"one batch of {batch} samples: its mean and variance are within {sigmas:g} standard "
                       f"errors of the law's; normalised with the law's statistics the outputs' mean and "
                       f"standard deviation are within {sigmas:g} standard errors of the results, and with the "
                       r"batch's own statistics ($\epsilon = 0$) they equal them to 1e-9", seed=seed, points=batch)
    return run


DERIVATION = build(**{p.name: p.default for p in PARAMS})
