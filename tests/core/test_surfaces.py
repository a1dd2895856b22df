import dataclasses
import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import surfaces
from core.optimizers import run
from core.surfaces import (
    LOGISTIC_MEAN,
    NAMES,
    PLATEAU_WELLS,
    REGISTRY,
    LogisticSurface,
    MiniBatchGradient,
    Surface,
    get,
    grid,
    height_map,
    log_height,
    logistic_dataset,
    noisy,
)

HYPOTHESIS = settings(max_examples=150, deadline=None, database=None)

# (name, params): every surface at its defaults plus the interesting parameter values.
CASES = [(name, {}) for name in NAMES] + [
    ("ravine", {"condition": 1.0}),
    ("ravine", {"condition": 1000.0}),
    ("rosenbrock", {"a": -1.0, "b": 10.0}),
    ("logistic", {"l2": 0.0}),
    ("logistic", {"l2": 1.0}),
]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]

# Minima from the literature (Himmelblau's to the 6 digits usually quoted) and their values.
KNOWN_MINIMA = {
    "ravine": ([(0.0, 0.0)], [0.0]),
    "rosenbrock": ([(1.0, 1.0)], [0.0]),
    "beale": ([(3.0, 0.5)], [0.0]),
    "saddle": ([(0.0, 2.0), (0.0, -2.0)], [-2.0, -2.0]),
    "himmelblau": (
        [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        [0.0, 0.0, 0.0, 0.0],
    ),
}


def strict(fn, *args):
    """fn(*args) with every floating-point warning or error raised as an exception."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        return fn(*args)


def strict_but_underflow(fn, *args):
    """Like strict, but underflow to 0 (e.g. (1e-200)²) is a legitimate answer."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        return fn(*args)


def central_difference(surface, p, h=1e-6):
    """(f(p + h·e_i) − f(p − h·e_i)) / 2h for i = x, y."""
    x, y = p
    return np.array(
        [
            (surface.value(x + h, y) - surface.value(x - h, y)) / (2 * h),
            (surface.value(x, y + h) - surface.value(x, y - h)) / (2 * h),
        ]
    )


def points_in(surface, n=7):
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.stack([xs.ravel(), ys.ravel()], axis=-1)


# --- contract ---------------------------------------------------------------------------------


def test_names_are_the_registry_keys_in_order():
    assert NAMES == ("ravine", "rosenbrock", "beale", "saddle", "himmelblau", "plateau", "logistic")
    assert tuple(REGISTRY) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_surface_exposes_domain_starts_minima_params_and_latex(name):
    surface = get(name)
    (x0, x1), (y0, y1) = surface.domain
    assert x0 < x1
    assert y0 < y1
    assert surface.starts.ndim == 2
    assert surface.starts.shape[1] == 2
    assert surface.minima.ndim == 2
    assert surface.minima.shape[1] == 2
    assert surface.params == REGISTRY[name].params
    assert surface.latex.startswith(("f(x, y) =", "L(w_1, w_2) ="))
    assert surface.name == name


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_starts_and_minima_lie_inside_the_domain(name, params):
    surface = get(name, **params)
    (x0, x1), (y0, y1) = surface.domain
    for x, y in np.concatenate([surface.starts, surface.minima]):
        assert x0 <= x <= x1
        assert y0 <= y <= y1


@pytest.mark.parametrize("name", NAMES)
def test_the_default_start_is_not_already_at_a_minimum(name):
    surface = get(name)
    start = surface.starts[0]
    assert np.min(np.linalg.norm(surface.minima - start, axis=1)) > 1.0


def test_logistic_returns_the_logistic_surface_type():
    assert isinstance(get("logistic"), LogisticSurface)
    assert type(get("beale")) is Surface


def test_surfaces_compare_hash_and_pickle_by_name_and_params():
    surface = get("rosenbrock", b=10)
    assert surface == get("rosenbrock", b=10.0)
    assert hash(surface) == hash(get("rosenbrock", b=10.0))
    assert surface != get("rosenbrock")
    assert pickle.loads(pickle.dumps(surface)) == surface
    assert pickle.loads(pickle.dumps(surface)).gradient([0.5, 0.5]).tolist() == (
        surface.gradient([0.5, 0.5]).tolist()
    )


def test_plateau_latex_lists_every_well():
    latex = get("plateau").latex
    assert latex.count(r"\exp") == len(PLATEAU_WELLS)
    assert "(x + 0.5)^2" in latex
    assert "(y + 0.7)^2" in latex


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "point", "expected"),
    [
        ("ravine", {"condition": 10.0}, (2.0, 1.0), 0.5 * (4.0 + 10.0)),
        ("rosenbrock", {}, (0.0, 0.0), 1.0),
        ("rosenbrock", {"a": 0.5, "b": 2.0}, (1.0, 2.0), 0.25 + 2.0),
        ("beale", {}, (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        ("beale", {}, (1.0, 1.0), 1.5**2 + 2.25**2 + 2.625**2),
        ("saddle", {}, (1.0, 1.0), 1.0 - 1.0 + 1.0 / 8.0),
        ("himmelblau", {}, (0.0, 0.0), 121.0 + 49.0),
        # −0.25·e⁰ − 1·exp(−|(−0.5, 0.5) − (0.7, −0.7)|²/(2·0.7²))
        ("plateau", {}, (-0.5, 0.5), -0.25 - math.exp(-(1.2**2 + 1.2**2) / (2 * 0.49))),
        ("logistic", {"l2": 0.0}, (0.0, 0.0), math.log(2.0)),
        ("logistic", {"l2": 0.5}, (0.0, 2.0), None),
    ],
)
def test_known_values(name, params, point, expected):
    surface = get(name, **params)
    if expected is None:  # logistic with λ: the data term plus (λ/2)·|w|²
        expected = float(get(name, l2=0.0).value(*point)) + 0.25 * 4.0
    assert float(surface.value(*point)) == pytest.approx(expected, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_value_broadcasts_x_against_y(name):
    surface = get(name)
    xs = np.linspace(*surface.domain[0], 5)
    ys = np.linspace(*surface.domain[1], 3)
    z = surface.value(xs[np.newaxis, :], ys[:, np.newaxis])
    assert z.shape == (3, 5)
    assert z.dtype == np.float64
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            assert z[i, j] == pytest.approx(float(surface.value(x, y)), rel=1e-13, abs=1e-13)
    assert surface.value(1.0, 0.5).shape == ()


def test_logistic_value_is_the_mean_binary_cross_entropy_of_the_data():
    features, labels = logistic_dataset()
    surface = get("logistic", l2=0.01)
    for w in [(0.3, -0.2), (2.0, -1.0), (-3.0, 3.0)]:
        prob = 1 / (1 + np.exp(-(features @ np.array(w))))
        bce = -np.mean(labels * np.log(prob) + (1 - labels) * np.log(1 - prob))
        expected = bce + 0.005 * (w[0] ** 2 + w[1] ** 2)
        assert float(surface.value(*w)) == pytest.approx(expected, rel=1e-12)


def test_logistic_value_on_a_large_grid_matches_pointwise_values():
    # The grid is evaluated in blocks of rows × points; block edges must not show.
    surface = get("logistic")
    xs, ys, z = grid(surface, 150)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, 150, size=(20, 2)):
        assert z[i, j] == pytest.approx(float(surface.value(xs[j], ys[i])), rel=1e-13)


# --- gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
@HYPOTHESIS
@given(u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_gradient_matches_central_finite_differences(name, params, u, v):
    surface = get(name, **params)
    (x0, x1), (y0, y1) = surface.domain
    p = np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])
    analytic = surface.gradient(p)
    numeric = central_difference(surface, p)
    # Rounding in f(p ± h) limits the difference quotient to ~1e-10·|f|/h·h = 1e-10·|f|.
    tol = 1e-6 * (1.0 + np.abs(analytic)) + 1e-9 * abs(float(surface.value(*p)))
    assert np.all(np.abs(analytic - numeric) <= tol)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_gradient_of_a_field_matches_pointwise_gradients(name, params):
    surface = get(name, **params)
    pts = points_in(surface).reshape(7, 7, 2)
    field = surface.gradient(pts)
    assert field.shape == (7, 7, 2)
    for i in range(7):
        for j in range(7):
            np.testing.assert_allclose(
                field[i, j], surface.gradient(pts[i, j]), rtol=1e-13, atol=1e-13
            )


def test_gradient_accepts_lists_and_returns_a_fresh_float_array():
    surface = get("ravine", condition=10.0)
    p = np.array([1.0, 2.0])
    g = surface.gradient(p)
    g[0] = 99.0
    assert p.tolist() == [1.0, 2.0]
    assert surface.gradient([1, 2]).tolist() == [1.0, 20.0]


@pytest.mark.parametrize("bad", [1.0, [1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]]])
def test_gradient_rejects_points_that_are_not_pairs(bad):
    with pytest.raises(ValueError, match="shape"):
        get("beale").gradient(bad)
    with pytest.raises(ValueError, match="shape"):
        get("logistic").gradient(bad)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_values_and_gradients_are_finite_and_warning_free_on_the_domain(name, params):
    surface = get(name, **params)
    xs, ys, _ = grid(surface, 41)
    z = strict(surface.value, xs[np.newaxis, :], ys[:, np.newaxis])
    pts = np.stack(np.meshgrid(xs, ys), axis=-1)
    field = strict(surface.gradient, pts)
    assert np.all(np.isfinite(z))
    assert np.all(np.isfinite(field))
    for p in pts[::8, ::8].reshape(-1, 2):
        assert np.all(np.isfinite(strict(surface.gradient, p)))


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(x=st.floats(-1e3, 1e3), y=st.floats(-1e3, 1e3))
def test_values_and_gradients_stay_finite_far_outside_the_domain(name, x, y):
    # Optimizer paths leave the plotted domain; the plateau's and logistic's exponentials
    # underflow out there, which must not raise under strict error settings.
    surface = get(name)
    assert np.isfinite(strict_but_underflow(surface.value, x, y))
    assert np.all(np.isfinite(strict_but_underflow(surface.gradient, np.array([x, y]))))


# --- minima -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(KNOWN_MINIMA))
def test_known_minima_and_their_values(name):
    surface = get(name)
    expected_points, expected_values = KNOWN_MINIMA[name]
    np.testing.assert_allclose(surface.minima, expected_points, atol=1e-6)
    np.testing.assert_allclose(surface.minimum_values, expected_values, atol=1e-9)
    assert surface.min_value == pytest.approx(min(expected_values), abs=1e-9)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_minima_have_zero_gradient(name, params):
    surface = get(name, **params)
    for m in surface.minima:
        assert np.all(np.abs(surface.gradient(m)) < 1e-10)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_minima_are_lower_than_every_nearby_point(name, params):
    surface = get(name, **params)
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = 1e-3 * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    for m, fm in zip(surface.minima, surface.minimum_values, strict=True):
        around = surface.value(m[0] + ring[:, 0], m[1] + ring[:, 1])
        assert np.all(around > fm)


def test_rosenbrock_minimum_moves_with_a():
    surface = get("rosenbrock", a=-1.2, b=50)
    np.testing.assert_array_equal(surface.minima, [[-1.2, 1.44]])
    assert surface.minimum_values.tolist() == [0.0]


def test_global_minimum_is_listed_first():
    for name in NAMES:
        values = get(name).minimum_values
        assert values[0] == values.min()


def test_saddle_origin_is_a_stationary_point_that_is_not_a_minimum():
    surface = get("saddle")
    assert surface.gradient([0.0, 0.0]).tolist() == [0.0, 0.0]
    assert float(surface.value(1e-3, 0.0)) > 0.0 > float(surface.value(0.0, 1e-3))
    # Bounded below by the quartic wall: nothing on a wide grid beats the minima.
    xs = np.linspace(-50, 50, 401)
    assert surface.value(xs[None, :], xs[:, None]).min() >= surface.min_value


def test_saddle_start_on_the_ridge_has_no_escaping_gradient():
    surface = get("saddle")
    assert surface.starts[1].tolist() == [-2.5, 0.0]
    assert surface.gradient(surface.starts[1])[1] == 0.0
    assert surface.gradient(surface.starts[0])[1] != 0.0


def test_plateau_is_flat_away_from_the_wells():
    surface = get("plateau")
    assert 0.0 < np.linalg.norm(surface.gradient(surface.starts[1])) < 1e-5
    _, _, z = grid(surface, 101)
    assert np.mean(np.abs(z) < 1e-3) > 0.4


def test_plateau_has_a_shallow_local_and_a_deep_global_minimum():
    surface = get("plateau")
    (gx, gy), (lx, ly) = surface.minima
    global_value, local_value = surface.minimum_values
    # The deep well is barely touched by the shallow one: its minimum is its centre.
    assert (gx, gy) == pytest.approx((0.7, -0.7), abs=1e-6)
    assert global_value == pytest.approx(-1.0, abs=1e-6)
    # The shallow well sits on the deep one's slope, which pulls its minimum towards it.
    assert (lx, ly) == pytest.approx((-0.438, 0.438), abs=1e-3)
    assert -0.35 < local_value < -0.25
    assert lx == pytest.approx(-ly, abs=1e-12)  # both wells lie on the line y = −x


def test_from_the_default_start_plateau_sgd_stops_in_the_local_minimum_momentum_does_not():
    surface = get("plateau")
    sgd_end = run("sgd", surface.gradient, surface.starts[0], 3000, lr=0.1)[-1]
    momentum_end = run("momentum", surface.gradient, surface.starts[0], 3000, lr=0.1)[-1]
    np.testing.assert_allclose(sgd_end, surface.minima[1], atol=1e-3)
    np.testing.assert_allclose(momentum_end, surface.minima[0], atol=1e-3)


def test_himmelblau_has_four_minima_of_equal_value():
    surface = get("himmelblau")
    assert surface.minima.shape == (4, 2)
    assert np.all(np.abs(surface.minimum_values) < 1e-20)


def test_logistic_minimum_moves_towards_zero_as_l2_grows():
    norms = [np.linalg.norm(get("logistic", l2=l2).minima[0]) for l2 in (0.0, 0.01, 0.1, 1.0)]
    assert norms == sorted(norms, reverse=True)
    assert norms[-1] < 1.0 < norms[0]


def test_logistic_minimum_is_below_every_grid_value():
    surface = get("logistic")
    _, _, z = grid(surface, 101)
    assert surface.min_value <= z.min()
    assert z.min() - surface.min_value < 1e-3


# --- the logistic dataset and its mini-batches ------------------------------------------------


def test_logistic_dataset_is_two_balanced_gaussian_blobs():
    features, labels = logistic_dataset()
    assert features.shape == (200, 2)
    assert labels.shape == (200,)
    assert set(np.unique(labels)) == {0.0, 1.0}
    assert labels.sum() == 100
    mean_1 = features[labels == 1].mean(axis=0)
    mean_0 = features[labels == 0].mean(axis=0)
    np.testing.assert_allclose(mean_1, LOGISTIC_MEAN, atol=0.25)
    np.testing.assert_allclose(mean_0, -np.array(LOGISTIC_MEAN), atol=0.25)
    assert 0.4 < np.corrcoef(features[labels == 1].T)[0, 1] < 0.8


def test_logistic_dataset_is_fixed_and_read_only():
    features, labels = logistic_dataset()
    assert not features.flags.writeable
    assert not labels.flags.writeable
    assert get("logistic").features is features
    # The first rows of the shuffled data hold both classes.
    assert 0 < labels[:20].sum() < 20


def test_full_gradient_is_the_batch_gradient_over_all_rows():
    surface = get("logistic")
    p = np.array([0.7, -1.3])
    np.testing.assert_allclose(
        surface.gradient(p), surface.batch_gradient(p, np.arange(200)), rtol=1e-15
    )


def test_batch_gradient_of_one_row_by_hand():
    surface = get("logistic", l2=0.1)
    features, labels = logistic_dataset()
    p = np.array([0.5, -0.25])
    z = features[7] @ p
    expected = (1 / (1 + math.exp(-z)) - labels[7]) * features[7] + 0.1 * p
    np.testing.assert_allclose(surface.batch_gradient(p, [7]), expected, rtol=1e-14)


@pytest.mark.parametrize("batch_size", [1, 8, 20, 50, 200])
def test_epoch_of_equal_minibatch_gradients_averages_to_the_full_gradient(batch_size):
    surface = get("logistic")
    sgd = surface.stochastic_gradient(batch_size, seed=3)
    assert sgd.updates_per_epoch == 200 // batch_size
    p = np.array([-1.0, 2.0])
    batch_grads = np.array([sgd(p) for _ in range(sgd.updates_per_epoch)])
    assert sgd.epoch == 1
    np.testing.assert_allclose(batch_grads.mean(axis=0), surface.gradient(p), rtol=1e-13)


def test_batch_size_equal_to_rows_gives_the_full_gradient_every_call():
    surface = get("logistic")
    sgd = surface.stochastic_gradient(200, seed=0)
    for p in ([0.0, 0.0], [1.0, -2.0], [-3.0, 3.0]):
        np.testing.assert_allclose(sgd(p), surface.gradient(p), rtol=1e-13)
    assert sgd.epoch == 3


def test_minibatch_gradient_differs_from_the_full_gradient():
    surface = get("logistic")
    p = np.array([-3.0, 3.0])
    g = surface.stochastic_gradient(10, seed=0)(p)
    assert not np.allclose(g, surface.gradient(p), rtol=1e-3)


def test_each_epoch_visits_every_row_once_in_a_fresh_order():
    sgd = get("logistic").stochastic_gradient(30, seed=1)
    assert sgd.updates_per_epoch == 7  # 6 batches of 30 and a last one of 20, like drop_last=False
    epochs = []
    for _ in range(2):
        batches = [sgd.next_rows() for _ in range(7)]
        assert [len(b) for b in batches] == [30] * 6 + [20]
        epochs.append(np.concatenate(batches))
    for rows in epochs:
        assert sorted(rows.tolist()) == list(range(200))
    assert epochs[0].tolist() != epochs[1].tolist()
    assert sgd.epoch == 2


def test_stochastic_gradient_is_deterministic_given_the_seed():
    surface = get("logistic")
    a, b, c = (surface.stochastic_gradient(16, seed=s) for s in (5, 5, 6))
    p = np.array([1.0, 1.0])
    ga = [a(p) for _ in range(30)]
    gb = [b(p) for _ in range(30)]
    gc = [c(p) for _ in range(30)]
    np.testing.assert_array_equal(ga, gb)
    assert not np.array_equal(ga, gc)


@pytest.mark.parametrize("batch_size", [0, 201, 2.5, True, "8"])
def test_stochastic_gradient_rejects_bad_batch_sizes(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        get("logistic").stochastic_gradient(batch_size)


@pytest.mark.parametrize("rows", [[], [200], [-1], [0.5, 1.5], [[0, 1]]])
def test_batch_gradient_rejects_bad_rows(rows):
    with pytest.raises(ValueError, match="row"):
        get("logistic").batch_gradient([0.0, 0.0], rows)


def test_batch_gradient_rejects_a_field_of_points():
    with pytest.raises(ValueError, match="shape"):
        get("logistic").batch_gradient(np.zeros((3, 2)), [0, 1])


def test_minibatch_gradient_is_a_callable_class():
    sgd = get("logistic").stochastic_gradient(40)
    assert isinstance(sgd, MiniBatchGradient)
    assert sgd.batch_size == 40
    assert sgd(np.zeros(2)).shape == (2,)


# --- gradient noise ---------------------------------------------------------------------------


def test_noise_is_deterministic_given_the_seed():
    grad = get("rosenbrock").gradient
    p = np.array([0.5, 0.5])
    a, b, c = noisy(grad, 0.1, seed=1), noisy(grad, 0.1, seed=1), noisy(grad, 0.1, seed=2)
    sa = [a(p) for _ in range(5)]
    np.testing.assert_array_equal(sa, [b(p) for _ in range(5)])
    assert not np.array_equal(sa, [c(p) for _ in range(5)])
    assert not np.array_equal(sa[0], sa[1])  # fresh noise on every call


def test_zero_noise_returns_the_exact_gradient():
    grad = get("beale").gradient
    p = np.array([1.0, 1.5])
    np.testing.assert_array_equal(noisy(grad, 0.0)(p), grad(p))


def test_noise_has_mean_zero_and_standard_deviation_sigma():
    grad = get("ravine").gradient
    p = np.array([1.0, -1.0])
    g = noisy(grad, 0.5, seed=11)
    draws = np.array([g(p) for _ in range(20_000)]) - grad(p)
    np.testing.assert_allclose(draws.mean(axis=0), 0.0, atol=0.02)
    np.testing.assert_allclose(draws.std(axis=0), 0.5, rtol=0.02)
    assert abs(np.corrcoef(draws.T)[0, 1]) < 0.03


@pytest.mark.parametrize("sigma", [-0.1, math.nan, math.inf, "0.1", None])
def test_noise_rejects_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma"):
        noisy(get("ravine").gradient, sigma)


# --- grid and log scaling ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_grid_spans_the_domain_with_rows_following_y(name):
    surface = get(name)
    xs, ys, z = grid(surface, 60)
    assert xs.shape == (60,)
    assert ys.shape == (60,)
    assert z.shape == (60, 60)
    assert (xs[0], xs[-1]) == surface.domain[0]
    assert (ys[0], ys[-1]) == surface.domain[1]
    assert z[5, 40] == pytest.approx(float(surface.value(xs[40], ys[5])), rel=1e-13, abs=1e-15)
    assert np.all(np.isfinite(z))


@pytest.mark.parametrize("n", [0, 1, 2.0, True, "10"])
def test_grid_rejects_fewer_than_two_points(n):
    with pytest.raises(ValueError, match="n must be"):
        grid(get("beale"), n)


def test_grid_replaces_overflow_with_finite_values():
    far = dataclasses.replace(REGISTRY["beale"], domain=((1e200, 2e200), (1e200, 2e200)))
    _, _, z = strict(grid, Surface(far), 3)
    assert np.all(np.isfinite(z))
    assert z.max() == np.finfo(np.float64).max


def test_log_height_is_zero_at_the_floor_and_increasing():
    z = np.array([-2.0, -1.0, 0.0, 10.0, 1e300])
    out = log_height(z)
    assert out[0] == 0.0
    assert np.all(np.diff(out) > 0)
    assert out[1] == pytest.approx(math.log(2.0))
    assert np.all(np.isfinite(strict(log_height, np.array([-1e308, 1e308]))))


def test_log_height_with_an_explicit_floor_clips_below_it():
    out = log_height(np.array([-5.0, 0.0, math.e - 1.0]), floor=0.0)
    np.testing.assert_allclose(out, [0.0, 0.0, 1.0], rtol=1e-15)


# --- the parameters each surface declares -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"), [(n, k) for n, spec in REGISTRY.items() for k in spec.parameters]
)
def test_a_parameter_s_default_lies_in_its_span_and_its_span_in_its_range(name, key):
    param = REGISTRY[name].parameters[key]
    lo, hi = param.span
    assert param.lo <= lo < hi <= param.hi
    assert lo <= param.default <= hi
    assert get(name).params[key] == param.default
    for value in (param.lo, lo, hi, param.hi):
        assert get(name, **{key: value}).params[key] == value


def test_the_declared_parameters_are_what_the_page_offers():
    """κ from a round bowl to a ravine SGD can hardly use, b the same three decades, λ up to
    where the penalty rather than the data shapes the logistic bowl."""
    spans = {(n, k): p.span for n, spec in REGISTRY.items() for k, p in spec.parameters.items()}
    assert spans == {
        ("ravine", "condition"): (1.0, 1000.0),
        ("rosenbrock", "a"): (-1.5, 1.5),
        ("rosenbrock", "b"): (1.0, 1000.0),
        ("logistic", "l2"): (0.0, 0.1),
    }
    assert REGISTRY["logistic"].parameters["l2"].hi == 1.0  # core accepts more than is offered


def test_the_ravine_s_default_kappa_puts_sgd_s_limit_just_above_lr_0_025():
    kappa = get("ravine").params["condition"]
    assert kappa == 79.0
    assert 0.025 < 2 / kappa < 0.0254
    # SGD's y is multiplied by 1 − lr·κ per step: just inside (−1, 1) at 0.025, outside at 0.032.
    assert abs(1 - 0.025 * kappa) < 1 < abs(1 - 0.032 * kappa)


def test_at_lambda_0_1_the_logistic_minimum_has_moved_more_than_halfway_to_the_origin():
    free, pulled = get("logistic", l2=0.0).minima[0], get("logistic", l2=0.1).minima[0]
    assert 0.3 < np.hypot(*pulled) / np.hypot(*free) < 0.5


# --- the height map -------------------------------------------------------------------------


def test_height_map_is_log_one_plus_the_gap_above_the_global_minimum():
    surface = get("saddle")  # f* = −2 at (0, ±2), so the floor is not 0
    shade = height_map(surface, 31)
    xs, ys, z = grid(surface, 31)
    np.testing.assert_array_equal(shade.xs, xs)
    np.testing.assert_array_equal(shade.ys, ys)
    np.testing.assert_allclose(shade.heights, np.log1p(np.maximum(z + 2.0, 0.0)), rtol=1e-12)
    np.testing.assert_allclose(shade.minima, [[0.0, 2.0], [0.0, -2.0]], atol=1e-12)
    np.testing.assert_allclose(shade.minima_heights, [0.0, 0.0], atol=1e-12)
    # (0, 0) is on the grid: f = 0 there, 2 above f*, so its height is log 3.
    assert shade.heights[15, 15] == pytest.approx(math.log(3.0))


def test_height_map_of_himmelblau_puts_every_minimum_at_height_zero():
    shade = height_map(get("himmelblau"), 20)
    assert shade.minima.shape == (4, 2)
    np.testing.assert_allclose(shade.minima_heights, 0.0, atol=1e-12)
    assert shade.heights.min() >= 0.0


# --- get() errors -----------------------------------------------------------------------------


def test_unknown_name_lists_valid_choices():
    with pytest.raises(ValueError, match="unknown surface 'bowl'") as info:
        get("bowl")
    assert all(name in str(info.value) for name in NAMES)


def test_unknown_parameter_lists_valid_parameters():
    with pytest.raises(ValueError, match="valid parameters: a, b"):
        get("rosenbrock", c=1.0)


def test_parameter_for_parameterless_surface_says_it_takes_none():
    with pytest.raises(ValueError, match="beale takes no parameters"):
        get("beale", a=1.0)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ravine", {"condition": 0.5}),
        ("ravine", {"condition": 1e5}),
        ("rosenbrock", {"a": 2.0}),
        ("rosenbrock", {"b": 0.0}),
        ("logistic", {"l2": -0.1}),
    ],
)
def test_out_of_range_parameter_names_the_range(name, params):
    with pytest.raises(ValueError, match=r"must be in \["):
        get(name, **params)


@pytest.mark.parametrize("value", [math.nan, math.inf, "1", None, True, 1j])
def test_non_finite_or_non_real_parameter_is_rejected(value):
    with pytest.raises(ValueError, match=r"finite|real number"):
        get("ravine", condition=value)


# --- the claims of each surface's text on the page (content/*/optimizers/surface_*.md) --------


def test_plateau_sgd_barely_moves_while_adaptive_steps_are_normal_sized():
    from core import optimizers

    s = surfaces.get("plateau")
    start = (-2.5, 2.5)  # away from both wells
    assert np.hypot(*s.gradient(np.array(start))) < 1e-5
    sgd = optimizers.trace("sgd", s.gradient, start, 5, lr=0.5)
    adam = optimizers.trace("adam", s.gradient, start, 5, lr=0.2)
    assert np.linalg.norm(sgd.updates, axis=1).max() < 1e-5
    assert np.linalg.norm(adam.updates[0]) > 0.1


def test_beale_gradients_differ_by_orders_of_magnitude_between_regions():
    s = surfaces.get("beale")
    xs, ys, _ = surfaces.grid(s, 60)
    size = np.linalg.norm(s.gradient(np.stack(np.meshgrid(xs, ys), axis=-1)), axis=-1)
    assert np.percentile(size, 95) > 1e3 * np.percentile(size, 5)


def test_logistic_bowl_is_tilted_and_elongated():
    s = surfaces.get("logistic")
    w = s.minima[0]
    h = 1e-4
    hessian = np.array(
        [(s.gradient(w + h * e) - s.gradient(w - h * e)) / (2 * h) for e in np.eye(2)]
    )
    eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    assert abs(hessian[0, 1]) > 0.1 * np.sqrt(hessian[0, 0] * hessian[1, 1])  # tilted
    assert eig.max() > 2 * eig.min()  # elongated
