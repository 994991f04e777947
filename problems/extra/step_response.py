"""The step response of a first-order filter, s = u ∗ h with h(n) = (1/2)^n u(n), and its limit 2."""
from sympy import oo, Rational

from derive import (cases, convolution_by_numpy, convolve, Derivation, power, product, signal, ssum,
                    summation_index, time_index, UnitStep)

D = Derivation(
    name="step_response",
    title="The step response of a first-order filter",
    source="beyond the homeworks",
    statement=(r"A filter has the impulse response $h(n) = (1/2)^n u(n)$, with $u$ the unit step. Find its "
               r"step response $s = u * h$, $s(n) = \sum_k u(k)\, h(n - k)$, for every integer $n$, and the "
               r"value it settles to."),
)
r = Rational(1, 2)
n = time_index(D)
k, j = summation_index("k"), summation_index("j")
x = signal(D, "x", n, UnitStep(n), "the input: the unit step")
h = signal(D, "h", n, product(power(r, n), UnitStep(n)), "the impulse response")
D.rule("unit-steps-bound-the-sum", "u(k) u(n - k) = 1 exactly when 0 <= k <= n", ("sequence",))

D.definition(convolve(x, h, n, k), "the output is the input convolved with the flipped filter",
             title="The step response", lhs="s(n)")
D.step(ssum(product(UnitStep(k), power(r, n - k), UnitStep(n - k)), k), "sequence", "signal-definition",
       r"$x(k) = u(k)$ and $h(n - k) = (1/2)^{n-k} u(n - k)$")
D.step(cases(n, (0, oo, ssum(power(r, n - k), k, 0, n))), "sequence", "unit-steps-bound-the-sum",
       r"no term survives for $n < 0$; for $n \ge 0$ the terms $0 \le k \le n$ remain")
D.step(cases(n, (0, oo, ssum(power(r, j), j, 0, n))), "sequence", "shift-summation-index", r"$j = n - k$")
D.step(cases(n, (0, oo, product(2, 1 - power(r, n + 1)))), "sequence", "geometric-series-sum",
       r"$\sum_{j=0}^{n} (1/2)^j = (1 - (1/2)^{n+1}) / (1 - 1/2)$")
D.result(cases(n, (0, oo, product(2, 1 - power(r, n + 1)))))
D.note(r"As $n \to \infty$ the response settles to $2 = \sum_{m \ge 0} h(m)$, the filter's gain at zero "
       r"frequency; it is within $2^{-n}$ of it after $n$ steps.")
D.crosscheck("numpy convolution of the step with the truncated impulse response", convolution_by_numpy(D))
DERIVATION = D
