"""The weight gradient of a linear layer for one example is rank one: g xᵀ, ||g xᵀ||₂ = ||g|| ||x||."""
from derive import column, Derivation, finite_differences, for_every, fro, grad, index, indexed, norm

D = Derivation(
    name="linear_layer_gradient",
    title="The weight gradient of a linear layer is rank one",
    source="beyond the homeworks",
    statement=(r"A linear layer maps $x \in \mathbb{R}^d$ to $y = W x$; for one example, $g = \partial L / \partial y$ "
               r"comes from the layers above, so $L$ changes with $W$ as $g^\top W x$ does. (a) Find $\nabla_W L$. "
               r"(b) What is its column $j$? (c) Find its spectral norm and (d) its Frobenius norm."))
m, d = D.dims("m d")
W = D.matrix("W", m, d, "the weights")
x = D.vector("x", d, "the input")
g = D.vector("g", m, r"the upstream gradient $\partial L / \partial y$")
D.rule("column-of-outer-product", r"column $j$ of $u v^\top$ is $v_j u$", ("property",))
D.rule("frobenius-of-rank-one", r"$\|u v^\top\|_F^2 = \sum_{i,j} u_i^2 v_j^2 = \|u\|_2^2 \|v\|_2^2$")
D.definition(grad(g.T * W * x, W), "to first order the loss changes as g^T W x", title="(a) The gradient",
             lhs=r"\nabla_W L")
D.step(g * x.T, "gradient", "gradient-of-bilinear-form", r"$\partial (g^\top W x) / \partial W_{ij} = g_i x_j$")
D.result(g * x.T)
j = index("j")
D.definition(g * x.T, "the gradient of part (a)", title="(b) Its columns", lhs=r"\nabla_W L")
columns = for_every(j, d, g * x.T, column(g * x.T, j), indexed(x)[j] * g)
D.step(columns, "property", "column-of-outer-product", r"column $j$ of $g x^\top$ is $x_j\,g$: a multiple of $g$")
D.result(columns)

D.definition(norm(g * x.T), "the gradient of part (a)", title="(c) The spectral norm", lhs=r"\|\nabla_W L\|_2")
D.eq(norm(g) * norm(x), "norm-of-rank-one", r"$g x^\top$ has rank one")
D.result(norm(g) * norm(x))
D.definition(fro(g * x.T), "the gradient of part (a)", title="(d) The Frobenius norm", lhs=r"\|\nabla_W L\|_F")
D.eq(norm(g) * norm(x), "frobenius-of-rank-one", r"the entries are $g_i x_j$")
D.result(norm(g) * norm(x))
D.note(r"For one example the two norms coincide: the one non-zero singular value is $\|g\|_2 \|x\|_2$.")
D.crosscheck("the gradient by central differences of the loss", finite_differences(D, part=0))
DERIVATION = D
