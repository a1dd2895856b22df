"""core.initialization.symmetry and .training: symmetric starts never learn; deep nets train."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from core.initialization import (
    CONSTANT,
    SYMMETRY_INITS,
    DeepRun,
    propagate_with_histograms,
    train_deep,
    train_symmetry,
    two_moons,
    xor_blobs,
)

# --- symmetry -------------------------------------------------------------------------------


def test_zero_init_never_moves_the_hidden_weights():
    run = train_symmetry("zeros", steps=200, lr=0.5, seed=0)
    assert (run.distinctness == 0).all()
    assert (run.w1 == 0).all()
    assert (run.b1 == 0).all()
    assert (run.w2 == 0).all()  # h = tanh(0) = 0, so ∂L/∂W2 = hᵀδ = 0 too
    # Only b2 learns, to mean(y) = 0 on the balanced blobs: the loss stays at ½·mean(y²).
    np.testing.assert_allclose(run.loss, 0.5, atol=1e-12)


def test_constant_init_moves_the_units_but_never_tells_them_apart():
    run = train_symmetry("constant", steps=300, lr=0.5, seed=0)
    assert (run.distinctness == 0).all()  # bitwise identical units, at every step
    assert np.all(run.w1[0] == CONSTANT)
    assert not np.allclose(run.w1[-1], CONSTANT)
    assert run.loss[-1] < run.loss[0]


def test_random_init_breaks_symmetry_and_solves_xor():
    constant = train_symmetry("constant", steps=300, lr=0.5, seed=0)
    run = train_symmetry("random", steps=300, lr=0.5, seed=0)
    assert (run.distinctness > 0.1).all()
    assert run.loss[-1] < 0.05
    assert run.loss[-1] < 0.2 * constant.loss[-1]  # one unit four times over cannot fit XOR
    predictions = np.sign(run.predict(run.x))
    assert np.mean(predictions == run.y) > 0.95


def test_symmetry_run_records_snapshots_from_first_to_last_step():
    run = train_symmetry("random", steps=50, lr=0.5, seed=3)
    assert run.loss.shape == (51,)
    assert run.distinctness.shape == (51,)
    assert run.snapshot_steps[0] == 0
    assert run.snapshot_steps[-1] == 50
    k = run.snapshot_steps.size
    assert run.w1.shape == (k, 2, 4)
    assert run.b1.shape == (k, 4)
    assert run.w2.shape == (k, 4)
    assert run.x.shape == (64, 2)


def test_symmetry_rejects_an_unknown_init():
    with pytest.raises(ValueError, match="unknown init 'ones'") as info:
        train_symmetry("ones")
    assert all(init in str(info.value) for init in SYMMETRY_INITS)


def test_xor_blobs_are_balanced_and_labelled_by_quadrant():
    x, y = xor_blobs()
    assert x.shape == (64, 2)
    assert y.sum() == 0
    assert np.mean(np.sign(x[:, 0] * x[:, 1]) == y) > 0.9


# --- does it train? -----------------------------------------------------------------------------


def test_he_relu_network_learns_the_moons():
    run = train_deep("he_normal", "relu", depth=10, width=32, steps=200, lr=0.1, seed=0)
    assert run.diverged_at is None
    assert run.loss.shape == (201,)
    assert run.loss[-1] < 0.5 * run.loss[0]
    assert run.accuracy[-1] > 0.9


def test_exploding_init_stops_at_divergence_with_finite_losses():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = train_deep("standard_normal", "relu", depth=10, width=32, steps=200, lr=0.1, seed=0)
    assert run.diverged_at is not None
    assert run.loss.size == run.diverged_at
    assert np.all(np.isfinite(run.loss))


def test_zero_init_cannot_learn():
    run = train_deep("zeros", "relu", depth=6, width=16, steps=100, lr=0.1, seed=0)
    np.testing.assert_allclose(run.loss, math.log(2), atol=1e-6)  # balanced classes, logit 0


def test_batchnorm_rescues_the_exploding_init():
    run = train_deep(
        "standard_normal", "relu", depth=10, width=32, steps=200, lr=0.1, seed=0, batchnorm=True
    )
    assert run.diverged_at is None
    assert run.loss[-1] < 0.1


def test_train_deep_is_deterministic_by_seed():
    a = train_deep("xavier_normal", "tanh", depth=4, width=16, steps=20, lr=0.1, seed=5)
    b = train_deep("xavier_normal", "tanh", depth=4, width=16, steps=20, lr=0.1, seed=5)
    np.testing.assert_array_equal(a.loss, b.loss)
    c = train_deep("xavier_normal", "tanh", depth=4, width=16, steps=20, lr=0.1, seed=6)
    assert not np.array_equal(a.loss, c.loss)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, r"depth must be in \[1, 50\]"),
        ({"width": 257}, r"width must be in \[1, 256\]"),
        ({"steps": -1}, r"steps must be in \[0, 5000\]"),
        ({"lr": 0.0}, r"lr must be in \(0, 100\]"),
        ({"lr": float("nan")}, "lr must be finite"),
        ({"scheme": "glorot"}, "unknown scheme 'glorot'"),
        ({"batchnorm": 1}, "batchnorm must be True or False"),
    ],
)
def test_bad_train_deep_arguments_say_what_is_allowed(kwargs, message):
    args = {"scheme": "he_normal", "activation": "relu"} | kwargs
    with pytest.raises(ValueError, match=message):
        train_deep(**args)


@pytest.mark.parametrize("make", [two_moons, xor_blobs])
def test_toy_data_rejects_bad_sizes_and_noise(make):
    with pytest.raises(ValueError, match=r"n must be in \[4, inf\)"):
        make(n=2)
    with pytest.raises(ValueError, match=r"noise must be in \[0, 10\]"):
        make(noise=-0.1)


def test_two_moons_are_balanced_and_standardised():
    x, y = two_moons()
    assert x.shape == (200, 2)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert y.mean() == 0.5
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=0), 1.0, rtol=1e-12)


def test_histograms_of_picked_layers_match_a_full_run_and_leave_the_rest_nan():
    full = propagate_with_histograms("xavier_normal", "tanh", 9, 32, 64, 44, bins=30)
    some = propagate_with_histograms(
        "xavier_normal", "tanh", 9, 32, 64, 44, bins=30, layers=[9, 1, 5, 5]
    )
    assert some.layers == (1, 5, 9)
    assert full.layers == tuple(range(1, 10))
    pd.testing.assert_frame_equal(some.table, full.table)
    for name in ("density", "outside", "gradient_density", "gradient_outside"):
        picked, every = getattr(some, name), getattr(full, name)
        np.testing.assert_array_equal(picked[[0, 4, 8]], every[[0, 4, 8]])
        assert np.isnan(np.delete(picked, [0, 4, 8], axis=0)).all()
        assert np.isfinite(every).all()
    with pytest.raises(ValueError, match=r"layer must be in \[1, 9\]"):
        propagate_with_histograms("xavier_normal", "tanh", 9, 32, 64, 44, layers=[10])


def test_a_stop_test_ends_training_early_and_says_where():
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 3

    run = train_deep("xavier_normal", "tanh", depth=3, width=8, steps=50, lr=0.1, stop=stop)
    assert run.stopped_at == 3
    assert run.loss.size == 4  # steps 0…3 recorded, then stopped before the fourth update
    assert run.diverged_at is None
    assert train_deep("xavier_normal", "tanh", depth=3, width=8, steps=5).stopped_at is None


def test_symmetry_experiment_runs_every_start_on_one_grid():
    from core.initialization import symmetry_experiment

    experiment = symmetry_experiment(30, 0.5, 0)
    assert tuple(experiment.runs) == SYMMETRY_INITS
    assert experiment.diverged == ()
    for init, curves in experiment.runs.items():
        run = train_symmetry(init, 30, 0.5, 0)
        np.testing.assert_array_equal(curves.loss, run.loss)
        assert curves.units.shape == (run.snapshot_steps.size, 4, run.w1.shape[-1])
        np.testing.assert_array_equal(curves.units[-1][:2], run.w1[-1])
        g = experiment.grid
        # z[x₂][x₁]: row j, column i is the net at (x₁, x₂) = (g[i], g[j])
        i, j = 3, 40
        expected = run.predict(np.array([[g[i], g[j]]]))[0]
        assert curves.plane[j, i] == pytest.approx(np.clip(expected, -1.5, 1.5), rel=1e-6)
    np.testing.assert_array_equal(experiment.steps, run.snapshot_steps)


def test_a_too_large_step_is_reported_as_diverged():
    from core.initialization import symmetry_experiment

    experiment = symmetry_experiment(2000, 100.0, 0)
    assert experiment.diverged
    for curves in experiment.runs.values():
        assert np.isfinite(curves.units).all()
        assert np.isfinite(curves.plane).all()


def test_a_run_is_stuck_at_chance_only_at_log_2_with_outputs_at_a_half():
    assert train_deep("zeros", "tanh", depth=3, width=8, steps=20).stuck_at_chance
    assert not train_deep("he_normal", "relu", depth=3, width=16, steps=50).stuck_at_chance
    empty = DeepRun(np.array([]), np.array([]), 0)
    assert not empty.stuck_at_chance
