"""The gradient of the Gaussian negative log-likelihood in the mean and the variance."""
from sympy import Sum, log, pi

from derive import Derivation, finite_differences, forward, indexed, indices, partial

D = Derivation(
    name="gaussian_nll_gradient",
    title="Gradient of the Gaussian negative log-likelihood",
    source="beyond the homeworks",
    statement=(
        r"Samples $x_1, \dots, x_n$ are modelled as independent draws from $\mathcal{N}(\mu, v)$ with "
        r"variance $v = \sigma^2 > 0$. Their negative log-likelihood is "
        r"$\ell(\mu, v) = \sum_i \bigl(\frac{1}{2}\log(2\pi v) + \frac{(x_i - \mu)^2}{2v}\bigr)$. "
        r"Find $\partial \ell/\partial \mu$ and $\partial \ell/\partial v$."
    ),
)
n = D.dims("n")
i = indices("i")
mu = D.scalars("mu", "real", "the mean")
v = D.scalars("v", "positive", r"the variance $\sigma^2$")
x = indexed(D.vector("x", n, "the samples"))
ell = forward(D, "ell", Sum(log(2 * pi * v) / 2 + (x[i] - mu) ** 2 / (2 * v), (i, 1, n)), [],
              "the negative log-likelihood")
D.rule("differentiate-each-term", "the derivative of a sum is the sum of the derivatives", ("derivative",))

D.definition(partial(ell, mu), "only the squares depend on the mean", title="In the mean",
             lhs=r"\frac{\partial \ell}{\partial \mu}")
D.step(Sum(-(x[i] - mu) / v, (i, 1, n)), "derivative", "differentiate-each-term",
       r"$\frac{\partial}{\partial \mu} \frac{(x_i - \mu)^2}{2v} = -\frac{x_i - \mu}{v}$")
D.eq((n * mu - Sum(x[i], (i, 1, n))) / v, "collect", r"the sum of $n$ copies of $\mu$ is $n\mu$")
D.result((n * mu - Sum(x[i], (i, 1, n))) / v)
D.crosscheck("central differences in the mean", finite_differences(D, part=0))

D.definition(partial(ell, v), "the log term and every square depend on the variance", title="In the variance",
             lhs=r"\frac{\partial \ell}{\partial v}")
D.step(Sum(1 / (2 * v) - (x[i] - mu) ** 2 / (2 * v ** 2), (i, 1, n)), "derivative", "differentiate-each-term",
       r"$\frac{d}{dv}\frac{1}{2}\log(2\pi v) = \frac{1}{2v}$ and $\frac{d}{dv}\frac{1}{2v} = -\frac{1}{2v^2}$")
D.eq(n / (2 * v) - Sum((x[i] - mu) ** 2, (i, 1, n)) / (2 * v ** 2), "collect",
     r"the constant term adds up to $\frac{n}{2v}$")
D.result(n / (2 * v) - Sum((x[i] - mu) ** 2, (i, 1, n)) / (2 * v ** 2))
D.crosscheck("central differences in the variance", finite_differences(D, part=1))

DERIVATION = D
