"""Backpropagation through layer normalisation of one vector, with scale γ and shift β."""
from sympy import Sum, sqrt

from derive import Derivation, finite_differences, forward, indexed, indices, loss, over, partial

D = Derivation(
    name="layer_norm_backprop",
    title="Backpropagation through layer normalisation",
    source="beyond the homeworks",
    statement=(r"Layer normalisation standardises one feature vector $x \in \mathbb{R}^d$ with its own mean $\mu$ and "
               r"biased variance $\sigma^2$, then scales and shifts each feature: $y_i = \gamma_i (x_i - \mu)/"
               r"\sqrt{\sigma^2 + \epsilon} + \beta_i$. Given $g_i = \partial L/\partial y_i$, find $\partial L/\partial x_i$."),
)
d = D.dims("d")
i, k = indices("i k")
eps = D.scalars("epsilon", "positive", "added to the variance for numerical safety")
x = indexed(D.vector("x", d, "one feature vector"))
gamma = indexed(D.vector("gamma", d, "per-feature scale"))
beta = indexed(D.vector("beta", d, "per-feature shift"))
g = indexed(D.vector("g", d, r"upstream gradients $g_i = \partial L / \partial y_i$"))
mu = forward(D, "mu", Sum(x[k], (k, 1, d)) / d, [], "mean of the features")
var = forward(D, "sigma^2", Sum((x[k] - mu) ** 2, (k, 1, d)) / d, [], "biased variance of the features")
z = forward(D, "z", (x[i] - mu) / sqrt(var + eps), [(i, d)], "standardised features")
y = forward(D, "y", gamma[i] * z[i] + beta[i], [(i, d)], "outputs")
L = loss(D, "L", {y: g}, "a loss computed downstream of $y$; only its gradients enter")

each = over((i, d))
s = sqrt(var + eps)
D.definition(each(partial(L.of(y), x[i])), r"$x_i$ reaches $L$ through $z_i$, $\mu$ and $\sigma^2$",
             lhs=r"\frac{\partial L}{\partial x_i}")
D.step(each(partial(L, z[i]) / s + partial(L, mu) * partial(mu, x[i]) + partial(L, var) * partial(var, x[i])),
       "derivative", "chain-rule", r"three paths: into $z_i$ with the statistics held, and through $\mu$ and $\sigma^2$")
D.step(each(gamma[i] * g[i] / s + Sum(partial(L, z[k]) * partial(z[k], mu), (k, 1, d)) / d
            + 2 / d * (x[i] - mu) * Sum(partial(L, z[k]) * partial(z[k], var), (k, 1, d))),
       "derivative", "local-derivatives",
       r"$\partial L/\partial z_i = \gamma_i g_i$, $\partial \mu/\partial x_i = \frac{1}{d}$, "
       r"$\partial \sigma^2/\partial x_i = \frac{2}{d}(x_i - \mu)$; $\mu$ and $\sigma^2$ reach $L$ through every $z_k$")
D.step(each(gamma[i] * g[i] / s - Sum(gamma[k] * g[k], (k, 1, d)) / (d * s)
            - (x[i] - mu) / (d * s ** 3) * Sum(gamma[k] * g[k] * (x[k] - mu), (k, 1, d))),
       "derivative", "local-derivatives",
       r"$\partial z_k/\partial \mu = -1/\sqrt{\sigma^2 + \epsilon}$ and "
       r"$\partial z_k/\partial \sigma^2 = -\frac{1}{2}(x_k - \mu)(\sigma^2 + \epsilon)^{-3/2}$")
result = each((gamma[i] * g[i] - Sum(gamma[k] * g[k], (k, 1, d)) / d
               - z[i] / d * Sum(gamma[k] * g[k] * z[k], (k, 1, d))) / s)
D.eq(result, "collect", r"take out $1/\sqrt{\sigma^2 + \epsilon}$ and write $z_k = (x_k - \mu)/\sqrt{\sigma^2 + \epsilon}$")
D.result(result)
D.crosscheck("finite differences of the forward map", finite_differences(D, part=0))

DERIVATION = D
