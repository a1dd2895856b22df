"""core.datasets: shapes, labels that match each set's geometry, what noise does, the split."""

from __future__ import annotations

import numpy as np
import pytest

from core import datasets

CLASSIFICATION = [n for n in datasets.NAMES if datasets.dataset(n).task != "regression"]
REGRESSION = [n for n in datasets.NAMES if datasets.dataset(n).task == "regression"]


@pytest.mark.parametrize("name", datasets.NAMES)
def test_every_dataset_has_n_points_on_the_plane_and_is_seeded(name):
    x, y = datasets.make(name, 301, 0.1, 4)
    assert x.shape == (301, 2)
    assert y.shape == (301,)
    assert np.all(np.isfinite(x))
    assert np.all(np.isfinite(y))
    again = datasets.make(name, 301, 0.1, 4)
    np.testing.assert_array_equal(x, again[0])
    np.testing.assert_array_equal(y, again[1])
    assert not np.array_equal(x, datasets.make(name, 301, 0.1, 5)[0])


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_integers_and_balanced(name):
    classes = datasets.dataset(name).classes
    _, y = datasets.make(name, 301, 0.0, 0)
    assert y.dtype.kind == "i"
    counts = np.bincount(y, minlength=classes)
    assert counts.size == classes
    assert counts.max() - counts.min() <= 1


def test_the_required_sets_exist():
    for name in ("circle", "xor", "gaussians", "spiral", "moons", "spiral3"):
        assert datasets.dataset(name).task in ("binary", "multiclass")
    assert datasets.dataset("spiral3").classes == 3
    assert len(REGRESSION) >= 2


def test_clean_labels_follow_each_set_s_geometry():
    x, y = datasets.make("circle", 400, 0.0, 1)
    r = np.hypot(*x.T)
    assert np.all((r < 0.5 * datasets.RADIUS) == (y == 1))
    x, y = datasets.make("xor", 400, 0.0, 1)
    assert np.all((x[:, 0] * x[:, 1] > 0) == (y == 1))
    assert np.min(np.abs(x)) >= 0.3  # kept off the axes
    x, y = datasets.make("gaussians", 400, 0.0, 1)
    assert np.mean((x.sum(axis=1) > 0) == (y == 1)) > 0.99  # centres ±(2, 2), unit spread


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_noise_moves_points_and_keeps_their_labels(name):
    clean_x, clean_y = datasets.make(name, 1000, 0.0, 3)
    noisy_x, noisy_y = datasets.make(name, 1000, 0.2, 3)
    np.testing.assert_array_equal(clean_y, noisy_y)
    shift = noisy_x - clean_x
    assert np.std(shift) == pytest.approx(0.2 * datasets.RADIUS, rel=0.05)
    assert abs(np.mean(shift)) < 0.05


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_noise_is_added_to_the_target_at_the_true_position(name):
    clean_x, clean_y = datasets.make(name, 1000, 0.0, 3)
    noisy_x, noisy_y = datasets.make(name, 1000, 0.3, 3)
    np.testing.assert_array_equal(clean_x, noisy_x)
    assert np.std(noisy_y - clean_y) == pytest.approx(0.3, rel=0.05)
    assert np.all(np.abs(clean_y) <= 1.0)


def test_plane_target_is_the_tilted_plane():
    x, y = datasets.make("plane", 50, 0.0, 0)
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / (2 * datasets.RADIUS))


def test_split_is_a_seeded_partition_by_share():
    x, y = datasets.make("circle", 101, 0.0, 0)
    xt, _yt, xs, _ys = datasets.split(x, y, 0.3, 7)
    assert len(xt) == 30
    assert len(xs) == 71
    both = np.concatenate([xt, xs])
    assert sorted(map(tuple, both)) == sorted(map(tuple, x))
    np.testing.assert_array_equal(xt, datasets.split(x, y, 0.3, 7)[0])


@pytest.mark.parametrize(
    "args",
    [("ring", 100, 0.0, 0), ("circle", 3, 0.0, 0), ("circle", 100, 0.9, 0), ("circle", 100, -1, 0),
     ("circle", 100, float("nan"), 0), ("circle", 10_000, 0.0, 0), ("circle", 100, 0.0, -1)],
)  # fmt: skip
def test_bad_arguments_are_refused_with_a_message(args):
    with pytest.raises(ValueError, match=r"must|unknown|dataset"):
        datasets.make(*args)
