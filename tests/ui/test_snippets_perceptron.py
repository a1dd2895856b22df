"""The playground's "In PyTorch" script replays the run's first updates without running it:
the replay's losses are the run's own, whatever the settings (the script's readout rests on it)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core import playground
from ui.snippets.perceptron import first_updates

BASE = playground.Settings(epochs=1)
SETTINGS = {
    "default": BASE,
    "dropout, batchnorm, l1, l2": replace(BASE, dropout=0.3, batchnorm=True, l1=1e-3, l2=1e-2),
    "three classes, adam": replace(BASE, dataset="spiral3", loss="ce", optimizer="adam"),
    "regression, nadam, batch 1": replace(
        BASE, dataset="bumps", loss="mse", optimizer="nadam", batch_size=1, init="he_normal"
    ),
    "diverging": replace(BASE, loss="mse", lr=10.0, optimizer="momentum"),
}


@pytest.mark.parametrize("s", SETTINGS.values(), ids=SETTINGS)
def test_replayed_first_updates_are_the_runs_own(s):
    run = playground.run(s)
    replayed = first_updates(s, 5)
    finite = run.update_loss[:5][np.isfinite(run.update_loss[:5])]
    assert len(replayed) == len(finite) > 0
    np.testing.assert_allclose(replayed, finite, rtol=1e-12)
