"""core.regularization.train against the same full-batch training written in torch, float64.

torch.nn.Sequential(Linear, Tanh, Linear, Tanh, Linear) with core's initial parameters copied in,
MSE on the training set, one optimizer step per epoch: torch.optim.Adam and SGD with
weight_decay (coupled L2) and AdamW (decoupled); L1 as the subgradient λ·sign(θ) added to the
gradients, and as the soft threshold after each step (torch has neither: written by hand on
torch's tensors). The per-epoch losses, the penalty and the final parameters agree within 1e-10.
"""

import numpy as np
import pytest
from torch_support import import_torch

from core import regularization as reg

torch = import_torch()
pytestmark = pytest.mark.torch

TOL = 1e-10
CASES = [
    {"optimizer": "adam", "lam": 0.0},
    {"optimizer": "adam", "lam": 0.01},
    {"optimizer": "adamw", "lam": 0.3},
    {"optimizer": "sgd", "lam": 0.1},
    {"optimizer": "adam", "lam": 0.03, "penalty": "l1", "l1_method": "prox"},
    {"optimizer": "sgd", "lam": 0.03, "penalty": "l1", "l1_method": "prox"},
    {"optimizer": "sgd", "lam": 0.03, "penalty": "l1", "l1_method": "subgradient"},
]


@pytest.fixture(autouse=True, scope="module")
def float64_default_dtype():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def _torch_run(s: reg.Settings):
    core_net = reg.network(s)
    layers = [torch.nn.Linear(1, s.width), torch.nn.Tanh(), torch.nn.Linear(s.width, s.width)]
    model = torch.nn.Sequential(*layers, torch.nn.Tanh(), torch.nn.Linear(s.width, 1))
    with torch.no_grad():
        for (name, value), param in zip(
            core_net.named_parameters(), model.parameters(), strict=True
        ):
            assert tuple(param.shape) == value.shape, name
            param.copy_(torch.tensor(value))
    wd = s.lam if s.penalty == "l2" else 0.0
    opt = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}[
        s.optimizer
    ](model.parameters(), lr=s.lr, weight_decay=wd)
    d = reg.data(s)
    x, y = torch.tensor(d.x_train)[:, None], torch.tensor(d.y_train)[:, None]
    xv, yv = torch.tensor(d.x_val)[:, None], torch.tensor(d.y_val)[:, None]
    val = []
    for _ in range(s.epochs):
        with torch.no_grad():
            val.append(float(torch.nn.functional.mse_loss(model(xv), yv)))
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        if s.penalty == "l1" and s.l1_method == "subgradient":
            for param in model.parameters():
                param.grad += s.lam * torch.sign(param.detach())
        opt.step()
        if s.penalty == "l1" and s.l1_method == "prox":
            with torch.no_grad():
                for param in model.parameters():
                    scale = 1.0  # SGD: ISTA's threshold γλ; Adam: γλ/(√v̂ + ε), per weight
                    if s.optimizer != "sgd":
                        state = opt.state[param]
                        step = float(state["step"])
                        v_hat = state["exp_avg_sq"] / (1.0 - opt.defaults["betas"][1] ** step)
                        scale = v_hat.sqrt() + opt.defaults["eps"]
                    cut = s.lr * s.lam / scale
                    param.copy_(torch.sign(param) * torch.clamp(param.abs() - cut, min=0))
    with torch.no_grad():
        val.append(float(torch.nn.functional.mse_loss(model(xv), yv)))
    flat = torch.cat([param.detach().reshape(-1) for param in model.parameters()]).numpy()
    return np.array(val), flat


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_training_matches_torch_epoch_for_epoch(case):
    s = reg.Settings(width=8, epochs=40, **case)
    fit = reg.train(s)
    val, flat = _torch_run(s)
    assert np.max(np.abs(fit.val_loss - val) / np.maximum(1.0, np.abs(val))) < TOL
    assert np.max(np.abs(fit.parameters - flat) / np.maximum(1.0, np.abs(flat))) < TOL
    assert reg.zeros(fit.parameters) == int(np.count_nonzero(flat == 0.0))
