"""Weight decay is L2 regularisation, for one plain SGD step."""
from derive import Derivation, finite_differences, grad

D = Derivation(
    name="weight_decay_l2",
    title="Weight decay as L2 regularisation for one SGD step",
    source="beyond the homeworks",
    statement=(
        r"One SGD step with learning rate $\eta$ on the regularised loss $L(w) + \frac{\lambda}{2}\|w\|_2^2$ "
        r"starts from $w \in \mathbb{R}^d$, where the gradient of the data loss is $g = \nabla L(w)$ (any vector). "
        r"Show that it equals shrinking $w$ by the factor $1 - \eta\lambda$ (weight decay) and then taking "
        r"the plain step $-\eta g$."
    ),
)
d = D.dims("d")
eta = D.scalars("eta", "positive", "learning rate")
lam = D.scalars("lambda", "positive", "regularisation strength")
w = D.vector("w", d, "the weights before the step")
g = D.vector("g", d, r"the gradient $\nabla L(w)$ of the data loss at $w$, any vector")

D.definition(w - eta * (g + grad(lam / 2 * w.T * w, w)), "the step against the gradient of the regularised loss",
             lhs=r"w^{+}")
D.step(w - eta * (g + lam * w), "gradient", "gradient-of-quadratic-form", r"$\nabla_w \frac{\lambda}{2} w^\top w = \lambda w$")
D.eq((1 - eta * lam) * w - eta * g, "collect", r"collect the terms in $w$: the decay factor is $1 - \eta\lambda$")
D.result((1 - eta * lam) * w - eta * g)
D.crosscheck("the regulariser's gradient by central differences", finite_differences(D, part=0))

DERIVATION = D
