"""The operation sections against PyTorch: the true convolution is torch's conv2d with the
kernel flipped, and the learner's stack has the shapes torch's own layers return."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_support import import_torch

from core import conv
from ui.topics.convolutions import operation as topic

torch = import_torch()
F = torch.nn.functional

pytestmark = pytest.mark.torch


@settings(max_examples=40, deadline=None, database=None)
@given(h=st.integers(3, 9), k=st.integers(1, 3), d=st.integers(1, 2), seed=st.integers(0, 999))
def test_convolve2d_is_torch_s_conv2d_with_the_kernel_flipped(h, k, d, seed):
    if d * (k - 1) + 1 > h:
        return
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, 3, h, h)), rng.normal(size=(2, 3, k, k))
    want = F.conv2d(torch.from_numpy(x), torch.from_numpy(w).flip(2, 3), dilation=d).numpy()
    np.testing.assert_allclose(conv.convolve2d(x, w, dilation=d), want, rtol=1e-12, atol=1e-12)


def torch_layer(kind, k, s, p, d, c_in, c_out):
    if kind == "conv":
        return torch.nn.Conv2d(c_in, c_out, k, s, p, d, dtype=torch.float64)
    return (torch.nn.MaxPool2d if kind == "max" else torch.nn.AvgPool2d)(k, s, p)


@pytest.mark.parametrize("preset", list(topic.STACK_PRESETS))
def test_each_stack_preset_s_shapes_and_parameters_are_torch_s(preset):
    n, c, layers = topic.stack_of(topic.STACK_PRESETS[preset])
    s = topic.stack(n, c, layers)
    x = torch.zeros(1, c, n, n, dtype=torch.float64)
    for (kind, k, st_, p, d, channels), layer in zip(layers, s.layers, strict=True):
        module = torch_layer(kind, k, st_, p, d, x.shape[1], channels)
        x = module(x)
        assert tuple(x.shape) == layer.shape
        assert sum(t.numel() for t in module.parameters()) == layer.weights + layer.biases
