"""CONV, ReLU, CONV, ReLU, GAP, FC with circular padding: a shifted input gives the same output (HW4 Q4(f))."""
from sympy import ImmutableMatrix

from derive import Derivation, global_average as gap, relu, roll, xcorr

D = Derivation(
    name="translation_invariance",
    title="Translation invariance with circular padding",
    source="Homework 4, Q4(f)",
    statement=(r"A network CONV2-3, ReLU, CONV2-3, ReLU, global average pooling (GAP), FC-3 sees an image $X$ "
               r"and its circular shift $\operatorname{roll}_{a,b}(X)$ by $a$ rows and $b$ columns. Both "
               r"convolutions have $2\times 2$ filters, stride 1 and circular padding, so every feature map is "
               r"the size of the image (on a torus). Show that the pooled features, hence the output, of the "
               r"shifted image equal those of the image."),
)
D.assume(r"$(X \star_{\mathrm{circ}} K)_{i,j} = \sum_{h,l=1}^{2} x_{[i+h-1],[j+l-1]}\, k_{h,l}$, indices "
         r"taken modulo the size; $\operatorname{roll}_{a,b}(X)_{i,j} = x_{[i-a],[j-b]}$; $\operatorname{GAP}(M)$ "
         r"is the mean of the entries of $M$. The filters and the FC weights are arbitrary.")
n, m, a, b = D.dims("n m a b")
grid = [{n: r, m: c, a: s, b: t} for r, c in [(8, 8), (5, 6), (5, 8), (8, 6)]
        for s, t in [(3, 5), (2, 1), (2, 5), (3, 1)]]
D.check_sizes(grid[4], grid[5], *grid[:4], *grid[6:])  # exact (symbolic entries) at 5×6 with two shifts; 8×8 at exact random points
X, M = D.matrix("X", n, m, "the image"), D.matrix("M", n, m, "a feature map")
K = D.matrix("K", 2, 2, "a filter")
A = [D.matrix(f"A_{i}", 2, 2, "a filter of the first layer") for i in "123i"]
B = [[D.matrix(f"B_{{{c}{i}}}", 2, 2, "a filter of the second layer") for i in "123"] for c in "123c"]
W, beta = D.matrix("W", 3, 3, "the FC weights"), D.vector("beta", 3, "the FC bias")
star = lambda P, F: xcorr(P, F, "circular")  # noqa: E731
S = lambda P: roll(P, a, b)  # noqa: E731
total = lambda terms: sum(terms, start=0 * M)  # noqa: E731
H = [D.define(f"H_{i}", relu(star(X, A[k])), "a first-layer map") for k, i in enumerate("123i")]
Hs = [D.define(f"H'_{i}", relu(star(S(X), A[k])), "a first-layer map of the shifted image")
      for k, i in enumerate("123i")]
Z = [D.define(f"Z_{c}", relu(total(star(H[i], B[k][i]) for i in range(3))), "a second-layer map")
     for k, c in enumerate("123c")]
Zs = [D.define(f"Z'_{c}", relu(total(star(Hs[i], B[k][i]) for i in range(3))),
               "a second-layer map of the shifted image") for k, c in enumerate("123c")]

D.definition(star(S(X), K), "the shifted image, correlated", title="(1) Circular correlation commutes with shifts")
D.eq(S(star(X, K)), "circular-shift-commutes", "each window of the shifted image is the shifted window")
shift_commutes = D.result(S(star(X, K)))
D.definition(relu(S(M)), "ReLU of a shifted map", title="(2) ReLU commutes with shifts")
D.eq(S(relu(M)), "entrywise-commutes-with-shift", "ReLU acts on each entry alone, wherever it sits")
relu_commutes = D.result(S(relu(M)))
D.definition(gap(S(M)), "the average of a shifted map", title="(3) GAP does not see shifts")
D.eq(gap(M), "mean-under-permutation", "a shift only reorders the entries")
gap_ignores_shift = D.result(gap(M))
M2, M3 = D.matrix("N", n, m, "a feature map"), D.matrix("P", n, m, "a feature map")
D.definition(S(M + M2 + M3), "a shifted sum of maps", title="(4) A shift is linear")
D.eq(S(M) + S(M2) + S(M3), "shift-is-linear", "each entry of the sum moves with the entries it adds")
shift_is_linear = D.result(S(M) + S(M2) + S(M3))

D.definition(Hs[3], "first-layer map i of the shifted image", title="(5) The first layer", lhs="H'_i")
D.eq(relu(star(S(X), A[3])), "definition", "the first layer")
D.eq(relu(S(star(X, A[3]))), "circular-shift-commutes", "by (1)", using=shift_commutes.where({K: A[3]}))
D.eq(S(H[3]), "entrywise-commutes-with-shift", "by (2), and the definition of $H_i$",
     using=relu_commutes.where({M: star(X, A[3])}))
first_layer = D.result(S(H[3]))
D.definition(Zs[3], "output channel c of the second layer on the shifted image", title="(6) The second layer",
             lhs="Z'_c")
D.eq(relu(total(star(S(H[i]), B[3][i]) for i in range(3))), "result-of-earlier-part",
     r"$H'_i = \operatorname{roll}_{a,b}(H_i)$ for $i = 1, 2, 3$, by (5)",
     using=[first_layer.where({A[3]: A[i]}) for i in range(3)])
D.eq(relu(total(S(star(H[i], B[3][i])) for i in range(3))), "circular-shift-commutes", "by (1)",
     using=[shift_commutes.where({X: H[i], K: B[3][i]}) for i in range(3)])
D.eq(relu(S(total(star(H[i], B[3][i]) for i in range(3)))), "shift-is-linear", "by (4)",
     using=shift_is_linear.where({M: star(H[0], B[3][0]), M2: star(H[1], B[3][1]), M3: star(H[2], B[3][2])}))
D.eq(S(Z[3]), "entrywise-commutes-with-shift", "by (2), and the definition of $Z_c$",
     using=relu_commutes.where({M: total(star(H[i], B[3][i]) for i in range(3))}))
second_layer = D.result(S(Z[3]))

D.definition(W * ImmutableMatrix([gap(z) for z in Zs[:3]]) + beta, "FC of the pooled features of the shifted image",
             title="(7) Pooled features and output", lhs=r"y(\operatorname{roll}_{a,b}(X))")
D.eq(W * ImmutableMatrix([gap(S(z)) for z in Z[:3]]) + beta, "result-of-earlier-part",
     "$Z'_c = \\operatorname{roll}_{a,b}(Z_c)$ for $c = 1, 2, 3$, by (6)",
     using=[second_layer.where({B[3][i]: B[c][i] for i in range(3)}) for c in range(3)])
D.eq(W * ImmutableMatrix([gap(z) for z in Z[:3]]) + beta, "mean-under-permutation", "by (3)",
     using=[gap_ignores_shift.where({M: z}) for z in Z[:3]])
D.result(W * ImmutableMatrix([gap(z) for z in Z[:3]]) + beta)
D.note(r"The FC input of $\operatorname{roll}_{a,b}(X)$ is that of $X$ for every shift, so a shifted vertical edge "
       r"gives the features of the vertical edge and a shifted horizontal edge those of the horizontal edge "
       r"(the reference's values, $g_2 = (0, 0.8, 0)$ and $g_1 = (0.8, 0, 0)$, depend on its filters, not given).")
DERIVATION = D
