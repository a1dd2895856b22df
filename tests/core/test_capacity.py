"""core.capacity: least-squares and ridge fits, the U curve against degree, the learning curve."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import capacity as C


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), degree=st.integers(0, 6), n=st.integers(10, 60))
def test_lstsq_fit_equals_numpy_polyfit_where_polyfit_is_well_conditioned(seed, degree, n):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    y = np.cos(2 * x) + 0.2 * rng.normal(size=n)
    ours = C.predict(C.fit(x, y, degree), x)
    theirs = np.polyval(np.polyfit(x, y, degree), x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), degree=st.integers(1, 20), ridge=st.floats(1e-6, 10.0))
def test_ridge_fit_is_the_closed_form_with_the_constant_unpenalized(seed, degree, ridge):
    x, y = C.sample("sin", 30, 0.2, seed, 0)
    f = C.fit(x, y, degree, ridge)
    phi = C.basis(x, degree, f.lo, f.hi)
    penalty = np.diag([0.0] + [1.0] * degree)
    closed = np.linalg.solve(phi.T @ phi + ridge * penalty, phi.T @ y)
    np.testing.assert_allclose(f.coef, closed, rtol=1e-7, atol=1e-9)


def test_ridge_shrinks_the_coefficients_as_lambda_grows():
    x, y = C.sample("sin", 25, 0.3, 0, 0)
    norms = [np.linalg.norm(C.fit(x, y, 12, lam).coef[1:]) for lam in (0.0, 1e-4, 1e-2, 1.0)]
    assert all(a > b for a, b in itertools.pairwise(norms))


@settings(max_examples=20, deadline=None)
@given(
    target=st.sampled_from(C.TARGETS),
    points=st.integers(5, 200),
    noise=st.floats(0.0, 1.0),
    seed=st.integers(0, 999),
)
def test_training_mse_never_rises_with_degree_where_float64_resolves_the_basis(
    target, points, noise, seed
):
    # The bases are nested, so in exact arithmetic the training MSE cannot rise; in float64 it
    # can only where the basis's condition number is near 1/eps (the page says so, see
    # tests/app/test_generalization_capacity.py), never on a well-conditioned one.
    sw = C.sweep(target, points, noise, seed)
    scale = max(1.0, float(sw.train_mse[0]))
    if sw.condition < 1e10:
        assert np.all(np.diff(sw.train_mse) <= 1e-9 * scale)
    assert np.all(np.isfinite(sw.test_mse))
    assert np.all(np.isfinite(sw.curves))


def test_d2l_preset_test_curve_is_a_u_with_its_minimum_strictly_inside_at_the_cubic():
    sw = C.sweep("d2l", 100, 0.1, 0)
    assert 0 < sw.best < C.MAX_DEGREE
    assert sw.best == 3  # the true function is a cubic
    assert sw.test_mse[0] > 10 * sw.test_mse[3]
    assert sw.test_mse[-1] > 10 * sw.test_mse[3]
    assert sw.train_mse[-1] < sw.train_mse[3]  # while training error keeps falling


def test_the_degree_20_basis_is_conditioned_where_monomials_and_d2l_s_features_are_not():
    x, _ = C.sample("d2l", 100, 0.1, 0, 0)
    assert C.condition(x) < 1e6
    monomials = np.vander(x, 21, increasing=True)
    d2l = monomials / np.array([math.factorial(i) for i in range(21)])
    assert np.linalg.cond(monomials) > 1e9
    assert np.linalg.cond(d2l) > 1e15
    assert C.sweep("d2l", 100, 0.1, 0).condition == pytest.approx(C.condition(x))


def test_the_test_set_stays_fixed_while_the_training_set_grows():
    small, large = C.sweep("sin", 10, 0.2, 4), C.sweep("sin", 150, 0.2, 4)
    np.testing.assert_array_equal(small.x_test, large.x_test)
    np.testing.assert_array_equal(small.y_test, large.y_test)
    assert small.x_test.size == C.TEST_POINTS


def test_sampled_targets_follow_the_d2l_weights_and_sin():
    x = np.array([0.0, 1.0, -2.0])
    expected = 5 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6
    np.testing.assert_allclose(C.truth("d2l", x), expected)
    np.testing.assert_allclose(C.truth("sin", x), np.sin(np.pi * x), atol=1e-15)
    x0, y0 = C.sample("d2l", 2000, 0.0, 1, 0)
    np.testing.assert_allclose(y0, C.truth("d2l", x0))
    assert abs(x0.mean()) < 0.1
    assert abs(x0.std() - 1) < 0.05


def test_the_shown_curves_are_the_fits_of_the_shown_degrees():
    sw = C.sweep("sin", 30, 0.3, 2, ridge=1e-3, shown=(0, 5, 9))
    for curve, d in zip(sw.curves, sw.shown, strict=True):
        f = C.fit(sw.x_train, sw.y_train, d, 1e-3)
        np.testing.assert_allclose(curve, C.predict(f, sw.grid), rtol=1e-8, atol=1e-8)


def test_fewer_points_than_coefficients_interpolate_the_training_set():
    sw = C.sweep("sin", 8, 0.3, 0)
    assert sw.train_mse[7] < 1e-20
    assert sw.train_mse[20] < 1e-20


def test_learning_curve_low_degree_meets_high_and_high_degree_gap_closes():
    lc = C.learning_curve("sin", 0.3, 0, low=1, high=12, resamples=20)
    train, test = lc.median("train"), lc.median("test")
    noise_floor = 0.3**2
    # Degree 1 at 200 points: train and test within 10 % of each other, far above σ².
    assert test[0, -1] / train[0, -1] < 1.1
    assert train[0, -1] > 2.5 * noise_floor
    # Degree 12: a huge gap with few points, nearly none with 200.
    assert test[1, 0] / max(train[1, 0], 1e-300) > 1e6
    assert test[1, -1] / train[1, -1] < 1.2
    assert test[1, -1] < test[0, -1]
    low, high = lc.quartiles("test")
    assert np.all(low <= test)
    assert np.all(test <= high)


def test_learning_curve_resamples_differ_and_each_size_s_sets_are_its_own():
    lc = C.learning_curve("sin", 0.3, 0, resamples=3)
    assert lc.train.shape == (2, len(C.SIZES), 3)
    assert len(set(lc.test[0, 4].round(12))) == 3


def test_mlp_width_sweep_shows_a_u_in_its_preset_setting():
    sw = C.mlp_sweep("sin", 15, 0.3, 0, "width", 16, 2000, 0.01)
    assert sw.capacities == C.MLP_WIDTHS
    assert 0 < sw.capacities.index(sw.best) < len(C.MLP_WIDTHS) - 1
    assert sw.test_mse[-1] > 1.5 * sw.test_mse.min()
    assert sw.train_mse[-1] < 0.3**2 < sw.train_mse[0]  # the widest fits below the noise
    assert sw.shown == (1, sw.best, 64)
    assert not any(sw.diverged)
    assert np.all(np.isfinite(sw.curves))


def test_mlp_depth_sweep_trains_one_network_per_depth():
    sw = C.mlp_sweep("sin", 15, 0.3, 0, "depth", 4, 100, 0.01)
    assert sw.capacities == C.MLP_DEPTHS
    assert sw.curves.shape[1] == C.GRID


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: C.sweep("cubic", 10, 0.1, 0), "unknown target 'cubic'"),
        (lambda: C.sweep("sin", 4, 0.1, 0), r"points must be in \[5, 200\]"),
        (lambda: C.sweep("sin", 10, -0.1, 0), r"noise must be in \[0, 2\]"),
        (lambda: C.sweep("sin", 10, 0.1, 0, ridge=-1.0), r"ridge must be in \[0"),
        (lambda: C.sweep("sin", 10, 0.1, 0, shown=(21,)), r"shown degree must be in \[0, 20\]"),
        (lambda: C.fit([1.0, 2.0], [1.0], 1), "of one length"),
        (lambda: C.fit([1.0, np.nan], [1.0, 2.0], 1), "must be finite"),
        (lambda: C.learning_curve("sin", 0.1, 0, resamples=0), r"resamples must be in \[1, 50\]"),
        (lambda: C.mlp_sweep("sin", 10, 0.1, 0, axis="height"), "unknown axis 'height'"),
        (lambda: C.mlp_sweep("sin", 10, 0.1, 0, epochs=10), r"epochs must be in \[100, 5000\]"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_d2l_degree_20_overfits_inside_the_training_range_and_most_error_comes_from_beyond():
    sw = C.sweep("d2l", 100, 0.1, 0)
    inside = (sw.x_test >= sw.x_train.min()) & (sw.x_test <= sw.x_train.max())
    assert 0 < (~inside).sum() < 0.1 * inside.size  # "the few test points beyond that range"
    errors = {}
    for d in (3, 20):
        p = C.predict(C.fit(sw.x_train, sw.y_train, d), sw.x_test)
        errors[d] = (p - sw.y_test) ** 2
    assert errors[20][inside].mean() > 1000 * errors[3][inside].mean()  # huge even inside
    assert errors[20][~inside].sum() > 0.5 * errors[20].sum()  # most of the rest from beyond


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(3, 40),
    cols=st.integers(1, 21),
    batch=st.integers(1, 4),
)
def test_the_batched_solver_is_numpy_lstsq_for_each_system_rank_deficient_ones_too(
    seed, rows, cols, batch
):
    rng = np.random.default_rng(seed)
    phi = rng.normal(size=(batch, rows, cols))
    y = rng.normal(size=(batch, rows))
    got = C.lstsq_stack(phi, y)
    for b in range(batch):
        want = np.linalg.lstsq(phi[b], y[b], rcond=None)[0]
        np.testing.assert_allclose(got[b], want, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("ridge", [0.0, 1e-3])
def test_learning_curve_fits_are_the_single_fits_of_their_resampled_sets(ridge):
    lc = C.learning_curve("sin", 0.3, 5, low=2, high=9, resamples=3, ridge=ridge)
    xt, yt = C.sample("sin", C.TEST_POINTS, 0.3, 5, 1)
    for s in (0, 4, len(C.SIZES) - 1):
        for r in range(3):
            x, y = C.sample("sin", C.SIZES[s], 0.3, 5, C.resample_stream(s, r))
            for m, d in enumerate((2, 9)):
                f = C.fit(x, y, d, ridge)
                assert lc.train[m, s, r] == pytest.approx(
                    C.mse(C.predict(f, x), y), rel=1e-6, abs=1e-12
                )
                assert lc.test[m, s, r] == pytest.approx(C.mse(C.predict(f, xt), yt), rel=1e-6)
