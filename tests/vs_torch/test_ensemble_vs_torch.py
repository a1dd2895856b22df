"""core.ensemble against torch: each network of a padded batch, started from the same weights,
trained full batch on F.mse_loss by torch.optim (Adam, AdamW, SGD with momentum), float64."""

import numpy as np
import pytest
from torch_support import import_torch

from core import ensemble

torch = import_torch()
pytestmark = pytest.mark.torch

OPTIMIZERS = {
    "adam": lambda p, lr, wd: torch.optim.Adam(p, lr=lr, weight_decay=wd),
    "adamw": lambda p, lr, wd: torch.optim.AdamW(p, lr=lr, weight_decay=wd),
    "momentum": lambda p, lr, wd: torch.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=wd),
}


def _torch_net(d_in, width, depth, activation):
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[activation]
    layers, fan_in = [], d_in
    for _ in range(depth):
        layers += [torch.nn.Linear(fan_in, width), act()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, 1))
    return torch.nn.Sequential(*layers).double()


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize(("activation", "depth"), [("tanh", 1), ("relu", 2)])
def test_every_network_of_the_batch_follows_torch_s_training_from_the_same_start(
    optimizer, activation, depth
):
    rng = np.random.default_rng(0)
    x, xe = rng.uniform(-1, 1, (15, 2)), rng.uniform(-1, 1, (9, 2))
    y = np.sin(3 * x[:, 0]) * x[:, 1]
    widths, lrs, wd, epochs = [2, 7, 4], [0.02, 0.01, 0.05], 0.01, 80
    got = ensemble.train(
        x, y, xe, widths, lrs, depth=depth, activation=activation, optimizer=optimizer,
        epochs=epochs, seed=3, weight_decay=wd,
    )  # fmt: skip
    for k, (w, lr) in enumerate(zip(widths, lrs, strict=True)):
        start = ensemble.network(2, w, depth, activation, 3, k)
        net = _torch_net(2, w, depth, activation)
        with torch.no_grad():
            for (_, value), p in zip(start.named_parameters(), net.parameters(), strict=True):
                p.copy_(torch.from_numpy(value.copy()))
        opt = OPTIMIZERS[optimizer](net.parameters(), lr, wd)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y[:, None])
        losses = []
        for _ in range(epochs):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(xt), yt)
            losses.append(loss.item())
            loss.backward()
            opt.step()
        flat = torch.cat([p.detach().reshape(-1) for p in net.parameters()]).numpy()
        np.testing.assert_allclose(got.parameters[k], flat, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(got.train_loss[k][:-1], losses, rtol=1e-9, atol=1e-12)
        pred = net(torch.from_numpy(xe)).detach().numpy()[:, 0]
        np.testing.assert_allclose(got.predictions[k], pred, rtol=1e-9, atol=1e-11)
