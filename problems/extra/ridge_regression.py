"""Ridge regression: the minimiser from the gradient, and its form in the SVD of the data."""
from sympy import Eq, ZeroMatrix

from derive import Derivation, diag, finite_differences, grad, Identity, inverse, ordered, orthonormal_columns, specialise, sqnorm

D = Derivation(
    name="ridge_regression",
    title="Ridge regression and its SVD form",
    source="beyond the homeworks",
    statement=(
        r"For data $X \in \mathbb{R}^{n \times d}$, targets $y \in \mathbb{R}^n$ and $\lambda > 0$, ridge "
        r"regression minimises $L(w) = \|y - X w\|_2^2 + \lambda \|w\|_2^2$ over $w \in \mathbb{R}^d$. "
        r"(a) Find $\nabla_w L$ and the minimiser $w^\star$. (b) With the thin SVD $X = U S V^{\top}$ "
        r"($U^{\top} U = I$, $V$ orthogonal, $S$ diagonal), write $w^\star$ in terms of $U$, $S$, $V$."
    ),
)
n, d = D.dims("n d")
lam = D.scalars("lambda", "positive", "the regularisation strength")
X = D.matrix("X", n, d, "the data, one example per row")
y = D.vector("y", n, "the targets")
w = D.vector("w", d, "the weights")
I = Identity(d)
D.definition(grad(sqnorm(y - X * w) + lam * sqnorm(w), w), "the loss's gradient", title="(a) The gradient",
             lhs=r"\nabla_w L")
gradient = 2 * X.T * (X * w - y) + 2 * lam * w
D.step(gradient, "gradient", "gradient-of-quadratic-form",
       r"$\nabla_w \|y - Xw\|^2 = 2X^{\top}(Xw - y)$ and $\nabla_w \lambda\|w\|^2 = 2\lambda w$")
D.result(gradient)
D.definition(Eq(gradient, ZeroMatrix(d, 1)), "the gradient vanishes at a minimum",
             title="(a) The minimiser", lhs="")
w_star = (X.T * X + lam * I).inv() * X.T * y
D.step(Eq(w, w_star), "solve", "solve-for",
       r"$(X^{\top}X + \lambda I) w = X^{\top} y$, and $X^{\top}X + \lambda I$ is positive definite")
D.result(Eq(w, w_star))
D.rule("orthonormal-columns", "orthonormal columns: UᵀU = I; a square one is orthogonal: VVᵀ = I")
D.rule("factor", "take a common factor out of a sum, on the left and on the right")
D.rule("inverse-of-orthogonal-product", "(V M Vᵀ)⁻¹ = V M⁻¹ Vᵀ when V is orthogonal")
U = orthonormal_columns(D, "U", n, d, "left singular vectors (UᵀU = I)")
V = orthonormal_columns(D, "V", d, d, "right singular vectors (square: VᵀV = VVᵀ = I)")
S = diag(D.matrix("S", d, d, "its diagonal holds the singular values"))
D.definition(w_star, "the minimiser of part (a)", title="(b) In the SVD", lhs=r"w^\star")
specialise(D, {X: U * S * V.T}, (V * S * U.T * U * S * V.T + lam * I).inv() * V * S * U.T * y, r"put in $X = U S V^{\top}$")
D.eq((V * S**2 * V.T + lam * V * V.T).inv() * V * S * U.T * y, "orthonormal-columns", r"$U^{\top} U = I$, and $I = V V^{\top}$")
D.eq(ordered(inverse(V * (S**2 + lam * I) * V.T), V, S, U.T, y), "factor", r"factor $V$ out on the left and $V^{\top}$ on the right")
D.eq(V * (S**2 + lam * I).inv() * V.T * V * S * U.T * y, "inverse-of-orthogonal-product", r"$V^{\top} = V^{-1}$")
D.eq(V * (S**2 + lam * I).inv() * S * U.T * y, "orthonormal-columns", r"$V^{\top} V = I$")
D.result(V * (S**2 + lam * I).inv() * S * U.T * y)
D.check_sizes(*({n: a, d: b} for a in (3, 4, 5) for b in (2, 3)))  # thin SVD: n ≥ d
D.crosscheck("the gradient by central differences of the loss", finite_differences(D, part=0))
DERIVATION = D
