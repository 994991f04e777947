"""Multiplicative Gaussian noise on the features is also Tikhonov regularization (HW5 Q8)."""
from derive import Derivation, E, Normal, diag, diag_sqrt, hadamard, monte_carlo, sqnorm

D = Derivation(
    name="gaussian_noise_tikhonov",
    title="Multiplicative Gaussian noise in linear regression is Tikhonov regularization",
    source="Homework 5, Q8",
    statement=(
        r"Instead of zeroing features at random, multiply every entry of the data matrix $X$ by "
        r"an independent $R_{ij} \sim \mathcal{N}(\mu, \sigma^2)$ while fitting $w$ by least "
        r"squares. Write the expected loss $\mathbb{E}\|y - (R \circ X)w\|_2^2$ as "
        r"$\|y - (A) X w\|_2^2 + (B)\|\Gamma w\|_2^2$ with $\Gamma = \mathrm{diag}(X^\top X)^{1/2}$, "
        r"and find $(A)$ and $(B)$."
    ),
    lhs=r"\mathcal{L}(w)",
)
n, d = D.dims("n d")
mu = D.scalars("mu", "real", "mean of the noise")
sigma = D.scalars("sigma", "positive", "standard deviation of the noise")
X = D.matrix("X", n, d, "training data, one sample per row")
y = D.vector("y", n, "targets")
w = D.vector("w", d, "weights")
R = D.random("R", n, d, Normal(mu, sigma**2), "multiplicative noise, independent of $X$, $y$, $w$")
Gamma = D.define("Gamma", diag_sqrt(diag(X.T * X)), "its $j$-th diagonal entry is the norm of column $j$ of $X$")

P = hadamard(R, X)
D.definition(E(R, sqnorm(y - P * w)), "the expected training loss")
D.eq(E(R, y.T * y - 2 * w.T * P.T * y + w.T * P.T * P * w), "expand-square",
     "expand the square inside the expectation")
D.eq(y.T * y - 2 * w.T * E(R, P).T * y + w.T * E(R, P.T * P) * w, "linearity-of-expectation",
     "only $R$ is random, so the expectation moves onto the two random matrices")
D.eq(y.T * y - 2 * mu * w.T * X.T * y + w.T * E(R, P.T * P) * w, "mean-of-masked-matrix",
     r"each entry $R_{ij} X_{ij}$ has mean $\mu X_{ij}$")
D.eq(y.T * y - 2 * mu * w.T * X.T * y + w.T * (mu**2 * X.T * X + sigma**2 * diag(X.T * X)) * w,
     "second-moment-of-masked-gram",
     r"off the diagonal two independent factors give $\mu^2$; on it $\mathbb{E}[R_{kj}^2] = "
     r"\mu^2 + \sigma^2$, so the diagonal carries an extra $\sigma^2$")
D.eq(y.T * y - 2 * mu * w.T * X.T * y + mu**2 * w.T * X.T * X * w + sigma**2 * w.T * diag(X.T * X) * w,
     "distribute", "multiply out the quadratic form")
D.eq(sqnorm(y - mu * X * w) + sigma**2 * sqnorm(Gamma * w), "regroup-norms",
     r"the first three terms are $\|y - \mu Xw\|_2^2$; the last is $\sigma^2 \|\Gamma w\|_2^2$")
D.result(sqnorm(y - mu * X * w) + sigma**2 * sqnorm(Gamma * w))

D.note(r"So $(A) = \mu$ and $(B) = \sigma^2$. With $\mu = p$ and $\sigma^2 = p(1-p)$ (the mean and "
       r"variance of a Bernoulli($p$) mask) this is the dropout result.")
D.crosscheck("Monte Carlo estimate of the expected loss", monte_carlo(D))

DERIVATION = D
