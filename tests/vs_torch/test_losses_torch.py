"""core.losses against torch.nn.functional: values and autograd gradients, every reduction, float64.

Random batches of several shapes, logits of ±1000, probabilities of exactly 0 and 1 (torch's
−100 clamp and its 1e-12 floor in the gradient) and soft targets.
"""

import numpy as np
import pytest
from torch_support import import_torch

from core import losses

torch = import_torch()
F = torch.nn.functional

pytestmark = pytest.mark.torch

LOSS_TOL = 1e-13  # relative to max(1, |torch's value|)
SEEDS = range(6)
SHAPES = [(1,), (7,), (5, 1), (8, 3)]
REDUCTIONS = losses.REDUCTIONS

TORCH = {
    "mse": F.mse_loss,
    "bce": F.binary_cross_entropy,
    "bce_with_logits": F.binary_cross_entropy_with_logits,
    "cross_entropy": F.cross_entropy,
}


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max() / max(1.0, np.abs(b).max()))


def torch_loss(name, x, y, reduction):
    """(value, ∂/∂input) from torch; for "none" the gradient of Σ of the losses."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    yt = torch.tensor(y)
    value = TORCH[name](xt, yt, reduction=reduction)
    value.backward(torch.ones_like(value))
    out = value.detach().numpy()
    return (float(out) if reduction != "none" else out), xt.grad.numpy()


def assert_same_as_torch(name, x, y, reduction):
    value, grad = losses.get(name)(x, y, reduction)
    t_value, t_grad = torch_loss(name, x, y, reduction)
    if reduction == "none":
        assert isinstance(value, np.ndarray)
    else:
        assert type(value) is float
    assert rel(value, t_value) <= LOSS_TOL
    assert rel(grad, t_grad) <= LOSS_TOL


def random_case(name, shape, seed):
    rng = np.random.default_rng(seed)
    if name == "mse":
        return rng.normal(0, 3, shape), rng.normal(0, 3, shape)
    if name == "bce":
        return rng.uniform(0, 1, shape), rng.choice([0.0, 1.0, rng.uniform()], shape)
    if name == "bce_with_logits":
        return rng.normal(0, 5, shape), rng.choice([0.0, 1.0, rng.uniform()], shape)
    n, c = (shape[0], shape[1] if len(shape) > 1 else 4)
    return rng.normal(0, 5, (n, c)), rng.integers(0, c, n)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", losses.NAMES)
def test_random_batches_match_torch(name, shape, reduction):
    for seed in SEEDS:
        assert_same_as_torch(name, *random_case(name, shape, seed), reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_at_p_zero_and_one_matches_torch(reduction):
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1e-50, 1 - 1e-16])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25, 1.0, 0.0])
    assert_same_as_torch("bce", p, y, reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_at_plus_minus_1000_matches_torch(reduction):
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0, 1000.0, -1000.0, 40.0, -40.0])
    y = np.array([1.0, 1.0, 0.0, 0.0, 0.5, 0.3, 1.0, 1.0])
    assert_same_as_torch("bce_with_logits", x, y, reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_at_plus_minus_1000_matches_torch(reduction):
    x = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0]])
    assert_same_as_torch("cross_entropy", x, np.array([0, 1, 2]), reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_on_plus_minus_one_labels_matches_torch(reduction):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 1))
    y = rng.choice([-1.0, 1.0], (50, 1))
    assert_same_as_torch("mse", x, y, reduction)
