"""cnn_shapes (HW4 Q4(a)-(c), (e)): reference table, variants against numpy, wrong steps rejected."""

import numpy as np
import pytest
import sympy as sp
from conftest import assert_rejected, load

from derive.checking import check
from derive.grounding import Grounder
from derive.cnn import FloorDiv, Plus, Times, conv_size
from derive.recurrence import Recurrence
from derive.variants import drawn

NAME = "cnn_shapes"


@pytest.fixture(scope="module")
def d():
    return load(NAME)


@pytest.fixture(scope="module")
def s(d):
    return d.symbol_table()


def numpy_network(size, channels, filters, classes):
    """Shapes and parameter counts of CONV3-f1, POOL2, CONV3-f2, POOL2, FLATTEN, FC, run in numpy."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(channels, size, size))
    shapes, params = [], []
    for f in filters:
        w, b = rng.normal(size=(f, x.shape[0], 3, 3)), rng.normal(size=f)
        xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
        x = np.array([[[np.sum(xp[:, i:i + 3, j:j + 3] * w[o]) + b[o] for j in range(x.shape[2])]
                       for i in range(x.shape[1])] for o in range(f)])
        shapes.append((x.shape[1], x.shape[2], f))
        params.append(w.size + b.size)
        h, wd = x.shape[1] // 2, x.shape[2] // 2
        x = np.array([[[x[c, 2 * i:2 * i + 2, 2 * j:2 * j + 2].max() for j in range(wd)] for i in range(h)]
                      for c in range(x.shape[0])])
        shapes.append((h, wd, x.shape[0]))
        params.append(0)
    flat = x.ravel()
    w, b = rng.normal(size=(classes, flat.size)), rng.normal(size=classes)
    return shapes, flat.size, params + [0, w.size + b.size], (w @ flat + b).shape


def test_verifies_and_matches_the_reference(d, s):
    report = check(d)
    assert report.ok, [(v.index, v.label, v.detail) for v in report.verdicts + report.extras if not v.ok]
    assert d.parts[4].result.tolist() == [[28, 28, 10], [14, 14, 10], [14, 14, 10], [7, 7, 10]]
    assert d.parts[5].result == 490
    assert list(d.parts[6].result) == [100, 0, 910, 0, 0, 1473]
    L, K = s["L"], s["K"]
    assert sp.expand(Grounder(d, {}).scalar(d.parts[3].result) - (L * (K - 1) + 1)) == 0
    tex, _ = d.figures[0]
    for row in [r"CONV3-10 & $28 \times 28 \times 10$ & 100", r"FC-3 & $3$ & 1473", r"FLATTEN & $490$ & 0"]:
        assert row in tex


def test_receptive_field_is_proved_by_induction_and_checked_by_propagation(d):
    labels = {v.index: v for v in check(d).verdicts}
    assert labels[8].label.value == "proved" and labels[8].relation == "induction"
    assert labels[7].relation == "grid" and labels[7].points == 30


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variants_verify_and_match_numpy(seed):
    (values, der, report), = drawn(NAME, seed, 1)
    assert report.ok
    shapes, flat, params, out = numpy_network(values["size"], values["channels"], values["filters"], values["classes"])
    assert [tuple(int(v) for v in row) for row in der.parts[4].result.tolist()] == shapes
    assert int(der.parts[5].result) == flat
    assert [int(v) for v in der.parts[6].result] == params
    assert out == (values["classes"],)


def test_fresh_variants_verify():
    # their speed is a benchmark figure (benchmarks/), never a timed test
    for seed in range(3):
        (_, _, report), = drawn(NAME, 100 + seed, 1)
        assert report.ok


def _shape(s, width, pad=None, depth=None):
    """(W_out, H_out, C_out) with a wrong width formula (the height and depth as stated)."""
    H, K, P, S = s["H"], s["K"], s["P"] if pad is None else pad, s["S"]
    return sp.ImmutableMatrix([[width, conv_size(H, K, P, S), s["F"] if depth is None else depth]])


def test_padding_not_doubled_is_rejected(d, s):
    W, K, P, S = s["W"], s["K"], s["P"], s["S"]
    v = assert_rejected(d, 1, _shape(s, Plus(FloorDiv(Plus(W, -K, P), S), 1)))
    assert int(v.counterexample.size["P"]) >= 1


def test_missing_plus_one_is_rejected(d, s):
    W, K, P, S = s["W"], s["K"], s["P"], s["S"]
    assert_rejected(d, 1, _shape(s, FloorDiv(Plus(W, -K, Times(2, P)), S)))


def test_ceiling_for_floor_is_rejected(d, s):
    W, K, P, S = s["W"], s["K"], s["P"], s["S"]
    v = assert_rejected(d, 1, _shape(s, sp.ceiling((W - K + 2 * P) / S) + 1))
    assert int(v.counterexample.size["S"]) >= 2


def test_forgotten_biases_are_rejected(d, s):
    assert_rejected(d, 3, Times(s["F"], s["K"], s["K"], s["C"]))


def test_pooling_with_the_window_left_out_is_rejected(d, s):
    W, S = s["W"], s["S"]
    assert_rejected(d, 5, _shape(s, Plus(FloorDiv(W, S), 1), pad=0, depth=s["C"]))


def test_a_wrong_recurrence_is_rejected_by_propagation(d, s):
    L, K = s["L"], s["K"]
    r, l = sp.Symbol("r"), sp.Symbol("l", integer=True, positive=True)
    assert_rejected(d, 7, Recurrence("r", L, 1, K, Plus(r, K), r, l))


def test_receptive_field_lk_is_rejected(d, s):
    v = assert_rejected(d, 8, s["L"] * s["K"])
    assert v.relation == "induction"


def test_receptive_field_without_the_one_is_rejected(d, s):
    assert_rejected(d, 8, Times(s["L"], Plus(s["K"], -1)))


def test_conv_without_padding_in_the_table_is_rejected(d):
    assert_rejected(d, 10, sp.ImmutableMatrix([[26, 26, 10], [13, 13, 10], [11, 11, 10], [5, 5, 10]]))


def test_fc_without_bias_and_pool_with_parameters_are_rejected(d):
    assert_rejected(d, 16, sp.ImmutableMatrix([100, 0, 910, 0, 0, 1470]))
    assert_rejected(d, 16, sp.ImmutableMatrix([100, 40, 910, 40, 0, 1473]))


def test_formula_with_wrong_input_channels_is_rejected(d):
    assert_rejected(d, 15, sp.ImmutableMatrix([Plus(Times(10, 3, 3, 3), 10), 0, Plus(Times(10, 3, 3, 10), 10),
                                               0, 0, Plus(Times(490, 3), 3)]))


def test_conv_size_prints_as_written():
    from derive.printing import latex
    W, K, P, S = sp.symbols("W K P S")
    assert latex(conv_size(W, K, P, S)) == r"\left\lfloor \dfrac{W - K + 2 \cdot P}{S} \right\rfloor + 1"


def test_height_from_the_width_or_the_input_depth_is_rejected(d, s):
    W, H, K, P, S, F, C = (s[k] for k in "WHKPSFC")
    v = assert_rejected(d, 1, sp.ImmutableMatrix([[conv_size(W, K, P, S), conv_size(W, K, P, S), F]]))
    assert v.counterexample.size["H"] != v.counterexample.size["W"]
    assert_rejected(d, 1, sp.ImmutableMatrix([[conv_size(W, K, P, S), conv_size(H, K, P, S), C]]))
