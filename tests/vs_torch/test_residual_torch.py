"""core.residual against PyTorch's autograd: the same weights in torch.nn.Linear layers
(weight = W_lᵀ, no bias), h = h + α·f(linear(h)) or h = f(linear(h)), L = Σ h_depth ⊙ u, and
every h_l's .grad against core's backward and the statistics compare() reports."""

import numpy as np
import pytest
from torch_support import import_torch

from core import activations, residual
from core.initialization import reference

torch = import_torch()

pytestmark = pytest.mark.torch

FUNCTIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}


def torch_pass(act, x, ws, u, alpha, skip):
    """(h_0 … h_depth, their gradients) by autograd, in float64."""
    layers = []
    for w in ws:
        linear = torch.nn.Linear(w.shape[0], w.shape[1], bias=False, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T))
        layers.append(linear)
    h = torch.from_numpy(x).requires_grad_(True)
    hs = [h]
    for linear in layers:
        branch = FUNCTIONS[act](linear(hs[-1]))
        nxt = hs[-1] + alpha * branch if skip else branch
        nxt.retain_grad()
        hs.append(nxt)
    (hs[-1] * torch.from_numpy(u)).sum().backward()
    return [v.detach().numpy() for v in hs], [v.grad.numpy() for v in hs]


@pytest.mark.parametrize("skip", [False, True])
@pytest.mark.parametrize(
    ("scheme", "act"),
    [("xavier_normal", "sigmoid"), ("he_normal", "relu"), ("lecun_uniform", "tanh")],
)
def test_every_layer_gradient_equals_autograd_on_the_same_weights(scheme, act, skip):
    depth, width, alpha = 8, 16, 0.7
    x, ws, u = reference.draws(scheme, depth, width, residual.BATCH, 4)
    f = activations.get(act)
    hs, zs = residual.forward(f, x, ws, alpha, skip)
    grads = residual.backward(f, zs, ws, u, alpha, skip)
    t_hs, t_grads = torch_pass(act, x, ws, u, alpha, skip)
    for mine, theirs in zip(hs, t_hs, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)
    for mine, theirs in zip(grads, t_grads, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("per_depth", [False, True])
def test_compare_statistics_equal_the_std_of_autograd_tensors(per_depth):
    scheme, act, depth, width, alpha, seed = "he_uniform", "relu", 12, 32, 1.0, 1
    c = residual.compare(scheme, act, depth, width, alpha, seed, per_depth)
    x, ws, u = reference.draws(scheme, depth, width, residual.BATCH, seed)
    for skip, stack in ((False, c.plain), (True, c.residual)):
        t_hs, t_grads = torch_pass(act, x, ws, u, c.alpha, skip)
        np.testing.assert_allclose(stack.activation_std, [h.std() for h in t_hs], rtol=1e-10)
        np.testing.assert_allclose(stack.gradient_std, [g.std() for g in t_grads], rtol=1e-10)
