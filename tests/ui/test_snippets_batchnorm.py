"""The batch-normalization page's "In PyTorch" statistics, without torch: the closed forms the
train/eval script is compared with describe core's own running statistics over many streams."""

from __future__ import annotations

import numpy as np
import pytest

from core import batchnorm
from ui.snippets import batchnorm as snippets


def _streams(dist: str, size: int, steps: int, momentum: float, count: int, seed: int):
    """count independent streams through one BatchNorm (one feature each), as the script runs
    them in torch: (running_mean, running_var) after `steps` batches of `size`."""
    layer = batchnorm.BatchNorm(count, momentum=momentum)
    xs = batchnorm.sample_batch(dist, size * steps, seed, features=count)
    for x in xs.reshape(steps, size, count):
        layer.forward_unchecked(x, training=True)
    return layer.running_mean, layer.running_var


@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
@pytest.mark.parametrize(
    ("size", "steps", "momentum"), [(8, 40, 0.1), (2, 30, 1.0), (32, 60, 0.02)]
)
def test_stream_closed_forms_match_cores_running_statistics_within_the_scripts_tolerance(
    dist, size, steps, momentum
):
    count = snippets.MAX_STREAMS // 4  # a quarter of the script's streams: twice its noise
    mean, var = _streams(dist, size, steps, momentum, count, seed=5)
    c = snippets._stream_moments(dist, size, steps, momentum)
    # The script's tolerance for its number of streams, widened by √4 for these fewer streams.
    sigmas = 2 * snippets.SIGMAS
    assert abs(var.mean() - c["var"]) <= sigmas * c["sd_var"] / np.sqrt(count)
    assert abs(mean.mean() - c["mean"]) <= sigmas * c["sd_mean"] / np.sqrt(count)
    se = np.sqrt((c["mean_kurtosis"] - 1) / (4 * count))
    assert abs(mean.std(ddof=1) / c["sd_mean"] - 1) <= sigmas * se


def test_each_distribution_has_a_torch_sampler_its_population_and_its_kurtosis():
    for table in (snippets.SAMPLERS, snippets.POPULATION, snippets.KURTOSIS):
        assert set(table) == set(batchnorm.DISTRIBUTIONS)
    for dist in batchnorm.DISTRIBUTIONS:
        x = batchnorm.sample_batch(dist, 400_000, 1)[:, 0]
        centred = (x - x.mean()) / x.std()
        assert np.mean(centred**4) == pytest.approx(snippets.KURTOSIS[dist], rel=0.25)
