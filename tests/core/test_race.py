"""core.race: which gradient a race sees, and each run's path with its gap and distance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import optimizers, race, surfaces
from core.race import Oracle


def logistic(**params):
    return surfaces.get("logistic", **params)


# --- the gradient oracle ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batch", "minibatch"), [(None, False), (1, True), (199, True), (200, False)]
)
def test_a_mini_batch_is_used_only_when_it_is_smaller_than_all_rows(batch, minibatch):
    oracle = Oracle(logistic(), batch=batch)
    assert oracle.minibatch is minibatch
    assert oracle.stochastic is minibatch
    gradient = oracle.gradient()
    assert isinstance(gradient, surfaces.MiniBatchGradient) is minibatch
    if not minibatch:  # all rows: the exact full-batch gradient
        p = np.array([0.3, -0.7])
        np.testing.assert_array_equal(gradient(p), logistic().gradient(p))


def test_noise_is_used_when_sigma_is_positive_and_the_batch_is_full():
    ravine = surfaces.get("ravine")
    assert not Oracle(ravine).stochastic
    assert Oracle(ravine).gradient() == ravine.gradient
    noisy = Oracle(ravine, sigma=0.5, seed=3)
    assert noisy.stochastic
    assert not noisy.minibatch
    gradient = noisy.gradient()
    assert isinstance(gradient, surfaces.NoisyGradient)
    assert gradient.sigma == 0.5
    # A full batch on the logistic loss still takes the noise.
    assert isinstance(Oracle(logistic(), sigma=1.0, batch=200).gradient(), surfaces.NoisyGradient)


def test_a_mini_batch_takes_precedence_over_noise():
    assert isinstance(Oracle(logistic(), sigma=1.0, batch=5).gradient(), surfaces.MiniBatchGradient)


def test_each_gradient_starts_its_own_walk_so_every_optimizer_sees_the_same_draws():
    oracle = Oracle(logistic(), batch=5, seed=2)
    a, b = oracle.gradient(), oracle.gradient()
    p = np.array([1.0, -1.0])
    np.testing.assert_array_equal([a(p) for _ in range(45)], [b(p) for _ in range(45)])
    other = Oracle(logistic(), batch=5, seed=3).gradient()
    assert not np.array_equal(a(p), other(p))


@pytest.mark.parametrize(
    ("batch", "per_epoch", "steps", "epochs"),
    [(5, 40, 200, 5.0), (7, 29, 58, 2.0), (200, 1, 10, 10.0), (None, 1, 3, 3.0)],
)
def test_updates_per_epoch_is_the_rows_over_the_batch_rounded_up(batch, per_epoch, steps, epochs):
    oracle = Oracle(logistic(), batch=batch)
    assert oracle.updates_per_epoch == per_epoch == math.ceil(200 / (batch or 200))
    assert oracle.epochs(steps) == epochs


def test_a_run_of_one_epoch_of_mini_batches_visits_every_row_once():
    oracle = Oracle(logistic(), batch=20, seed=0)
    gradient = oracle.gradient()
    rows = np.concatenate([gradient.next_rows() for _ in range(oracle.updates_per_epoch)])
    assert sorted(rows.tolist()) == list(range(200))


def test_exact_drops_the_noise_and_the_mini_batches():
    exact = Oracle(logistic(), sigma=0.3, batch=5, seed=4).exact()
    assert exact == Oracle(logistic(), seed=4)
    assert not exact.stochastic


@pytest.mark.parametrize(
    ("surface", "kwargs", "message"),
    [
        ("ravine", {"batch": 5}, "batch needs a surface with data rows"),
        ("logistic", {"batch": 0}, "batch must be in"),
        ("logistic", {"batch": 201}, "batch must be in"),
        ("logistic", {"batch": 2.5}, "batch must be an integer"),
        ("ravine", {"sigma": -0.1}, "sigma must be in"),
        ("ravine", {"sigma": math.nan}, "sigma must be finite"),
        ("ravine", {"seed": -1}, "seed must be in"),
    ],
)
def test_a_bad_oracle_setting_is_refused(surface, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Oracle(surfaces.get(surface), **kwargs)


# --- a run ----------------------------------------------------------------------------------------


def test_a_run_on_the_ravine_has_the_hand_computed_gap_and_distance():
    """f = ½(x² + κy²) with f* = 0 at the origin: SGD multiplies x by 1 − lr, y by 1 − lr·κ."""
    ravine = surfaces.get("ravine", condition=10.0)
    result = race.run(Oracle(ravine), "sgd", (-4.0, 2.0), 5, lr=0.05)
    k = np.arange(6)
    x, y = -4.0 * 0.95**k, 2.0 * 0.5**k
    np.testing.assert_allclose(result.points, np.column_stack([x, y]), rtol=1e-14)
    np.testing.assert_allclose(result.gap, 0.5 * (x * x + 10.0 * y * y), rtol=1e-13)
    np.testing.assert_allclose(result.distance, np.hypot(x, y), rtol=1e-13)
    np.testing.assert_allclose(result.heights, np.log1p(result.gap), rtol=1e-13)
    assert result.trace.name == "sgd"


def test_a_run_is_the_trace_of_the_oracle_s_gradient():
    surface = logistic()
    result = race.run(Oracle(surface, batch=5, seed=1), "adam", (-3.0, 3.0), 50, lr=0.2)
    alone = optimizers.trace("adam", surface.stochastic_gradient(5, 1), (-3.0, 3.0), 50, lr=0.2)
    np.testing.assert_array_equal(result.points, alone.points)
    np.testing.assert_array_equal(result.trace.grads, alone.grads)
    gap, distance = surfaces.path_metrics(surface, alone.points)
    np.testing.assert_array_equal(result.gap, gap)
    np.testing.assert_array_equal(result.distance, distance)


def test_the_gap_is_measured_from_the_global_minimum_of_a_surface_below_zero():
    saddle = surfaces.get("saddle")
    result = race.run(Oracle(saddle), "adam", (-2.5, 0.01), 300, lr=0.1)
    assert result.gap[-1] < 1e-6  # f reaches f* = −2: the gap, not f, goes to 0
    assert result.gap[0] == pytest.approx(float(saddle.value(-2.5, 0.01)) + 2.0)


def test_hyperparameters_torch_refuses_give_no_run():
    ravine = surfaces.get("ravine")
    assert race.run(Oracle(ravine), "nesterov", (-4.0, 2.0), 5, lr=0.01, momentum=0.0) is None
    assert race.run(Oracle(ravine), "adam", (-4.0, 2.0), 5, lr=0.01, betas=(1.0, 0.9)) is None


def test_an_unknown_optimizer_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        race.run(Oracle(surfaces.get("ravine")), "lbfgs", (0.0, 0.0), 5)


def test_a_diverged_run_keeps_finite_gaps_and_distances():
    ravine = surfaces.get("ravine")
    result = race.run(Oracle(ravine), "sgd", (-4.0, 2.0), 100, lr=0.2)
    assert result.trace.diverged_at is not None
    assert np.isfinite(result.gap).all()
    assert np.isfinite(result.distance).all()
    assert result.gap.shape == result.distance.shape == (result.points.shape[0],)
