"""Homework 4 answer key: the derivational problems, each verified."""
from derive import Homework, derivation

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
        derivation("Q4(f)", "translation_invariance"),
        derivation("Q7(a)-(b)", "conv_weight_gradient_variance"),
        derivation("Q7(c)", "pooling_gradients"),
    ],
)
