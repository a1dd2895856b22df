"""core.fused: the fused forward/backward does exactly what core.nn's layers do."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core import activations, fused, nn


def _net(widths, acts, seed):
    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(nn.Linear(a, b, seed=seed + i))
        if i < len(acts):
            layers.append(nn.Activation(acts[i]))
    return nn.Sequential(*layers)


@pytest.mark.parametrize("act", activations.NAMES)
@pytest.mark.parametrize("widths", [(2, 1), (3, 4, 1), (7, 16, 16, 3), (2, 5, 4, 3, 2)])
def test_fused_step_gives_core_nn_s_outputs_and_gradients_bit_for_bit(act, widths):
    net = _net(widths, [act] * (len(widths) - 2), seed=3)
    x = np.random.default_rng(1).normal(scale=2.0, size=(9, widths[0]))
    upstream = np.random.default_rng(2).normal(size=(9, widths[-1]))
    out = net.forward(x)
    net.backward(upstream)
    expected = net.gradients.copy()
    net.gradients[:] = np.nan
    fused_out = fused.forward_backward(net)(x, lambda z: upstream)
    np.testing.assert_array_equal(fused_out, out)
    np.testing.assert_array_equal(net.gradients, expected)


def test_fused_passes_the_output_it_computed_to_the_loss():
    net = _net((2, 3, 1), ["relu"], seed=0)
    x = np.ones((4, 2))
    seen = []
    fused.forward_backward(net)(x, lambda z: seen.append(z.copy()) or np.zeros_like(z))
    np.testing.assert_array_equal(seen[0], net.forward(x))


@pytest.mark.parametrize(
    "layers",
    [
        (nn.Linear(2, 2), nn.BatchNorm1d(2), nn.Linear(2, 1)),
        (nn.Linear(2, 2), nn.Activation("tanh"), nn.Dropout(0.5), nn.Linear(2, 1)),
        (nn.Linear(2, 2), nn.Activation("tanh")),
        (nn.Activation("tanh"), nn.Linear(2, 1)),
    ],
)
def test_only_linear_activation_chains_are_fused(layers):
    net = nn.Sequential(*layers)
    assert not fused.supports(net)
    with pytest.raises(ValueError, match="fuses"):
        fused.forward_backward(net)
