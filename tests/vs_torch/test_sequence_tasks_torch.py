"""core.sequence_tasks' training against torch, float64: the same initial weights and the same
batches through nn.RNNCell / LSTMCell / GRUCell and nn.Linear, trained with torch.optim.Adam and
torch.nn.utils.clip_grad_norm_, give the same batch losses, gradient norms and held-out accuracy."""

import numpy as np
import pytest
from torch_support import import_torch

from core import nn, recurrent
from core import sequence_tasks as tasks

torch = import_torch()

pytestmark = pytest.mark.torch

UPDATES = 50  # the fewest train takes; compared over the first COMPARED
COMPARED = 12
TOL = 1e-9
CELL_CLASSES = {"rnn": "RNNCell", "lstm": "LSTMCell", "gru": "GRUCell"}


def torch_run(cell, task, length, hidden, lr, max_norm, seed):
    """(batch losses, gradient norms before clipping) of COMPARED updates in torch, and the
    held-out accuracy before training."""
    torch.set_default_dtype(torch.float64)
    module = getattr(torch.nn, CELL_CLASSES[cell])(tasks.INPUTS[task], hidden)
    readout = torch.nn.Linear(hidden, tasks.OUTPUTS[task])
    params = recurrent.init_params(cell, tasks.INPUTS[task], hidden, seed)
    ours = nn.Linear(hidden, tasks.OUTPUTS[task], seed=seed)
    with torch.no_grad():
        for name, value in params.named_parameters():
            getattr(module, name).copy_(torch.from_numpy(value))
        readout.weight.copy_(torch.from_numpy(ours.weight))
        readout.bias.copy_(torch.from_numpy(ours.bias))
    weights = [*module.parameters(), *readout.parameters()]
    adam = torch.optim.Adam(weights, lr=lr)
    make = {"first": tasks.first_symbol, "adding": tasks.adding}[task]
    held = make(length, tasks.HELD_OUT, np.random.default_rng([seed, 2]))
    rng = np.random.default_rng([seed, 1])

    def forward(xs):
        h = torch.zeros(xs.shape[1], hidden)
        c = torch.zeros_like(h)
        for x in torch.from_numpy(xs):
            if cell == "lstm":
                h, c = module(x, (h, c))
            else:
                h = module(x, h)
        return readout(h)

    def loss_of(out, target):
        if task == "first":
            return torch.nn.functional.cross_entropy(out, torch.from_numpy(target))
        return torch.nn.functional.mse_loss(out[:, 0], torch.from_numpy(target))

    with torch.no_grad():
        out = forward(held.xs).numpy()
    if task == "first":
        right = out.argmax(axis=1) == held.target
    else:
        right = np.abs(out[:, 0] - held.target) < tasks.ADD_TOLERANCE
    losses, norms = [], []
    for _ in range(COMPARED):
        b = make(length, tasks.BATCH, rng)
        adam.zero_grad()
        loss = loss_of(forward(b.xs), b.target)
        loss.backward()
        if max_norm is None:
            total = torch.linalg.vector_norm(torch.cat([w.grad.ravel() for w in weights]))
        else:
            total = torch.nn.utils.clip_grad_norm_(weights, max_norm)
        adam.step()
        losses.append(loss.item())
        norms.append(float(total))
    return np.array(losses), np.array(norms), float(right.mean())


@pytest.mark.parametrize("cell", tasks.CELLS)
@pytest.mark.parametrize(
    ("task", "length", "max_norm", "lr"),
    [("adding", 6, 1.0, 0.01), ("adding", 5, None, 0.05), ("first", 4, 0.1, 0.02)],
)
def test_training_matches_torch_adam_and_clip_grad_norm(cell, task, length, max_norm, lr):
    x = tasks.train(task, length, 8, lr, UPDATES, max_norm, 3)
    losses, norms, accuracy = torch_run(cell, task, length, 8, lr, max_norm, 3)
    run = x.run(cell)
    np.testing.assert_allclose(run.loss[:COMPARED], losses, rtol=TOL, atol=0)
    np.testing.assert_allclose(run.grad_norm[:COMPARED], norms, rtol=TOL, atol=0)
    assert run.accuracy[0] == accuracy
