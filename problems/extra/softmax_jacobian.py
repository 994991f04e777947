"""The Jacobian of softmax: ∂p_i/∂z_j = p_i(δ_ij − p_j), i.e. diag(p) − p pᵀ."""
from sympy import KroneckerDelta, Sum, exp

from derive import Derivation, computational_graph, finite_differences, forward, indexed, indices, over, partial

D = Derivation(
    name="softmax_jacobian",
    title="The Jacobian of softmax",
    source="beyond the homeworks",
    statement=(
        r"Softmax turns a vector of $n$ scores $z$ into probabilities $p_i = e^{z_i} / \sum_k e^{z_k}$. "
        r"Find every partial derivative $\partial p_i / \partial z_j$, the entries of the Jacobian."
    ),
)
n = D.dims("n")
i, j, k = indices("i j k")
z = indexed(D.vector("z", n, "the scores (logits)"))
D.rule("quotient-rule", "(u/v)' = u'/v - u v'/v^2", ("derivative",))
p = forward(D, "p", exp(z[i]) / Sum(exp(z[k]), (k, 1, n)), [(i, n)], "the softmax probabilities")

each = over((i, n), (j, n))
D.definition(each(partial(p[i], z[j])), "each probability depends on every score through the normaliser",
             lhs=r"\frac{\partial p_i}{\partial z_j}")
D.step(each(KroneckerDelta(i, j) * exp(z[i]) / Sum(exp(z[k]), (k, 1, n))
            - exp(z[i]) * exp(z[j]) / Sum(exp(z[k]), (k, 1, n)) ** 2), "derivative", "quotient-rule",
       r"the numerator $e^{z_i}$ has derivative $\delta_{ij} e^{z_i}$, the normaliser has derivative $e^{z_j}$")
D.eq(each(p[i] * (KroneckerDelta(i, j) - p[j])), "definition",
     r"each ratio $e^{z_m} / \sum_k e^{z_k}$ is $p_m$; these are the entries of $\operatorname{diag}(p) - p p^\top$")
D.result(each(p[i] * (KroneckerDelta(i, j) - p[j])))
D.crosscheck("finite differences of the softmax", finite_differences(D, part=0))
D.figure(computational_graph(D, ["p"]), "Softmax as a computational graph: every score reaches every probability.")

DERIVATION = D
