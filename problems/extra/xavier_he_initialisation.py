"""Xavier and He initialisation: the variance of a layer's output, with and without a ReLU."""
from sympy import Sum

from derive import Derivation, Symmetric, Var, ZeroMean, indexed, indices, monte_carlo, over, relu

D = Derivation(
    name="xavier_he_initialisation",
    title="Xavier and He initialisation",
    source="beyond the homeworks",
    statement=(
        r"A linear layer $y = W x$ has independent zero-mean weights of variance $\sigma^2$, independent of "
        r"its input. (i) If the $d_{\mathrm{in}}$ inputs are independent, zero-mean, of variance $q$, find "
        r"$\operatorname{Var}(y_i)$. (ii) If instead the inputs are $x = \operatorname{relu}(h)$ for independent "
        r"pre-activations $h_j$, symmetric about 0 with variance $q$, find $\operatorname{Var}(y_i)$ and the "
        r"$\sigma^2$ that keeps it equal to $q$."
    ),
)
d_in, d_out = D.dims("d_in d_out")
i, j = indices("i j")
s2 = D.scalars("sigma^2", "positive", "variance of each weight")
q = D.scalars("q", "positive", "variance of each input (i) and of each pre-activation (ii)")
W = indexed(D.random("W", d_out, d_in, ZeroMean(s2), "the weights"))
x = indexed(D.random("x", d_in, 1, ZeroMean(q), "the inputs of (i)"))
h = indexed(D.random("h", d_in, 1, Symmetric(q), "the pre-activations of (ii)"))
each = over((i, d_out))

D.definition(each(Var((W.symbol, x.symbol), Sum(W[i, j] * x[j], (j, 1, d_in)))), title="(i) Xavier",
             lhs=r"\operatorname{Var}(y_i)")
D.eq(each(Sum(Var((W.symbol, x.symbol), W[i, j] * x[j]), (j, 1, d_in))), "variance-of-uncorrelated-sum",
     r"the products $W_{ij} x_j$ have mean 0 and are uncorrelated, since the weights are independent with mean 0")
D.eq(each(d_in * s2 * q), "variance-of-zero-mean-product",
     r"$\operatorname{Var}(W_{ij} x_j) = "
     r"\mathbb{E}[W_{ij}^2]\,\mathbb{E}[x_j^2] = \sigma^2 q$, the same for each of the $d_{\mathrm{in}}$ terms")
D.result(each(d_in * s2 * q))
D.crosscheck("(i) Monte Carlo with normal weights and inputs", monte_carlo(D, part=0))

D.definition(each(Var((W.symbol, h.symbol), Sum(W[i, j] * relu(h[j]), (j, 1, d_in)))), title="(ii) He",
             lhs=r"\operatorname{Var}(y_i)")
D.eq(each(d_in * s2 * q / 2), "second-moment-of-relu",
     r"as in (i) with $\mathbb{E}[\operatorname{relu}(h_j)^2] = q/2$: $\operatorname{relu}(h)^2 + \operatorname{relu}(-h)^2 "
     r"= h^2$, and $h$, $-h$ have one law. So $\sigma^2 = 2/d_{\mathrm{in}}$ keeps the variance at $q$")
D.result(each(d_in * s2 * q / 2))
D.crosscheck("(ii) Monte Carlo with normal weights and pre-activations", monte_carlo(D, part=1))

DERIVATION = D
