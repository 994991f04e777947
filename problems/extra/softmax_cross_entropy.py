"""The gradient of softmax cross-entropy in the logits: ∂L/∂z = p − y, for targets that sum to one."""
from sympy import KroneckerDelta, Sum, exp, log

from derive import Derivation, finite_differences, forward, indexed, indices, over, partial, sums_to_one

D = Derivation(
    name="softmax_cross_entropy",
    title="Gradient of softmax cross-entropy",
    source="beyond the homeworks",
    statement=(
        r"A classifier outputs logits $z \in \mathbb{R}^n$ and probabilities $p_i = e^{z_i}/\sum_k e^{z_k}$. "
        r"With a target distribution $y$ ($\sum_i y_i = 1$, e.g.\ a one-hot label) the loss is the "
        r"cross-entropy $L = -\sum_k y_k \log p_k$. Show that $\partial L/\partial z_i = p_i - y_i$."
    ),
)
n = D.dims("n")
i, k = indices("i k")
z = indexed(D.vector("z", n, "the logits"))
y = indexed(sums_to_one(D, "y", n, "the target distribution"))
p = forward(D, "p", exp(z[i]) / Sum(exp(z[k]), (k, 1, n)), [(i, n)], "the softmax probabilities")
L = forward(D, "L", -Sum(y[k] * log(p[k]), (k, 1, n)), [], "the cross-entropy loss")

each = over((i, n))
D.definition(each(partial(L, z[i])), "every probability depends on every logit", lhs=r"\frac{\partial L}{\partial z_i}")
D.step(each(Sum(-y[k] / p[k] * partial(p[k], z[i]), (k, 1, n))), "derivative", "chain-rule",
       r"$L$ reaches $z_i$ through each $p_k$, and $\frac{d}{dp} \log p = \frac{1}{p}$")
D.step(each(Sum(-y[k] * (KroneckerDelta(k, i) - p[i]), (k, 1, n))), "derivative", "local-derivatives",
       r"the softmax Jacobian $\partial p_k / \partial z_i = p_k(\delta_{ki} - p_i)$ (see softmax\_jacobian)")
D.eq(each(p[i] * Sum(y[k], (k, 1, n)) - y[i]), "sum-against-delta", r"the $\delta_{ki}$ term keeps $y_i$ only")
D.eq(each(p[i] - y[i]), "algebra", r"the targets sum to one")
D.result(each(p[i] - y[i]))
D.crosscheck("finite differences of the loss", finite_differences(D, part=0))

DERIVATION = D
