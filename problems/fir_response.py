"""The response of a first-order filter to a pulse, and to the delayed pulse (HW4 Q3(a)-(b))."""
from fractions import Fraction

import sympy as sp

from derive import (cases, convolution_by_numpy, convolve as convolution, Derivation, Param, plus, power, product,
                    signal, ssum, stem_plots, summation_index, time_index, UnitStep)

PARAMS = [
    Param("length", "int", 7, meaning="the pulse is 1 for n = 0, ..., L - 1",
          check=lambda v: None if 1 <= v <= 20 else "the pulse length is between 1 and 20"),
    Param("ratio", "rational", Fraction(1, 2), meaning="the filter is h(n) = r^n u(n)",
          check=lambda v: None if 0 < v < 1 else "the ratio lies strictly between 0 and 1"),
    Param("shift", "int", 5, meaning="the delay of the second input",
          check=lambda v: None if -10 <= v <= 10 else "the delay is between -10 and 10"),
]
RATIOS = [Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4), Fraction(2, 5)]


def sample(rng):
    return {"length": rng.randint(2, 8), "ratio": rng.choice(RATIOS), "shift": rng.randint(1, 6)}


def response(n, L, r, delay=0):
    """y(n - delay) in closed form, written as on paper."""
    c = 1 / (1 - r)
    return cases(n, (-sp.oo, delay - 1, 0),
                 (delay, delay + L - 1, product(c, 1 - power(r, n - delay + 1))),
                 (delay + L, sp.oo, product(power(r, n - delay - L + 1), plus(c, -c * r**L))))


def build(length, ratio, shift):
    L, r, s = length, sp.Rational(ratio.numerator, ratio.denominator), shift
    c = 1 / (1 - r)
    rt, ct = sp.latex(r), sp.latex(c)
    D = Derivation(
        name="fir_response",
        title="The response of a first-order filter to a pulse",
        source="Homework 4, Q3(a)-(b)",
        statement=(
            rf"A discrete-time filter has the impulse response $h(n) = \left({rt}\right)^n u(n)$, where "
            r"$u$ is the unit step ($u(n) = 1$ for $n \ge 0$, else $0$). Its input is a pulse of "
            rf"{L} ones: $x(n) = 1$ for $0 \le n \le {L - 1}$ and $0$ otherwise. Convolution follows "
            r"the signal-processing convention, the filter is flipped: "
            r"$y(n) = (x * h)(n) = \sum_k x(k)\, h(n - k)$. (a) Find $y(n)$ for every integer $n$ "
            rf"in closed form and plot it for ${min(-6, s - 2)} \le n \le {_last(L, s)}$. "
            rf"(b) The input is delayed by {s}: $x_2(n) = x(n - {s})$. Find the output $y_2$."
        ),
    )
    n = time_index(D)
    k, j, m = (summation_index(v) for v in "k j m".split())
    x = signal(D, "x", n, cases(n, (0, L - 1, 1)), f"a pulse of {L} ones")
    h = signal(D, "h", n, product(power(r, n), UnitStep(n)), "the impulse response of the filter")
    y = signal(D, "y", n, convolution(x, h, n, k), "the output: the input convolved with the filter")
    x2 = signal(D, "x_2", n, x(n - s), f"the input delayed by {s}")

    D.definition(convolution(x, h, n, k), "the output is the input convolved with the flipped filter",
                 title="(a) The response to the pulse", lhs="y(n)")
    D.step(ssum(product(power(r, n - k), UnitStep(n - k)), k, 0, L - 1), "sequence", "finite-support",
           rf"$x(k) = 1$ for $0 \le k \le {L - 1}$ and $0$ otherwise, and $h(n-k) = ({rt})^{{n-k}} u(n-k)$")
    D.step(cases(n, (-sp.oo, -1, 0), (0, L - 1, ssum(power(r, n - k), k, 0, n)),
                 (L, sp.oo, ssum(power(r, n - k), k, 0, L - 1))), "sequence", "unit-step-limits",
           rf"$u(n-k) = 1$ exactly when $k \le n$: no term survives for $n < 0$, the terms $k \le n$ for "
           rf"$n \le {L - 1}$, all {L} terms after")
    D.step(cases(n, (-sp.oo, -1, 0), (0, L - 1, ssum(power(r, j), j, 0, n)),
                 (L, sp.oo, product(power(r, n - L + 1), ssum(power(r, j), j, 0, L - 1)))),
           "sequence", "shift-summation-index",
           rf"$j = n - k$ in the middle piece; $j = {L - 1} - k$ in the last, where "
           rf"$({rt})^{{n-k}} = ({rt})^{{n-{L - 1}}} ({rt})^{{{L - 1}-k}}$")
    D.step(cases(n, (-sp.oo, -1, 0), (0, L - 1, product(c, 1 - power(r, n + 1))),
                 (L, sp.oo, product(c, 1 - power(r, L), power(r, n - L + 1)))),
           "sequence", "geometric-series-sum", rf"$\sum_{{j=0}}^{{M}} ({rt})^j = (1 - ({rt})^{{M+1}})/(1 - {rt})$ "
                                           rf"and $1/(1 - {rt}) = {ct}$")
    D.step(response(n, L, r), "sequence", "simplify-constants", rf"${ct} \cdot ({rt})^{{{L}}} = {sp.latex(c * r**L)}$")
    D.result(response(n, L, r))

    D.definition(convolution(x2, h, n, k), "the delayed input convolved with the same filter",
                 title=f"(b) The response to the pulse delayed by {s}", lhs="y_2(n)")
    D.step(ssum(product(x(k - s), h(n - k)), k), "sequence", "signal-definition", f"$x_2(k) = x(k - {s})$")
    D.step(ssum(product(x(m), h(n - s - m)), m), "sequence", "shift-summation-index",
           rf"$m = k - {s}$ runs over all integers as $k$ does, and $n - k = n - {s} - m$")
    D.step(y(n - s), "sequence", "signal-definition", rf"this is the sum defining $y$, at $n - {s}$")
    D.step(response(n, L, r, s), "sequence", "shift-of-result", rf"part (a) with $n - {s}$ for $n$")
    D.result(response(n, L, r, s))
    D.note(rf"Delaying the input by {s} delays the output by {s}: convolution is time-invariant. "
           r"The pulse fills the filter for $n \le " + str(L - 1) + r"$; after it ends the output decays "
           rf"geometrically by the factor ${rt}$ per step.")

    window = range(min(-6, s - 2), _last(L, s) + 1)
    ya, yb = D.parts[0].result, D.parts[1].result
    D.figure(stem_plots([("y(n)", [(v, ya.at(v)) for v in window]), ("y_2(n)", [(v, yb.at(v)) for v in window])]),
             rf"Stem plots of $y$ and $y_2$ for ${window[0]} \le n \le {window[-1]}$, from the closed forms above.")
    D.crosscheck("numpy convolution of the pulse with the truncated impulse response", convolution_by_numpy(D))
    return D


def _last(L, s):
    return max(12, L + s)


DERIVATION = build(**{p.name: p.default for p in PARAMS})
