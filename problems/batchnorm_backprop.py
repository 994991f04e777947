"""Backpropagation through batch normalization (HW5 Q2(b) and Q6(b))."""
from sympy import Add, KroneckerDelta, Sum, sqrt

from derive import (At, Derivation, Lim, computational_graph, finite_differences, formula, forward, indexed, indices,
                    loss, over, partial)

D = Derivation(
    name="batchnorm_backprop",
    title="Backpropagation through batch normalization",
    source="Homework 5, Q2(b) and Q6(b)",
    statement=(
        r"(i) A simplified batch norm only centres a batch of $n$ scalars: "
        r"$y_j = \gamma(x_j - \frac{1}{n}\sum_k x_k) + \beta$. Given the upstream gradients "
        r"$g_j = \partial L/\partial y_j$ of a loss $L$, find $\partial L/\partial x_i$, its value "
        r"for a batch of one, and its behaviour for large batches. "
        r"(ii) Training-time batch norm standardises each column $j$ of an $n \times d$ batch $X$ "
        r"with the batch mean $\mu_j$ and the biased batch variance $\sigma_j^2$, then scales by "
        r"$\gamma_j$ and shifts by $\beta_j$. Given $dy_{ij} = \partial L/\partial Y_{ij}$, "
        r"derive $\partial L/\partial X_{ij}$ in closed form."
    ),
)
n, d = D.dims("n d")
i, j, k = indices("i j k")

# (i) centring only
gamma = D.scalars("gamma", "real", "scale of the simplified batch norm (i)")
beta = D.scalars("beta", "real", "shift of the simplified batch norm (i)")
x = indexed(D.vector("x", n, "a batch of $n$ scalars"))
g = indexed(D.vector("g", n, r"upstream gradients of (i), $g_j = \partial L / \partial y_j$"))
y = forward(D, "y", gamma * (x[j] - Sum(x[k], (k, 1, n)) / n) + beta, [(j, n)], "outputs of (i)")

# (ii) training-time batch norm
eps = D.scalars("epsilon", "positive", "added to the variance for numerical safety")
X = indexed(D.matrix("X", n, d, "a batch of $n$ samples with $d$ features"))
gammas = indexed(D.vector("gamma", d, "per-feature scale of (ii)"))
betas = indexed(D.vector("beta", d, "per-feature shift of (ii)"))
dy = indexed(D.matrix("dy", n, d, r"upstream gradients of (ii), $dy_{ij} = \partial L / \partial Y_{ij}$"))
mu = forward(D, "mu", Sum(X[k, j], (k, 1, n)) / n, [(j, d)], "batch mean")
var = forward(D, "sigma^2", Sum((X[k, j] - mu[j]) ** 2, (k, 1, n)) / n, [(j, d)], "biased batch variance")
Z = forward(D, "Z", (X[i, j] - mu[j]) / sqrt(var[j] + eps), [(i, n), (j, d)], "standardised batch")
Y = forward(D, "Y", gammas[j] * Z[i, j] + betas[j], [(i, n), (j, d)], "outputs of (ii)")

L = loss(D, "L", {y: g, Y: dy}, "a loss computed downstream of $y$ and $Y$; only its gradients enter")
D.assume(r"For large batches the upstream gradients stay bounded, and so does their sum $\sum_j g_j$.")

# -- (i) the gradient ---------------------------------------------------------------------
each_i = over((i, n))
sum_g = Sum(g[j], (j, 1, n))
grad = each_i(gamma * (g[i] - sum_g / n))
D.definition(each_i(partial(L.of(y), x[i])), "$x_i$ reaches $L$ through every output, since each "
             "output uses the batch mean", title="(i) Centring only: the gradient",
             lhs=r"\frac{\partial L}{\partial x_i}")
D.step(each_i(Sum(partial(L, y[j]) * partial(y[j], x[i]), (j, 1, n))), "derivative", "chain-rule",
       r"add up the paths through $y_1, \dots, y_n$")
D.step(each_i(Sum(g[j] * gamma * (KroneckerDelta(i, j) - 1 / n), (j, 1, n))), "derivative", "local-derivatives",
       r"$\partial y_j / \partial x_i = \gamma(\delta_{ij} - \frac{1}{n})$: $x_i$ enters $y_i$ directly, "
       r"and every $y_j$ through the mean")
D.eq(grad, "sum-against-delta", r"the $\delta_{ij}$ term keeps $g_i$; the $-\frac{1}{n}$ term averages all $g_j$")
D.result(grad)

# -- (i) a batch of one ---------------------------------------------------------------------
D.definition(At(each_i(partial(L.of(y), x[i])), {n: 1}), title="(i) A batch of one",
             lhs=r"\left.\frac{\partial L}{\partial x_1}\right|_{n=1}")
D.step(formula(gamma * Add(g[1], -g[1], evaluate=False)), "evaluate", "evaluate-at",
       r"with $n = 1$ the only index is $i = j = 1$ and the mean is $x_1$ itself")
D.eq(0, "algebra", "the output no longer depends on the input at all")
D.result(0)

# -- (i) large batches ------------------------------------------------------------------------
D.definition(Lim(grad, n, bounded=[sum_g]), "the gradient found above, as the batch grows",
             title="(i) Large batches", lhs=r"\lim_{n \to \infty} \frac{\partial L}{\partial x_i}")
D.step(gamma * g[i], "limit", "bounded-over-n",
       r"$\sum_j g_j$ stays bounded (assumed), so $\frac{1}{n} \sum_j g_j \to 0$: each sample keeps "
       r"its own gradient, scaled by $\gamma$")
D.result(gamma * g[i])

# -- (ii) full batch norm ------------------------------------------------------------------------
each_ij = over((i, n), (j, d))
s = sqrt(var[j] + eps)
dsum = Sum(dy[k, j], (k, 1, n))
xsum = Sum(dy[k, j] * (X[k, j] - mu[j]), (k, 1, n))
D.definition(each_ij(partial(L.of(Y), X[i, j])), r"$X_{ij}$ reaches $L$ through $Z_{ij}$, $\mu_j$ and $\sigma_j^2$",
             title="(ii) Training-time batch norm", lhs=r"\frac{\partial L}{\partial X_{ij}}")
D.step(each_ij(partial(L, Z[i, j]) / s + partial(L, mu[j]) * partial(mu[j], X[i, j])
               + partial(L, var[j]) * partial(var[j], X[i, j])), "derivative", "chain-rule",
       r"three paths: directly into $Z_{ij}$ (with $\mu_j$, $\sigma_j^2$ held, "
       r"$\partial Z_{ij}/\partial X_{ij} = 1/\sqrt{\sigma_j^2 + \epsilon}$), and through the column statistics")
D.step(each_ij(gammas[j] * dy[i, j] / s + partial(L, mu[j]) / n + 2 / n * (X[i, j] - mu[j]) * partial(L, var[j])),
       "derivative", "local-derivatives",
       r"$\partial L/\partial Z_{ij} = \gamma_j dy_{ij}$, $\partial \mu_j/\partial X_{ij} = \frac{1}{n}$, "
       r"$\partial \sigma_j^2/\partial X_{ij} = \frac{2}{n}(X_{ij} - \mu_j)$")
D.step(each_ij(gammas[j] * dy[i, j] / s + Sum(partial(L, Z[k, j]) * partial(Z[k, j], mu[j]), (k, 1, n)) / n
               + 2 / n * (X[i, j] - mu[j]) * Sum(partial(L, Z[k, j]) * partial(Z[k, j], var[j]), (k, 1, n))),
       "derivative", "chain-rule",
       r"$\mu_j$ and $\sigma_j^2$ reach $L$ through the whole column $Z_{1j}, \dots, Z_{nj}$ "
       r"($\sigma_j^2$ also uses $\mu_j$, but $\partial \sigma_j^2/\partial \mu_j = "
       r"-\frac{2}{n}\sum_k (X_{kj} - \mu_j) = 0$)")
D.step(each_ij(gammas[j] * dy[i, j] / s - gammas[j] / (n * s) * dsum
               - (X[i, j] - mu[j]) * gammas[j] / (n * s ** 3) * xsum), "derivative", "local-derivatives",
       r"$\partial Z_{kj}/\partial \mu_j = -1/\sqrt{\sigma_j^2 + \epsilon}$ and "
       r"$\partial Z_{kj}/\partial \sigma_j^2 = -\frac{1}{2}(X_{kj} - \mu_j)(\sigma_j^2 + \epsilon)^{-3/2}$")
result = each_ij(gammas[j] / s * (dy[i, j] - dsum / n - (X[i, j] - mu[j]) / (n * s ** 2) * xsum))
D.eq(result, "collect", r"take out $\gamma_j / \sqrt{\sigma_j^2 + \epsilon}$")
D.result(result)

D.erratum(
    r"The reference key writes $\partial Z_{ij}/\partial \sigma_j^2 = -\frac{1}{2}(\sigma_j^2 + \epsilon)^{-3/2}$ "
    r"in its lines (48)--(51), without the factor $(X_{ij} - \mu_j)$, and its final line (57) ends in "
    r"$-\frac{1}{n}\frac{1}{\sigma_j^2 + \epsilon} \sum_k dy_{kj}(X_{kj} - \mu_j)$, "
    r"without the factor $(X_{ij} - \mu_j)$. The engine rejects that line with a counterexample, and "
    r"finite differences of the forward map agree with the engine: the last term is "
    r"$-\frac{X_{ij} - \mu_j}{n(\sigma_j^2 + \epsilon)} \sum_k dy_{kj}(X_{kj} - \mu_j)$."
)
D.crosscheck("finite differences of the forward map (i)", finite_differences(D, part=0))
D.crosscheck("finite differences of the forward map (ii)", finite_differences(D, part=3))
D.figure(computational_graph(D, ["Y"]),
         r"Training-time batch normalization as a computational graph (Homework 5, Q6(a)): inputs $X$, "
         r"$\gamma$, $\beta$; intermediate nodes $\mu$, $\sigma^2$, $Z$; output $Y$. Drawn from the forward "
         r"map declared above, so every arrow is a dependence the checker differentiates.")

DERIVATION = D
