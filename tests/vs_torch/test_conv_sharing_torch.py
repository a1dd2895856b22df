"""Sections 3–4's numbers against PyTorch: the page's 6×6 map (ties and all) pooled forward and
back by torch for every pool the controls allow, a conv layer's parameters as nn.Conv2d holds
them, and its multiply–adds as torch's FLOP counter counts them (two FLOPs each)."""

import numpy as np
import pytest
from torch_support import import_torch

from core import conv
from ui.topics.convolutions import sharing as topic

torch = import_torch()
F = torch.nn.functional

pytestmark = pytest.mark.torch

POOLS = [(k, s, p) for k in (2, 3, 4) for s in (1, 2, 3, 4) for p in range(k // 2 + 1)]


@pytest.mark.parametrize("upstream", topic.UPSTREAMS)
@pytest.mark.parametrize("mode", topic.POOL_MODES)
@pytest.mark.parametrize(("k", "s", "p"), POOLS)
def test_the_page_s_pooling_and_its_gradient_equal_torch_s_ties_included(k, s, p, mode, upstream):
    ours = topic.pooling(mode, k, s, p, upstream)
    x = torch.tensor(topic.FEATURE[None, None], dtype=torch.float64, requires_grad=True)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    y = pool(x, k, s, p)
    y.backward(torch.tensor(ours.upstream[None, None]))
    if mode == "max":  # the values and the routing exactly: each gradient to torch's winner
        np.testing.assert_array_equal(ours.pooled, y.detach().numpy()[0, 0])
        np.testing.assert_array_equal(ours.grad_input, x.grad.numpy()[0, 0])
    else:  # shares of 1/k² summed in another order
        np.testing.assert_allclose(ours.pooled, y.detach().numpy()[0, 0], rtol=1e-14)
        np.testing.assert_allclose(ours.grad_input, x.grad.numpy()[0, 0], rtol=1e-14)


@pytest.mark.parametrize("preset", ["alexnet", "mnist"])
def test_the_presets_counts_are_nn_conv2d_s_and_the_multiply_adds_half_torch_s_flops(preset):
    v = topic.PRESETS[preset]
    s = topic.sharing(v["psh"], v["psw"], v["psc"], v["psp"], v["psk"], v["pss"], v["pso"])
    layer = torch.nn.Conv2d(v["psc"], v["pso"], v["psk"], v["pss"], v["psp"])
    assert s.counts.conv == sum(t.numel() for t in layer.parameters())
    x = torch.zeros(1, v["psc"], v["psh"], v["psw"])
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = layer(x)
    assert tuple(out.shape[1:]) == s.counts.output_shape
    assert counter.get_total_flops() == 2 * s.multiply_adds
    assert s.multiply_adds == conv.multiply_adds(
        (v["psc"], v["psh"], v["psw"]), v["pso"], v["psk"], v["pss"], v["psp"]
    )
