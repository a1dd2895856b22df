"""core.conv's additions for the operation sections: the true convolution and a pool's geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import conv


@settings(max_examples=30, deadline=None)
@given(
    h=st.integers(3, 9),
    k=st.integers(1, 3),
    c=st.integers(1, 3),
    stride=st.integers(1, 2),
    padding=st.integers(0, 2),
    seed=st.integers(0, 999),
)
def test_convolve2d_is_conv2d_with_every_kernel_turned_by_180_degrees(
    h, k, c, stride, padding, seed
):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, c, h, h)), rng.normal(size=(2, c, k, k))
    flipped = np.rot90(w, 2, axes=(2, 3))
    want = conv.conv2d(x, flipped, stride=stride, padding=padding)
    np.testing.assert_allclose(conv.convolve2d(x, w, stride=stride, padding=padding), want)


def test_convolve2d_with_a_sobel_kernel_is_the_cross_correlation_negated():
    x = np.random.default_rng(0).normal(size=(1, 1, 8, 8))
    w = conv.KERNELS["sobel_x"][None, None]
    np.testing.assert_allclose(conv.convolve2d(x, w), -conv.conv2d(x, w))


def test_convolve2d_refuses_a_kernel_that_is_not_four_dimensional():
    with pytest.raises(ValueError, match="C_out, C_in, kH, kW"):
        conv.convolve2d(np.zeros((1, 1, 4, 4)), np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("h", "k", "stride", "padding"), [(8, 2, None, 0), (7, 3, 2, 1), (5, 5, 1, 2)]
)
def test_pool_geometry_is_the_shape_the_pools_return(h, k, stride, padding):
    g = conv.pool_geometry((h, h), k, stride, padding)
    out = conv.max_pool2d(np.zeros((1, 1, h, h)), k, stride, padding)
    assert (
        out.shape[2:]
        == g.out
        == conv.avg_pool2d(np.zeros((1, 1, h, h)), k, stride, padding).shape[2:]
    )


def test_pool_geometry_refuses_padding_past_half_the_kernel():
    with pytest.raises(ValueError, match="at most half"):
        conv.pool_geometry((8, 8), 2, 2, 2)
