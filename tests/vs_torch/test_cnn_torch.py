"""core.nn's Conv2d, MaxPool2d and Flatten against torch.nn, float64: core.cnn's CNN and MLP with
torch's twins loaded with the same weights give the same outputs, loss gradients and inputs'."""

import numpy as np
import pytest
from torch_support import import_torch

from core import cnn, losses

torch = import_torch()
nn = torch.nn

pytestmark = pytest.mark.torch

TOL = 1e-12  # relative to max(1, |torch's value|)


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(1.0, np.abs(b).max(initial=0.0)))


def torch_cnn():
    c1, c2 = cnn.CHANNELS
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(c2 * (cnn.SIZE // 4) ** 2, cnn.CLASSES),
    ).double()


def torch_mlp():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(cnn.SIZE**2, cnn.HIDDEN),
        nn.ReLU(),
        nn.Linear(cnn.HIDDEN, cnn.CLASSES),
    ).double()


@pytest.mark.parametrize(("ours", "theirs"), [(cnn.cnn, torch_cnn), (cnn.mlp, torch_mlp)])
@pytest.mark.parametrize("seed", [0, 1])
def test_sequential_matches_torch_outputs_and_gradients(ours, theirs, seed):
    net, twin = ours(seed), theirs()
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in twin.named_parameters()]
    with torch.no_grad():
        for (_, value), (_, param) in zip(
            net.named_parameters(), twin.named_parameters(), strict=True
        ):
            param.copy_(torch.tensor(value))
    x, y = cnn.data(200, seed)[:2]
    x, y = x[:32], y[:32]
    out = net.forward(x)
    _, grad = losses.cross_entropy(out, y)
    dx = net.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    out_t = twin(xt)
    loss_t = nn.functional.cross_entropy(out_t, torch.tensor(y))
    loss_t.backward()
    assert rel(out, out_t.detach().numpy()) < TOL
    assert rel(dx, xt.grad.numpy()) < TOL
    for (name, grad), (_, param) in zip(
        net.named_gradients(), twin.named_parameters(), strict=True
    ):
        assert rel(grad, param.grad.numpy()) < TOL, name


@pytest.mark.parametrize("kernel_stride", [(2, None), (3, 2), (2, 1)])
def test_max_pool_layer_matches_torch_with_ties(kernel_stride):
    from core.nn import MaxPool2d

    k, s = kernel_stride
    x = np.random.default_rng(0).integers(0, 2, size=(2, 3, 8, 6)).astype(np.float64)
    layer = MaxPool2d(k, s)
    out = layer.forward(x)
    g = np.random.default_rng(1).normal(size=out.shape)
    xt = torch.tensor(x, requires_grad=True)
    out_t = nn.MaxPool2d(k, s)(xt)
    out_t.backward(torch.tensor(g))
    assert np.array_equal(out, out_t.detach().numpy())
    # overlapping windows add gradients in another order than torch: the last bit may differ
    assert rel(layer.backward(g), xt.grad.numpy()) < 1e-15


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [(3, 2, 1, 1), ((3, 2), (2, 1), (1, 0), 1), (3, 1, 2, 2), (1, 1, 0, 1)],
)
def test_conv2d_layer_matches_torch_for_strides_paddings_dilations(
    kernel, stride, padding, dilation
):
    from core.nn import Conv2d

    layer = Conv2d(2, 3, kernel, stride, padding, dilation, seed=5)
    twin = nn.Conv2d(2, 3, kernel, stride, padding, dilation).double()
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.weight))
        twin.bias.copy_(torch.tensor(layer.bias))
    x = np.random.default_rng(2).normal(size=(3, 2, 9, 8))
    out = layer.forward(x)
    g = np.random.default_rng(3).normal(size=out.shape)
    xt = torch.tensor(x, requires_grad=True)
    out_t = twin(xt)
    out_t.backward(torch.tensor(g))
    assert rel(out, out_t.detach().numpy()) < TOL
    assert rel(layer.backward(g), xt.grad.numpy()) < TOL
    assert rel(layer.grads["weight"], twin.weight.grad.numpy()) < TOL
    assert rel(layer.grads["bias"], twin.bias.grad.numpy()) < TOL
