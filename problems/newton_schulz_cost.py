"""The cost of one Newton-Schulz iteration, and a cheaper order for tall matrices (HW4 Q1(a)-(b))."""
from derive import Cost, counted_costs, Derivation, Flops, grouped, Identity, ordered, Rational

D = Derivation(
    name="newton_schulz_cost",
    title="The cost of one Newton-Schulz iteration",
    source="Homework 4, Q1(a)-(b)",
    statement=(
        r"One Newton-Schulz iteration maps $W \in \mathbb{R}^{d_{\mathrm{out}} \times d_{\mathrm{in}}}$ to "
        r"$p(W) = \tfrac{1}{2}\left(3 I_{d_{\mathrm{out}}} - W W^{\top}\right) W$. Multiplying an $n \times m$ "
        r"matrix by an $m \times p$ matrix costs $c\,nmp$; additions, scalar multiples and transposes "
        r"are free. (a) What does one iteration cost when evaluated as written? (b) When "
        r"$d_{\mathrm{out}} \gg d_{\mathrm{in}}$, rewrite $p(W)$ exactly so that it is cheaper, and give its cost."
    ),
)
d_out, d_in = D.dims("d_out d_in")
c = D.scalars("c", "positive", "the cost of one scalar multiply-add")
W = D.matrix("W", d_out, d_in, "the matrix being orthogonalised")
I = Identity(d_out)
half = Rational(1, 2)
as_written = ordered(half, 3 * I - W * W.T, W)
reordered = ordered(half, 3 * W - ordered(W, grouped(W.T * W)))

D.definition(Cost(as_written, c), "the iteration evaluated as written", title="(a) The iteration as written",
             lhs=r"C_{\mathrm{a}}")
D.step(Cost(W * W.T, c) + Flops(c, d_out, d_out, d_in), "cost", "cost-of-product",
       r"first $W W^{\top}$; subtracting it from $3I$ and halving are free; then the "
       r"$d_{\mathrm{out}} \times d_{\mathrm{out}}$ result times $W$")
D.step(Flops(c, d_out, d_in, d_out) + Flops(c, d_out, d_out, d_in), "cost", "cost-of-product",
       r"$W W^{\top}$ multiplies a $d_{\mathrm{out}} \times d_{\mathrm{in}}$ by a $d_{\mathrm{in}} \times d_{\mathrm{out}}$ matrix")
cost_a = 2 * c * d_out**2 * d_in
D.step(cost_a, "cost", "add-costs", "the two products cost the same")
D.result(cost_a)

D.definition(as_written, "the iteration", title="(b) The same map in another order", lhs="p(W)")
D.eq(ordered(half, 3 * W - W * W.T * W), "distribute", r"multiply $W$ into the bracket: $I W = W$")
D.eq(reordered, "associativity-of-products", r"group $W^{\top} W$ first: matrix products are associative")
D.result(reordered)

D.definition(Cost(reordered, c), "the new order", title="(b) Its cost", lhs=r"C_{\mathrm{b}}")
D.step(Cost(W.T * W, c) + Flops(c, d_out, d_in, d_in), "cost", "cost-of-product",
       r"first the $d_{\mathrm{in}} \times d_{\mathrm{in}}$ matrix $W^{\top} W$, then $W$ times it; $3W$, the "
       r"difference and the halving are free")
D.step(Flops(c, d_in, d_out, d_in) + Flops(c, d_out, d_in, d_in), "cost", "cost-of-product",
       r"$W^{\top} W$ multiplies a $d_{\mathrm{in}} \times d_{\mathrm{out}}$ by a $d_{\mathrm{out}} \times d_{\mathrm{in}}$ matrix")
cost_b = 2 * c * d_in**2 * d_out
D.step(cost_b, "cost", "add-costs", "the two products cost the same")
D.result(cost_b)

D.note(r"The ratio of the two costs is $d_{\mathrm{in}}/d_{\mathrm{out}}$: for a tall matrix ($d_{\mathrm{out}} \gg d_{\mathrm{in}}$) the "
       r"second order is cheaper by that factor, for a wide one the first. The rewrite is an identity, "
       r"checked with $W$ a non-square matrix of symbols, not a number.")


D.crosscheck("numpy: counted multiplications and values of both forms",
             counted_costs(D, sizes=[{d_out: 7, d_in: 3}, {d_out: 3, d_in: 7}, {d_out: 5, d_in: 5}, {d_out: 6, d_in: 2}]))

DERIVATION = D
