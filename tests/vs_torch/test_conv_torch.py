"""core.conv against torch.nn.functional, float64: the same arrays in, the same numbers out.

conv2d and its three gradients over random shapes, strides, paddings and dilations (ints and
pairs, batched and unbatched); max_pool2d and avg_pool2d with torch's defaults and their input
gradients, max pooling's ties included; output_size against the shapes torch returns.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_support import import_torch

from core import conv

torch = import_torch()
F = torch.nn.functional

pytestmark = pytest.mark.torch

HYPOTHESIS = settings(max_examples=150, deadline=None, database=None)
CONV_TOL = 1e-13  # relative to max(1, |torch's value|): sums of a few hundred products
seeds = st.integers(0, 2**32 - 1)


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(1.0, np.abs(b).max(initial=0.0)))


def tensor(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def as_pair(v):
    """An int or a pair as a pair."""
    return v if isinstance(v, tuple) else (v, v)


def pair_or_int(draw, values):
    a, b = draw(values), draw(values)
    return a if draw(st.booleans()) and a == b else (a, b)


@st.composite
def conv_cases(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    s = pair_or_int(draw, st.integers(1, 3))
    p = pair_or_int(draw, st.integers(0, 3))
    d = pair_or_int(draw, st.integers(1, 3))
    pp, dp = as_pair(p), as_pair(d)
    hw = tuple(draw(st.integers(max(1, dp[a] * (k[a] - 1) + 1 - 2 * pp[a]), 12)) for a in (0, 1))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    batch = draw(st.one_of(st.none(), st.integers(1, 3)))  # None: one unbatched (C, H, W) image
    x_shape = (c_in, *hw) if batch is None else (batch, c_in, *hw)
    return x_shape, (c_out, c_in, *k), s, p, d, draw(st.booleans())


@st.composite
def pool_cases(draw):
    k = pair_or_int(draw, st.integers(1, 4))
    kp = as_pair(k)
    s = draw(
        st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    )
    p = (draw(st.integers(0, kp[0] // 2)), draw(st.integers(0, kp[1] // 2)))
    hw = tuple(draw(st.integers(max(1, kp[a] - 2 * p[a]), 12)) for a in (0, 1))
    batch = draw(st.one_of(st.none(), st.integers(1, 3)))
    c = draw(st.integers(1, 3))
    return ((c, *hw) if batch is None else (batch, c, *hw)), k, s, p


@HYPOTHESIS
@given(case=conv_cases(), seed=seeds)
def test_conv2d_forward_and_backward_match_torch(case, seed):
    x_shape, w_shape, s, p, d, with_bias = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    tx, tw, tb = tensor(x, True), tensor(w, True), tensor(b, True)
    ty = F.conv2d(tx, tw, tb if with_bias else None, stride=s, padding=p, dilation=d)
    y = conv.conv2d(x, w, b if with_bias else None, stride=s, padding=p, dilation=d)
    assert rel(y, ty.detach().numpy()) < CONV_TOL

    dy = rng.normal(size=y.shape)
    ty.backward(tensor(dy))
    gx, gw, gb = conv.conv2d_backward(dy, x, w, stride=s, padding=p, dilation=d)
    assert rel(gx, tx.grad.numpy()) < CONV_TOL
    assert rel(gw, tw.grad.numpy()) < CONV_TOL
    if with_bias:
        assert rel(gb, tb.grad.numpy()) < CONV_TOL


@HYPOTHESIS
@given(case=conv_cases())
def test_output_size_is_the_shape_torch_conv2d_returns(case):
    x_shape, w_shape, s, p, d, _ = case
    ty = F.conv2d(
        torch.zeros(x_shape, dtype=torch.float64),
        torch.zeros(w_shape, dtype=torch.float64),
        stride=s,
        padding=p,
        dilation=d,
    )
    sp, pp, dp = as_pair(s), as_pair(p), as_pair(d)
    want = [conv.output_size(x_shape[-2 + a], w_shape[2 + a], sp[a], pp[a], dp[a]) for a in (0, 1)]
    assert tuple(ty.shape[-2:]) == tuple(want)


@HYPOTHESIS
@given(case=pool_cases(), seed=seeds, ties=st.booleans())
def test_max_pool2d_and_its_gradient_match_torch_ties_included(case, seed, ties):
    shape, k, s, p = case
    rng = np.random.default_rng(seed)
    # few distinct values: windows with tied maxima, where the gradient's choice must agree
    x = rng.integers(0, 3, size=shape).astype(np.float64) if ties else rng.normal(size=shape)
    tx = tensor(x, True)
    ty = F.max_pool2d(tx, k, s, p)
    y = conv.max_pool2d(x, k, s, p)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    dy = rng.normal(size=y.shape)
    ty.backward(tensor(dy))
    assert rel(conv.max_pool2d_backward(dy, x, k, s, p), tx.grad.numpy()) < CONV_TOL


@HYPOTHESIS
@given(case=pool_cases(), seed=seeds)
def test_avg_pool2d_and_its_gradient_match_torch(case, seed):
    shape, k, s, p = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    tx = tensor(x, True)
    ty = F.avg_pool2d(tx, k, s, p)  # count_include_pad=True, torch's default
    y = conv.avg_pool2d(x, k, s, p)
    assert rel(y, ty.detach().numpy()) < CONV_TOL
    dy = rng.normal(size=y.shape)
    ty.backward(tensor(dy))
    assert rel(conv.avg_pool2d_backward(dy, x, k, s, p), tx.grad.numpy()) < CONV_TOL


def test_conv2d_parameter_count_matches_torch_conv2d_module():
    layer = torch.nn.Conv2d(3, 96, 11, stride=4)
    counts = conv.parameter_counts((3, 227, 227), 96, 11, stride=4)
    assert sum(t.numel() for t in layer.parameters()) == counts.conv
    assert tuple(layer(torch.zeros(1, 3, 227, 227)).shape[1:]) == counts.output_shape


def test_pool_padding_over_half_the_kernel_is_rejected_by_torch_too():
    with pytest.raises(RuntimeError, match="pad should be"):
        F.max_pool2d(torch.zeros(1, 1, 6, 6), 3, padding=2)
    with pytest.raises(RuntimeError, match="pad should be"):
        F.avg_pool2d(torch.zeros(1, 1, 6, 6), 2, padding=2)
    with pytest.raises(ValueError, match="padding must be at most half of kernel_size"):
        conv.max_pool2d(np.zeros((1, 1, 6, 6)), 3, padding=2)
