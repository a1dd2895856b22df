import itertools

import numpy as np
import pytest

from core.maxout import TARGETS, fit_maxout, maxout_curve, maxout_sweep

CONVEX_TARGETS = [name for name, target in TARGETS.items() if target.convex]


def second_differences(y: np.ndarray) -> np.ndarray:
    return y[2:] - 2 * y[1:-1] + y[:-2]


def test_targets_are_the_five_convex_functions_and_sine():
    assert set(TARGETS) == {"square", "abs", "exp", "softplus", "relu", "sine"}
    assert [name for name, target in TARGETS.items() if not target.convex] == ["sine"]
    assert all(target.latex for target in TARGETS.values())


@pytest.mark.parametrize("name", CONVEX_TARGETS)
def test_convex_targets_really_are_convex(name):
    y = TARGETS[name].fn(np.linspace(-3, 3, 401))
    assert np.all(second_differences(y) >= -1e-12)


def test_two_pieces_fit_abs_exactly():
    fit = maxout_curve("abs", 2)
    assert fit.mse < 1e-20
    np.testing.assert_allclose(np.sort(fit.w), [-1.0, 1.0], atol=1e-12)


def test_square_error_never_increases_with_more_pieces():
    mses = [maxout_curve("square", k).mse for k in range(1, 9)]
    assert np.all(np.diff(mses) <= 0)
    assert mses[-1] < mses[0] / 1000


def test_square_error_matches_equal_width_least_squares_pieces():
    # k equal cells of width h = 6/k, each fitted by least squares: MSE = h⁴/180.
    for k in (4, 8):
        assert maxout_curve("square", k).mse == pytest.approx((6 / k) ** 4 / 180, rel=0.05)


def test_square_error_drops_below_a_thousandth_with_ten_pieces():
    assert maxout_curve("square", 10).mse < 1e-3


@pytest.mark.parametrize("name", list(TARGETS))
def test_error_never_increases_with_more_pieces_for_any_target(name):
    mses = [maxout_curve(name, k).mse for k in range(1, 7)]
    assert np.all(np.diff(mses) <= 1e-15)


@pytest.mark.parametrize("name", list(TARGETS))
def test_prediction_is_the_max_over_pieces(name):
    fit = maxout_curve(name, 4)
    pieces = fit.x[:, None] * fit.w + fit.b
    np.testing.assert_array_equal(fit.y_hat, pieces.max(axis=1))
    np.testing.assert_array_equal(fit.y_hat, pieces[np.arange(fit.x.size), fit.assignment])
    np.testing.assert_array_equal(fit.predict(fit.x), fit.y_hat)


@pytest.mark.parametrize("name", list(TARGETS))
def test_fit_is_convex_even_for_sine(name):
    assert np.all(second_differences(maxout_curve(name, 5).y_hat) >= -1e-12)


def test_fit_is_deterministic():
    first, second = maxout_curve("exp", 5), maxout_curve("exp", 5)
    np.testing.assert_array_equal(first.w, second.w)
    np.testing.assert_array_equal(first.b, second.b)
    np.testing.assert_array_equal(first.mse_history, second.mse_history)


def test_fit_does_not_depend_on_point_order():
    x = np.linspace(-3, 3, 200)
    order = np.random.default_rng(0).permutation(x.size)
    fit = fit_maxout(x, np.exp(x), 4)
    shuffled = fit_maxout(x[order], np.exp(x[order]), 4)
    assert shuffled.mse == pytest.approx(fit.mse, rel=1e-9)


def test_sine_stays_far_from_zero_error_because_one_unit_is_convex():
    fits = [maxout_curve("sine", k) for k in (1, 4, 8)]
    assert all(fit.mse > 0.05 for fit in fits)
    assert fits[-1].mse <= fits[0].mse


def test_reported_mse_is_the_best_in_history():
    fit = maxout_curve("softplus", 6)
    assert fit.mse == fit.mse_history.min()
    assert fit.mse == pytest.approx(np.mean((fit.y_hat - fit.y) ** 2), rel=1e-12)


def test_iterations_bound_the_history_length():
    assert maxout_curve("exp", 3, iterations=1).mse_history.size == 1
    assert maxout_curve("exp", 3, iterations=5).mse_history.size <= 5


def test_stops_as_soon_as_assignment_is_stable():
    # The initial chunk lines of |x| are already exact: one refit, then a repeat assignment.
    assert maxout_curve("abs", 2).mse_history.size == 2


def test_single_piece_is_the_least_squares_line():
    x = np.linspace(-3, 3, 400)
    fit = fit_maxout(x, x**2, 1)
    slope, intercept = np.polyfit(x, x**2, 1)
    np.testing.assert_allclose([fit.w[0], fit.b[0]], [slope, intercept], atol=1e-12)


def test_shapes_of_the_result():
    fit = maxout_curve("relu", 3, n=100)
    assert fit.w.shape == fit.b.shape == (3,)
    assert fit.x.shape == fit.y.shape == fit.y_hat.shape == fit.assignment.shape == (100,)
    assert fit.mse_history.ndim == 1


@pytest.mark.parametrize(
    ("x", "y", "k", "message"),
    [
        (np.arange(5.0), np.arange(5.0), 0, r"k must be in \[1, inf\)"),
        (np.arange(5.0), np.arange(5.0), 3, "at least 2k points"),
        (np.arange(5.0), np.arange(4.0), 1, "equal length"),
        (np.array([0.0, np.nan, 1.0]), np.arange(3.0), 1, "finite"),
    ],
)
def test_invalid_inputs_are_rejected(x, y, k, message):
    with pytest.raises(ValueError, match=message):
        fit_maxout(x, y, k)


def test_unknown_target_lists_valid_names():
    with pytest.raises(ValueError, match="choose one of: square, abs"):
        maxout_curve("cosine", 2)


def test_pieces_are_the_lines_whose_max_is_the_fit():
    fit = maxout_curve("square", 4)
    assert fit.pieces.shape == (4, fit.x.size)
    np.testing.assert_allclose(fit.pieces[1], fit.w[1] * fit.x + fit.b[1])
    np.testing.assert_allclose(fit.pieces.max(axis=0), fit.y_hat, atol=1e-12)


def test_the_sweep_is_one_fit_per_k_and_its_error_never_grows_with_k():
    sweep = maxout_sweep("square", 4)
    assert [fit.k for fit in sweep] == [1, 2, 3, 4]
    for k, fit in enumerate(sweep, start=1):
        np.testing.assert_array_equal(fit.y_hat, maxout_curve("square", k).y_hat)
    assert all(b.mse <= a.mse + 1e-12 for a, b in itertools.pairwise(sweep))


@pytest.mark.parametrize(("target", "max_k"), [("square", 0), ("cosine", 2), ("abs", 2.5)])
def test_the_sweep_refuses_no_pieces_unknown_targets_and_fractional_k(target, max_k):
    with pytest.raises(ValueError, match=r"max_k|target"):
        maxout_sweep(target, max_k)
