"""Dropout in linear regression is Tikhonov regularization in expectation (HW5 Q4(a))."""
from derive import Bernoulli, Derivation, E, diag, diag_sqrt, hadamard, sqnorm

D = Derivation(
    name="dropout_tikhonov",
    title="Dropout in linear regression is Tikhonov regularization in expectation",
    source="Homework 5, Q4(a)",
    statement=(
        "Least squares fits w to data X (n samples, d features) and targets y by minimising "
        "||y - Xw||^2. Dropout on the input features multiplies every entry of X by its own "
        "independent mask R_ij ~ Bernoulli(p): a feature is kept with probability p and zeroed "
        "otherwise, with no rescaling. Show that the expected dropout objective is the "
        "least-squares objective of the shrunk model pXw plus a Tikhonov penalty whose matrix is "
        "built from the column norms of X."
    ),
    lhs=r"\mathcal{L}(w)",
)
n, d = D.dims("n d")
p = D.scalars("p", "probability", "probability that a feature is kept")
X = D.matrix("X", n, d, "training data, one sample per row")
y = D.vector("y", n, "targets")
w = D.vector("w", d, "weights learned with dropout")
R = D.random("R", n, d, Bernoulli(p), "dropout mask, entries i.i.d., independent of X, y, w")
Gamma = D.define("Gamma", diag_sqrt(diag(X.T * X)), "its j-th diagonal entry is the norm of column j of X")

P = hadamard(R, X)
D.definition(E(R, sqnorm(y - P * w)), "the dropout objective")
D.eq(E(R, y.T * y - 2 * w.T * P.T * y + w.T * P.T * P * w), "expand-square",
     "expand the square inside the expectation")
D.eq(y.T * y - 2 * w.T * E(R, P).T * y + w.T * E(R, P.T * P) * w, "linearity-of-expectation",
     "only R is random: the expectation moves onto the two random matrices")
D.eq(y.T * y - 2 * p * w.T * X.T * y + w.T * E(R, P.T * P) * w, "mean-of-masked-matrix",
     "each entry R_ij X_ij has mean p X_ij, so the mean of R ∘ X is pX")
D.eq(y.T * y - 2 * p * w.T * X.T * y + w.T * (p**2 * X.T * X + p * (1 - p) * diag(X.T * X)) * w,
     "second-moment-of-masked-gram",
     "off the diagonal two independent masks meet (mean p^2); on it one mask meets itself "
     "(R_ki^2 = R_ki, mean p), which leaves an extra p - p^2 = p(1 - p) on the diagonal")
D.eq(y.T * y - 2 * p * w.T * X.T * y + p**2 * w.T * X.T * X * w + p * (1 - p) * w.T * diag(X.T * X) * w,
     "distribute", "multiply out the quadratic form")
D.eq(sqnorm(y - p * X * w) + p * (1 - p) * sqnorm(Gamma * w), "regroup-norms",
     "the first three terms are ||y - pXw||^2; the last is ||Γw||^2 because Γ^2 = diag(X^T X)")
D.result(sqnorm(y - p * X * w) + p * (1 - p) * sqnorm(Gamma * w))

DERIVATION = D
