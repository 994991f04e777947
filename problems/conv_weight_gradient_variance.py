"""Gradient of a convolution filter, and its spread when inputs and gradients are random (HW4 Q7(a)-(b))."""
from derive import (Derivation, E, entries, filter_gradient_differences, filter_gradient_monte_carlo,
                    indexer, isum, per_entry, sqrt, symbols, Var, xcorr, ZeroMean)
from derive import grad, partial, theta

D = Derivation(
    name="conv_weight_gradient_variance",
    title="Gradient of a convolution filter and how its spread grows with the input size",
    source="Homework 4, Q7(a)-(b)",
    statement=(
        r"A convolutional layer slides a $k \times k$ filter $w$ over an $n \times n$ input $X$ with "
        r"stride 1, no padding and no flip of the filter (the deep-learning convention). Its output "
        r"$Y = X \star w$ is $m \times m$ with $m = n - k + 1$ and entries "
        r"$y_{i,j} = \sum_{h,l=1}^{k} x_{i+h-1,\,j+l-1} w_{h,l}$. Backpropagation delivers $dY$, with $dy_{i,j} = \partial L / "
        r"\partial y_{i,j}$. (a) Find $dw = \partial L / \partial w$ entry by entry and as one matrix "
        r"operation, and write one SGD step with learning rate $\eta$. (b) Let all $x_{i,j}$ and "
        r"$dy_{i,j}$ be independent with zero mean and variances $\sigma_x^2$, $\sigma_g^2$. Find the "
        r"mean and variance of each $dw_{h,l}$ and how its standard deviation grows with $n$."
    ),
)
n, k = D.dims("n k")
sigma_x, sigma_g = D.scalars("sigma_x sigma_g", "positive")
eta = D.scalars("eta", "positive", "learning rate")
X = D.random("X", n, n, ZeroMean(sigma_x**2), "the input (random in part (b) only)")
w = D.matrix("w", k, k, "the filter")
Y = D.define("Y", xcorr(X, w), r"the output, $m \times m$ with $m = n - k + 1$")
dY = D.random("dY", n - k + 1, n - k + 1, ZeroMean(sigma_g**2),
              r"the upstream gradient $\partial L / \partial Y$, independent of $X$ (random in part (b) only)")
dw = D.define("dw", grad(Y, w, dY), "the gradient of the loss with respect to the filter")
D.assume(r"$\star$ is valid cross-correlation: $(A \star K)_{i,j} = \sum_{h,l} a_{i+h-1,\,j+l-1} k_{h,l}$, "
         r"the filter $K$ not flipped; entries are counted from 1.")
# a 3×3 grid (k < n throughout): the dimension factors such as (n - k + 1)^2 have degree 2
D.check_sizes(*[{n: a, k: b} for a, b in [(4, 2), (4, 3), (5, 3)] + [(a, b) for a in (4, 5, 6) for b in (1, 2, 3)
                                                                  if (a, b) not in [(4, 2), (4, 3), (5, 3)]]])

i, j, h, l = symbols("i j h l", integer=True, positive=True)
m = n - k + 1
x, y, dy, wf = indexer(X), indexer(Y), indexer(dY), indexer(w)
each = per_entry((h, 1, k), (l, 1, k))
dw_hl = indexer(dw)(h, l)

D.definition(grad(Y, w, dY), "the gradient of the loss with respect to the filter",
             title="(a) The gradient of the filter", lhs="dw")
D.step(entries(isum(dy(i, j) * partial(y(i, j), wf(h, l)), (i, 1, m), (j, 1, m)), (h, 1, k), (l, 1, k)),
       "gradient", "chain-rule-upstream", r"$L$ depends on $w_{h,l}$ only through the outputs $y_{i,j}$")
D.eq(entries(isum(dy(i, j) * x(i + h - 1, j + l - 1), (i, 1, m), (j, 1, m)), (h, 1, k), (l, 1, k)),
     "differentiate-forward-map", r"$y_{i,j}$ is linear in the filter, and $w_{h,l}$ multiplies "
                                  r"$x_{i+h-1,\,j+l-1}$ in it")
D.eq(xcorr(X, dY), "valid-cross-correlation",
     r"entry $(h,l)$ lays $dY$ over $X$ shifted by $(h-1, l-1)$: a valid cross-correlation of $X$ with "
     r"$dY$ as the filter, $k \times k$ because $n - m + 1 = k$")
D.result(xcorr(X, dY))

D.definition(w - eta * grad(Y, w, dY), r"one step against the gradient with learning rate $\eta$",
             title="(a) One SGD step", lhs=r"w_{\mathrm{new}}")
D.step(w - eta * xcorr(X, dY), "gradient", "filter-gradient", r"$dw = X \star dY$ from above")
D.result(w - eta * xcorr(X, dY))

D.definition(each(E((X, dY), dw_hl)), "the mean of one entry of the gradient",
             title="(b) Mean of each gradient entry", lhs=r"\mathbb{E}[dw_{h,l}]")
D.eq(each(E((X, dY), isum(dy(i, j) * x(i + h - 1, j + l - 1), (i, 1, m), (j, 1, m)))), "filter-gradient",
     "the entry formula from part (a)")
D.eq(each(isum(E(dY, dy(i, j)) * E(X, x(i + h - 1, j + l - 1)), (i, 1, m), (j, 1, m))),
     "mean-of-independent-product", r"each term multiplies independent $dy_{i,j}$ and $x_{i+h-1,\,j+l-1}$")
D.eq(each(0), "declared-moments", "both factors have zero mean")
D.result(each(0))

D.definition(each(Var((X, dY), dw_hl)), "the variance of one entry of the gradient",
             title="(b) Variance of each gradient entry", lhs=r"\operatorname{Var}[dw_{h,l}]")
D.eq(each(Var((X, dY), isum(dy(i, j) * x(i + h - 1, j + l - 1), (i, 1, m), (j, 1, m)))), "filter-gradient",
     "the entry formula from part (a)")
D.eq(each(isum(Var((X, dY), dy(i, j) * x(i + h - 1, j + l - 1)), (i, 1, m), (j, 1, m))),
     "variance-of-uncorrelated-sum",
     r"two different terms have different factors $dy_{i,j}$, which are independent with zero mean, "
     r"so the terms are uncorrelated")
D.eq(each(isum(E(dY, dy(i, j)**2) * E(X, x(i + h - 1, j + l - 1)**2), (i, 1, m), (j, 1, m))),
     "variance-of-zero-mean-product", "the two factors are independent and have zero mean")
D.eq(each(isum(sigma_g**2 * sigma_x**2, (i, 1, m), (j, 1, m))), "declared-moments",
     r"a zero-mean variable's second moment is its variance")
D.eq(each((n - k + 1)**2 * sigma_x**2 * sigma_g**2), "count-terms", r"there are $m^2 = (n-k+1)^2$ terms")
D.result(each((n - k + 1)**2 * sigma_x**2 * sigma_g**2))

D.definition(each(sqrt(Var((X, dY), dw_hl))), "the standard deviation of one entry of the gradient",
             title="(b) Growth of the standard deviation", lhs=r"\operatorname{sd}[dw_{h,l}]")
D.eq(each(sqrt((n - k + 1)**2 * sigma_x**2 * sigma_g**2)), "result-of-earlier-part",
     r"the variance found above; as $\sigma_x, \sigma_g > 0$ only $|n - k + 1|$ is left under the root")
D.eq(each((n - k + 1) * sigma_x * sigma_g), "sqrt-of-square", r"the filter fits in the input, so $n - k + 1 \ge 1$")
D.step(theta(n), "asymptotic", "growth-rate",
       r"for a fixed filter size $k$, $(n-k+1)\sigma_x\sigma_g / n \to \sigma_x \sigma_g$, finite and nonzero: "
       r"the spread grows linearly in $n$")
D.result(theta(n))

D.note(r"The variance $(n-k+1)^2 \sigma_x^2 \sigma_g^2$ is checked exactly at the sizes listed, for "
       r"every entry $(h,l)$; the step to general $n$, $k$ (a count of $m^2$ equal terms) is not "
       r"machine-proved. Only second moments of the laws enter: no Gaussian assumption is needed.")
D.crosscheck(r"$dw = X \star dY$ against differences of the forward map",
             filter_gradient_differences(D, X, dY, "(a) The gradient of the filter",
                                         [{n: 5, k: 2}, {n: 6, k: 3}, {n: 7, k: 3}]))
D.crosscheck("mean and variance of $dw$ by Monte Carlo",
             filter_gradient_monte_carlo(D, X, dY, "(b) Mean of each gradient entry",
                                         "(b) Variance of each gradient entry", [{n: 5, k: 2}, {n: 6, k: 3}]))

DERIVATION = D
