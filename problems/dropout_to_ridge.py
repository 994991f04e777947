"""From dropout to ridge regression by changes of variables (HW5 Q4(b)-(d))."""
import numpy as np
from sympy import MatAdd  # keeps the terms in the order written

from derive import (change_variables, claim_numerically, column, Derivation, diag, diag_sqrt, for_every,
                    index, minimisers_correspond, specialise, sqnorm, sqrt)

D = Derivation(
    name="dropout_to_ridge",
    title="From dropout to ridge regression by changes of variables",
    source="Homework 5, Q4(b)-(d)",
    statement=(
        r"Training least squares with dropout (each feature kept with probability $p$, no "
        r"rescaling) minimises, in expectation, $\|y - pX\tilde w\|_2^2 + p(1-p)\|\tilde\Gamma "
        r"\tilde w\|_2^2$, where $\tilde\Gamma$ is diagonal and holds the column norms of $X$. "
        r"(b) Rescale the learned weights so that this becomes a Tikhonov problem "
        r"$\|y - Xw\|_2^2 + \|\Gamma w\|_2^2$. (c) For an invertible $\Gamma$, change variables "
        r"so that the Tikhonov problem becomes ordinary ridge regression "
        r"$\|y - \tilde X v\|_2^2 + \lambda\|v\|_2^2$; what are $\tilde X$ and $\lambda$? "
        r"(d) If $\Gamma$ is diagonal with $\Gamma_{jj}$ equal to $c > 0$ times the norm of "
        r"column $j$ of $X$, what are the norms of the columns of $\tilde X$?"
    ),
    lhs=r"\mathcal{L}",
)
n, d = D.dims("n d")
p = D.scalars("p", "probability", "probability that a feature is kept")
c = D.scalars("c", "positive", r"in (d), $\Gamma_{jj}$ is $c$ times the norm of column $j$ of $X$")
X = D.matrix("X", n, d, "training data, one sample per row, no zero column")
y = D.vector("y", n, "targets")
wt = D.vector("wtilde", d, "weights learned with dropout")
w = D.vector("w", d, "weights of the Tikhonov problem")
Gamma = D.matrix("Gamma", d, d, "an invertible Tikhonov matrix")
v = D.vector("v", d, r"ridge variables, $v = \Gamma w$")
Gt = D.define("Gammatilde", diag_sqrt(diag(X.T * X)), "its $j$-th diagonal entry is the norm of column $j$ of $X$")
Xt = D.define("Xtilde", X * Gamma.I, "the data matrix of the ridge problem")

D.definition(sqnorm(y - p * X * wt) + p * (1 - p) * sqnorm(Gt * wt), title="(b) Rescaling the dropout weights",
             why="the expected dropout objective, from part (a)")
change_variables(D, {wt: w / p}, sqnorm(y - X * w) + p * (1 - p) * sqnorm(Gt * w / p),
                 r"the weights to use are $w = p\tilde w$, so $pX\tilde w = Xw$")
D.eq(MatAdd(sqnorm(y - X * w), sqnorm(sqrt((1 - p) / p) * Gt * w)), "scale-into-norm",
     r"$p(1-p)/p^2 = (1-p)/p$, whose square root moves inside the norm")
D.result(MatAdd(sqnorm(y - X * w), sqnorm(sqrt((1 - p) / p) * Gt * w)))

D.definition(MatAdd(sqnorm(y - X * w), sqnorm(Gamma * w)), title="(c) Tikhonov regularization as ridge regression",
             why=r"the Tikhonov objective; part (b) is the case $\Gamma = \sqrt{(1-p)/p}\,\tilde\Gamma$")
change_variables(D, {w: Gamma.I * v}, MatAdd(sqnorm(y - X * Gamma.I * v), sqnorm(v)),
                 r"$v = \Gamma w$ is a new variable, so $\Gamma w = v$")
D.eq(MatAdd(sqnorm(y - Xt * v), sqnorm(v)), "name-matrix", r"call $X\Gamma^{-1}$ the new data matrix $\tilde X$")
D.result(MatAdd(sqnorm(y - Xt * v), sqnorm(v)))

j = index("j")
D.definition(X * Gamma.I, title="(d) The columns of the new data matrix", lhs=r"\tilde{X}",
             why="the data matrix of part (c)")
specialise(D, {Gamma: c * Gt}, X * Gt.I / c, r"$\Gamma$ is $c$ times the diagonal matrix of column norms")
D.step(for_every(j, d, X * Gt.I / c, sqnorm(column(X * Gt.I / c, j)), 1 / c**2), "property", "column-norms",
       r"column $j$ is column $j$ of $X$ divided by $c$ times its own norm")
D.result(for_every(j, d, X * Gt.I / c, sqnorm(column(X * Gt.I / c, j)), 1 / c**2))

D.note(r"In (c) the ridge parameter is $\lambda = 1$: any scale of the penalty lives in $\Gamma$.")
D.note(r"So every column of $\tilde X$ has norm $1/c$: the change of variables normalises the features, "
       r"much as batch normalization rescales each feature to a common scale. For dropout, part (b) gives "
       r"$c = \sqrt{(1-p)/p}$, so the columns have norm $\sqrt{p/(1-p)}$. The reference answer key writes "
       r"$\tilde X = cX\tilde\Gamma^{-1}$ and finds norm $c$: its $c$ rescales $\tilde X$, ours scales "
       r"$\Gamma$, so its $c$ is our $1/c$; the two agree.")


def column_sqnorms(rng):
    """numpy: squared column norms of X Γ⁻¹ for Γ = c·diag(column norms of X)."""
    Xn, cn = rng.normal(size=(5, 3)), rng.uniform(0.2, 5.0)
    return {c: cn}, ((Xn @ np.linalg.inv(cn * np.diag(np.linalg.norm(Xn, axis=0)))) ** 2).sum(axis=0)


D.crosscheck("(b) minimisers of the dropout and Tikhonov objectives", minimisers_correspond(D, {wt: w / p}, part=0))
D.crosscheck("(c) minimisers of the Tikhonov and ridge objectives", minimisers_correspond(D, {w: Gamma.I * v}, part=1))
D.crosscheck("(d) column norms computed with numpy", claim_numerically(D, column_sqnorms, part=2))

DERIVATION = D
