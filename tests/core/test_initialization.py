import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import activations
from core.initialization import (
    BN_EPS,
    COLUMNS,
    CONSTANT,
    GRADIENT_RANGE,
    LATEX,
    MAX_CELLS,
    SATURATION_THRESHOLD,
    SCHEMES,
    SYMMETRY_INITS,
    VALUE_CEILING,
    _activate,
    _asymptotes,
    _batchnorm_backward,
    _batchnorm_forward,
    _evaluate,
    _zero_tails,
    bound,
    histogram_range,
    predicted_std,
    propagate,
    propagate_with_histograms,
    sample,
    standard_normals,
    std,
    train_deep,
    train_symmetry,
    two_moons,
    xor_blobs,
)

HYPOTHESIS = settings(max_examples=60, deadline=None, database=None)
NONZERO = [s for s in SCHEMES if s != "zeros"]
UNIFORM = ["lecun_uniform", "xavier_uniform", "he_uniform"]
# Activations with f(0) = 0 (a zero network stays at 0) and with f(0) ≠ 0.
ZERO_AT_ZERO = [n for n in activations.NAMES if n not in ("sigmoid", "softplus")]
KERNEL_CASES = [(name, {}) for name in activations.NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu", {"negative_slope": 0.0}),
    ("elu", {"alpha": 0.5}),
    ("softplus", {"beta": 3.0}),
    ("gelu", {"approximate": "tanh"}),
]
KERNEL_IDS = [n + "".join(f"-{k}={v}" for k, v in p.items()) for n, p in KERNEL_CASES]


def strict():
    """Overflow, invalid and divide raise; underflow to 0 is a legitimate answer."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# --- a straightforward float64 reference ------------------------------------------------------


@dataclass
class Pass:
    """Every array of one float64 forward and backward pass; index l−1 is layer l."""

    h: list  # h_0 = x … h_depth
    z: list
    a: list  # f's input: z, or BN(z)
    dh: list  # ∂L/∂h_l
    dz: list
    dw: list
    loss: float


def batchnorm(z):
    mean, var = z.mean(axis=0), z.var(axis=0)
    inv = 1.0 / np.sqrt(var + BN_EPS)
    return (z - mean) * inv, inv


def forward_backward(act, x, ws, u, bn=False):
    """Layer by layer, as written on the page: no scaling tricks, no float32."""
    h, zs, a_s = [x], [], []
    for w in ws:
        z = h[-1] @ w
        a = batchnorm(z)[0] if bn else z
        zs.append(z)
        a_s.append(a)
        h.append(act.forward(a))
    depth = len(ws)
    dh, dz, dw = [None] * depth, [None] * depth, [None] * depth
    g = u
    for k in reversed(range(depth)):
        dh[k] = g
        d = g * act.derivative(a_s[k])
        if bn:
            xhat, inv = batchnorm(zs[k])
            d = inv * (d - d.mean(axis=0) - xhat * (d * xhat).mean(axis=0))
        dz[k], dw[k] = d, h[k].T @ d
        g = d @ ws[k].T
    return Pass(h, zs, a_s, dh, dz, dw, float(np.sum(h[-1] * u)))


def draw_normals(rng, shape):
    return standard_normals(rng, np.empty(shape, dtype=np.float32)).astype(np.float64)


def reference_pass(scheme, act, depth, width, batch, seed, bn=False):
    """The documented draws: x, then W_1 … W_depth via sample(), then u."""
    rng = np.random.default_rng(seed)
    x = draw_normals(rng, (batch, width))
    ws = [sample(scheme, width, width, rng) for _ in range(depth)]
    u = draw_normals(rng, (batch, width))
    return forward_backward(act, x, ws, u, bn), ws


def rms(x):
    return float(np.sqrt(np.mean(np.square(x))))


def reference_table(p, act):
    """The expected table, plus each statistic's natural scale (for a float32 tolerance)."""
    rows, scales = [], []
    batch = p.h[0].shape[0]
    for k in range(len(p.z)):
        d = act.derivative(p.a[k])
        rows.append(
            {
                "layer": k + 1,
                "activation_mean": p.h[k + 1].mean(),
                "activation_std": p.h[k + 1].std(),
                "preactivation_std": p.z[k].std(),
                "saturated_fraction": np.mean(np.abs(d) < SATURATION_THRESHOLD),
                "dead_fraction": np.mean(d == 0),
                "gradient_std": p.dh[k].std(),
                "weight_gradient_std": p.dw[k].std(),
            }
        )
        scales.append(
            {
                "activation_mean": rms(p.h[k + 1]),
                "activation_std": rms(p.h[k + 1]),
                "preactivation_std": rms(p.z[k]),
                "gradient_std": rms(p.dh[k]),
                "weight_gradient_std": rms(p.h[k]) * rms(p.dz[k]) * math.sqrt(batch),
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(scales)


def assert_matches_reference(table, expected, scales):
    """float32 against float64: 3e-5 relative plus 3e-6 of each statistic's natural scale
    (a mathematically zero statistic is float32 rounding noise on that scale)."""
    assert list(table["layer"]) == list(expected["layer"])
    for column in scales.columns:
        tolerance = 3e-5 * expected[column].abs() + 3e-6 * scales[column]
        error = (table[column] - expected[column]).abs()
        assert (error <= tolerance).all(), (column, error.max())
    size = expected.attrs.get("size", 1)
    for column in ("saturated_fraction", "dead_fraction"):
        # A value within float32 rounding of a threshold may land on either side.
        np.testing.assert_allclose(table[column], expected[column], atol=2.0 / size)


def check_against_reference(scheme, name, depth, width, batch, seed, bn, **params):
    act = activations.get(name, **params)
    p, _ = reference_pass(scheme, act, depth, width, batch, seed, bn)
    expected, scales = reference_table(p, act)
    expected.attrs["size"] = batch * width
    with strict():
        table = propagate(
            scheme, act, depth, width, batch, seed, batchnorm=bn, weight_gradients=True
        )
    assert_matches_reference(table, expected, scales)


# --- schemes: formulas ------------------------------------------------------------------------


def test_schemes_include_the_contracted_names_in_order():
    assert SCHEMES == (
        "zeros",
        "small_normal",
        "standard_normal",
        "lecun_uniform",
        "lecun_normal",
        "xavier_uniform",
        "xavier_normal",
        "he_uniform",
        "he_normal",
    )
    assert set(LATEX) == set(SCHEMES)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_latex_formula_names_its_fan(scheme):
    latex = LATEX[scheme]
    assert latex.startswith("W")
    uses_fans = scheme.split("_")[0] in ("lecun", "xavier", "he")
    assert (r"n_\mathrm{in}" in latex) == uses_fans
    assert (r"n_\mathrm{out}" in latex) == scheme.startswith("xavier")
    assert (r"\mathcal{U}" in latex) == scheme.endswith("uniform")


def expected_std(scheme, n_in, n_out):
    return {
        "zeros": 0.0,
        "small_normal": 0.01,
        "standard_normal": 1.0,
        "lecun_uniform": math.sqrt(3 / n_in) / math.sqrt(3),
        "lecun_normal": math.sqrt(1 / n_in),
        "xavier_uniform": math.sqrt(6 / (n_in + n_out)) / math.sqrt(3),
        "xavier_normal": math.sqrt(2 / (n_in + n_out)),
        "he_uniform": math.sqrt(6 / n_in) / math.sqrt(3),
        "he_normal": math.sqrt(2 / n_in),
    }[scheme]


def expected_bound(scheme, n_in, n_out):
    return {
        "lecun_uniform": math.sqrt(3 / n_in),
        "xavier_uniform": math.sqrt(6 / (n_in + n_out)),
        "he_uniform": math.sqrt(6 / n_in),
    }.get(scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
@HYPOTHESIS
@given(n_in=st.integers(1, 10**6), n_out=st.integers(1, 10**6))
def test_std_and_bound_follow_the_formulas_for_any_fans(scheme, n_in, n_out):
    assert std(scheme, n_in, n_out) == pytest.approx(expected_std(scheme, n_in, n_out), rel=1e-12)
    r = bound(scheme, n_in, n_out)
    if scheme in UNIFORM:
        assert r == pytest.approx(expected_bound(scheme, n_in, n_out), rel=1e-12)
        assert std(scheme, n_in, n_out) == pytest.approx(r / math.sqrt(3), rel=1e-12)
    else:
        assert r is None


# --- schemes: samples -------------------------------------------------------------------------

N_IN, N_OUT = 400, 2500  # one million weights


@pytest.mark.parametrize("scheme", NONZERO)
def test_sample_std_matches_the_formula_within_sampling_error(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(1))
    assert w.shape == (N_IN, N_OUT)
    assert w.dtype == np.float64
    sigma = std(scheme, N_IN, N_OUT)
    # sd of the sample std is σ·√((κ − 1)/(4N)), κ = 3 (normal) or 9/5 (uniform); allow 6 sd.
    kurtosis = 1.8 if scheme in UNIFORM else 3.0
    tolerance = 6 * math.sqrt((kurtosis - 1) / (4 * w.size))
    assert w.std() == pytest.approx(sigma, rel=tolerance)
    assert abs(w.mean()) < 6 * sigma / math.sqrt(w.size)


@pytest.mark.parametrize("scheme", UNIFORM)
def test_uniform_samples_fill_but_never_exceed_the_bound(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(2))
    r = bound(scheme, N_IN, N_OUT)
    assert np.abs(w).max() <= r
    assert np.abs(w).max() > r * (1 - 1e-4)
    # Flat: each tenth of (−r, r) holds a tenth of the draws.
    counts = np.histogram(w, bins=10, range=(-r, r))[0] / w.size
    np.testing.assert_allclose(counts, 0.1, atol=0.002)


@pytest.mark.parametrize("scheme", [s for s in NONZERO if s not in UNIFORM])
def test_normal_samples_have_gaussian_tails(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(3))
    sigma = std(scheme, N_IN, N_OUT)
    beyond = np.mean(np.abs(w) > 2 * sigma)
    assert beyond == pytest.approx(math.erfc(2 / math.sqrt(2)), abs=0.002)  # 4.55 %
    kurtosis = np.mean((w / sigma) ** 4)
    assert kurtosis == pytest.approx(3.0, abs=0.05)


def normal_cdf(z):
    return 0.5 * (1.0 + np.frompyfunc(math.erf, 1, 1)(z / math.sqrt(2.0)).astype(np.float64))


def test_standard_normals_pass_a_kolmogorov_smirnov_test():
    z = np.sort(standard_normals(np.random.default_rng(40), np.empty(200_001, np.float32)))
    n = z.size
    cdf = normal_cdf(z.astype(np.float64))
    d = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert d < 1.95 / math.sqrt(n)  # the 0.1 % critical value


def test_standard_normals_have_normal_moments_and_independent_pairs():
    z = standard_normals(np.random.default_rng(41), np.empty((1000, 1000), np.float32))
    z = z.astype(np.float64).ravel()
    n, sd = z.size, 1 / math.sqrt(z.size)
    assert abs(z.mean()) < 6 * sd
    assert z.var() == pytest.approx(1.0, abs=6 * math.sqrt(2) * sd)
    assert np.mean(z**4) == pytest.approx(3.0, abs=6 * math.sqrt(96) * sd)
    assert np.abs(z).max() <= math.sqrt(48 * math.log(2)) + 1e-6
    # Box–Muller's two outputs of one pair (cosine half, sine half) share r: as normals they
    # must still be uncorrelated, and so must their squares.
    c, s = z[: n // 2], z[n // 2 :]
    assert abs(np.corrcoef(c, s)[0, 1]) < 6 * math.sqrt(2) * sd
    assert abs(np.corrcoef(c**2, s**2)[0, 1]) < 6 * math.sqrt(2) * sd


@pytest.mark.parametrize("n", [1, 2, 3, 10, 4097])
def test_standard_normals_use_half_a_raw_draw_each_and_are_reproducible(n):
    rng = np.random.default_rng(42)
    z = standard_normals(rng, np.empty(n, np.float32))
    assert np.all(np.isfinite(z))
    np.testing.assert_array_equal(
        z, standard_normals(np.random.default_rng(42), np.empty(n, np.float32))
    )
    twin = np.random.default_rng(42)
    twin.bit_generator.random_raw((n + 1) // 2)
    assert rng.random() == twin.random()


def test_uniform_samples_are_odd_multiples_of_2_to_the_minus_24_of_the_bound():
    # LeCun with n_in = 12 has r = √(3/12) = 1/2, a power of two: scaling by r is exact.
    w = sample("lecun_uniform", 12, 4096, np.random.default_rng(43))
    k = w / (0.5 * 2.0**-24)
    np.testing.assert_array_equal(k, np.round(k))
    assert np.all(k % 2 == 1)
    assert np.abs(k).max() < 2**24
    assert abs(k.mean()) < 6 * 2**24 / math.sqrt(3 * k.size)


def test_zeros_scheme_samples_exact_zeros_without_drawing():
    rng = np.random.default_rng(4)
    w = sample("zeros", 7, 5, rng)
    np.testing.assert_array_equal(w, np.zeros((7, 5)))
    assert rng.random() == np.random.default_rng(4).random()


@HYPOTHESIS
@given(
    scheme=st.sampled_from(SCHEMES),
    n_in=st.integers(1, 40),
    n_out=st.integers(1, 40),
    seed=st.integers(0, 2**32),
)
def test_sample_is_reproducible_finite_and_shaped(scheme, n_in, n_out, seed):
    w = sample(scheme, n_in, n_out, np.random.default_rng(seed))
    np.testing.assert_array_equal(w, sample(scheme, n_in, n_out, np.random.default_rng(seed)))
    assert w.shape == (n_in, n_out)
    assert np.all(np.isfinite(w))
    r = bound(scheme, n_in, n_out)
    if r is not None:
        assert np.abs(w).max() <= r


def test_sample_values_are_float32_draws_widened():
    w = sample("he_normal", 30, 20, np.random.default_rng(5))
    np.testing.assert_array_equal(w, w.astype(np.float32).astype(np.float64))


def test_unknown_scheme_lists_the_valid_choices():
    for call in (
        lambda: sample("glorot", 3, 3, np.random.default_rng(0)),
        lambda: std("glorot", 3, 3),
        lambda: bound("glorot", 3, 3),
        lambda: propagate("glorot", "relu", 2, 4, 4, 0),
    ):
        with pytest.raises(ValueError, match="unknown scheme 'glorot'") as info:
            call()
        assert all(name in str(info.value) for name in SCHEMES)


@pytest.mark.parametrize("size", [0, -3, 2.5, True, "8", None])
def test_bad_fan_sizes_say_what_is_allowed(size):
    for call in (
        lambda: sample("he_normal", size, 3, np.random.default_rng(0)),
        lambda: sample("he_normal", 3, size, np.random.default_rng(0)),
        lambda: std("xavier_normal", size, 3),
        lambda: bound("he_uniform", 3, size),
    ):
        with pytest.raises(ValueError, match=r"fan_(in|out) must be an integer >= 1"):
            call()


def test_sample_needs_a_generator():
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator"):
        sample("he_normal", 3, 3, np.random.RandomState(0))


# --- activation kernels and the registry ------------------------------------------------------

GRID = np.concatenate(
    [np.linspace(-60, 60, 24001), np.geomspace(1e-30, 1e3, 300), -np.geomspace(1e-30, 1e3, 300)]
)[None, :]


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES, ids=KERNEL_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_kernels_match_the_registry(name, params, dtype):
    act = activations.get(name, **params)
    x = GRID.astype(dtype)
    with strict():
        f, df = _evaluate(act, x)
    df = np.ones_like(f) if df is None else df
    exact = x.astype(np.float64)
    # Absolute below 1, relative above: float32 rounding, and A&S 7.1.26's 1.5e-7 in GELU's Φ.
    tol = 3e-7 if dtype == np.float32 or name == "gelu" else 1e-14
    for got, want in ((f, act.forward(exact)), (df, act.derivative(exact))):
        assert got.dtype == dtype
        err = np.abs(got - want) / np.maximum(np.abs(want), 1.0)
        assert err.max() <= tol


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES, ids=KERNEL_IDS)
def test_kernels_are_finite_at_float32_extremes(name, params):
    act = activations.get(name, **params)
    top = float(np.finfo(np.float32).max) / 2
    x = np.array([[-top, -1e30, -1e-38, 0.0, 1e-38, 1e30, top]], dtype=np.float32)
    with strict():
        f, df = _evaluate(act, x)
    assert np.all(np.isfinite(f))
    assert df is None or np.all(np.isfinite(df))


@pytest.mark.parametrize("name", activations.NAMES)
def test_zero_tails_are_exactly_where_the_registry_derivative_vanishes(name):
    act = activations.get(name)
    lo, hi = _zero_tails(act)
    x = np.concatenate([np.linspace(-2000, 2000, 800_001), [-1e300, 1e300]])
    zero = act.derivative(x) == 0
    if name == "relu":  # flat, not a tail: propagate counts f' == 0 directly
        np.testing.assert_array_equal(zero, x <= 0)
    else:
        np.testing.assert_array_equal(zero, (x <= lo) | (x >= hi))


@pytest.mark.parametrize("name", [n for n in activations.NAMES if n not in ("relu", "linear")])
def test_activations_are_affine_far_out_and_near_zero(name):
    # propagate evaluates f this way beyond 2^±100: check that it holds to float precision.
    act = activations.get(name)
    asy = _asymptotes(act)
    far = np.array([1.0, 3.0, 1e10]) * 2.0**100
    sides = (
        (far, asy.far_slopes[0], asy.far_consts[0]),
        (-far, asy.far_slopes[1], asy.far_consts[1]),
    )
    for x, slope, const in sides:
        np.testing.assert_allclose(act.forward(x), slope * x + const, rtol=1e-15, atol=1e-15)
    near = np.array([1.0, 3.0, 1e10, -1.0, -3.0, -1e10]) * 2.0**-110
    slopes = np.where(near > 0, asy.near_slopes[0], asy.near_slopes[1])
    np.testing.assert_allclose(act.forward(near), asy.f0 + slopes * near, rtol=1e-15)


# --- batchnorm ----------------------------------------------------------------------------------


def test_batchnorm_backward_matches_finite_differences_of_the_loss():
    rng = np.random.default_rng(6)
    z = rng.standard_normal((5, 3)) * [1.0, 0.01, 30.0] + [0.0, 2.0, -5.0]
    u = rng.standard_normal((5, 3))

    def loss(zz):
        zz = zz.copy()
        _batchnorm_forward(zz, 0)
        return float(np.sum(zz * u))

    xhat = z.copy()
    inv = _batchnorm_forward(xhat, 0)
    grad = u.copy()
    _batchnorm_backward(grad, xhat, inv, np.empty_like(grad))
    step = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[idx] = step
        numeric[idx] = (loss(z + e) - loss(z - e)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=0), 0.0, atol=1e-10)  # shifts don't change L


def test_batchnorm_of_scaled_input_matches_true_units_eps_included():
    rng = np.random.default_rng(7)
    z = rng.standard_normal((6, 4)) * 1e-3  # variance near eps, where eps matters
    expected, _ = batchnorm(z)
    for exponent in (-40, 0, 37):
        scaled = z * 2.0**-exponent
        _batchnorm_forward(scaled, exponent)
        np.testing.assert_allclose(scaled, expected, rtol=1e-12)


# --- propagate against the reference ------------------------------------------------------------


def test_reference_gradients_match_finite_differences():
    # The reference validates propagate, so it is itself checked by finite differences of L.
    act = activations.get("tanh")
    rng = np.random.default_rng(8)
    x, u = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    ws = [rng.standard_normal((3, 3)) for _ in range(3)]
    for bn in (False, True):
        p = forward_backward(act, x, ws, u, bn)
        for k in range(3):
            numeric = np.zeros((3, 3))
            for idx in np.ndindex(3, 3):
                shifted = [w.copy() for w in ws]
                shifted[k][idx] += 1e-6
                up = forward_backward(act, x, shifted, u, bn).loss
                shifted[k][idx] -= 2e-6
                down = forward_backward(act, x, shifted, u, bn).loss
                numeric[idx] = (up - down) / 2e-6
            np.testing.assert_allclose(p.dw[k], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("name", activations.NAMES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_propagate_matches_the_float64_reference(scheme, name, bn):
    check_against_reference(scheme, name, 6, 24, 40, 3, bn)


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES[10:], ids=KERNEL_IDS[10:])
def test_propagate_honours_activation_parameters(name, params):
    check_against_reference("he_normal", name, 5, 16, 32, 4, False, **params)


@pytest.mark.parametrize(
    ("scheme", "name"),
    [("standard_normal", n) for n in ("elu", "selu", "gelu", "silu", "softplus", "relu")]
    + [("small_normal", n) for n in ("tanh", "elu", "selu", "gelu", "silu", "sigmoid")],
)
def test_propagate_matches_the_reference_where_scales_leave_float32(scheme, name):
    # 60 layers of width 32 take the scale past 2^±100, into the asymptotic evaluation.
    check_against_reference(scheme, name, 60, 32, 50, 5, False)


@pytest.mark.parametrize(
    ("scheme", "name", "bn"),
    [
        ("he_normal", "relu", False),
        ("xavier_normal", "tanh", True),
        ("lecun_normal", "gelu", False),
    ],
)
def test_float32_propagate_matches_float64_at_a_realistic_size(scheme, name, bn):
    check_against_reference(scheme, name, 12, 256, 256, 9, bn)


@pytest.mark.parametrize(("name", "bn"), [("relu", False), ("tanh", True), ("linear", False)])
def test_weight_gradients_add_their_column_and_change_nothing_else(name, bn):
    plain = propagate("he_normal", name, 6, 24, 16, 3, batchnorm=bn)
    full = propagate("he_normal", name, 6, 24, 16, 3, batchnorm=bn, weight_gradients=True)
    assert tuple(full.columns) == COLUMNS
    pd.testing.assert_frame_equal(full.drop(columns="weight_gradient_std"), plain)
    with pytest.raises(ValueError, match="weight_gradients"):
        propagate("he_normal", name, 6, 24, 16, 3, weight_gradients="yes")


def test_table_has_one_row_per_layer_and_the_contracted_columns():
    table = propagate("he_normal", "relu", 7, 16, 8, 0)
    assert tuple(table.columns) == COLUMNS[:-1]
    assert COLUMNS[-1] == "weight_gradient_std"
    assert {"layer", "activation_mean", "activation_std", "gradient_std"} <= set(table.columns)
    assert list(table["layer"]) == list(range(1, 8))
    assert table["layer"].dtype == np.int64


def test_last_gradient_std_is_the_std_of_u():
    table = propagate("xavier_uniform", "tanh", 4, 32, 64, 11)
    rng = np.random.default_rng(11)
    draw_normals(rng, (64, 32))
    for _ in range(4):
        sample("xavier_uniform", 32, 32, rng)
    u = draw_normals(rng, (64, 32))
    assert table["gradient_std"].iloc[-1] == pytest.approx(u.std(), rel=1e-6)


# --- propagate: closed forms ----------------------------------------------------------------


@pytest.mark.parametrize("scheme", NONZERO)
def test_linear_activation_std_grows_by_sqrt_n_sigma_per_layer(scheme):
    width, batch, depth = 256, 512, 8
    table = propagate(scheme, "linear", depth, width, batch, 12)
    gain = math.sqrt(width) * std(scheme, width, width)
    act_std = table["activation_std"].to_numpy()
    # One realisation: per layer the squared norm scatters by ~√(2/(width·rank)) ≈ 0.6 %.
    np.testing.assert_allclose(act_std[0], gain, rtol=0.03)
    np.testing.assert_allclose(act_std[1:] / act_std[:-1], gain, rtol=0.03)
    np.testing.assert_allclose(table["preactivation_std"], act_std, rtol=1e-6)


@pytest.mark.parametrize("scheme", NONZERO)
def test_linear_gradient_std_grows_by_sqrt_n_sigma_per_layer_backward(scheme):
    width, batch, depth = 256, 512, 8
    table = propagate(scheme, "linear", depth, width, batch, 13)
    gain = math.sqrt(width) * std(scheme, width, width)
    grad_std = table["gradient_std"].to_numpy()
    assert grad_std[-1] == pytest.approx(1.0, abs=6 / math.sqrt(2 * width * batch))
    np.testing.assert_allclose(grad_std[:-1] / grad_std[1:], gain, rtol=0.03)


def test_standard_normal_linear_survives_fifty_layers_of_22x_growth():
    # 22.6⁵⁰ ≈ 1e68 overflows float32 30 layers in: the exponent bookkeeping must carry it.
    with strict():
        table = propagate("standard_normal", "linear", 50, 512, 64, 14)
    log_std = np.log10(table["activation_std"].to_numpy())
    np.testing.assert_allclose(np.diff(log_std), math.log10(math.sqrt(512)), atol=0.02)
    assert table["activation_std"].iloc[-1] == pytest.approx(512**25, rel=0.3)
    assert np.log10(table["gradient_std"].iloc[0]) == pytest.approx(
        49 * math.log10(512) / 2, abs=0.3
    )


def test_small_normal_relu_decays_below_float32_range_and_stays_accurate():
    with strict():
        table = propagate("small_normal", "relu", 50, 512, 64, 15)
    predicted = predicted_std("small_normal", "relu", 50, 512)
    assert 0 < table["activation_std"].iloc[-1] < 1e-38
    ratio = table["activation_std"] / predicted["activation_std"]
    assert ratio.between(0.5, 2.0).all()


def test_statistics_saturate_at_the_ceiling_instead_of_overflowing():
    act = activations.get("leaky_relu", negative_slope=-1e5)  # ×7e4 per layer
    with strict():
        result = propagate_with_histograms("standard_normal", act, 100, 16, 16, 16)
    table = result.table
    assert np.all(np.isfinite(table.drop(columns="layer").to_numpy()))
    assert table["activation_std"].iloc[-1] == VALUE_CEILING
    assert table["gradient_std"].iloc[0] == VALUE_CEILING
    assert result.outside[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("name", activations.NAMES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_and_activation_is_finite_at_depth_50(scheme, name, bn):
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        table = propagate(scheme, name, 50, 64, 64, 17, batchnorm=bn)
    values = table.drop(columns="layer").to_numpy()
    assert np.all(np.isfinite(values))
    assert np.all(values[:, 1:] >= 0)  # every column but the mean is a std or a share
    assert np.all(table[["saturated_fraction", "dead_fraction"]].to_numpy() <= 1)


@HYPOTHESIS
@given(
    scheme=st.sampled_from(SCHEMES),
    name=st.sampled_from(activations.NAMES),
    depth=st.integers(1, 30),
    width=st.integers(1, 12),
    batch=st.integers(2, 12),
    seed=st.integers(0, 2**32),
    bn=st.booleans(),
)
def test_any_small_network_gives_finite_statistics(scheme, name, depth, width, batch, seed, bn):
    with strict():
        table = propagate(scheme, name, depth, width, batch, seed, batchnorm=bn)
    assert len(table) == depth
    assert np.all(np.isfinite(table.drop(columns="layer").to_numpy()))


# --- propagate: zeros, dead and saturated units -------------------------------------------------


@pytest.mark.parametrize("name", ZERO_AT_ZERO)
def test_zero_weights_with_f0_zero_give_zero_activations_and_gradients(name):
    table = propagate("zeros", name, 5, 16, 32, 18, weight_gradients=True)
    assert (table["activation_mean"] == 0).all()
    assert (table["activation_std"] == 0).all()
    assert (table["preactivation_std"] == 0).all()
    assert (table["gradient_std"].iloc[:-1] == 0).all()
    assert table["gradient_std"].iloc[-1] > 0  # ∂L/∂h_depth = u
    assert (table["weight_gradient_std"] == 0).all()  # h_{l−1} = 0 or ∂L/∂z_l = 0


@pytest.mark.parametrize("name", ["sigmoid", "softplus"])
def test_zero_weights_with_f0_nonzero_only_train_the_last_layer(name):
    table = propagate("zeros", name, 5, 16, 32, 19, weight_gradients=True)
    f0 = float(activations.get(name).forward(0.0))
    np.testing.assert_allclose(table["activation_mean"], f0, rtol=1e-6)
    assert (table["activation_std"] == 0).all()
    assert (table["gradient_std"].iloc[:-1] == 0).all()
    assert (table["weight_gradient_std"].iloc[:-1] == 0).all()
    # ∂L/∂W_depth = f(0)·1ᵀ(u ⊙ f'(0)): the same for every input row, non-zero.
    assert table["weight_gradient_std"].iloc[-1] > 0


def test_zero_weights_leave_every_relu_dead():
    table = propagate("zeros", "relu", 4, 8, 8, 20)
    assert (table["dead_fraction"] == 1).all()  # relu'(0) = 0, as autograd has it
    assert (table["saturated_fraction"] == 1).all()


def test_he_relu_kills_about_half_the_units():
    table = propagate("he_normal", "relu", 10, 256, 256, 21)
    # Per layer the share scatters: z's column means are random offsets of ReLU's mean.
    assert table["dead_fraction"].mean() == pytest.approx(0.5, abs=0.03)
    np.testing.assert_allclose(table["dead_fraction"], 0.5, atol=0.1)
    np.testing.assert_array_equal(table["saturated_fraction"], table["dead_fraction"])


def test_large_tanh_weights_saturate_most_units_without_killing_any():
    table = propagate("standard_normal", "tanh", 10, 256, 256, 22)
    assert (table["saturated_fraction"].iloc[1:] > 0.8).all()
    assert (table["dead_fraction"] == 0).all()  # |z| ~ 16 is nowhere near 372


def test_exploding_elu_counts_underflowed_derivatives_as_dead():
    # With |z| ≫ 745 on the negative side, the registry's f'(z) = α·e^z is exactly 0.
    table = propagate("standard_normal", "elu", 40, 64, 64, 23)
    assert table["dead_fraction"].iloc[-1] == pytest.approx(0.5, abs=0.1)
    assert table["dead_fraction"].iloc[0] == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "gelu", "softplus"])
@pytest.mark.parametrize("exponent", [-300, 0, 300])
def test_an_all_zero_input_gives_f0_at_any_scale(name, exponent):
    act = activations.get(name)
    a = np.zeros((4, 3), dtype=np.float32)
    f, df = np.empty_like(a), np.empty_like(a)
    scratch = tuple(np.empty_like(a) for _ in range(4))
    mask = np.empty(a.shape, dtype=bool)
    with strict():
        done = _activate(act, a, exponent, 0.0, (f, df, scratch, mask), may_overwrite=True)
    np.testing.assert_allclose(f * 2.0**done.exponent, act.forward(0.0), rtol=1e-6)
    np.testing.assert_allclose(done.df, act.derivative(0.0), rtol=1e-6)


# --- propagate: arguments and determinism -------------------------------------------------------


def test_same_seed_gives_identical_tables_and_another_seed_does_not():
    a = propagate("he_uniform", "gelu", 6, 32, 32, 24, batchnorm=True)
    pd.testing.assert_frame_equal(a, propagate("he_uniform", "gelu", 6, 32, 32, 24, batchnorm=True))
    b = propagate("he_uniform", "gelu", 6, 32, 32, 25, batchnorm=True)
    assert not np.allclose(a["activation_std"], b["activation_std"])


def test_activation_objects_and_names_are_interchangeable():
    by_name = propagate("he_normal", "elu", 4, 16, 16, 26)
    by_object = propagate("he_normal", activations.get("elu"), 4, 16, 16, 26)
    pd.testing.assert_frame_equal(by_name, by_object)
    other = propagate("he_normal", activations.get("elu", alpha=0.2), 4, 16, 16, 26)
    assert not np.allclose(by_name["activation_mean"], other["activation_mean"])


def test_unknown_activation_lists_the_valid_choices():
    with pytest.raises(ValueError, match="unknown activation 'swish'") as info:
        propagate("he_normal", "swish", 2, 4, 4, 0)
    assert all(name in str(info.value) for name in activations.NAMES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, r"depth must be an integer in 1…100"),
        ({"depth": 101}, r"depth must be an integer in 1…100"),
        ({"depth": 2.0}, r"depth must be an integer"),
        ({"width": 0}, r"width must be an integer in 1…2048"),
        ({"width": True}, r"width must be an integer"),
        ({"batch": 1}, r"batch must be an integer in 2…8192"),
        ({"seed": -1}, r"seed must be an integer >= 0"),
        ({"depth": 100, "width": 2048, "batch": 200}, rf"depth·width·batch must be <= {MAX_CELLS}"),
        ({"batchnorm": "yes"}, r"batchnorm must be True or False"),
    ],
)
def test_bad_propagate_arguments_say_what_is_allowed(kwargs, message):
    args = {"depth": 3, "width": 4, "batch": 4, "seed": 0, "batchnorm": False} | kwargs
    with pytest.raises(ValueError, match=message):
        propagate("he_normal", "relu", **args)


# --- histograms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tanh", (-1.0, 1.0)),
        ("sigmoid", (0.0, 1.0)),
        ("relu", (0.0, 3.0)),
        ("linear", (-3.0, 3.0)),
        ("elu", (-1.0, 3.0)),
    ],
)
def test_histogram_range_covers_what_the_activation_can_reach(name, expected):
    lo, hi = histogram_range(name)
    assert lo == pytest.approx(expected[0], abs=1e-9)
    assert hi == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize("name", activations.NAMES)
def test_histograms_match_numpy_on_the_reference_values(name):
    act = activations.get(name)
    result = propagate_with_histograms("xavier_normal", act, 5, 32, 64, 27, bins=40)
    pd.testing.assert_frame_equal(result.table, propagate("xavier_normal", act, 5, 32, 64, 27))
    p, _ = reference_pass("xavier_normal", act, 5, 32, 64, 27)
    size = 64 * 32
    for k in range(5):
        counts = np.histogram(p.h[k + 1], bins=result.edges)[0]
        # A value within float32 rounding of an edge may fall in the neighbouring bin.
        got = result.density[k] * np.diff(result.edges) * size
        assert np.abs(got - counts).sum() <= 4
        inside = counts.sum() / size
        assert result.outside[k] == pytest.approx(1 - inside, abs=2 / size)
        grads = np.histogram(p.dh[k], bins=result.gradient_edges)[0]
        got = result.gradient_density[k] * np.diff(result.gradient_edges) * size
        assert np.abs(got - grads).sum() <= 4


def test_histogram_shapes_and_normalisation():
    result = propagate_with_histograms("he_normal", "relu", 8, 32, 32, 28, bins=25)
    assert result.edges.shape == (26,)
    assert result.density.shape == (8, 25)
    assert result.gradient_density.shape == (8, 25)
    assert result.gradient_edges[0] == GRADIENT_RANGE[0]
    mass = (result.density * np.diff(result.edges)).sum(axis=1)
    np.testing.assert_allclose(mass, 1 - result.outside, atol=1e-12)
    assert np.all(result.density >= 0)


def test_small_tanh_init_collapses_to_zero_and_large_init_piles_up_at_the_ends():
    small = propagate_with_histograms("small_normal", "tanh", 10, 128, 128, 29, bins=51)
    centre = np.searchsorted(small.edges, 0.0, side="right") - 1  # the bin holding 0
    assert small.edges[centre] < 0 < small.edges[centre + 1]
    assert small.density[-1][centre] * np.diff(small.edges)[centre] > 0.99
    large = propagate_with_histograms("standard_normal", "tanh", 10, 128, 128, 29, bins=51)
    ends = large.density[-1][[0, -1]] * np.diff(large.edges)[[0, -1]]
    assert ends.sum() > 0.6


def test_far_regime_histogram_keeps_elus_negative_floor():
    # Past 2^100 the scaled h cannot hold ELU's −α next to 2^100; the histogram must still
    # show the negative half at −α, exactly as the float64 values have it.
    act = activations.get("elu")
    result = propagate_with_histograms("standard_normal", act, 60, 32, 50, 30, bins=20)
    p, _ = reference_pass("standard_normal", act, 60, 32, 50, 30)
    counts = np.histogram(p.h[-1], bins=result.edges)[0]
    got = result.density[-1] * np.diff(result.edges) * p.h[-1].size
    np.testing.assert_allclose(got, counts, atol=0.5)
    assert counts[0] > 0.3 * p.h[-1].size


# --- predicted_std --------------------------------------------------------------------------


@HYPOTHESIS
@given(scheme=st.sampled_from(NONZERO), depth=st.integers(1, 40), width=st.integers(1, 2048))
def test_prediction_for_linear_is_the_closed_form(scheme, depth, width):
    table = predicted_std(scheme, "linear", depth, width)
    gain = math.sqrt(width) * std(scheme, width, width)
    layers = np.arange(1, depth + 1)
    np.testing.assert_allclose(table["activation_std"], gain**layers, rtol=1e-9)
    np.testing.assert_allclose(table["preactivation_std"], gain**layers, rtol=1e-9)
    np.testing.assert_allclose(table["gradient_std"], gain ** (depth - layers), rtol=1e-9)
    assert (table["activation_mean"] == 0).all()


def test_prediction_for_he_relu_keeps_the_second_moment():
    table = predicted_std("he_normal", "relu", 30, 300, batch=10)
    np.testing.assert_allclose(table["preactivation_std"], math.sqrt(2), rtol=1e-9)
    # E[relu(z)²] = q/2 = 1 and E[relu(z)] = √(q/2π) for q = 2.
    mean = math.sqrt(2 / (2 * math.pi))
    np.testing.assert_allclose(table["activation_mean"], mean, rtol=1e-6)
    np.testing.assert_allclose(table["activation_std"], math.sqrt(1 - mean**2), rtol=1e-6)
    np.testing.assert_allclose(table["gradient_std"], 1.0, rtol=1e-6)
    # √(batch·E[h²]·E[f'²]·E[g²]) with E[h_0²] = 1 and E[h²] = 1 after.
    np.testing.assert_allclose(table["weight_gradient_std"], math.sqrt(10 * 0.5), rtol=1e-6)


def test_prediction_for_tanh_with_small_weights_uses_unit_gain_near_zero():
    table = predicted_std("small_normal", "tanh", 20, 256)
    ratio = table["activation_std"].to_numpy()[1:] / table["activation_std"].to_numpy()[:-1]
    np.testing.assert_allclose(ratio[5:], math.sqrt(256) * 0.01, rtol=1e-4)


def test_prediction_for_zero_weights():
    table = predicted_std("zeros", "sigmoid", 4, 8, batch=8)
    np.testing.assert_allclose(table["activation_mean"], 0.5, rtol=1e-12)
    assert (table["activation_std"] == 0).all()
    np.testing.assert_array_equal(table["gradient_std"], [0, 0, 0, 1])
    assert (table["weight_gradient_std"].iloc[:-1] == 0).all()
    assert table["weight_gradient_std"].iloc[-1] > 0


def test_prediction_has_weight_gradients_only_with_a_batch():
    assert "weight_gradient_std" not in predicted_std("he_normal", "relu", 3, 8)
    assert "weight_gradient_std" in predicted_std("he_normal", "relu", 3, 8, batch=4)


@pytest.mark.parametrize(
    ("scheme", "name", "tolerance"),
    [
        ("lecun_normal", "linear", 0.05),
        ("xavier_normal", "tanh", 0.05),
        ("lecun_normal", "selu", 0.05),
        ("he_normal", "relu", 0.25),  # ReLU nets scatter most between realisations
        ("he_uniform", "gelu", 0.25),
    ],
)
def test_prediction_agrees_with_a_wide_network(scheme, name, tolerance):
    table = propagate(scheme, name, 10, 512, 512, 31, weight_gradients=True)
    predicted = predicted_std(scheme, name, 10, 512, batch=512)
    for column in ("activation_std", "preactivation_std", "gradient_std", "weight_gradient_std"):
        ratio = table[column] / predicted[column]
        assert ratio.between(1 - tolerance, 1 + tolerance).all(), column


def test_prediction_stays_finite_at_the_extremes():
    table = predicted_std("standard_normal", "linear", 100, 2048, batch=8192)
    values = table.drop(columns="layer").to_numpy()
    assert np.all(np.isfinite(values))
    assert values.max() <= VALUE_CEILING


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
        ({"depth": 0}, "depth must be an integer in 1…50"),
        ({"width": 257}, "width must be an integer in 1…256"),
        ({"steps": -1}, "steps must be an integer in 0…5000"),
        ({"lr": 0.0}, r"lr must be a real number in \(0, 100\]"),
        ({"lr": float("nan")}, "lr must be a real number"),
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
    with pytest.raises(ValueError, match="n must be an integer >= 4"):
        make(n=2)
    with pytest.raises(ValueError, match=r"noise must be a real number in \[0, 10\]"):
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
    with pytest.raises(ValueError, match="layer must be an integer in 1…9"):
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


# --- lessons the page states, on the data its charts are drawn from -------------------------
# The page's defaults: tanh, 15 layers of 256, a batch of 256, seed 0; training 20 × 32, 200
# steps, lr 0.05.


def per_layer(values) -> float:
    """The geometric mean of l+1 / l over the layers: the factor per layer."""
    return float(np.exp(np.mean(np.diff(np.log(np.asarray(values, dtype=float))))))


def test_lesson_standard_normal_tanh_saturates_yet_its_gradient_explodes_backward():
    # histograms_tanh_gradient.md, takeaways.md: most units saturated, a typical one at
    # |z| ≈ 10 with f' ≈ 1e-8, but the gradient grows by √(n E[f'²]) ≈ 2.9 per layer backward.
    t = propagate("standard_normal", "tanh", 15, 256, 256, 0)
    assert t["saturated_fraction"].min() > 0.85
    typical = 0.6745 * t["preactivation_std"].to_numpy()  # median |z| of a centred normal
    assert np.all((typical > 9) & (typical < 12))
    assert np.all(1 - np.tanh(typical) ** 2 < 1e-7)
    backward = 1 / per_layer(t["gradient_std"])
    assert 2.6 < backward < 3.3
    z = np.linspace(-200, 200, 400_001)
    density = np.exp(-0.5 * (z / 16) ** 2) / (16 * np.sqrt(2 * np.pi))
    expected = np.sqrt(256 * np.sum((1 - np.tanh(z) ** 2) ** 2 * density) * (z[1] - z[0]))
    assert backward == pytest.approx(expected, rel=0.1)
    assert t["gradient_std"].iloc[0] > 1e6  # the table's "gradient std, layer 1"


def test_lesson_small_normal_tanh_shrinks_by_sqrt_n_times_001_both_ways():
    t = propagate("small_normal", "tanh", 15, 256, 256, 0)
    assert per_layer(t["activation_std"]) == pytest.approx(0.16, rel=0.05)
    assert 1 / per_layer(t["gradient_std"]) == pytest.approx(0.16, rel=0.05)
    assert t["activation_std"].iloc[-1] < 1e-10
    assert t["gradient_std"].iloc[0] < 1e-10


def test_lesson_xavier_tanh_keeps_a_wide_slowly_narrowing_distribution():
    t = propagate("xavier_normal", "tanh", 15, 256, 256, 0)
    std = t["activation_std"].to_numpy()
    assert std[-1] > 0.15
    assert np.all(np.diff(std) < 0)
    assert 0.85 < 1 / per_layer(t["gradient_std"]) < 1.0  # backward factor close to 1


@pytest.mark.parametrize(
    ("scheme", "factor"),
    [("xavier_normal", 1 / math.sqrt(2)), ("he_normal", 1.0), ("standard_normal", math.sqrt(128)),
     ("small_normal", 0.01 * math.sqrt(128))],
)  # fmt: skip
def test_lesson_relu_multiplies_std_by_sqrt_n_var_w_over_2_forward_and_backward(scheme, factor):
    # histograms_relu*.md, variance.md, the ReLU preset: Xavier loses 1/√2 a layer, He keeps it.
    t = propagate(scheme, "relu", 30, 256, 256, 0)
    assert per_layer(t["activation_std"]) == pytest.approx(factor, rel=0.05)
    assert 1 / per_layer(t["gradient_std"]) == pytest.approx(factor, rel=0.05)
    assert t["dead_fraction"].mean() == pytest.approx(0.5, abs=0.02)  # f' = 0 for about half


def test_lesson_batchnorm_rescues_bad_inits_and_makes_xavier_and_he_coincide():
    # batchnorm.md and the BN preset: healthy distributions and surviving gradients at every
    # depth for 0.01·N and N(0, 1); Xavier and He normal coincide; with ReLU at depth 30 the
    # gradient still grows toward the input.
    for scheme in ("small_normal", "standard_normal"):
        t = propagate(scheme, "tanh", 15, 256, 256, 0, True)
        assert t["activation_std"].between(0.5, 0.7).all()
        assert 1 < t["gradient_std"].iloc[0] < 10
    a = propagate("xavier_normal", "relu", 30, 256, 256, 0, True)
    b = propagate("he_normal", "relu", 30, 256, 256, 0, True)
    np.testing.assert_allclose(a["activation_std"], b["activation_std"], rtol=1e-3)
    np.testing.assert_allclose(a["gradient_std"], b["gradient_std"], rtol=2e-3)  # ε
    assert a["gradient_std"].iloc[0] > 100 * a["gradient_std"].iloc[-1]


def test_lesson_batchnorm_makes_the_network_far_less_sensitive_to_its_init():
    schemes = ("small_normal", "standard_normal", "xavier_normal", "he_normal")
    spread = {
        bn: np.ptp(
            [np.log10(propagate(s, "tanh", 15, 256, 256, 0, bn)["gradient_std"].iloc[0])
             for s in schemes]
        )
        for bn in (False, True)
    }  # fmt: skip
    assert spread[False] > 15
    assert spread[True] < 0.01


def test_lesson_flat_loss_of_log_2_with_accuracy_set_by_chance():
    # training.md and init.train_flat: at the defaults 0.01·N(0, 1)'s outputs are 0.5 to
    # ~27 decimals (loss log 2), yet their signs sort 87 % of the points; training never moves
    # that share, and another seed gives another one.
    run = train_deep("small_normal", "tanh", 20, 32, 200, 0.05, 0)
    np.testing.assert_allclose(run.loss, math.log(2), atol=1e-7)
    assert 0 < run.margin < 1e-20
    assert run.accuracy[0] == run.accuracy[-1] == pytest.approx(0.87)
    shares = {
        train_deep("small_normal", "tanh", 20, 32, 200, 0.05, s).accuracy[-1] for s in range(4)
    }
    assert min(shares) < 0.5 < max(shares)


def test_lesson_training_at_the_defaults():
    # training.md: N(0, 1)'s first steps are erratic; at 5 layers it trains well while 0.01·N
    # stays flat; with BatchNorm all three default schemes train.
    erratic = train_deep("standard_normal", "tanh", 20, 32, 200, 0.05, 0).loss[:10]
    assert (np.diff(erratic) > 0).sum() >= 3
    assert train_deep("standard_normal", "tanh", 5, 32, 200, 0.05, 0).loss[-1] < 0.1
    flat = train_deep("small_normal", "tanh", 5, 32, 200, 0.05, 0)
    assert abs(flat.loss[-1] - math.log(2)) < 1e-4
    for scheme in ("small_normal", "standard_normal", "xavier_normal"):
        run = train_deep(scheme, "tanh", 20, 32, 200, 0.05, 0, batchnorm=True)
        assert run.loss[-1] < 0.4, scheme
        plain = train_deep(scheme, "tanh", 20, 32, 200, 0.05, 0)
        assert run.loss[-1] < plain.loss[-1], scheme


def test_lesson_the_tanh_preset_vanishes_saturates_and_keeps():
    # init.preset.tanh_help: at 15 tanh layers activations vanish (0.01·N), saturate (N(0, 1))
    # or keep their scale (Xavier).
    small, large, xavier = (propagate(s, "tanh", 15, 256, 256, 0) for s in (
        "small_normal", "standard_normal", "xavier_normal"))  # fmt: skip
    assert small["activation_std"].iloc[-1] < 1e-10
    assert large["saturated_fraction"].iloc[-1] > 0.85
    assert xavier["activation_std"].iloc[-1] > 0.15
    assert xavier["saturated_fraction"].iloc[-1] == 0


def test_lesson_a_bounded_activation_piles_up_at_the_ends_with_large_weights():
    # histograms_other.md: sigmoid with N(0, 1) puts most values at 0 or 1.
    t = propagate("standard_normal", "sigmoid", 15, 256, 256, 0)
    assert t["saturated_fraction"].min() > 0.7
    assert t["activation_std"].iloc[-1] > 0.4  # ~half at 0, half at 1


def test_lesson_pytorch_linear_default_is_a_third_of_lecuns_variance():
    # table.md: nn.Linear's U(−1/√n, 1/√n) against LeCun's σ² = 1/n.
    n = 256
    assert (1 / math.sqrt(n)) ** 2 / 3 == pytest.approx(std("lecun_uniform", n, n) ** 2 / 3)
    assert bound("lecun_uniform", n, n) == pytest.approx(math.sqrt(3) * std("lecun_normal", n, n))


@pytest.mark.parametrize("name", ["tanh", "relu", "linear"])
def test_lesson_batchnorm_rescues_both_bad_inits_whatever_the_activation(name):
    # batchnorm.md: whether they vanish, saturate or explode without BN, with BN 0.01·N and
    # N(0, 1) keep a healthy scale at every depth.
    for scheme in ("small_normal", "standard_normal"):
        t = propagate(scheme, name, 15, 256, 256, 0, True)
        assert t["activation_std"].between(0.3, 3).all(), (scheme, name)


def test_lesson_home_card_activations_vanish_or_explode_with_a_bad_init():
    # home.initialization_question: the page shows both, at its own settings.
    assert propagate("small_normal", "tanh", 15, 256, 256, 0)["activation_std"].iloc[-1] < 1e-10
    assert propagate("standard_normal", "relu", 15, 256, 256, 0)["activation_std"].iloc[-1] > 1e10
    # home.initialization_summary: zero, small, LeCun, Xavier and He are all offered.
    for prefix in ("zeros", "small_", "lecun_", "xavier_", "he_"):
        assert any(s.startswith(prefix) for s in SCHEMES)
