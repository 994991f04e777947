"""The cost of one Newton-Schulz iteration, and a cheaper order for tall matrices (HW4 Q1(a)-(b))."""
import numpy as np

from derive import (Cost, cost_of, Counterexample, Derivation, Flops, grouped, Identity, Label, ordered,
                    Rational, Verdict)

D = Derivation(
    name="newton_schulz_cost",
    title="The cost of one Newton-Schulz iteration",
    source="Homework 4, Q1(a)-(b)",
    statement=(
        r"One Newton-Schulz iteration maps $W \in \mathbb{R}^{d_{out} \times d_{in}}$ to "
        r"$p(W) = \tfrac{1}{2}\left(3 I_{d_{out}} - W W^{\top}\right) W$. Multiplying an $n \times m$ "
        r"matrix by an $m \times p$ matrix costs $c\,nmp$; additions, scalar multiples and transposes "
        r"are free. (a) What does one iteration cost when evaluated as written? (b) When "
        r"$d_{out} \gg d_{in}$, rewrite $p(W)$ exactly so that it is cheaper, and give its cost."
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
       r"$d_{out} \times d_{out}$ result times $W$")
D.step(Flops(c, d_out, d_in, d_out) + Flops(c, d_out, d_out, d_in), "cost", "cost-of-product",
       r"$W W^{\top}$ multiplies a $d_{out} \times d_{in}$ by a $d_{in} \times d_{out}$ matrix")
cost_a = 2 * c * d_out**2 * d_in
D.step(cost_a, "cost", "add-costs", "the two products cost the same")
D.result(cost_a)

D.definition(as_written, "the iteration", title="(b) The same map in another order", lhs="p(W)")
D.eq(ordered(half, 3 * W - W * W.T * W), "distribute", r"multiply $W$ into the bracket: $I W = W$")
D.eq(reordered, "associativity-of-products", r"group $W^{\top} W$ first: matrix products are associative")
D.result(reordered)

D.definition(Cost(reordered, c), "the new order", title="(b) Its cost", lhs=r"C_{\mathrm{b}}")
D.step(Cost(W.T * W, c) + Flops(c, d_out, d_in, d_in), "cost", "cost-of-product",
       r"first the $d_{in} \times d_{in}$ matrix $W^{\top} W$, then $W$ times it; $3W$, the "
       r"difference and the halving are free")
D.step(Flops(c, d_in, d_out, d_in) + Flops(c, d_out, d_in, d_in), "cost", "cost-of-product",
       r"$W^{\top} W$ multiplies a $d_{in} \times d_{out}$ by a $d_{out} \times d_{in}$ matrix")
cost_b = 2 * c * d_in**2 * d_out
D.step(cost_b, "cost", "add-costs", "the two products cost the same")
D.result(cost_b)

D.note(r"The ratio of the two costs is $d_{in}/d_{out}$: for a tall matrix ($d_{out} \gg d_{in}$) the "
       r"second order is cheaper by that factor, for a wide one the first. The rewrite is an identity, "
       r"checked with $W$ a non-square matrix of symbols, not a number.")


class _Counting:
    """A numpy array whose @ adds n·m·p to a shared counter (the cost model, independently)."""

    def __init__(self, a, counter):
        self.a, self.counter = np.asarray(a), counter

    def __matmul__(self, other):
        (n, m), (_, p) = self.a.shape, other.a.shape
        self.counter[0] += n * m * p
        return _Counting(self.a @ other.a, self.counter)

    @property
    def T(self):
        return _Counting(self.a.T, self.counter)

    def __rmul__(self, s):
        return _Counting(s * self.a, self.counter)

    def __sub__(self, other):
        return _Counting(self.a - other.a, self.counter)


def numpy_check(sizes=((7, 3), (3, 7), (5, 5), (6, 2)), seed=0):
    def run(seed=seed):
        rng = np.random.default_rng(seed)
        for do, di in sizes:
            Wn = rng.normal(size=(do, di))
            counts, values = [], []
            for form in ("as written", "reordered"):
                counter = [0]
                w, eye = _Counting(Wn, counter), _Counting(np.eye(do), counter)
                p = 0.5 * ((3 * eye - w @ w.T) @ w) if form == "as written" else 0.5 * (3 * w - w @ (w.T @ w))
                counts.append(counter[0])
                values.append(p.a)
            stated = [int(r.xreplace({d_out: do, d_in: di, c: 1})) for r in (D.parts[0].result, D.parts[2].result)]
            priced = [int(cost_of(e, 1).xreplace({d_out: do, d_in: di})) for e in (as_written, reordered)]
            if not (np.allclose(*values, rtol=1e-12, atol=1e-12) and counts == stated == priced):
                cx = Counterexample({"d_out": do, "d_in": di}, {}, f"counted {counts}",
                                    f"stated {stated}, priced {priced}",
                                    "numpy: the two forms' values and multiplication counts")
                return Verdict(-1, "cross-check", Label.FAILED, "numpy", counterexample=cx)
        shown = ", ".join(f"{a}×{b}" for a, b in sizes)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"numpy with random W of sizes {shown}: both forms give the same matrix (relative "
                       "tolerance 1e-12) and an instrumented @ counts exactly the stated costs (c = 1)")
    return run


D.crosscheck("numpy: values of both forms and counted multiplications", numpy_check())

DERIVATION = D
