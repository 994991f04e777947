"""Adam's bias correction: with a constant gradient, the moment estimates are (1 − β^t) times the truth."""
from derive import Derivation, iterate_sequence, recurrence

D = Derivation(
    name="adam_bias_correction",
    title="Adam's bias correction",
    source="beyond the homeworks",
    statement=(
        r"Adam keeps running averages $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$ and "
        r"$v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2$, started at $m_0 = v_0 = 0$. Suppose the gradient "
        r"is the same number $g$ at every step. Find $m_t$ and $v_t$ in closed form, and hence the factor "
        r"that removes the bias towards the zero start."
    ),
)
t = D.dims("t")
b1 = D.scalars("beta_1", "probability", "decay rate of the first moment, in (0, 1)")
b2 = D.scalars("beta_2", "probability", "decay rate of the second moment, in (0, 1)")
g = D.scalars("g", "real", "the gradient, the same at every step")

D.definition(recurrence("m", t, 0, 0, lambda m, l: b1 * m + (1 - b1) * g), title="The first moment", lhs="m_t")
D.step((1 - b1 ** t) * g, "induction", "closed-form-by-induction",
       r"$m_0 = (1 - \beta_1^0) g = 0$, and $\beta_1 (1 - \beta_1^l) g + (1 - \beta_1) g = (1 - \beta_1^{l+1}) g$")
D.result((1 - b1 ** t) * g)
D.crosscheck("the first moment iterated", iterate_sequence(D, part=0))

D.definition(recurrence("v", t, 0, 0, lambda v, l: b2 * v + (1 - b2) * g ** 2), title="The second moment",
             lhs="v_t")
D.step((1 - b2 ** t) * g ** 2, "induction", "closed-form-by-induction",
       r"the same induction with $g^2$ in place of $g$: so $m_t/(1 - \beta_1^t) = g$ and "
       r"$v_t/(1 - \beta_2^t) = g^2$ exactly, the bias-corrected estimates of Adam")
D.result((1 - b2 ** t) * g ** 2)
D.crosscheck("the second moment iterated", iterate_sequence(D, part=1))

DERIVATION = D
