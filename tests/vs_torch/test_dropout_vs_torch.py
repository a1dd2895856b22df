"""core.dropout against torch: the section's network as a torch.nn.Sequential with the trained
weights copied in. torch's random stream differs from NumPy's, so masks are read back from
torch's own forward (forward hooks) and replayed in ours."""

import numpy as np
import pytest
from torch_support import import_torch

from core import dropout as D

torch = import_torch()
nn = torch.nn

pytestmark = pytest.mark.torch


def twin(run: D.Training):
    model = nn.Sequential(
        nn.Linear(1, D.WIDTH), nn.Tanh(), nn.Dropout(run.p),
        nn.Linear(D.WIDTH, D.WIDTH), nn.Tanh(), nn.Dropout(run.p),
        nn.Linear(D.WIDTH, 1),
    ).double()  # fmt: skip
    with torch.no_grad():
        for name, value in model.named_parameters():
            value.copy_(torch.tensor(run.weights[name]))
    return model


@pytest.fixture(scope="module", params=[0.2, 0.5])
def run(request):
    return D.train(request.param, 0)


def test_torch_names_the_parameters_as_we_do(run):
    assert [n for n, _ in twin(run).named_parameters()] == list(run.weights)


def test_eval_output_matches_torch_in_eval_mode(run):
    model = twin(run).eval()
    with torch.no_grad():
        theirs = model(torch.tensor(D.GRID[:, None])).numpy()[:, 0]
    np.testing.assert_allclose(D.eval_output(run, D.GRID), theirs, rtol=1e-13, atol=1e-14)


def test_train_mode_forward_with_torch_s_masks_replayed_matches_torch(run):
    model = twin(run).train()
    seen = {}
    for i in D.DROPPED_LAYERS:
        model[i].register_forward_hook(lambda m, a, out, i=i: seen.__setitem__(i, (a[0], out)))
    torch.manual_seed(0)
    x = torch.tensor(D.GRID[:, None])
    with torch.no_grad():
        theirs = model(x).numpy()[:, 0]
    masks = {i: (out != 0).numpy() for i, (_, out) in seen.items()}
    w, p = run.weights, run.p
    h1 = np.tanh(D.GRID[:, None] @ w["0.weight"].T + w["0.bias"])
    h2 = np.tanh(D.inverted(h1, masks[2], p) @ w["3.weight"].T + w["3.bias"])
    ours = (D.inverted(h2, masks[5], p) @ w["6.weight"].T + w["6.bias"])[:, 0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)
    kept = np.concatenate([m.ravel() for m in masks.values()]).mean()
    assert abs(kept - (1 - p)) <= 5 * np.sqrt(p * (1 - p) / sum(m.size for m in masks.values()))


def test_torch_s_mc_average_converges_to_our_exact_limit(run):
    model = twin(run).train()
    torch.manual_seed(1)
    passes = 4096
    x = torch.tensor(np.tile(D.GRID, passes)[:, None])
    with torch.no_grad():
        out = model(x).numpy()[:, 0].reshape(passes, len(D.GRID))
    se = out.std(axis=0, ddof=1) / np.sqrt(passes)
    assert np.all(np.abs(out.mean(axis=0) - D.mc_limit(run, D.GRID)) <= 5 * se)
