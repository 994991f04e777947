"""Homework 5 answer key: every derivable problem verified, discussion answers marked unchecked."""
import numpy as np

from derive import Homework, batchnorm_gaussian, derivation, discussion, gaussian_contours

# Q9(b): an example input law (the reference's own figure is not available), and the law of
# batch norm's output with beta = 0, gamma = 1, computed from it: mean 0, D^{-1/2} Sigma D^{-1/2}
_MEAN, _COV = (2, 1), [[4, 1.2], [1.2, 1]]
_AFTER = batchnorm_gaussian(_MEAN, _COV, beta=0, gamma=1)
_SD = np.sqrt(np.diag(_COV))
_CAPTION = (
    "An example with numbers of our choosing (the figure of the reference solution is not available). "
    f"Blue: the input, mean $({_MEAN[0]:g}, {_MEAN[1]:g})$, standard deviations ${_SD[0]:g}$ and ${_SD[1]:g}$, "
    f"correlation ${_COV[0][1] / (_SD[0] * _SD[1]):g}$. Red: after batch norm with $\\beta = 0$, $\\gamma = 1$, "
    f"mean $({_AFTER[0][0]:g}, {_AFTER[0][1]:g})$, standard deviations ${np.sqrt(_AFTER[1][0, 0]):g}$ and "
    f"${np.sqrt(_AFTER[1][1, 1]):g}$, correlation ${_AFTER[1][0, 1]:g}$. Dots: the means; solid: 1 standard "
    "deviation; dashed: 2 standard deviations.")

HOMEWORK = Homework(
    name="hw5",
    title="Homework 5: Convolutions, Batch Normalization and Dropout",
    course="Deep Neural Networks, Fall 2025",
    items=[
        discussion(
            "Q1(a)", "Why convolutional layers for images",
            "Give two reasons to prefer convolutional layers over fully connected ones on image data.",
            "Small filters look at local neighbourhoods, and stacking them builds larger parts from smaller "
            "ones, which matches how images are composed. Sharing one filter across all positions makes the "
            "layer translation equivariant and cuts the number of parameters by orders of magnitude, so far "
            "less data is needed to learn it. (Also acceptable: a long record of hand-designed filter banks in "
            "vision, and the local receptive fields of biological vision.)"),
        derivation("Q1(b)", "filter_recovery"),
        derivation("Q1(c)", "transpose_convolution"),
        discussion(
            "Q2(a)", "Which blocks are normalised together",
            "In the diagram of an N x C x H x W activation tensor, identify batch normalization and layer "
            "normalization.",
            "Batch normalization is option A: for each channel it pools statistics over the batch and all "
            "spatial positions (N, H, W). Layer normalization is option B: for each example it pools over "
            "all channels and positions (C, H, W)."),
        derivation("Q2(b), Q6(a)-(b)", "batchnorm_backprop"),
        derivation("Q3(a)-(b)", "conv_parameter_counts"),
        derivation("Q4(a)", "dropout_tikhonov"),
        derivation("Q4(b)-(d)", "dropout_to_ridge"),
        derivation("Q5(a), (c)", "dropout_least_squares"),
        discussion(
            "Q5(b), (d)-(i)", "Training with and without dropout (notebook)",
            "Compare gradient descent with the closed-form solutions, with and without dropout, and explain "
            "how dropout changes the learned weights.",
            "Without dropout, gradient descent from zero converges to the minimum-norm solution, the same as "
            "the closed form. With dropout each step sees a different masked row, so the loss curve is noisy "
            "and only a large batch gets close to the dropout least-squares solution. Dropout moves weight "
            "from the large feature to the small one: when either feature may vanish, the model cannot rely "
            "on the large one alone, so both features end up contributing comparably. At a dropout rate of "
            "exactly zero the minimiser is no longer unique, which explains the jump in the solution there; "
            "Adam then picks a different minimiser than SGD, while with dropout the minimiser is unique and "
            "both optimisers agree."),
        discussion(
            "Q6(c)-(d)", "Dropout experiment and network design",
            "Interpret the dropout experiment and describe your own network.",
            "Dropout narrows the gap between training and validation accuracy and raises validation "
            "accuracy: it reduces overfitting. The design question has no single answer."),
        derivation("Q8", "gaussian_noise_tikhonov"),
        derivation("Q9(a)", "batchnorm_statistics"),
        discussion(
            "Q9(b)", "Two-dimensional batch norm",
            "Sketch the mean and the 1- and 2-standard-deviation contours of a 2-D Gaussian after batch norm "
            r"with $\beta = 0$ and $\gamma = 1$.",
            "Batch norm standardises each coordinate separately: the mean moves to the origin and each axis "
            "is divided by its own standard deviation. In the sketch the tilted ellipses of the input (blue) "
            "become ellipses centred at the origin (red) whose 1-standard-deviation contour just reaches "
            r"$x_1 = \pm 1$ and $x_2 = \pm 1$ (the 2-standard-deviation contour reaches $\pm 2$): unit variance "
            "along each axis. They stay tilted, because dividing each coordinate by its own scale keeps the "
            "correlation between the coordinates; their long axis lies on the diagonal $x_2 = x_1$ (or "
            "$x_2 = -x_1$ for a negative correlation). Only uncorrelated coordinates give circles of radius 1 "
            "and 2.",
            figure=gaussian_contours(_MEAN, _COV, levels=(1, 2), after=_AFTER),
            caption=_CAPTION),
    ],
)
