"""The cost of attention's two products in either order, and when linear attention pays."""
from derive import Cost, counted_costs, Derivation, Flops, grouped, ordered

D = Derivation(
    name="attention_cost",
    title="The order of attention's products",
    source="beyond the homeworks",
    statement=(
        r"Without the softmax, attention maps queries, keys and values $Q, K, V \in \mathbb{R}^{n \times d}$ "
        r"to $Q K^{\top} V$. Multiplying an $a \times b$ by a $b \times e$ matrix costs $c\,abe$. "
        r"Price the product evaluated as $(Q K^{\top}) V$ and as $Q (K^{\top} V)$, and say which is "
        r"cheaper for long sequences ($n \gg d$)."
    ),
)
n, d = D.dims("n d")
c = D.scalars("c", "positive", "the cost of one scalar multiply-add")
Q = D.matrix("Q", n, d, "the queries, one row per position")
K = D.matrix("K", n, d, "the keys")
V = D.matrix("V", n, d, "the values")

D.definition(Cost(Q * K.T * V, c), "left to right: the n×n score matrix first", title="(a) Scores first",
             lhs=r"C_{\mathrm{a}}")
D.step(Flops(c, n, d, n) + Flops(c, n, n, d), "cost", "cost-of-product",
       r"$Q K^{\top}$ multiplies $n \times d$ by $d \times n$; the $n \times n$ result times $V$")
D.step(2 * c * n**2 * d, "cost", "add-costs", "the two products cost the same")
D.result(2 * c * n**2 * d)

D.definition(Q * K.T * V, "attention without the softmax", title="(b) Keys and values first", lhs="A")
D.eq(ordered(Q, grouped(K.T * V)), "associativity-of-products", r"group $K^{\top} V$ first")
D.result(ordered(Q, grouped(K.T * V)))

D.definition(Cost(ordered(Q, grouped(K.T * V)), c), "the d×d matrix KᵀV first", title="(b) Its cost",
             lhs=r"C_{\mathrm{b}}")
D.step(Flops(c, d, n, d) + Flops(c, n, d, d), "cost", "cost-of-product",
       r"$K^{\top} V$ multiplies $d \times n$ by $n \times d$; then $Q$ times the $d \times d$ result")
D.step(2 * c * n * d**2, "cost", "add-costs", "the two products cost the same")
D.result(2 * c * n * d**2)

D.note(r"The ratio $C_{\mathrm{a}}/C_{\mathrm{b}} = n/d$: for sequences longer than the head width, "
       r"grouping $K^{\top} V$ first is cheaper by that factor, which is what linear attention exploits.")
D.crosscheck("numpy: counted multiplications and equal values", counted_costs(D, sizes=[{n: 7, d: 3}, {n: 3, d: 5}]))

DERIVATION = D
