"""core.nn against torch.nn, float64: the same weights copied in, the same numbers out.

Linear and whole Sequential networks forward and backward (through a core.losses loss), every
activation, BatchNorm1d over a run of training batches and in eval mode, Dropout with torch's
mask replayed in ours, and parameter and buffer names identical to torch.nn.Sequential's.
"""

import numpy as np
import pytest
from torch_support import import_torch

from core import activations, losses
from core.nn import Activation, BatchNorm1d, Dropout, Linear, Sequential

torch = import_torch()
nn = torch.nn

pytestmark = pytest.mark.torch

NN_TOL = 1e-13  # relative to max(1, |torch's value|)
BN_TOL = 1e-12  # as tests/vs_torch/test_batchnorm_torch.py
BELOW_ONE = 1.0 - 2.0**-53  # the largest double below 1: ≥ p for every p < 1

TORCH_ACTIVATIONS = {
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
    "relu": lambda: nn.ReLU(),
    "leaky_relu": lambda negative_slope=0.01: nn.LeakyReLU(negative_slope),
    "elu": lambda alpha=1.0: nn.ELU(alpha),
    "selu": lambda: nn.SELU(),
    "gelu": lambda approximate="none": nn.GELU(approximate=approximate),
    "silu": lambda: nn.SiLU(),
    "softplus": lambda beta=1.0, threshold=20.0: nn.Softplus(beta, threshold),
    "linear": lambda: nn.Identity(),
}


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(1.0, np.abs(b).max(initial=0.0)))


def twin(layer):
    """The torch module that matches one core.nn layer (weights copied later, by name)."""
    if isinstance(layer, Linear):
        return nn.Linear(layer.in_features, layer.out_features, dtype=torch.float64)
    if isinstance(layer, Activation):
        return TORCH_ACTIVATIONS[layer.name](**layer.function.params)
    if isinstance(layer, BatchNorm1d):
        bn = layer.layer
        return nn.BatchNorm1d(
            layer.num_features, eps=bn.eps, momentum=bn.momentum, dtype=torch.float64
        )
    if isinstance(layer, Dropout):
        return nn.Dropout(layer.p)
    raise TypeError(layer)


def torch_twin(net):
    """torch.nn.Sequential of the twins, with net's parameters copied in by name."""
    model = nn.Sequential(*(twin(layer) for layer in net))
    with torch.no_grad():
        params = dict(model.named_parameters())
        for name, value in net.named_parameters():
            params[name].copy_(torch.tensor(value))
    return model


class Replay:
    """A stand-in for Dropout's generator whose draws reproduce given keep-masks."""

    def __init__(self, masks):
        self.masks = masks  # the list itself: it may still be filling

    def random(self, shape):
        mask = self.masks.pop(0)
        assert mask.shape == tuple(shape)
        return np.where(mask, BELOW_ONE, 0.0)


def capture_dropout_masks(model):
    """Forward hooks that record each torch Dropout's keep-mask (output ≠ 0 where input ≠ 0)."""
    masks = {}

    def hook(index):
        def record(module, inputs, output):
            assert torch.all(inputs[0] != 0), "a zero input would hide the mask"
            masks.setdefault(index, []).append((output != 0).numpy())

        return record

    for i, module in enumerate(model):
        if isinstance(module, nn.Dropout):
            module.register_forward_hook(hook(i))
    return masks


def run_both(net, model, x, loss_name, target):
    """One forward and backward through a loss on both sides; the gaps by quantity."""
    xt = torch.tensor(x, requires_grad=True)
    model.zero_grad()
    out_t = model(xt)
    torch_loss = {
        "mse": nn.functional.mse_loss,
        "cross_entropy": nn.functional.cross_entropy,
        "bce_with_logits": nn.functional.binary_cross_entropy_with_logits,
    }[loss_name]
    value_t = torch_loss(out_t, torch.tensor(target))
    value_t.backward()
    out = net.forward(x)
    value, grad_out = losses.get(loss_name)(out, target)
    dx = net.backward(grad_out)
    grads_t = {name: p.grad.numpy() for name, p in model.named_parameters()}
    gaps = {
        "output": rel(out, out_t.detach().numpy()),
        "loss": rel(value, value_t.item()),
        "dx": rel(dx, xt.grad.numpy()),
    }
    for name, g in net.named_gradients():
        gaps[name] = rel(g, grads_t[name])
    return gaps


def assert_gaps_within(gaps, tol):
    assert {k: v for k, v in gaps.items() if v > tol} == {}


# --- names ------------------------------------------------------------------------------------

ARCHITECTURES = {
    "brief": lambda: Sequential(
        Linear(2, 4), Activation("tanh"), BatchNorm1d(4), Dropout(0.5), Linear(4, 1)
    ),
    "playground": lambda: Sequential(
        Linear(7, 8), Activation("relu"), Linear(8, 8), Activation("tanh"), Linear(8, 3)
    ),
    "bn_first": lambda: Sequential(BatchNorm1d(3), Linear(3, 2), Dropout(0.1), BatchNorm1d(2)),
    "no_hidden": lambda: Sequential(Linear(2, 1)),
}


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_parameter_and_buffer_names_are_torch_s(arch):
    net = ARCHITECTURES[arch]()
    model = torch_twin(net)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert [n for n, _ in net.named_buffers()] == [n for n, _ in model.named_buffers()]
    shapes_t = [tuple(p.shape) for _, p in model.named_parameters()]
    assert [a.shape for _, a in net.named_parameters()] == shapes_t


# --- Linear -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fan_in", "fan_out", "n"), [(1, 1, 1), (2, 4, 10), (7, 16, 33)])
def test_linear_forward_and_backward_match_torch(fan_in, fan_out, n):
    rng = np.random.default_rng(fan_in * 100 + fan_out)
    layer = Linear(fan_in, fan_out, seed=5)
    model = nn.Linear(fan_in, fan_out, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(layer.weight))
        model.bias.copy_(torch.tensor(layer.bias))
    x, g = rng.normal(size=(n, fan_in)), rng.normal(size=(n, fan_out))
    xt = torch.tensor(x, requires_grad=True)
    yt = model(xt)
    yt.backward(torch.tensor(g))
    y = layer.forward(x)
    dx = layer.backward(g)
    assert rel(y, yt.detach().numpy()) <= NN_TOL
    assert rel(dx, xt.grad.numpy()) <= NN_TOL
    assert rel(layer.grads["weight"], model.weight.grad.numpy()) <= NN_TOL
    assert rel(layer.grads["bias"], model.bias.grad.numpy()) <= NN_TOL


def test_linear_init_has_torch_s_bound():
    # Not torch's numbers (another generator), but its distribution: U(−1/√in, 1/√in).
    for fan_in in (1, 3, 50):
        ours, theirs = Linear(fan_in, 400, seed=1), nn.Linear(fan_in, 400, dtype=torch.float64)
        bound = 1 / np.sqrt(fan_in)
        for a in (ours.weight, theirs.weight.detach().numpy()):
            assert np.abs(a).max() <= bound
            assert np.abs(a).max() > 0.95 * bound


# --- activations inside a network -------------------------------------------------------------

ACTIVATION_CASES = [(name, {}) for name in activations.NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": "tanh"}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
]
ACTIVATION_IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in ACTIVATION_CASES]


@pytest.mark.parametrize(("name", "params"), ACTIVATION_CASES, ids=ACTIVATION_IDS)
def test_a_network_with_each_activation_matches_torch(name, params):
    rng = np.random.default_rng(len(name))
    net = Sequential(
        Linear(2, 8, seed=1),
        Activation(name, **params),
        Linear(8, 8, seed=2),
        Activation(name, **params),
        Linear(8, 3, seed=3),
    )
    model = torch_twin(net)
    x = rng.normal(0, 2, (40, 2))
    gaps = run_both(net, model, x, "cross_entropy", rng.integers(0, 3, 40))
    assert_gaps_within(gaps, NN_TOL)


@pytest.mark.parametrize("loss_name", ["mse", "bce_with_logits"])
def test_a_one_output_network_through_each_loss_matches_torch(loss_name):
    rng = np.random.default_rng(7)
    net = Sequential(Linear(7, 6, seed=4), Activation("tanh"), Linear(6, 1, seed=5))
    model = torch_twin(net)
    x = rng.normal(size=(25, 7))
    target = rng.choice([-1.0, 1.0] if loss_name == "mse" else [0.0, 1.0], (25, 1))
    assert_gaps_within(run_both(net, model, x, loss_name, target), NN_TOL)


# --- BatchNorm1d ------------------------------------------------------------------------------


@pytest.mark.parametrize(("eps", "momentum"), [(1e-5, 0.1), (1e-3, 0.5), (1e-5, 1.0)])
def test_batchnorm_in_a_network_matches_torch_in_training_and_eval(eps, momentum):
    rng = np.random.default_rng(8)
    net = Sequential(
        Linear(3, 5, seed=1),
        BatchNorm1d(5, eps=eps, momentum=momentum),
        Activation("relu"),
        Linear(5, 2, seed=2),
    )
    net.set_parameter("1.weight", rng.uniform(0.5, 2, 5))
    net.set_parameter("1.bias", rng.normal(size=5))
    model = torch_twin(net)
    for n in (8, 2, 16, 5):  # training batches: batch statistics, running statistics updated
        x, y = rng.normal(1, 2, (n, 3)), rng.normal(size=(n, 2))
        assert_gaps_within(run_both(net.train(), model.train(), x, "mse", y), BN_TOL)
        buffers_t = dict(model.named_buffers())
        for name, value in net.named_buffers():
            assert rel(value, buffers_t[name].numpy()) <= BN_TOL, name
    for n in (1, 7):  # eval batches: running statistics, left alone
        x, y = rng.normal(1, 2, (n, 3)), rng.normal(size=(n, 2))
        assert_gaps_within(run_both(net.eval(), model.eval(), x, "mse", y), BN_TOL)
    assert net[1].num_batches_tracked == int(model[1].num_batches_tracked) == 4


# --- Dropout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_with_torch_s_mask_replayed_matches_torch(p):
    rng = np.random.default_rng(9)
    torch.manual_seed(0)
    x, g = rng.normal(size=(30, 6)), rng.normal(size=(30, 6))
    xt = torch.tensor(x, requires_grad=True)
    yt = nn.functional.dropout(xt, p, training=True)
    yt.backward(torch.tensor(g))
    mask = (yt != 0).numpy()
    layer = Dropout(p)
    layer.rng = Replay([mask])
    y = layer.forward(x)
    np.testing.assert_array_equal(layer.mask, mask)
    np.testing.assert_array_equal(y, yt.detach().numpy())
    np.testing.assert_array_equal(layer.backward(g), xt.grad.numpy())


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_dropout_at_p_zero_and_one_matches_torch(p):
    x = np.random.default_rng(10).normal(size=(20, 3))
    xt = torch.tensor(x, requires_grad=True)
    yt = nn.functional.dropout(xt, p, training=True)
    yt.backward(torch.ones_like(yt))
    layer = Dropout(p)
    np.testing.assert_array_equal(layer.forward(x), yt.detach().numpy())
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), xt.grad.numpy())


def test_a_network_with_dropout_and_batchnorm_matches_torch_with_its_masks_replayed():
    rng = np.random.default_rng(11)
    net = Sequential(
        Linear(2, 8, seed=1),
        Activation("tanh"),
        Dropout(0.3, seed=2),
        Linear(8, 8, seed=3),
        BatchNorm1d(8),
        Activation("tanh"),
        Dropout(0.6, seed=4),
        Linear(8, 3, seed=5),
    )
    model = torch_twin(net)
    masks = capture_dropout_masks(model)
    for i, layer in enumerate(net):
        if isinstance(layer, Dropout):
            layer.rng = Replay(masks.setdefault(i, []))  # reads what torch's hook appends
    torch.manual_seed(1)
    for n in (12, 5, 20):
        x, labels = rng.normal(size=(n, 2)), rng.integers(0, 3, n)
        model.zero_grad()
        xt = torch.tensor(x, requires_grad=True)
        out_t = model(xt)
        nn.functional.cross_entropy(out_t, torch.tensor(labels)).backward()
        out = net.forward(x)
        _, grad_out = losses.cross_entropy(out, labels)
        dx = net.backward(grad_out)
        assert rel(out, out_t.detach().numpy()) <= BN_TOL
        assert rel(dx, xt.grad.numpy()) <= BN_TOL
        grads_t = dict(model.named_parameters())
        for name, g in net.named_gradients():
            assert rel(g, grads_t[name].grad.numpy()) <= BN_TOL, name
        # one SGD step on each side, so the next batch meets moved weights
        net.parameters -= 0.1 * net.gradients
        with torch.no_grad():
            for param in model.parameters():
                param -= 0.1 * param.grad
    buffers_t = dict(model.named_buffers())
    for name, value in net.named_buffers():
        assert rel(value, buffers_t[name].numpy()) <= BN_TOL, name
    assert all(m == [] for m in masks.values())  # every mask torch drew was replayed
