"""muP at the unit scale: initialisation, update sizes and backward gains of a linear layer (HW4 Q2(b)-(g))."""
import numpy as np
from sympy import Eq, Le, OneMatrix, sqrt, symbols

from derive import (Derivation, E, each, entry, float_verdict, grad, nonzero_vector, norm, Normal,
                    np_spectral_norm, np_unit_rms, orthonormal_columns, rank_one_sign_norms, rms, sign,
                    unit_rms_vector, Var, ZeroMean)

D = Derivation(
    name="mup_spectral_bounds",
    title="muP at the unit scale: spectral bounds for one linear layer",
    source="Homework 4, Q2(b)-(g)",
    statement=(
        r"A linear layer computes $y = cWx$ with $W \in \mathbb{R}^{d_{\mathrm{out}} \times d_{\mathrm{in}}}$. "
        r"(b) With i.i.d. $\mathcal{N}(0, 1)$ weights independent of the input, pick $c > 0$ so that an "
        r"output entry has the variance of an input entry. (c) For an update $\Delta W$, the output moves by "
        r"$\Delta y = c\,\Delta W u$ for an input $u$; find the largest $\|\Delta W\|_2$ that keeps $\|\Delta y\|_{\mathrm{RMS}} "
        r"\le 1$ for every input of RMS norm 1. (d) Find the learning rate $\alpha$ that gives SignSGD, "
        r"$\Delta W = \alpha \operatorname{sign}(\nabla_W L)$ with a batch of one, that spectral norm; (e) the same "
        r"for the Muon-style update $\Delta W = \alpha U V^\top$ built from the compact SVD of the gradient. "
        r"(f) Backpropagate through $x_{n+1} = c W x_n$, and (g) show that with rank-one weights of entries "
        r"$\pm 1$ gradient norms grow by $\sqrt{d_{\mathrm{out}}}$ per layer, and find the factor that undoes it."
    ),
)
d_out, d_in, r = D.dims("d_out d_in r")
# a grid of two values per dimension (r ≤ min(d_out, d_in) throughout), the non-square pair first
D.check_sizes({d_out: 2, d_in: 3, r: 1}, {d_out: 3, d_in: 2, r: 2},
              *[{d_out: a, d_in: b, r: q} for a in (2, 3) for b in (2, 3) for q in (1, 2) if (a, b, q) not in [(2, 3, 1), (3, 2, 2)]])
c = D.scalars("c", "positive", "scale of the layer")
s = D.scalars("s", "positive", "standard deviation of an input entry in (b)")
alpha = D.scalars("alpha", "positive", "learning rate")
beta = D.scalars("beta", "positive", "factor applied to each backpropagated gradient in (g)")
i, j = symbols("i j", integer=True, nonnegative=True)

# (b) variance-preserving scale
W = D.random("W", d_out, d_in, Normal(0, 1), "weights")
x = D.random("x", d_in, 1, ZeroMean(s**2), "input in (b), independent of $W$")
y = D.define("y", c * W * x, "the output in (b)")

D.definition(each(i, Var((W, x), entry(y, i))), title="(b) Variance of one output", lhs=r"\sigma_y^2")
D.eq(each(i, E((W, x), entry(y, i)**2)), "zero-mean-variance",
     r"$\mathbb{E}[y_i] = c \sum_j \mathbb{E}[W_{ij}]\,\mathbb{E}[x_j] = 0$ since the weights have mean zero")
D.eq(c**2 * d_in * each(j, Var(x, entry(x, j))), "independent-zero-mean-sum",
     r"$y_i = c \sum_j W_{ij} x_j$: cross terms have mean zero, and each of the $d_{\mathrm{in}}$ squares has mean "
     r"$\mathbb{E}[W_{ij}^2]\,\mathbb{E}[x_j^2] = \operatorname{Var}[x_j]$")
D.result(c**2 * d_in * each(j, Var(x, entry(x, j))))

D.definition(Eq(each(i, Var((W, x), entry(y, i))), each(j, Var(x, entry(x, j)))), title="(b) Choosing $c$", lhs="")
D.step(Eq(c, 1 / sqrt(d_in)), "solve", "solve-for", r"by the part above this is $c^2 d_{\mathrm{in}} = 1$ with $c > 0$")
D.result(Eq(c, 1 / sqrt(d_in)))

# (c) the largest update, with c = 1/sqrt(d_in)
dW = D.matrix(r"\Delta W", d_out, d_in, "weight update in (c)")
u = unit_rms_vector(D, "u", d_in, "any input in (c)")
D.definition(rms(dW * u / sqrt(d_in)), title=r"(c) An upper bound on $\|\Delta y\|_{\mathrm{RMS}}$, attained", lhs="")
D.eq(norm(dW * u / sqrt(d_in)) / sqrt(d_out), "rms-norm", r"$\Delta y$ has $d_{\mathrm{out}}$ entries")
D.eq(norm(dW * u) / sqrt(d_in * d_out), "norm-homogeneity")
D.step(norm(dW) * norm(u) / sqrt(d_in * d_out), "<=", "submultiplicativity",
       r"equality when $u$ lies along the top right-singular vector of $\Delta W$; the witness "
       r"$\Delta W = \mathbf{1}\mathbf{1}^\top / \sqrt{d_{\mathrm{in}}}$, $u = \mathbf{1}$ attains it",
       witness={dW: OneMatrix(d_out, d_in) / sqrt(d_in), u: OneMatrix(d_in, 1)})
D.eq(norm(dW) / sqrt(d_out), "rms-norm", r"$\|u\|_2 = \sqrt{d_{\mathrm{in}}}\,\|u\|_{\mathrm{RMS}} = \sqrt{d_{\mathrm{in}}}$")
D.result(norm(dW) / sqrt(d_out))

D.definition(Le(norm(dW) / sqrt(d_out), 1), title="(c) The largest spectral norm", lhs="")
D.step(Le(norm(dW), sqrt(d_out)), "solve", "solve-for",
       r"the bound above is attained, so $\|\Delta y\|_{\mathrm{RMS}} \le 1$ for every $u$ exactly when this holds")
D.result(Le(norm(dW), sqrt(d_out)))

# (d) SignSGD with a batch of one
g = nonzero_vector(D, "g", d_out, r"gradient of the loss with respect to the layer's output, $\nabla_y L$")
xd = nonzero_vector(D, "v", d_in, "the input of the one example in (d)")
G = D.define("G", grad(c * g.T * W * xd, W), r"gradient with respect to $W$: $L$ changes by $g^\top \delta y$")

D.definition(norm(alpha * sign(G)), title="(d) SignSGD", lhs=r"\|\Delta W\|_2")
D.eq(alpha * norm(sign(G)), "norm-homogeneity")
D.eq(alpha * norm(sign(c * g * xd.T)), "gradient-of-linear-map", r"$\nabla_W (c\, g^\top W v) = c\, g v^\top$")
D.eq(alpha * norm(sign(g) * sign(xd).T), "sign-of-product", r"$c > 0$ does not change signs")
D.eq(alpha * norm(sign(g)) * norm(sign(xd)), "norm-of-rank-one")
D.eq(alpha * sqrt(d_out) * sqrt(d_in), "norm-of-sign-vector", r"$g$ and $v$ have no zero entry")
D.result(alpha * sqrt(d_out) * sqrt(d_in))

D.definition(Eq(norm(alpha * sign(G)), sqrt(d_out)), title="(d) SignSGD learning rate", lhs="")
D.step(Eq(alpha, 1 / sqrt(d_in)), "solve", "solve-for", r"by the part above, $\alpha \sqrt{d_{\mathrm{out}} d_{\mathrm{in}}} = \sqrt{d_{\mathrm{out}}}$")
D.result(Eq(alpha, 1 / sqrt(d_in)))

# (e) Muon-style update from the compact SVD G = U S V^T
U = orthonormal_columns(D, "U", d_out, r, "left singular vectors of the gradient in (e)")
V = orthonormal_columns(D, "V", d_in, r, "right singular vectors of the gradient in (e)")
D.definition(norm(alpha * U * V.T), title="(e) Muon-style update", lhs=r"\|\Delta W\|_2")
D.eq(alpha * norm(U * V.T), "norm-homogeneity")
D.eq(alpha, "orthonormal-polar-factor")
D.result(alpha)

D.definition(Eq(norm(alpha * U * V.T), sqrt(d_out)), title="(e) Muon learning rate", lhs="")
D.step(Eq(alpha, sqrt(d_out)), "solve", "solve-for", r"by the part above, $\alpha = \sqrt{d_{\mathrm{out}}}$")
D.result(Eq(alpha, sqrt(d_out)))
D.note(r"Part (e): the derivation gives $\alpha = \sqrt{d_{\mathrm{out}}}$. The official key is reported to give another "
       r"value, which the references do not record, so no erratum can name it; any other $\alpha$ gives "
       r"$\|\Delta W\|_2 \ne \sqrt{d_{\mathrm{out}}}$ (for instance $\alpha = 1/\sqrt{d_{\mathrm{out}}}$ is rejected by the engine).")

# (f) backward pass through x_{n+1} = c W x_n
xn = D.matrix("x_n", d_in, 1, "input of layer $n$ in (f)")
x_next = D.define("x_{n+1}", c * W * xn, "output of layer $n$ in (f)")
D.definition(grad(g.T * x_next, xn), title="(f) Backward pass", lhs=r"\nabla_{x_n} L")
D.eq(c * W.T * g, "gradient-of-linear-map", r"with $g = \nabla_{x_{n+1}} L$, $L$ changes by $g^\top \delta x_{n+1}$")
D.result(c * W.T * g)

# (g) rank-one weights with entries +-1, c = 1/sqrt(d_in)
a = nonzero_vector(D, "a", d_out, r"its signs are the signs of the rows of $\bar{W}$ in (g)")
b = nonzero_vector(D, "b", d_in, r"its signs are the signs of the columns of $\bar{W}$ in (g)")
Wbar = D.define("Wbar", sign(a) * sign(b).T, r"rank-one weights with entries $\pm 1$ in (g)")
D.definition(norm(Wbar.T * g / sqrt(d_in)), title=r"(g) An upper bound on $\|\nabla_{x_n} L\|_2$, attained", lhs="")
D.eq(norm(Wbar.T * g) / sqrt(d_in), "norm-homogeneity")
D.step(norm(Wbar.T) * norm(g) / sqrt(d_in), "<=", "submultiplicativity",
       r"attained for every $a, b$ by $g = \operatorname{sign}(a)$, the top left-singular direction",
       witness={g: sign(a)})
D.eq(norm(sign(b)) * norm(sign(a)) * norm(g) / sqrt(d_in), "norm-of-rank-one",
     r"$\bar{W}^\top = \operatorname{sign}(b) \operatorname{sign}(a)^\top$")
D.eq(sqrt(d_out) * norm(g), "norm-of-sign-vector",
     r"$\operatorname{sign}(a)$ and $\operatorname{sign}(b)$ have entries $\pm 1$: norms $\sqrt{d_{\mathrm{out}}}$ and $\sqrt{d_{\mathrm{in}}}$")
D.result(sqrt(d_out) * norm(g))

D.definition(Eq(beta * sqrt(d_out), 1), title="(g) Keeping gradients stable", lhs="")
D.step(Eq(beta, 1 / sqrt(d_out)), "solve", "solve-for",
       r"the largest gain of one layer, $\sqrt{d_{\mathrm{out}}}$, times $\beta$ must be 1")
D.result(Eq(beta, 1 / sqrt(d_out)))


# -- independent cross-checks in floating point (numpy), not using the chain ------------------
SEED, SIZES = 20261122, [(2, 3), (3, 2), (8, 5), (16, 64)]
TEXTS = {  # what each cross-check does, in the derivation's notation
    "variance": r"Monte Carlo $\operatorname{Var}[y_1]$ with $c = 1/\sqrt{d_{\mathrm{in}}}$, $x_j \sim \mathcal{N}(0, 0.49)$: "
                "distance to 0.49 in standard errors",
    "bound": r"random updates with $\|\Delta W\|_2 = \sqrt{d_{\mathrm{out}}}$, random unit-RMS inputs: RMS of $\Delta y$ "
             "never above 1, and exactly 1 along the top right-singular vector",
    "rates": r"SignSGD with $\alpha = 1/\sqrt{d_{\mathrm{in}}}$ and Muon with $\alpha = \sqrt{d_{\mathrm{out}}}$ on random gradients: "
             r"relative distance of $\|\Delta W\|_2$ to $\sqrt{d_{\mathrm{out}}}$",
    "backward": r"central finite differences of a smooth loss of $c W x_n$ against $c W^\top g$",
    "gain": r"gain $\|c \bar{W}^\top g\|_2 / \|g\|_2$ of rank-one $\pm 1$ layers over random $g$: at most "
            r"$\sqrt{d_{\mathrm{out}}}$, and equal to it at $g = \operatorname{sign}(a)$",
}


def variance_ratio(seed=SEED):
    rng, gap, n_samples = np.random.default_rng(seed), 0.0, 40_000
    for m, n in SIZES[:3]:
        y1 = np.einsum("kj,kj->k", rng.standard_normal((n_samples, n)), 0.7 * rng.standard_normal((n_samples, n)))
        y1 /= np.sqrt(n)
        gap = max(gap, abs((y1 ** 2).mean() - 0.49) / ((y1 ** 2).std() / np.sqrt(n_samples)))
    return float_verdict(TEXTS["variance"], gap, 5.0, 3 * n_samples, seed)


def update_at_the_bound(seed=SEED):
    rng, gap, count = np.random.default_rng(seed), 0.0, 0
    for m, n in SIZES:
        for _ in range(150):
            dW = rng.standard_normal((m, n)) * (1 + 9 * rng.random())
            dW *= np.sqrt(m) / np_spectral_norm(dW)
            dy = dW @ np_unit_rms(rng, n) / np.sqrt(n)
            top = np.linalg.svd(dW)[2][0] * np.sqrt(n)
            gap = max(gap, np.sqrt(np.mean(dy ** 2)) - 1, abs(np.sqrt(np.mean((dW @ top / np.sqrt(n)) ** 2)) - 1))
            count += 1
    return float_verdict(TEXTS["bound"], gap, 1e-12, count, seed)


def learning_rates(seed=SEED):
    rng, gap, count = np.random.default_rng(seed), 0.0, 0
    for m, n in SIZES:
        for _ in range(25):
            rank = int(rng.integers(1, min(m, n) + 1))
            U, _, Vt = np.linalg.svd(rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n)))
            muon = np.sqrt(m) * U[:, :rank] @ Vt[:rank]
            sign_sgd = np.sign(np.outer(rng.standard_normal(m), rng.standard_normal(n))) / np.sqrt(n)
            gap = max(gap, abs(np_spectral_norm(muon) / np.sqrt(m) - 1), abs(np_spectral_norm(sign_sgd) / np.sqrt(m) - 1))
            count += 1
    return float_verdict(TEXTS["rates"], gap, 1e-9, count, seed)


def backward_pass(seed=SEED):
    rng, gap, h = np.random.default_rng(seed), 0.0, 1e-5
    for m, n in SIZES:
        W, x0 = rng.standard_normal((m, n)), rng.standard_normal(n)
        loss = lambda v: np.sum(np.sin(W @ v / np.sqrt(n)))  # noqa: E731  (any smooth loss of x_{n+1})
        fd = np.array([(loss(x0 + h * e) - loss(x0 - h * e)) / (2 * h) for e in np.eye(n)])
        gap = max(gap, np.abs(fd - W.T @ np.cos(W @ x0 / np.sqrt(n)) / np.sqrt(n)).max())
    return float_verdict(TEXTS["backward"], gap, 1e-6, sum(n for _, n in SIZES), seed)


def backward_gain(seed=SEED):
    rng, gap, count = np.random.default_rng(seed), 0.0, 0
    for m, n in SIZES:
        Wpm = np.outer(np.sign(rng.standard_normal(m)), np.sign(rng.standard_normal(n)))
        gain = lambda g: np.linalg.norm(Wpm.T @ g / np.sqrt(n)) / np.linalg.norm(g)  # noqa: E731
        gap = max(gap, abs(gain(Wpm[:, 0]) - np.sqrt(m)), *(gain(g) - np.sqrt(m) for g in rng.standard_normal((200, m))))
        count += 201
    return float_verdict(TEXTS["gain"], gap, 1e-12, count, seed)


D.crosscheck("(b) output variance by Monte Carlo", variance_ratio)
D.crosscheck("(c) random updates at the bound", update_at_the_bound)
D.crosscheck("(d) rank-one sign matrices, every pattern", rank_one_sign_norms([(1, 4), (2, 2), (2, 3), (3, 2), (2, 4)]))
D.crosscheck("(d), (e) spectral norms of SignSGD and Muon updates", learning_rates)
D.crosscheck("(f) backward pass by finite differences", backward_pass)
D.crosscheck("(g) gain of rank-one layers", backward_gain)

DERIVATION = D
