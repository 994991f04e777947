"""conv_parameter_counts (HW5 Q3(a)-(b)): reference numbers, variants against numpy, wrong steps rejected."""

import numpy as np
import pytest
import sympy as sp
from conftest import assert_rejected, load

from derive import loader
from derive.checking import check
from derive.cnn import ParamCount, Plus, Times
from derive.variants import drawn

NAME = "conv_parameter_counts"


@pytest.fixture(scope="module")
def d():
    return load(NAME)


@pytest.fixture(scope="module")
def s(d):
    return d.symbol_table()


def numpy_counts(c_in, c_out, k):
    """Sizes of the parameter arrays a numpy implementation of each layer allocates."""
    conv, dw, pw = np.empty((c_out, c_in, k, k)), np.empty((c_in, k, k)), np.empty((c_out, c_in, 1, 1))
    weights = [conv.size, dw.size + pw.size]
    biased = [conv.size + c_out, dw.size + pw.size + c_out, dw.size + c_in + pw.size + c_out]
    return weights, biased


def test_verifies_and_matches_the_reference(d, s):
    report = check(d)
    assert report.ok, [(v.index, v.label, v.detail) for v in report.verdicts + report.extras if not v.ok]
    Ci, Co, K = s["C_in"], s["C_out"], s["K"]
    assert sp.expand(d.parts[1].result - Ci * K**2 - Co * Ci) == 0
    assert list(d.parts[3].result) == [108, 39]
    assert list(d.parts[4].result) == [112, 43, 46]


def test_general_steps_are_checked_on_grids_and_the_algebra_is_proved(d):
    labels = {v.index: v for v in check(d).verdicts}
    for i in (1, 3, 4, 7):
        assert labels[i].label.value == "checked exactly at sizes" and labels[i].points == 27
    assert labels[5].label.value == labels[8].label.value == "proved"


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variants_verify_and_match_numpy(seed):
    (values, der, report), = drawn(NAME, seed, 1)
    assert report.ok
    weights, biased = numpy_counts(values["c_in"], values["c_out"], values["kernel"])
    assert [int(v) for v in der.parts[3].result] == weights
    assert [int(v) for v in der.parts[4].result] == biased


def test_fresh_variants_verify():
    # their speed is a benchmark figure (benchmarks/), never a timed test
    for seed in range(3):
        (_, _, report), = drawn(NAME, 100 + seed, 1)
        assert report.ok


def test_forgetting_the_input_channels_is_rejected(d, s):
    v = assert_rejected(d, 1, Times(s["C_out"], s["K"], s["K"]))
    assert int(v.counterexample.size["C_in"]) >= 2


def test_k_where_k_squared_belongs_is_rejected(d, s):
    assert_rejected(d, 1, Times(s["C_out"], s["C_in"], s["K"]))


def test_dropping_the_pointwise_layer_is_rejected(d):
    dw = d.steps[3].expr.args[0]
    assert_rejected(d, 3, dw)


def test_depthwise_kernels_per_output_channel_are_rejected(d, s):
    Ci, Co, K = s["C_in"], s["C_out"], s["K"]
    assert_rejected(d, 4, Plus(Times(Co, K, K), Times(Co, Ci, 1, 1)))


def test_algebra_slip_is_rejected(d, s):
    Ci, Co, K = s["C_in"], s["C_out"], s["K"]
    assert_rejected(d, 5, Ci * K**2 + Co)


def test_wrong_saving_is_rejected(d, s):
    assert_rejected(d, 8, 1 / s["C_out"] + 1 / s["K"])


def test_depthwise_biases_counted_per_output_channel_are_rejected(d):
    assert_rejected(d, 14, sp.ImmutableMatrix([Plus(108, 4), Plus(39, 4), Plus(39, 4, 4)]))


def test_the_cross_check_catches_a_wrong_total():
    counts = loader.module(NAME)[1]["_numpy_counts"]
    assert counts(3, 4, 3, sp.ImmutableMatrix([108, 39]), sp.ImmutableMatrix([112, 43, 46])).ok
    assert not counts(3, 4, 3, sp.ImmutableMatrix([108, 39]), sp.ImmutableMatrix([112, 43, 47])).ok


def test_param_count_is_read_from_the_forward_computation():
    from derive.cnn import ConvLayer, DenseLayer, PoolLayer, Stack
    from derive.grounding import Grounder
    g = Grounder(load(NAME), {})
    assert g.scalar(ParamCount(Stack(ConvLayer(3, 3, 3, depthwise=True), ConvLayer(3, 4, 1)))) == 39
    assert g.scalar(ParamCount(PoolLayer(5, 2))) == 0
    assert g.scalar(ParamCount(DenseLayer(490, 3))) == 1473
