"""Homework 4 answer key: the derivational problems, each verified."""
from derive import Homework, derivation, discussion

HOMEWORK = Homework(
    name="hw4",
    title="Homework 4: Optimizers at Scale and Convolutional Networks",
    course="Deep Neural Networks, Fall 2025",
    items=[
        derivation("Q1(a)-(b)", "newton_schulz_cost"),
        derivation("Q2(b)-(g)", "mup_spectral_bounds"),
        derivation("Q3(a)-(b)", "fir_response"),
        derivation("Q3(c)-(d)", "conv2d_signal_processing"),
        derivation("Q4(a)-(c), (e)", "cnn_shapes"),
        discussion(
            "Q4(f)", "Translation invariance with circular padding",
            "Two stride-1 convolutions with circular padding, ReLUs, global average pooling and a linear "
            "layer see an 8x8 image and a shifted copy of it. What features reach the linear layer?",
            "With circular padding a shift of the input only permutes the feature maps on the torus, and "
            "the global average does not depend on the order of the entries. So the pooled features of the "
            "shifted image equal those of the original: a shifted vertical edge gives the same features as "
            "the vertical edge, (0, 0.8, 0), and a shifted horizontal edge the same as the horizontal edge, "
            "(0.8, 0, 0)."),
        derivation("Q7(a)-(b)", "conv_weight_gradient_variance"),
        derivation("Q7(c)", "pooling_gradients"),
    ],
)
