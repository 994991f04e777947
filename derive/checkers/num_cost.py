"""Cost steps ("cost"): equal after every cost[...] is priced from its expression.

The engine prices each cost[expr] from the shapes of expr in its written multiplication order
(derive/costs.py) at general size, so both sides become polynomials in the dimensions and c;
their difference must reduce to 0 (proved).  Otherwise small sizes are searched for a point
where the two polynomials differ: the counterexample names the sizes and both costs.
"""
import itertools

import sympy as sp

from ..comparison import reduce_zero
from ..costs import Cost, Flops, evaluate_costs
from ..errors import Unsupported
from ..printing import latex
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker

for _name, _text in [
    ("cost-of-product", "an (n×m)(m×p) product costs c·n·m·p; sums, scalar multiples and transposes "
                        "are free"),
    ("add-costs", "add the costs of the products and collect like terms"),
]:
    register_rule(_name, _text, ("cost",))

SEARCH = range(2, 8)  # sizes of at least 2, as everywhere in derive


@checker("cost")
def check_cost(prev, step, ctx):
    if not any(e.has(Cost, Flops) for e in (prev.expr, step.expr)):
        raise Unsupported("a cost step prices cost[...] on at least one side; use '=' for plain algebra")
    before, after = evaluate_costs(prev.expr), evaluate_costs(step.expr)
    diff = sp.expand(before - after)
    if reduce_zero(diff):
        return Verdict(step.index, "cost", Label.PROVED,
                       r"each $\operatorname{cost}[\cdot]$ priced from its expression's shapes in the written order at general "
                       f"size (${latex(sp.factor(after))}$); difference reduced to 0")
    symbols = sorted(diff.free_symbols, key=str)
    for values in itertools.product(SEARCH, repeat=len(symbols)):
        point = dict(zip(symbols, map(sp.Integer, values)))
        if diff.xreplace(point) != 0:
            dims = {str(s): int(v) for s, v in point.items() if s in ctx.derivation.dimensions}
            others = {str(s): str(v) for s, v in point.items() if s not in ctx.derivation.dimensions}
            cx = Counterexample(dims, others, str(before.xreplace(point)), str(after.xreplace(point)),
                                f"priced: previous side ${latex(sp.factor(before))}$, this step ${latex(sp.factor(after))}$")
            return Verdict(step.index, "cost", Label.FAILED, "costs priced at general size differ",
                           counterexample=cx)
    raise Unsupported(f"the costs {before} and {after} did not reduce to each other, yet agree at small sizes")
