"""core.conv's additions for the page's sections 3–4: a conv layer's multiply–adds, and the
shift test (a feature map and its pooled map before and after the input moved)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import images
from core.conv import (
    KERNELS,
    SAME_TOLERANCE,
    avg_pool2d,
    conv2d,
    max_pool2d,
    multiply_adds,
    parameter_counts,
    shift,
    shift_test,
)

HYPOTHESIS = settings(max_examples=40, deadline=None, database=None)


def test_multiply_adds_of_alexnet_s_first_layer_by_hand():
    # 55·55 positions · 96 filters · 11·11·3 products each
    assert multiply_adds((3, 227, 227), 96, 11, stride=4) == 55 * 55 * 96 * 363 == 105_415_200


def test_multiply_adds_of_a_small_layer_by_hand():
    # 5×5 input, 3×3 kernel, padding 1: 25 positions · 2 filters · 9 products
    assert multiply_adds((1, 5, 5), 2, 3, padding=1) == 450


@HYPOTHESIS
@given(
    c_in=st.integers(1, 4),
    h=st.integers(3, 12),
    w=st.integers(3, 12),
    c_out=st.integers(1, 4),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
)
def test_multiply_adds_equal_the_unshared_layer_s_weights_and_conv2d_s_products(
    c_in, h, w, c_out, k, s, p
):
    macs = multiply_adds((c_in, h, w), c_out, k, s, p)
    unshared = parameter_counts((c_in, h, w), c_out, k, s, p, bias=False).locally_connected
    assert macs == unshared
    out = conv2d(np.zeros((1, c_in, h, w)), np.zeros((c_out, c_in, k, k)), stride=s, padding=p)
    assert macs == out[0].size * c_in * k * k


def test_multiply_adds_check_their_arguments():
    with pytest.raises(ValueError, match=r"input_shape must be \(C_in, H, W\)"):
        multiply_adds((5, 5), 2, 3)
    with pytest.raises(ValueError, match="out_channels"):
        multiply_adds((1, 5, 5), 0, 3)


def test_shift_test_with_no_shift_leaves_everything_unchanged():
    t = shift_test(images.picture("house"), KERNELS["edge"], 0, 2)
    assert t.feature_unchanged == t.pooled_unchanged == 1.0
    np.testing.assert_array_equal(t.feature, t.feature_shifted)


def test_shift_test_maps_are_relu_of_conv2d_and_the_pool_of_it():
    x, k = images.picture("face"), KERNELS["sobel_x"]
    t = shift_test(x, k, 1, 3, 2, 1, mode="avg")
    feature = np.maximum(conv2d(shift(x, 0, 1)[None, None], k[None, None], padding=1), 0)
    np.testing.assert_array_equal(t.feature_shifted, feature[0, 0])
    np.testing.assert_array_equal(t.pooled_shifted, avg_pool2d(feature, 3, 2, 1)[0, 0])
    assert t.pooled.shape == max_pool2d(feature, 3, 2, 1)[0, 0].shape


def test_shift_test_counts_only_active_cells_by_hand():
    # one bright pixel moved right by one, a 1×1 kernel: the feature map is the image itself
    x = np.zeros((8, 8))
    x[3, 3] = 1.0
    t = shift_test(x, np.ones((1, 1)), 1, 2)
    assert t.feature_unchanged == 0.0  # two active cells, both changed
    assert t.pooled_unchanged == 0.0  # (3, 3) and (3, 4) sit in different 2×2 windows
    t = shift_test(shift(x, 0, -1), np.ones((1, 1)), 1, 2)  # (3, 2) → (3, 3): the same window
    assert t.feature_unchanged == 0.0
    assert t.pooled_unchanged == 1.0


def test_shift_test_by_the_stride_moves_the_max_pooled_house_by_one_cell():
    t = shift_test(images.picture("house"), KERNELS["edge"], 2, 2)
    assert np.abs(t.pooled_shifted[:, 1:] - t.pooled[:, :-1]).max() <= SAME_TOLERANCE


def test_shift_test_checks_its_arguments():
    with pytest.raises(ValueError, match="mode"):
        shift_test(np.ones((4, 4)), np.ones((3, 3)), 1, 2, mode="median")
    with pytest.raises(ValueError, match="must be 2-D"):
        shift_test(np.ones((1, 4, 4)), np.ones((3, 3)), 1, 2)
